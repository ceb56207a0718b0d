/**
 * The JWT issuers file (`WRIT_JWT_ISSUERS_FILE`): a YAML list of `{issuer, audience, jwks_uri | discovery,
 * algorithms}`, validated once at startup so a bad entry stops the process with file:line.
 */
import { readFileSync } from 'node:fs';
import { isMap, isSeq, LineCounter, parseDocument, type Node } from 'yaml';
import { ASYMMETRIC_ALGORITHMS, type AsymmetricAlgorithm, type IssuerConfig } from './jwt-verifier.js';
import { isAllowedKeyUrl } from './oidc-discovery.js';

/** An issuers file that cannot be used; the message names the file, the line and the entry. */
export class IssuersFileError extends Error {
  override readonly name = 'IssuersFileError';
}

const KEYS = new Set(['issuer', 'audience', 'jwks_uri', 'discovery', 'algorithms']);

const isStrings = (v: unknown): v is string[] =>
  Array.isArray(v) && v.length > 0 && v.every((x) => typeof x === 'string' && x.length > 0);

/** Parses and validates the text of an issuers file; `name` is used in messages. */
export function parseIssuersFile(text: string, name: string): IssuerConfig[] {
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, uniqueKeys: true, prettyErrors: false });
  const at = (node: Node | null | undefined) => `${name}:${lc.linePos(node?.range?.[0] ?? 0).line}`;
  const first = doc.errors[0];
  if (first !== undefined) {
    throw new IssuersFileError(
      `${name}:${lc.linePos(first.pos[0]).line}: YAML syntax: ${first.message.split('\n')[0] ?? ''}`,
    );
  }
  const root = doc.contents;
  if (!isSeq(root)) throw new IssuersFileError(`${at(root)}: the issuers file is a list of issuers`);
  const seen = new Set<string>();
  return root.items.map((item, i) => {
    const node = item as Node;
    const where = `${at(node)}: issuer ${i}`;
    if (!isMap(node)) throw new IssuersFileError(`${where}: an issuer is a mapping`);
    const e = node.toJSON() as Record<string, unknown>;
    for (const k of Object.keys(e)) {
      if (!KEYS.has(k)) throw new IssuersFileError(`${where}: unknown field "${k}"`);
    }
    const { issuer, audience, jwks_uri: jwksUri, discovery, algorithms } = e;
    if (typeof issuer !== 'string' || issuer.length === 0)
      throw new IssuersFileError(`${where}: issuer is required`);
    // Tokens are matched to an issuer by iss alone, so two entries for one issuer would be ambiguous.
    if (seen.has(issuer)) throw new IssuersFileError(`${where}: issuer "${issuer}" is listed twice`);
    seen.add(issuer);
    if (!(typeof audience === 'string' && audience.length > 0) && !isStrings(audience)) {
      throw new IssuersFileError(`${where}: audience must be a string or a non-empty list of strings`);
    }
    if (!isStrings(algorithms)) throw new IssuersFileError(`${where}: algorithms must be a non-empty list`);
    for (const a of algorithms) {
      // SECURITY: HMAC with a public key as the secret is the classic confusion attack; only asymmetric.
      if (!(ASYMMETRIC_ALGORITHMS as readonly string[]).includes(a)) {
        throw new IssuersFileError(`${where}: algorithm "${a}" is not an asymmetric JWS algorithm`);
      }
    }
    const algs = algorithms as AsymmetricAlgorithm[];
    if ((jwksUri === undefined) === (discovery !== true)) {
      throw new IssuersFileError(`${where}: give exactly one of jwks_uri or discovery: true`);
    }
    if (jwksUri !== undefined) {
      if (typeof jwksUri !== 'string') throw new IssuersFileError(`${where}: jwks_uri must be a string`);
      let url: URL;
      try {
        url = new URL(jwksUri);
      } catch {
        throw new IssuersFileError(`${where}: jwks_uri "${jwksUri}" is not a url`);
      }
      if (!isAllowedKeyUrl(url))
        throw new IssuersFileError(`${where}: jwks_uri must be https (http only on loopback)`);
      return { issuer, audience, algorithms: algs, jwksUri: url.href };
    }
    return { issuer, audience, algorithms: algs, discovery: true };
  });
}

/** Reads and validates an issuers file; throws IssuersFileError with file:line on any problem. */
export function loadIssuersFile(path: string): IssuerConfig[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new IssuersFileError(`${path}: cannot read the issuers file: ${(err as Error).message}`);
  }
  return parseIssuersFile(text, path);
}
