/**
 * Request headers as inspector leaves: every header value a tool may read is a leaf keyed by its name; the
 * headers writ itself consumes or strips are not. Credential headers are leaves too, but what is found in
 * them is never echoed (`redactCredentialEvidence`), and the secrets inspector judges them only when they
 * leave for an external host (`credentialLeavesExternal`).
 */
import {
  API_KEY_HEADER,
  DELEGATION_HEADER,
  OBLIGATIONS_HEADER,
  SANDBOX_HEADER,
  SESSION_HEADER,
  TOKEN_HEADER,
} from '../headers.js';
import type { Finding } from '../model/finding.js';
import { hostMatches } from '../normalize/host-pattern.js';
import type { InspectionInput, StringLeaf } from './inspector.js';

/**
 * writ's own headers that never reach the tool as the agent sent them: the token and obligation headers
 * are overwritten or stripped, and the session, API key and delegation tokens are writ's credentials,
 * verified by the identity stage (a signed token is not text an agent chose freely).
 */
const NOT_LEAVES: ReadonlySet<string> = new Set([
  TOKEN_HEADER,
  OBLIGATIONS_HEADER,
  SANDBOX_HEADER,
  SESSION_HEADER,
  API_KEY_HEADER,
  DELEGATION_HEADER,
]);

/** Headers that carry the agent's credential for the upstream. */
export const CREDENTIAL_HEADERS: ReadonlySet<string> = new Set([
  'authorization',
  'proxy-authorization',
  'cookie',
]);

/** The JSON path of a header leaf. */
function headerPath(name: string): string {
  return /^[A-Za-z_$][\w$-]*$/.test(name) ? `$.headers.${name}` : `$.headers[${JSON.stringify(name)}]`;
}

/** Pushes one leaf per request header a tool may read (pseudo-headers are the URL leaves already). */
export function pushHeaderLeaves(
  headers: Readonly<Record<string, string>>,
  out: StringLeaf[],
  notDecoded: readonly string[],
): void {
  for (const name in headers) {
    if (name.charCodeAt(0) === 58 /* ':' */ || NOT_LEAVES.has(name)) continue;
    // Built per call: a module-wide cache of header names would be state shared by every pipeline.
    out.push({
      path: headerPath(name),
      key: name,
      value: headers[name]!,
      source: 'header',
      decodedBy: notDecoded,
    });
  }
}

/** Whether a leaf is (or was decoded from) a credential header's value. */
export function isCredentialLeaf(leaf: StringLeaf): boolean {
  return leaf.source === 'header' && CREDENTIAL_HEADERS.has(leaf.key);
}

/**
 * Whether a credential in a header leaves the trust boundary: the destination is external, or, with
 * internal domains or an egress allowlist configured, not an internal domain. A credential sent to the
 * agent's own internal tools authenticates the agent; sent to an outside host it is a secret leaving.
 */
export function credentialLeavesExternal(input: InspectionInput): boolean {
  const { resource } = input.action;
  if (resource.external) return true;
  const { internalDomains, egressAllowlist } = input.config;
  const configured = internalDomains.length > 0 || egressAllowlist.length > 0;
  return configured && resource.host !== '' && !hostMatches(resource.host, internalDomains);
}

const CREDENTIAL_PATHS: readonly string[] = [...CREDENTIAL_HEADERS].map(headerPath);

/**
 * Findings on a credential header, by any inspector, never carry its text: evidence becomes its length
 * only. The secrets inspector's own redaction (first four characters) is kept.
 */
export function redactCredentialEvidence(findings: Finding[]): void {
  for (let i = 0; i < findings.length; i++) {
    const f = findings[i]!;
    if (f.inspector === 'secrets' || f.path.charCodeAt(2) !== 104 /* '$.h' */) continue;
    if (
      !CREDENTIAL_PATHS.some((p) => f.path === p || f.path.startsWith(`${p}#`) || f.path.startsWith(`${p}[`))
    )
      continue;
    findings[i] = {
      ...f,
      evidence: `[credential header, ${f.evidence.length} characters of evidence withheld]`,
    };
  }
}
