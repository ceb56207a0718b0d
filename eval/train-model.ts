/**
 * `npm run train`: trains the learned prompt-injection signal (src/pipeline/inspect/lib/injection-model.ts) on
 * the dev split only and writes its weights with their provenance to injection-model-weights.ts. Reproducible:
 * a fixed seed, a fixed holdout rule, no clock in the weights (the date is the split's, passed as TRAIN_DATE).
 *
 * Samples: every natural-language leaf (12+ characters, not a shell or SQL leaf, as the inspector sees it) of the
 * dev cases of the prompt-injection and tool-poisoning attack sets (MultiJail excluded: harmful requests, not
 * injections, and all non-English) and of every benign set. A dev unit is in the calibration holdout when
 * SHA-256("writ-holdout-v1\0" + corpus + "\0" + unit) is below 1/4; the rest trains a logistic regression
 * (class-balanced, L2, seeded SGD). Platt scaling is fitted on the holdout; the threshold is the lowest
 * probability keeping false positives at or under 1% on every benign set (its holdout cases when 40 or more,
 * else all its dev cases).
 */
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { lineToAction } from '../src/cli/inspect.js';
import { collectLeaves } from '../src/pipeline/inspect/collect-leaves.js';
import { expandLeaves } from '../src/pipeline/inspect/decode/expand-leaves.js';
import {
  INDIRECT_RULE_KINDS,
  MODEL_BUCKETS,
  spanLogit,
  spans,
  STRUCTURAL_FEATURES,
  type RuleEvidence,
} from '../src/pipeline/inspect/lib/injection-model.js';
import { isShellLeaf, isSqlLeaf } from '../src/pipeline/inspect/lib/leaf-role.js';
import { inspectAction } from '../src/pipeline/inspect/registry.js';
import { promptInjectionInspector } from '../src/pipeline/inspect/inspectors/prompt-injection.js';
import { severityRank } from '../src/pipeline/model/finding.js';
import type { EvalCase, EvalSet } from './corpora.js';
import { EVAL_CONFIG } from './score.js';
import { assertDevOnly, devSets, SPLIT_RULE } from './split.js';

const SEED = 17;
const EPOCHS = 6;
const L2 = 1e-6;
const LEARNING_RATE = 0.2;
const HOLDOUT_SHARE = 0.25;
/** The issue-17 split date: the weights carry no wall-clock time, so a re-run is byte-identical. */
const TRAIN_DATE = '2026-12-06';
const OUT = fileURLToPath(new URL('../src/pipeline/inspect/lib/injection-model-weights.ts', import.meta.url));

/** One training text: a leaf, its label, the rule evidence on it, its set and whether it is held out. */
interface Sample {
  readonly text: string;
  readonly attack: boolean;
  readonly rule: RuleEvidence;
  readonly set: string;
  readonly holdout: boolean;
  readonly caseKey: string;
  readonly lang: string;
}

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const inHoldout = (c: EvalCase) =>
  Number.parseInt(
    createHash('sha256').update(`writ-holdout-v1\0${c.corpus}\0${c.unit}`).digest('hex').slice(0, 8),
    16,
  ) /
    0x100000000 <
  HOLDOUT_SHARE;

function usable(set: EvalSet): boolean {
  if (set.informational === true) return false;
  if (set.side === 'attack')
    return (
      (set.inspector === 'prompt-injection' || set.inspector === 'tool-poisoning') &&
      !set.name.startsWith('MultiJail')
    );
  return set.benignFor === undefined || set.benignFor.includes('prompt-injection');
}

/** The natural-language leaves of a case with the rule evidence the inspector found on each. */
function samplesOf(set: EvalSet, c: EvalCase, index: number): Sample[] {
  const { action, headers } = lineToAction(c.line, index + 1, EVAL_CONFIG);
  const { findings } = inspectAction(action, headers, EVAL_CONFIG, [promptInjectionInspector]);
  const leaves = expandLeaves(collectLeaves(action, headers)).leaves;
  const out: Sample[] = [];
  const holdout = inHoldout(c);
  for (const leaf of leaves) {
    if (leaf.value.length < 12 || leaf.source !== 'arguments') continue;
    if (isShellLeaf(leaf, action) || isSqlLeaf(leaf, action)) continue;
    let rank = 0;
    let direct = false;
    for (const f of findings)
      if (f.path === leaf.path && !f.id.endsWith('.learned') && severityRank(f.severity) + 1 > rank) {
        rank = severityRank(f.severity) + 1;
        direct = !INDIRECT_RULE_KINDS.has(f.id.slice(f.id.indexOf('.') + 1));
      }
    out.push({
      text: leaf.value,
      attack: c.attack,
      rule: { rank: Math.min(4, rank), direct },
      set: set.name,
      holdout,
      caseKey: `${set.name}\0${index}`,
      lang: c.category,
    });
  }
  return out;
}

function main(): void {
  const sets = devSets().filter(usable);
  assertDevOnly(sets.flatMap((s) => s.cases));
  const samples = sets.flatMap((s) => s.cases.flatMap((c, i) => samplesOf(s, c, i)));
  const train = samples.filter((s) => !s.holdout);
  const hold = samples.filter((s) => s.holdout);
  const pos = train.filter((s) => s.attack).length;
  const neg = train.length - pos;
  const w = new Float64Array(MODEL_BUCKETS);
  const v = new Float64Array(STRUCTURAL_FEATURES.length);
  let bias = 0;
  const scratch = new Float64Array(STRUCTURAL_FEATURES.length);
  const rand = mulberry32(SEED);
  // Each training text contributes its spans (windows of long texts) as examples with the text's label.
  const examples = train.flatMap((s) => spans(s.text.length).map(([from, to]) => ({ s, from, to })));
  const order = examples.map((_, i) => i);
  const touched: number[] = [];
  for (let epoch = 0; epoch < EPOCHS; epoch++) {
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(rand() * (i + 1));
      [order[i], order[j]] = [order[j]!, order[i]!];
    }
    const lr = LEARNING_RATE / (1 + epoch);
    for (const k of order) {
      const { s, from, to } = examples[k]!;
      touched.length = 0;
      const z = spanLogit(s.text, from, to, s.rule, (b) => (touched.push(b), w[b]!), [...v], bias, scratch);
      const p = 1 / (1 + Math.exp(-z));
      const weight = s.attack ? neg / Math.max(1, pos) : 1;
      const g = (p - (s.attack ? 1 : 0)) * weight;
      const norm = 1 / Math.sqrt(Math.max(1, touched.length));
      for (const b of touched) w[b] = w[b]! - lr * (g * norm + L2 * w[b]!);
      for (let j = 0; j < v.length; j++) v[j] = v[j]! - lr * (g * scratch[j]! + L2 * v[j]!);
      bias -= lr * g;
    }
  }
  // Quantize to int8 with one scale; score with the quantized weights so calibration sees what ships.
  const maxAbs = w.reduce((m, x) => Math.max(m, Math.abs(x)), 1e-9);
  const scale = maxAbs / 127;
  const q = Int8Array.from(w, (x) => Math.round(x / scale));
  const logit = (s: Sample) =>
    Math.max(
      ...spans(s.text.length).map(([from, to]) =>
        spanLogit(s.text, from, to, s.rule, (b) => q[b]! * scale, [...v], bias, scratch),
      ),
    );
  // A case's score is its highest leaf; calibration and threshold work per case, as the eval does.
  const caseScores = (xs: Sample[]) => {
    const m = new Map<string, { z: number; attack: boolean; set: string; lang: string }>();
    for (const s of xs) {
      const z = logit(s);
      const cur = m.get(s.caseKey);
      if (cur === undefined || z > cur.z) m.set(s.caseKey, { z, attack: s.attack, set: s.set, lang: s.lang });
    }
    return [...m.values()];
  };
  const held = caseScores(hold);
  // Platt scaling: a, b minimising log loss of sigmoid(a z + b) on the holdout (Newton steps).
  let a = 1;
  let b = 0;
  for (let it = 0; it < 50; it++) {
    let ga = 0;
    let gb = 0;
    let haa = 1e-9;
    let hab = 0;
    let hbb = 1e-9;
    for (const h of held) {
      const p = 1 / (1 + Math.exp(-(a * h.z + b)));
      const y = h.attack ? 1 : 0;
      const r = p * (1 - p);
      ga += (p - y) * h.z;
      gb += p - y;
      haa += r * h.z * h.z;
      hab += r * h.z;
      hbb += r;
    }
    const det = haa * hbb - hab * hab;
    a -= (hbb * ga - hab * gb) / det;
    b -= (haa * gb - hab * ga) / det;
  }
  const prob = (z: number) => 1 / (1 + Math.exp(-(a * z + b)));
  // Threshold: at most 1% false positives on every benign set, judged on its holdout cases when it has 40 or
  // more there, else on all its dev cases (a small set has too few held-out cases to say anything alone).
  const everyDev = caseScores(samples.filter((s) => !s.attack));
  const benignSets = new Map<string, number[]>();
  for (const h of held) if (!h.attack) benignSets.set(h.set, [...(benignSets.get(h.set) ?? []), prob(h.z)]);
  let threshold = 0.5;
  for (const [name, heldOut] of benignSets) {
    const ps = heldOut.length >= 40 ? heldOut : everyDev.filter((h) => h.set === name).map((h) => prob(h.z));
    const sorted = [...ps].sort((x, y) => y - x);
    const allowed = Math.floor(0.01 * ps.length);
    const above = sorted[allowed] ?? 0;
    threshold = Math.max(threshold, Math.min(0.999, above + 1e-6));
  }
  const attacks = held.filter((h) => h.attack);
  const benign = held.filter((h) => !h.attack);
  const recall = attacks.filter((h) => prob(h.z) >= threshold).length / Math.max(1, attacks.length);
  const perSet = Object.fromEntries(
    [...benignSets.entries()].map(([k, ps]) => [
      k,
      { cases: ps.length, fp: +(ps.filter((p) => p >= threshold).length / ps.length).toFixed(4) },
    ]),
  );
  const langs = new Map<string, { n: number; fp: number }>();
  for (const h of benign.filter((x) => x.set.startsWith('tldr-pages-multilingual'))) {
    const l = langs.get(h.lang) ?? { n: 0, fp: 0 };
    l.n++;
    if (prob(h.z) >= threshold) l.fp++;
    langs.set(h.lang, l);
  }
  const provenance = {
    trainedBy: 'npm run train (eval/train-model.ts)',
    date: TRAIN_DATE,
    seed: SEED,
    split: SPLIT_RULE,
    data: 'dev split only; attacks: prompt-injection and tool-poisoning attack sets except MultiJail; benign: every benign set scored for prompt-injection',
    corpora: [...new Set(sets.flatMap((s) => s.cases.map((c) => c.corpus)))].sort(),
    holdout: `units with SHA-256("writ-holdout-v1\\0" + corpus + "\\0" + unit) < ${HOLDOUT_SHARE} of the range`,
    features: `char ${'3-5'}-grams hashed into ${MODEL_BUCKETS} buckets (sum / sqrt(count)), structural: ${STRUCTURAL_FEATURES.join(', ')}`,
    model: `logistic regression, ${EPOCHS} epochs SGD, learning rate ${LEARNING_RATE}/(1+epoch), L2 ${L2}, class-balanced; int8 weights`,
    trainingLeaves: { attack: pos, benign: neg },
    devHoldout: {
      attackCases: attacks.length,
      benignCases: benign.length,
      recallAtThreshold: +recall.toFixed(4),
      falsePositivesBySet: perSet,
      falsePositivesByLanguage: Object.fromEntries(
        [...langs.entries()].sort().map(([k, l]) => [k, `${l.fp}/${l.n}`]),
      ),
    },
  };
  const file = [
    "/** The learned prompt-injection model's weights and provenance: generated by `npm run train`, do not edit. */",
    `export const INJECTION_MODEL = ${JSON.stringify(
      {
        provenance,
        ngramScale: scale,
        ngramWeightsBase64: Buffer.from(q.buffer).toString('base64'),
        structuralWeights: [...v].map((x) => +x.toFixed(6)),
        bias: +bias.toFixed(6),
        platt: { a: +a.toFixed(6), b: +b.toFixed(6) },
        threshold: +threshold.toFixed(6),
      },
      null,
      2,
    )} as const;`,
    '',
  ].join('\n');
  writeFileSync(OUT, file);
  process.stdout.write(`${JSON.stringify(provenance, null, 2)}\nthreshold ${threshold.toFixed(4)}\n`);
}

main();
