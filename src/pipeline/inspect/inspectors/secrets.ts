/** secrets: cloud keys, API tokens, private keys, JWTs, connection strings, high-entropy credential values. */
import type { Finding } from '../../model/finding.js';
import { makeFinding, type InspectionInput, type Inspector, type StringLeaf } from '../inspector.js';
import { isKeyLeaf } from '../lib/leaf-role.js';
import { redactSecret } from '../lib/redact.js';
import { ASSIGNMENT, CREDENTIAL_KEY, entropy, findSecrets, isPlaceholder } from '../lib/secret-patterns.js';
import { TAGS } from '../tags.js';

const ID = 'secrets';
const tags = TAGS[ID];

/** Values that name a variable or reference a vault are not the secret itself. */
function isReference(value: string): boolean {
  return /^(?:\$\{?[A-Za-z_]|%[A-Za-z_]|\{\{|<|env:|vault:|secret:|ref:|arn:|projects\/|process\.env|os\.environ|true$|false$|null$|none$|undefined$|\*+$)/i.test(
    value,
  );
}

function inspectLeaf(leaf: StringLeaf, out: Finding[]): void {
  const value = leaf.value;
  const found = findSecrets(value);
  for (const s of found) {
    out.push(
      makeFinding(
        { id: ID },
        s.kind,
        s.critical ? 'critical' : 'high',
        leaf.path,
        redactSecret(s.match),
        tags,
      ),
    );
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
          kind === 'high-entropy' ? 'high' : 'medium',
          leaf.path,
          redactSecret(v),
          tags,
        ),
      );
      return;
    }
  }
  if (value.length < 12 || !/[=:]/.test(value)) return;
  ASSIGNMENT.lastIndex = 0;
  for (let m = ASSIGNMENT.exec(value); m !== null; m = ASSIGNMENT.exec(value)) {
    const secret = m[2] ?? '';
    if (
      isReference(secret) ||
      isPlaceholder(secret) ||
      /^(?:true|false|null|none|required|optional|string|number)$/i.test(secret)
    )
      continue;
    // Code that reads a secret (`password = getPassword()`) is not a leak; a literal with mixed classes is.
    if (/[()[\]]/.test(secret) || !/\d|[^A-Za-z0-9]/.test(secret)) continue;
    out.push(
      makeFinding(
        { id: ID },
        'credential-assignment',
        entropy(secret) >= 3.5 ? 'high' : 'medium',
        leaf.path,
        redactSecret(secret),
        tags,
      ),
    );
    return;
  }
}

/** Flags credentials in any leaf: provider formats first, then credential-named fields and assignments. */
export const secretsInspector: Inspector = {
  id: ID,
  version: '1.0.0',
  inspect(input: InspectionInput): readonly Finding[] {
    const out: Finding[] = [];
    for (const leaf of input.leaves) {
      if (leaf.value.length < 8 || isKeyLeaf(leaf)) continue;
      inspectLeaf(leaf, out);
    }
    return out;
  },
};
