/**
 * `node --import tsx scripts/probe-inspection-limits.ts`: issue 15 F1 probe. Sends hostile calls hidden behind
 * padding (leaves, keys, nesting, decode budget, query strings, forms) to a real writ over gRPC with the default
 * pack, and counts how many were allowed with a token. Every probe has a control (the same attack without
 * padding) that must be denied, so a probe only counts when padding is what changed the decision.
 */
import { structField, responseHeader } from '../src/cli/check-client.js';
import { scenarioCheckRequest, type ScenarioRequest } from '../src/cli/scenario.js';
import { hostileProbes } from '../test/e2e/hostile-padding.case.js';
import { startTestWrit } from '../test/support/writ-server.js';

const t = await startTestWrit();
let allowed = 0;
let controlsAllowed = 0;
const decide = async (r: ScenarioRequest, headers: Record<string, string> = {}) => {
  const res = await t.check.check(scenarioCheckRequest(r, headers));
  return {
    decision: String(structField(res, 'writ_decision')),
    code: String(structField(res, 'writ_code')),
    token: responseHeader(res, 'x-writ-token') !== undefined,
  };
};
try {
  const probes = hostileProbes();
  for (const p of probes) {
    const control = await decide(p.control);
    if (control.token) controlsAllowed++;
    const got = await decide(p.padded);
    if (got.token) allowed++;
    process.stdout.write(
      `${got.token ? 'ALLOWED' : 'denied '} ${p.name.padEnd(48)} ${got.decision} ${got.code}` +
        `  (control: ${control.decision} ${control.code})\n`,
    );
  }
  process.stdout.write(
    `\n${allowed} of ${probes.length} padded hostile calls allowed; ${controlsAllowed} controls allowed\n`,
  );
} finally {
  await t.stop();
}
