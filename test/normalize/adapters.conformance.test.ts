/**
 * Runs the shared adapter conformance suite against every registered adapter; a typed API family runs it on
 * its golden requests and the hostile calls sent to its own host, then the family suite (property tests).
 */
import { ADAPTERS } from '../../src/pipeline/normalize/adapters/index.js';
import { API_FAMILIES } from '../../src/pipeline/normalize/adapters/families.js';
import { describeFamilyConformance } from '../adapters/family.case.js';
import { goldenRaw, loadGoldenFiles } from '../adapters/golden.js';
import { describeAdapterConformance, hostileCalls } from './adapter.case.js';

/** Each family's golden HTTP requests (its golden MCP tool calls are the MCP adapter's). */
const golden = new Map(
  loadGoldenFiles().map((f) => [
    f.family,
    f.cases.filter((c) => c.expect.adapter === f.family).map(goldenRaw),
  ]),
);
const families = new Set(API_FAMILIES.map((f) => f.id));

for (const adapter of ADAPTERS) {
  if (!families.has(adapter.id)) {
    describeAdapterConformance(adapter);
    continue;
  }
  // A family claims by host: its ordinary calls are its golden requests (those sent to its hosts).
  const ordinary = golden.get(adapter.id) ?? [];
  const hostile = hostileCalls(ordinary[0]?.authority ?? '');
  // A family that claims below its host (GitHub GraphQL: `/graphql`) gets them at its golden path too.
  const path = ordinary[0]?.path;
  const claimsBelowHost = API_FAMILIES.find((f) => f.id === adapter.id)?.claims !== undefined;
  const atPath =
    claimsBelowHost && path !== undefined
      ? Object.fromEntries(
          Object.entries(hostile).map(([name, raw]) => [`${name} at ${path}`, { ...raw, path }]),
        )
      : {};
  describeAdapterConformance(adapter, { ordinary, hostile: { ...hostile, ...atPath } });
}
for (const family of API_FAMILIES) describeFamilyConformance(family, golden.get(family.id) ?? []);
