/**
 * The inspectors' cost case (issue 17's budget: median under 150 µs per 2 KiB call): a realistic 2 KiB MCP
 * call, a support reply with a ticket excerpt, metadata and a link. bench/inspect.bench.ts reports on it and
 * bench/ab-inspect.ts compares two trees on it, so both measure the same call.
 */
import type { JsonValue } from '../../src/pipeline/model/json.js';

const PARAGRAPH =
  'Hi Dana, thanks for reaching out about invoice INV-2291. I checked the billing history and the duplicate charge from 12 March was reversed; it should appear on your statement within five business days. ';

/** The call's arguments; throws if an edit moves it away from ~2 KiB, which would change what is measured. */
export function twoKiBArguments(): JsonValue {
  const args: JsonValue = {
    to: 'dana.kim@corp.example',
    subject: 'Re: [Ticket #48213] Duplicate charge on March invoice',
    body: PARAGRAPH.repeat(9),
    metadata: {
      ticket: '48213',
      priority: 'normal',
      tags: ['billing', 'refund', 'march'],
      link: 'https://support.corp.example/t/48213',
    },
  };
  const size = JSON.stringify(args).length;
  if (size < 1900 || size > 2300) throw new Error(`bench call is ${size} bytes, not ~2 KiB`);
  return args;
}
