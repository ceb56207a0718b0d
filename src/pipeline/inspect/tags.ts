/** OWASP Agentic Top 10 and MITRE ATLAS tags per inspector: one table, so docs and tests check one place. */

/** Tags carried by every finding of an inspector. */
export interface InspectorTags {
  readonly owasp: readonly string[];
  readonly atlas: readonly string[];
}

/**
 * Tags by inspector id. OWASP ids are the Top 10 for Agentic Applications (ASI01 goal hijack, ASI02 tool
 * misuse, ASI03 identity and privilege abuse, ASI04 supply chain, ASI05 unexpected code execution, ASI06
 * memory and context poisoning); ATLAS ids are checked against ATLAS.yaml by a test.
 */
export const TAGS = {
  'prompt-injection': {
    owasp: ['ASI01', 'ASI06'],
    atlas: ['AML.T0051', 'AML.T0051.000', 'AML.T0051.001', 'AML.T0054'],
  },
  pii: { owasp: ['ASI02'], atlas: ['AML.T0057', 'AML.T0087'] },
  secrets: { owasp: ['ASI03'], atlas: ['AML.T0055', 'AML.T0098', 'AML.T0083'] },
  'sql-injection': { owasp: ['ASI02', 'ASI05'], atlas: ['AML.T0049', 'AML.T0053'] },
  'destructive-op': { owasp: ['ASI02'], atlas: ['AML.T0101', 'AML.T0053'] },
  'path-traversal': { owasp: ['ASI02'], atlas: ['AML.T0037', 'AML.T0053'] },
  'command-injection': { owasp: ['ASI05', 'ASI02'], atlas: ['AML.T0050', 'AML.T0072', 'AML.T0102'] },
  'ssrf-egress': { owasp: ['ASI02'], atlas: ['AML.T0053', 'AML.T0075'] },
  exfiltration: { owasp: ['ASI02', 'ASI03'], atlas: ['AML.T0086', 'AML.T0025', 'AML.T0057'] },
  'cross-trust-boundary': { owasp: ['ASI01', 'ASI03'], atlas: ['AML.T0051.001', 'AML.T0053'] },
  'tool-poisoning': {
    owasp: ['ASI04', 'ASI06'],
    atlas: ['AML.T0110', 'AML.T0109', 'AML.T0010.005', 'AML.T0099'],
  },
  'encoding-evasion': { owasp: ['ASI01'], atlas: ['AML.T0068', 'AML.T0107'] },
} as const satisfies Record<string, InspectorTags>;
