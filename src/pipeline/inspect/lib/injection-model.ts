/**
 * The learned prompt-injection signal: hashed character n-grams plus structural features (including what the
 * rules found) into a logistic model, Platt-calibrated. Plain TypeScript, weights from a committed data module
 * (injection-model-weights.ts, made by `npm run train` on dev splits only); nothing is loaded at run time.
 */
import { INJECTION_MODEL } from './injection-model-weights.js';

/** Hash buckets for the n-grams (a power of two). */
export const MODEL_BUCKETS = 1 << 15;
const MASK = MODEL_BUCKETS - 1;
/** Character n-gram lengths hashed. */
const MIN_N = 3;
const MAX_N = 5;
/** Texts up to this many UTF-16 units are scored whole; longer ones in windows of WINDOW, WINDOW/2 apart. */
export const WHOLE_MAX = 1536;
export const WINDOW = 1024;

/** Names of the structural features, in model order. */
export const STRUCTURAL_FEATURES = [
  'rule-severity',
  'rule-direct',
  'rule-indirect',
  'log-length',
  'upper-ratio',
  'non-ascii-ratio',
  'second-person',
  'url',
  'email-address',
  'role-markup',
  'invisible',
  'question-ratio',
] as const;

/** Rule kinds that judge content handed to the reader; the others judge text addressed to the model itself. */
export const INDIRECT_RULE_KINDS: ReadonlySet<string> = new Set([
  'indirect-code',
  'output-coercion',
  'indirect-instruction',
]);

/** The rule verdict on a text, as a feature: severity rank 0 (none) to 4, and whether it was direct or indirect. */
export interface RuleEvidence {
  readonly rank: number;
  readonly direct: boolean;
}

const URL_RE = /\bhttps?:\/\/|\bwww\./i;
const EMAIL_RE = /[a-z0-9._%+-]{1,64}@[a-z0-9-]{1,63}\.[a-z]{2,}/i;
const ROLE_RE = /<\|[a-z_]{2,20}\|>|\[\/?inst\]|<<\/?sys>>|^\s{0,4}(?:system|assistant|user)\s{0,2}:/im;
const SECOND_PERSON = /\b(?:you|your|yourself)\b/gi;
const INVISIBLE = /[\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff]|\udb40[\udc00-\udc7f]/;

/**
 * Structural features (same order as STRUCTURAL_FEATURES) into `out`: all of the whole text, except the length,
 * which is the scored span's, so a window of a long text reads as long as it is.
 */
export function structuralFeatures(
  text: string,
  spanLength: number,
  rule: RuleEvidence,
  out: Float64Array,
): void {
  const n = Math.max(1, text.length);
  let upper = 0;
  let nonAscii = 0;
  let question = 0;
  // PERF: ROLE_RE cannot match without a `<`, `[` or `:`, nor INVISIBLE without a character outside ASCII.
  let markup = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 65 && c <= 90) upper++;
    else if (c > 127) nonAscii++;
    else if (c === 63) question++;
    else if (c === 60 || c === 91 || c === 58) markup = true;
  }
  const words = Math.max(1, text.length / 6);
  SECOND_PERSON.lastIndex = 0;
  let you = 0;
  while (you < 64 && SECOND_PERSON.exec(text) !== null) you++;
  out[0] = rule.rank / 4;
  out[1] = rule.rank > 0 && rule.direct ? 1 : 0;
  out[2] = rule.rank > 0 && !rule.direct ? 1 : 0;
  out[3] = Math.log1p(spanLength) / 10;
  out[4] = upper / n;
  out[5] = nonAscii / n;
  out[6] = Math.min(1, (10 * you) / words);
  out[7] = (text.includes('://') || text.includes('www.')) && URL_RE.test(text) ? 1 : 0;
  // PERF: the address pattern backtracks up to 64 characters at every position; most texts have no `@`.
  out[8] = text.includes('@') && EMAIL_RE.test(text) ? 1 : 0;
  out[9] = markup && ROLE_RE.test(text) ? 1 : 0;
  out[10] = nonAscii > 0 && INVISIBLE.test(text) ? 1 : 0;
  out[11] = Math.min(1, (20 * question) / n);
}

const FNV_OFFSET = 0x811c9dc5 | 0;
const FNV_PRIME = 16777619;
/** Per-length salts, so a 3-gram and the 4-gram that extends it land in unrelated buckets. */
const SALT = Int32Array.from({ length: MAX_N }, (_, k) => Math.imul(k, 0x9e3779b1));

/**
 * Calls `visit(bucket)` for every character 3- to 5-gram starting in `text[from, to)` and ending before `to`,
 * after ASCII lower-casing (FNV-1a over UTF-16 units, salted by length); returns how many it visited. The
 * trainer uses this; inference runs the same arithmetic inline (`ngramSums`).
 */
export function visitNgrams(text: string, from: number, to: number, visit: (bucket: number) => void): number {
  let count = 0;
  for (let i = from; i + MIN_N <= to; i++) {
    let h = FNV_OFFSET;
    const lim = Math.min(MAX_N, to - i);
    for (let k = 0; k < lim; k++) {
      let c = text.charCodeAt(i + k);
      if (c >= 65 && c <= 90) c += 32;
      h = Math.imul(h ^ c, FNV_PRIME);
      if (k + 1 >= MIN_N) {
        visit((h ^ SALT[k]!) & MASK);
        count++;
      }
    }
  }
  return count;
}

/** The structural part of the logit (with bias) for a span of the given length. */
function structuralLogit(
  text: string,
  spanLength: number,
  rule: RuleEvidence,
  structural: readonly number[],
  bias: number,
  scratch: Float64Array,
): number {
  structuralFeatures(text, spanLength, rule, scratch);
  let z = bias;
  for (let j = 0; j < structural.length; j++) z += structural[j]! * scratch[j]!;
  return z;
}

/** The raw logit of one span with given weights (the trainer's path; inference computes the same faster). */
export function spanLogit(
  text: string,
  from: number,
  to: number,
  rule: RuleEvidence,
  ngram: (bucket: number) => number,
  structural: readonly number[],
  bias: number,
  scratch: Float64Array,
): number {
  let sum = 0;
  const count = visitNgrams(text, from, to, (b) => {
    sum += ngram(b);
  });
  return (
    structuralLogit(text, to - from, rule, structural, bias, scratch) +
    (count > 0 ? sum / Math.sqrt(count) : 0)
  );
}

/** The spans a text is scored on: the whole text when short, else overlapping windows. */
export function spans(length: number): Array<[number, number]> {
  if (length <= WHOLE_MAX) return [[0, length]];
  const out: Array<[number, number]> = [];
  for (let from = 0; from < length; from += WINDOW / 2) {
    out.push([from, Math.min(length, from + WINDOW)]);
    if (from + WINDOW >= length) break;
  }
  return out;
}

/**
 * The n-gram weights as the trainer quantized them (int8; the weight is `ngramScale` times it). PERF: 32 KiB,
 * so the table stays in the L1 cache where a Float32 copy (128 KiB) did not; sums are exact integers, scaled
 * once per span, as the trainer computes them (`eval/train-model.ts`).
 */
const QUANTIZED = Int8Array.from(
  Buffer.from(INJECTION_MODEL.ngramWeightsBase64, 'base64'),
  (b) => (b << 24) >> 24,
);
const SCALE = INJECTION_MODEL.ngramScale;
const HAS_WEIGHTS = QUANTIZED.length === MODEL_BUCKETS;
const LENGTH_FEATURE = STRUCTURAL_FEATURES.indexOf('log-length');

/** ASCII lower-casing of one UTF-16 unit, as `visitNgrams` does it. */
function lower(c: number): number {
  return c >= 65 && c <= 90 ? c + 32 : c;
}

/**
 * The summed quantized weight of the n-grams that start at each position of `text[0, n)` and end by `n`, into
 * `sums[i]` when `sums` is given; returns the total. PERF: one pass over the text, the five units an n-gram can
 * span kept in locals (no lower-cased copy, no strings); the same hashes as `visitNgrams`.
 */
function ngramSums(text: string, sums: Int32Array | null): number {
  const n = text.length;
  const s3 = SALT[2]!;
  const s4 = SALT[3]!;
  const s5 = SALT[4]!;
  let total = 0;
  let c1 = n > 0 ? lower(text.charCodeAt(0)) : 0;
  let c2 = n > 1 ? lower(text.charCodeAt(1)) : 0;
  let c3 = n > 2 ? lower(text.charCodeAt(2)) : 0;
  let c4 = n > 3 ? lower(text.charCodeAt(3)) : 0;
  for (let i = 0; i + MIN_N <= n; i++) {
    const c5 = i + 4 < n ? lower(text.charCodeAt(i + 4)) : 0;
    let h = Math.imul(FNV_OFFSET ^ c1, FNV_PRIME);
    h = Math.imul(h ^ c2, FNV_PRIME);
    h = Math.imul(h ^ c3, FNV_PRIME);
    let s = QUANTIZED[(h ^ s3) & MASK]!;
    if (i + 4 <= n) {
      h = Math.imul(h ^ c4, FNV_PRIME);
      s += QUANTIZED[(h ^ s4) & MASK]!;
      if (i + 5 <= n) {
        h = Math.imul(h ^ c5, FNV_PRIME);
        s += QUANTIZED[(h ^ s5) & MASK]!;
      }
    }
    if (sums !== null) sums[i] = s;
    total += s;
    c1 = c2;
    c2 = c3;
    c3 = c4;
    c4 = c5;
  }
  return total;
}

/** How many n-grams start in a span of `len` units and end inside it (3 per start, fewer at the end). */
function ngramCount(len: number): number {
  return len < MIN_N ? 0 : len === MIN_N ? 1 : len === MIN_N + 1 ? 3 : 3 * len - 9;
}

/**
 * The calibrated probability that a text is a prompt injection: the highest over its spans. Windowed spans
 * count the n-grams that start and end inside them, exactly as `spanLogit` does.
 */
export function injectionProbability(text: string, rule: RuleEvidence): number {
  if (!HAS_WEIGHTS) return 0;
  const n = text.length;
  // Structural features are the whole text's but for the span length: computed once, the length added per span.
  const w = INJECTION_MODEL.structuralWeights;
  // Per call (a few dozen doubles): a shared scratch buffer would be module state every pipeline writes.
  const scratch = new Float64Array(STRUCTURAL_FEATURES.length);
  structuralFeatures(text, 0, rule, scratch);
  let base = INJECTION_MODEL.bias;
  for (let j = 0; j < w.length; j++) if (j !== LENGTH_FEATURE) base += w[j]! * scratch[j]!;
  const spanLogitOf = (len: number, sum: number) => {
    const count = ngramCount(len);
    return (
      base + w[LENGTH_FEATURE]! * (Math.log1p(len) / 10) + (count > 0 ? (SCALE * sum) / Math.sqrt(count) : 0)
    );
  };
  let best: number;
  // PERF: a text scored whole needs only its total, no per-position array.
  if (n <= WHOLE_MAX) best = spanLogitOf(n, ngramSums(text, null));
  else {
    const sums = new Int32Array(n);
    ngramSums(text, sums);
    best = -Infinity;
    for (const [from, to] of spans(n)) {
      let sum = 0;
      // N-grams that start in the span but run past its end are not the span's: stop MAX_N - 1 early and add
      // the shorter ones that still fit.
      const fullEnd = Math.max(from, to - MAX_N + 1);
      for (let i = from; i < fullEnd; i++) sum += sums[i]!;
      if (fullEnd < to)
        visitNgrams(text, fullEnd, to, (bucket) => {
          sum += QUANTIZED[bucket]!;
        });
      const z = spanLogitOf(to - from, sum);
      if (z > best) best = z;
    }
  }
  const { a, b } = INJECTION_MODEL.platt;
  return 1 / (1 + Math.exp(-(a * best + b)));
}

/** The probability at or above which the model reports a finding (chosen on dev, see the weights' provenance). */
export const INJECTION_MODEL_THRESHOLD: number = INJECTION_MODEL.threshold;
