/**
 * Golden cases of the typed API adapters as data (test/adapters/golden/<family>.yaml): a request in the
 * scenario form (src/cli/scenario.ts) and what writ must read from it, and decide under the default pack.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { scenarioCheckRequest, type ScenarioRequest } from '../../src/cli/scenario.js';
import { mapCheckRequest } from '../../src/extauthz/map-request.js';
import type { RawRequest } from '../../src/pipeline/model/raw-request.js';

/** What a golden case must read; fields left out are not checked. */
export interface GoldenExpect {
  readonly adapter: string;
  readonly operation: string;
  /** The API's operation id; null: none (an operation the API does not define). */
  readonly api_operation?: string | null;
  readonly kind?: string | null;
  readonly owner?: string | null;
  readonly id?: string | null;
  readonly environment?: string | null;
  readonly recipients?: readonly string[];
  readonly external_recipient_domains?: readonly string[];
  readonly amount?: number | null;
  readonly currency?: string | null;
  /** The decision under the default pack, and rules that must be among its reasons. */
  readonly decision?: string;
  readonly rules_include?: readonly string[];
}

export interface GoldenCase {
  readonly name: string;
  readonly request: ScenarioRequest;
  /** When the request is decided (ISO time); default Monday 2026-01-05 10:00 UTC (business hours in Berlin). */
  readonly at?: string;
  readonly expect: GoldenExpect;
}

export interface GoldenFile {
  /** The family id the file is for (`github-rest`); the file is `<family>.yaml`. */
  readonly family: string;
  readonly cases: readonly GoldenCase[];
}

export const GOLDEN_DIR = join(import.meta.dirname, 'golden');

/** Every golden file, sorted by name. */
export function loadGoldenFiles(dir = GOLDEN_DIR): GoldenFile[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.yaml'))
    .sort()
    .map((f) => {
      const file = parse(readFileSync(join(dir, f), 'utf8')) as GoldenFile;
      if (`${file.family}.yaml` !== f) throw new Error(`golden file ${f} names family "${file.family}"`);
      return file;
    });
}

/** The decision time of a case. */
export const goldenTime = (c: GoldenCase): number =>
  c.at === undefined ? Date.UTC(2026, 0, 5, 10, 0, 0) : Date.parse(c.at);

/** The raw request of a case, as the check transport hands it to the pipeline. */
export function goldenRaw(c: GoldenCase): RawRequest {
  const mapped = mapCheckRequest(scenarioCheckRequest(c.request), 'check', goldenTime(c), () => 'golden');
  if (!mapped.ok) throw new Error(`golden case "${c.name}" does not map to a request`);
  return mapped.raw;
}
