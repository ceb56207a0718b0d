/** Helpers shared by the deployment tests: read multi-document YAML into labelled manifests. */
import { readFileSync } from 'node:fs';
import { parseAllDocuments } from 'yaml';
import type { Manifest } from './k8s-validate.js';

/** Parses every non-empty document of a YAML stream; a syntax error throws with the label. */
export function parseManifests(text: string, label: string): Manifest[] {
  const out: Manifest[] = [];
  parseAllDocuments(text).forEach((d, i) => {
    if (d.errors.length > 0) throw new Error(`${label}#${i}: ${d.errors[0]!.message}`);
    const doc: unknown = d.toJS();
    if (doc === null || doc === undefined) return;
    const meta = (doc as { metadata?: { name?: string } }).metadata;
    const kind = String((doc as { kind?: string }).kind);
    out.push({ label: `${label}#${i} ${kind}/${meta?.name ?? '?'}`, doc: doc as Record<string, unknown> });
  });
  return out;
}

/** Reads a YAML file into manifests labelled with its path. */
export function readManifests(file: string, label: string): Manifest[] {
  return parseManifests(readFileSync(file, 'utf8'), label);
}

/** A document read from YAML: tests walk it freely and assert on what they find. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Loose = any;

/** The manifests of one kind. */
export function ofKind(manifests: readonly Manifest[], kind: string): Record<string, Loose>[] {
  return manifests.filter((m) => m.doc.kind === kind).map((m) => m.doc);
}
