/**
 * What policy sees of a session's taint (dimensions `taint.*`, docs/policy.md): the records the check
 * role read for the call, merged into one view, and the reason a held call gives for it.
 */
import type { TaintRecord, TaintSource } from '../../state/store.js';

/** A session's taint as one decision sees it. */
export interface TaintFacts {
  readonly tainted: boolean;
  /** The keys the taint was found under (`session:...`, `mcp:...`, `subject:...`). */
  readonly keys: readonly string[];
  /** The reads that tainted it, oldest first, each once (a read marks several keys). */
  readonly sources: readonly TaintSource[];
  /** The servers read from, each once. */
  readonly servers: readonly string[];
  /** The tools, resources or prompts read, each once. */
  readonly tools: readonly string[];
  /** The finding ids, each once. */
  readonly findings: readonly string[];
  /** Whole seconds since the most recent tainting read; null when not tainted. */
  readonly ageSeconds: number | null;
}

/** The facts of an untainted call (shared: it is frozen). */
export const UNTAINTED: TaintFacts = Object.freeze({
  tainted: false,
  keys: Object.freeze([]),
  sources: Object.freeze([]),
  servers: Object.freeze([]),
  tools: Object.freeze([]),
  findings: Object.freeze([]),
  ageSeconds: null,
});

const distinct = (values: Iterable<string>): readonly string[] => Object.freeze([...new Set(values)]);

/** Merges the records one read found (unexpired ones: the store filters) into one view at `nowMs`. */
export function taintFacts(records: readonly TaintRecord[], nowMs: number): TaintFacts {
  if (records.length === 0) return UNTAINTED;
  const seen = new Map<string, TaintSource>();
  for (const r of records)
    for (const s of r.sources) seen.set(`${s.traceId}\n${s.at}\n${s.server}\n${s.tool}`, s);
  const sources = [...seen.values()].sort((a, b) => a.at - b.at);
  const last = sources[sources.length - 1]?.at ?? nowMs;
  return Object.freeze({
    tainted: true,
    keys: distinct(records.map((r) => r.key)),
    sources: Object.freeze(sources),
    servers: distinct(sources.map((s) => s.server)),
    tools: distinct(sources.map((s) => s.tool)),
    findings: distinct(sources.flatMap((s) => s.findings)),
    // A clock that stepped back reads as a fresh taint, never as a negative age.
    ageSeconds: Math.max(0, Math.floor((nowMs - last) / 1000)),
  });
}

/** Cut on the values an agent's reads chose (tool names, servers), so a reason stays one line. */
const MAX_REASON_PART = 120;
const cut = (s: string): string => (s.length <= MAX_REASON_PART ? s : `${s.slice(0, MAX_REASON_PART)}…`);

/**
 * Why a held call is held, naming the most recent tainting read: its tool, server, findings and time,
 * and how many other reads tainted the session.
 */
export function taintReason(facts: TaintFacts): string {
  const last = facts.sources[facts.sources.length - 1];
  if (last === undefined) return 'session not tainted';
  const more = facts.sources.length - 1;
  return (
    `session tainted: ${cut(last.method)} "${cut(last.tool)}" from ${cut(last.server)} returned ` +
    `${last.findings.map(cut).join(', ')} at ${new Date(last.at).toISOString()}` +
    (more > 0 ? ` (and ${more} earlier read${more === 1 ? '' : 's'})` : '')
  );
}
