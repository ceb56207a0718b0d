/** Dimensions: the cached local time agrees with a fresh conversion; request_rate is null until measured. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DIMENSIONS, dimensionEnv } from '../../src/pipeline/policy/dimensions.js';
import { policyInput } from '../../src/pipeline/policy/policy-input.js';
import { makeAction } from '../support/make-action.js';

const dim = (name: string) => DIMENSIONS.find((d) => d.name === name)!;
const ZONES = [
  'UTC',
  'Europe/Berlin',
  'Asia/Kolkata',
  'Asia/Kathmandu',
  'America/St_Johns',
  'Australia/Lord_Howe',
];

describe('dimensions', () => {
  it('context.time.hour and weekday match Intl for any instant and zone, through the cache', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: Date.UTC(2020, 0, 1), max: Date.UTC(2030, 0, 1) }),
        fc.constantFrom(...ZONES),
        (ms, timezone) => {
          const parts = new Intl.DateTimeFormat('en-US', {
            timeZone: timezone,
            hour: 'numeric',
            hourCycle: 'h23',
            weekday: 'short',
          }).formatToParts(ms);
          const want = {
            hour: Number(parts.find((p) => p.type === 'hour')!.value),
            weekday: parts.find((p) => p.type === 'weekday')!.value.toLowerCase(),
          };
          // Read twice, in fresh inputs, so the second read comes from the set's bucket cache.
          const env = dimensionEnv(timezone);
          for (let i = 0; i < 2; i++) {
            const input = policyInput(makeAction({ context: { timeMs: ms } }), []);
            expect({
              hour: dim('context.time.hour').read(input, env),
              weekday: dim('context.time.weekday').read(input, env),
            }).toEqual(want);
          }
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('context.request_rate is null when not measured, never 0', () => {
    expect(dim('context.request_rate').read(policyInput(makeAction(), []), dimensionEnv('UTC'))).toBeNull();
    expect(
      dim('context.request_rate').read(
        policyInput(makeAction(), [], { requestRate: 12 }),
        dimensionEnv('UTC'),
      ),
    ).toBe(12);
  });

  it('request.mcp_answers is the matched server request, null when writ matched none', () => {
    const read = (facts: Parameters<typeof policyInput>[2]) =>
      dim('request.mcp_answers').read(policyInput(makeAction(), [], facts), dimensionEnv('UTC'));
    expect(read({})).toBeNull();
    expect(read({ mcpAnswers: 'roots/list' })).toBe('roots/list');
    expect(read({ mcpAnswers: 'unmatched' })).toBe('unmatched');
  });

  it('has at least 30 fixed dimensions over subject, action, resource, context and signals', () => {
    expect(DIMENSIONS.length).toBeGreaterThanOrEqual(30);
    for (const area of ['subject.', 'action.', 'resource.', 'context.'])
      expect(DIMENSIONS.some((d) => d.name.startsWith(area))).toBe(true);
  });
});
