/** One generated table: its file name under src/pipeline/normalize/adapters/generated/ and its text. */
export interface ApiTable {
  readonly file: string;
  render(): string;
}

/** A string as a TypeScript literal. */
export const lit = (s: string): string => JSON.stringify(s);
