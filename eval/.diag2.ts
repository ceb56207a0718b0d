import { lineToAction } from '../src/cli/inspect.js';
import { DEFAULT_INSPECTORS, inspectAction } from '../src/pipeline/inspect/registry.js';
import { severityRank } from '../src/pipeline/model/finding.js';
import { readFileSync } from 'node:fs';
const CONFIG = { egressAllowlist: ['api.github.com'], internalDomains: ['*.svc.cluster.local', 'corp.example', 'mcp.local'], productionDatabases: ['prod'], protectedBranches: ['main'] };
const insp = DEFAULT_INSPECTORS.filter((i) => i.id === 'prompt-injection');
const split = process.argv[2] ?? 'train';
const flag = (text: string, tool = 'email.send', key = 'body') => {
  const { action, headers } = lineToAction({ tool, arguments: { [key]: text } }, 1, CONFIG as any);
  return inspectAction(action, headers, CONFIG as any, insp).findings.filter((f) => severityRank(f.severity) >= 2);
};
if (split === 'ni') {
  for (const n of ['one', 'two', 'three']) for (const p of JSON.parse(readFileSync(`/work/shared/data/notinject/NotInject_${n}.json`, 'utf8'))) {
    const a = flag(p.prompt, 'chat.ask', 'question'); const b = flag(p.prompt);
    if (a.length || b.length) console.log('FP', n, '|', p.prompt.slice(0, 200), '|', [...a, ...b].map((f) => f.id).join(','));
  }
} else if (split === 'emails') {
  for (const l of readFileSync(`/work/shared/data/bipia/benchmark/email/test.jsonl`, 'utf8').split('\n').filter(Boolean).concat(readFileSync(`/work/shared/data/bipia/benchmark/email/train.jsonl`, 'utf8').split('\n').filter(Boolean))) {
    const c = JSON.parse(l).context; const f = flag(c); if (f.length) console.log('FP email |', c.slice(0, 150).replace(/\n/g, ' '), f.map((x) => x.id + '@' + x.evidence).join(','));
  }
} else {
  for (const kind of ['text', 'code']) {
    const d = JSON.parse(readFileSync(`/work/shared/data/bipia/benchmark/${kind}_attack_${split}.json`, 'utf8')) as Record<string, string[]>;
    const em = readFileSync(`/work/shared/data/bipia/benchmark/email/${split}.jsonl`, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l).context as string);
    let i = 0;
    for (const [cat, xs] of Object.entries(d)) for (const x of xs) { i++; for (const w of [0, 1, 2]) { const e = em[(i + w) % em.length]!; const body = w === 0 ? x + '\n' + e : w === 2 ? e + '\n' + x : (() => { const mid = e.indexOf('. ', Math.floor(e.length / 2)); const at = mid === -1 ? Math.floor(e.length / 2) : mid + 2; return e.slice(0, at) + x + ' ' + e.slice(at); })(); if (flag(body).length === 0) console.log(cat, w, '|', x.slice(0, 200).replace(/\n/g, ' '), process.env.V ? JSON.stringify(body.slice(0, 300)) : ''); } }
  }
}
