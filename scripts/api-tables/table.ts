/** One generated table: its file name under src/pipeline/normalize/adapters/generated/ and its text. */
export interface ApiTable {
  readonly file: string;
  render(): string;
  /**
   * False when the source is not installed (a package too large to be a dependency, installed only to
   * regenerate): the committed table is then left as it is, and the check says it was not compared.
   */
  sourceAvailable?(): boolean;
}

/** A string as a TypeScript literal. */
export const lit = (s: string): string => JSON.stringify(s);
