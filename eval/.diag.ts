import { lineToAction } from '../src/cli/inspect.js';
import { DEFAULT_INSPECTORS, inspectAction } from '../src/pipeline/inspect/registry.js';
import { severityRank } from '../src/pipeline/model/finding.js';
import * as C from './corpora.js';
const CONFIG = { egressAllowlist: ['api.github.com'], internalDomains: ['*.svc.cluster.local', 'corp.example', 'mcp.local'], productionDatabases: ['prod'], protectedBranches: ['main'] };
const which = process.argv[2]!; const setFilter = process.argv[3] ?? ''; const mode = process.argv[4] ?? 'miss'; const max = Number(process.argv[5] ?? 40);
const sets = (C as any)[which]() as C.EvalSet[];
for (const set of sets) {
  if (!set.name.includes(setFilter)) continue;
  const insp = DEFAULT_INSPECTORS.filter((i) => i.id === set.inspector);
  let shown = 0;
  set.cases.forEach((c, i) => {
    const { action, headers } = lineToAction(c.line, i + 1, CONFIG as any);
    const { findings } = inspectAction(action, headers, CONFIG as any, insp);
    const fl = findings.filter((f) => severityRank(f.severity) >= 2 && f.inspector === set.inspector);
    const bad = c.attack ? fl.length === 0 : fl.length > 0;
    if (bad && ((mode === 'miss' && c.attack) || (mode === 'fp' && !c.attack)) && shown++ < max) {
      const args = (c.line as any).arguments ?? (c.line as any);
      console.log(c.category, '|', JSON.stringify(Object.values(args).at(-1)).slice(0, 300), '|', fl.map((f) => f.id + ':' + f.severity).join(','));
    }
  });
  console.log('=== ', set.name, shown);
}
