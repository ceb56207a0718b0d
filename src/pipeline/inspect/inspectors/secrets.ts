/** secrets: cloud keys, API tokens, private keys, JWTs, connection strings, high-entropy credential values. */
import type { Finding, Severity } from '../../model/finding.js';
import { makeFinding, type InspectionInput, type Inspector, type StringLeaf } from '../inspector.js';
import { credentialLeavesExternal, isCredentialLeaf } from '../header-leaves.js';
import { isKeyLeaf } from '../lib/leaf-role.js';
import { COLON, leafTraits, SYMBOL, TOKEN_RUN } from '../lib/leaf-traits.js';
import { redactSecret } from '../lib/redact.js';
import {
  ASSIGNMENT,
  CREDENTIAL_KEY,
  entropy,
  findSecrets,
  githubChecksumValid,
  isPlaceholder,
  type SecretMatch,
} from '../lib/secret-patterns.js';
import { TAGS } from '../tags.js';

const ID = 'secrets';
const tags = TAGS[ID];

/** Values that name a variable or reference a vault are not the secret itself. */
function isReference(value: string): boolean {
  return /^(?:\$\{?[A-Za-z_]|%[A-Za-z_]|\{\{|<|env:|vault:|secret:|ref:|arn:|projects\/|process\.env|os\.environ|true$|false$|null$|none$|undefined$|\*+$)/i.test(
    value,
  );
}

/** Words and separators only (`not_a_real_token`, `foo-bar`): a description or a placeholder, not a key. */
function wordLike(v: string): boolean {
  return /^[a-z]{1,20}(?:[_\s-][a-z]{1,20}){0,8}$/.test(v);
}

/** Values under a provider key name that do not have that provider's shape (an encrypted blob, a note). */
function wrongProviderShape(name: string, v: string): boolean {
  if (/aws_?secret/i.test(name)) return !/^[A-Za-z0-9/+]{40}$/.test(v);
  return false;
}

function severityOf(s: SecretMatch): Severity {
  if (s.kind === 'azure-identity-id') return 'medium';
  // A GitHub token whose CRC32 suffix does not check out is still reported, one step lower.
  if (s.kind === 'github-token' && /^gh[pousr]_[A-Za-z0-9]{36}$/.test(s.match))
    return githubChecksumValid(s.match) ? 'critical' : 'high';
  return s.critical ? 'critical' : 'high';
}

/** An assignment operator's first character (a module constant: a regex literal allocates on each run). */
const ASSIGNS = /[=:]/;

/** Fragments every ASSIGNMENT key holds (`password`, `api_key`, `authtoken`...), checked before the regex. */
const ASSIGNMENT_KEY = /pass|pwd|secret|key|token|credential|_auth/i;

function inspectLeaf(leaf: StringLeaf, traits: number, out: Finding[]): void {
  const value = leaf.value;
  const found = findSecrets(value, 64, (traits & TOKEN_RUN) !== 0);
  for (let k = 0; k < found.length; k++) {
    const s = found[k]!;
    out.push(makeFinding({ id: ID }, s.kind, severityOf(s), leaf.path, redactSecret(s.match), tags));
  }
  if (found.length > 0) return;
  // A credential-named field: the value is a secret if it is not a reference or a placeholder.
  if (CREDENTIAL_KEY.test(leaf.key) && leaf.decodedBy.length === 0) {
    const v = value.trim().replace(/^(?:bearer|basic|token)\s+/i, '');
    if (v.length >= 8 && !/\s/.test(v) && !isReference(v) && !isPlaceholder(v)) {
      const kind = entropy(v) >= 3.5 && v.length >= 16 ? 'high-entropy' : 'credential-field';
      out.push(
        makeFinding(
          { id: ID },
          kind,
          kind === 'high-entropy' ? 'high' : wordLike(v) ? 'low' : 'medium',
          leaf.path,
          redactSecret(v),
          tags,
        ),
      );
      return;
    }
  }
  if (value.length < 12 || (traits & (SYMBOL | COLON)) === 0 || !ASSIGNS.test(value)) return;
  if (!ASSIGNMENT_KEY.test(value)) return;
  ASSIGNMENT.lastIndex = 0;
  for (let m = ASSIGNMENT.exec(value); m !== null; m = ASSIGNMENT.exec(value)) {
    const secret = m[2] ?? '';
    // A URL or a PEM header is judged by its own rule (connection-string, basic-auth-url, private-key).
    if (secret.includes('://') || secret.startsWith('-----')) continue;
    if (
      isReference(secret) ||
      isPlaceholder(secret) ||
      /^(?:true|false|null|none|required|optional|string|number)$/i.test(secret)
    )
      continue;
    // Code that reads a secret (`password = getPassword()`) is not a leak; a literal with mixed classes is.
    if (/[()[\]]/.test(secret) || !/\d|[^A-Za-z0-9]/.test(secret)) continue;
    // Words (`not_a_real_token`) or a value that cannot be the named provider's key stay a low signal.
    const weak = wordLike(secret) || wrongProviderShape(m[1] ?? '', secret);
    out.push(
      makeFinding(
        { id: ID },
        'credential-assignment',
        weak ? 'low' : entropy(secret) >= 3.5 ? 'high' : 'medium',
        leaf.path,
        redactSecret(secret),
        tags,
      ),
    );
    return;
  }
}

/** A dotenv file name (`.env`, `.env.production`, `prod.env`), not a template (`.env.example`, `example.env`). */
const DOTENV_NAME = /(?:^|[\\/])(?:\.env(?:\.[A-Za-z0-9_-]{1,32})?|[A-Za-z0-9_-]{1,64}\.env)$/;
const DOTENV_TEMPLATE = /(?:example|sample|template|dist|defaults?)/i;
const PATH_KEY = /^(?:path|file|filename|file_path|filepath|name|target|destination|dest)$/;

/** The dotenv file a write targets, if any: dotenv files exist to hold secrets, so writing one is a signal. */
function dotenvTarget(leaves: readonly StringLeaf[]): boolean {
  return leaves.some(
    (l) =>
      l.decodedBy.length === 0 &&
      l.source === 'arguments' &&
      PATH_KEY.test(l.key) &&
      DOTENV_NAME.test(l.value) &&
      !DOTENV_TEMPLATE.test(l.value.slice(l.value.search(/[^\\/]*$/))),
  );
}

/** Flags credentials in any leaf: provider formats first, then credential-named fields and assignments. */
export const secretsInspector: Inspector = {
  id: ID,
  version: '1.2.0',
  inspect(input: InspectionInput): readonly Finding[] {
    const out: Finding[] = [];
    // The agent's credential for an internal tool authenticates it there; one leaving for an outside host
    // is a secret crossing the boundary. Decided once per request, only when a credential header is there.
    let credentialsOut: boolean | null = null;
    for (let i = 0; i < input.leaves.length; i++) {
      const leaf = input.leaves[i]!;
      if (leaf.value.length < 8 || isKeyLeaf(leaf)) continue;
      if (isCredentialLeaf(leaf) && !(credentialsOut ??= credentialLeavesExternal(input))) continue;
      inspectLeaf(leaf, leafTraits(input, i), out);
    }
    if (out.length === 0 && dotenvTarget(input.leaves)) {
      const content = input.leaves.find(
        (l) => l.decodedBy.length === 0 && !isKeyLeaf(l) && /^[A-Za-z_][A-Za-z0-9_]{0,64}=\S/m.test(l.value),
      );
      if (content !== undefined)
        out.push(
          makeFinding({ id: ID }, 'dotenv-file', 'medium', content.path, redactSecret(content.value), tags),
        );
    }
    return out;
  },
};
