/**
 * The check role's CheckResponse encoder writes exactly the bytes proto-loader's serializer writes,
 * and the writ_trace string is exactly the rules and the trace as one JSON object.
 */
import { describe, expect, it } from 'vitest';
import { authorizationClient, authorizationService } from '../../src/extauthz/envoy-protos.js';
import type { CheckResponse } from '../../src/extauthz/envoy-types.js';
import { mapVerdict } from '../../src/extauthz/map-response.js';
import { makeOutcome, type OutcomeInput } from '../../src/pipeline/outcome.js';
import type { Verdict } from '../../src/pipeline/verdict.js';

const fast = authorizationService()['Check']!;
// The client's definition is proto-loader's own, untouched: fromObject, then encode.
const reference = authorizationClient().service['Check']!;

const raw = {
  role: 'check',
  requestId: 'r-1',
  method: 'POST',
  scheme: 'https',
  authority: 'mcp.tools.svc.cluster.local',
  path: '/mcp?x=1',
  headers: {},
  body: new TextEncoder().encode('{"jsonrpc":"2.0"}'),
  bodyPartial: false,
  sourcePrincipal: 'spiffe://cluster.local/ns/agents/sa/a',
  sourceAddress: '10.0.0.1',
  destinationPrincipal: '',
  receivedAtMs: 0,
} as const;

function verdict(o: Partial<OutcomeInput>, audited = true): Verdict {
  const v = makeOutcome({
    raw,
    role: 'check',
    traceId: 'trace-ü-1',
    decision: 'ALLOW',
    code: 'POLICY_ALLOW',
    policyVersion: 'aa81a67e0180d60f',
    ...o,
  }).verdict;
  return audited
    ? { ...v, trace: { ...v.trace, audit: { seq: 7, prev: 'a'.repeat(64), hash: 'b'.repeat(64) } } }
    : v;
}

const verdicts: Record<string, Verdict> = {
  allow: verdict({
    rules: ['analytics-readonly'],
    tokenId: 'tok-1',
    tokenExpiresAt: 1_795_665_130,
    upstreamHeaders: { 'x-writ-token': `eyJ.${'x'.repeat(600)}.sig` },
    removeHeaders: ['x-writ-obligations', 'x-writ-sandbox'],
  }),
  obligations: verdict({
    decision: 'ALLOW_WITH_OBLIGATIONS',
    rules: ['redact'],
    obligations: 'redact:$.result',
    upstreamHeaders: { 'x-writ-token': 't', 'x-writ-obligations': 'redact:$.result' },
  }),
  deny: verdict({
    decision: 'DENY',
    code: 'POLICY_DENY',
    rules: ['no-drop', 'déjà-vu 🚫'],
    findings: [
      {
        id: 'sql-injection.union',
        inspector: 'sql-injection',
        severity: 'high',
        path: '$.action.arguments.query',
        evidence: 'UNION …',
        owasp: ['ASI02'],
        atlas: [],
      },
    ],
  }),
  approval: verdict({
    decision: 'REQUIRE_APPROVAL',
    code: 'POLICY_REQUIRE_APPROVAL',
    rules: ['big-refund'],
    details: { approval_id: 'ap-1', retry_after_s: 30, approvers: ['a', 'b'] },
  }),
  error: verdict({ decision: 'DENY', code: 'ERR_BAD_REQUEST', message: 'bad "protobuf"\n' }, false),
};

const same = (value: unknown) =>
  expect(Buffer.from(fast.responseSerialize(value))).toEqual(Buffer.from(reference.responseSerialize(value)));

describe('CheckResponse encoder', () => {
  for (const [name, v] of Object.entries(verdicts)) {
    it(`encodes a ${name} verdict byte for byte as proto-loader does`, () => {
      const res = mapVerdict(v);
      same(res);
      // The trace string is the rules and the trace, as one JSON object, byte for byte.
      expect(res.dynamic_metadata?.fields['writ_trace']).toEqual({
        stringValue: JSON.stringify({ rules: v.rules, ...v.trace }),
      });
      // And it decodes back to the same status, headers and metadata.
      const back = fast.responseDeserialize(fast.responseSerialize(res)) as CheckResponse;
      expect(back.status.code).toBe(res.status.code);
      expect(back.dynamic_metadata?.fields['writ_trace']).toMatchObject(
        res.dynamic_metadata!.fields['writ_trace']!,
      );
    });
  }

  it('encodes a bare OK and every Struct value kind the same way', () => {
    same({ status: { code: 0 }, ok_response: {} });
    same({
      status: { code: 7, message: 'x' },
      dynamic_metadata: {
        fields: {
          s: { stringValue: 'v' },
          n: { numberValue: 1.5 },
          b: { boolValue: false },
          z: { nullValue: 'NULL_VALUE' },
          l: { listValue: { values: [{ stringValue: 'a' }, { numberValue: 2 }] } },
          o: { structValue: { fields: { k: { boolValue: true } } } },
        },
      },
    });
  });

  it('coerces a wrongly typed value as before instead of failing', () => {
    same({
      status: { code: 0 },
      ok_response: { headers: [{ header: { key: 'retry-after', value: 30 } }], headers_to_remove: [] },
    });
  });

  it('still refuses an array', () => {
    expect(() => fast.responseSerialize([])).toThrow(/array/);
  });
});
