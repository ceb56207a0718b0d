/**
 * Probe: sends issue 15's F2, F3 and request-shape hostile calls over real gRPC to a writ running the default
 * pack, and counts how many were allowed (an OK with an execution token). `npx tsx scripts/probe-readings.ts`.
 */
import { responseHeader, structField } from '../src/cli/check-client.js';
import { hostileCalls, type HostileClass } from '../test/support/hostile-readings.js';
import { startTestWrit } from '../test/support/writ-server.js';

const t = await startTestWrit();
const allowed = new Map<HostileClass, string[]>();
const total = new Map<HostileClass, number>();
const codes = new Map<string, number>();
try {
  for (const call of hostileCalls()) {
    total.set(call.cls, (total.get(call.cls) ?? 0) + 1);
    const res = await t.check.check(call.request);
    const code = String(structField(res, 'writ_code'));
    codes.set(`${call.cls} ${code}`, (codes.get(`${call.cls} ${code}`) ?? 0) + 1);
    if (res.status.code === 0 && responseHeader(res, 'x-writ-token') !== undefined) {
      const list = allowed.get(call.cls) ?? [];
      list.push(`${call.name} (${code})`);
      allowed.set(call.cls, list);
    }
  }
} finally {
  await t.stop();
}
for (const [cls, n] of total) {
  const list = allowed.get(cls) ?? [];
  console.log(`${cls}: ${list.length} of ${n} hostile calls allowed`);
  if (process.argv.includes('--list')) for (const name of list) console.log(`  ${name}`);
}
if (process.argv.includes('--codes')) for (const [k, n] of [...codes].sort()) console.log(`  ${k}: ${n}`);
