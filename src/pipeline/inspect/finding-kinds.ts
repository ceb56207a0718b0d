/**
 * The finding-kind registry: every `<inspector>.<kind>` id the inspectors can report, in one place, so rules,
 * docs and tests can enumerate them. test/inspect/finding-kinds.test.ts runs a positive and a negative input
 * through the real inspectors for each id, and fails for an id with no such pair or a kind the source emits
 * that is not listed here.
 */
import { INSPECTOR_FAILED } from './run-inspectors.js';
import { PROVIDER_RULES } from './lib/secret-providers.js';
import type { TAGS } from './tags.js';

/** Kinds by inspector id; the secrets inspector's provider-table kinds are added from that table. */
export const FINDING_KINDS = {
  'prompt-injection': [
    'instruction-override',
    'tool-coercion',
    'exfiltration-instruction',
    'role-spoofing',
    'addressed-to-ai',
    'disclosure-request',
    'output-coercion',
    'indirect-code',
    'indirect-instruction',
    'hidden-instruction',
    'task-switch',
    'injection-structure',
    'learned',
  ],
  pii: ['email', 'phone', 'ssn', 'national-id', 'credit-card', 'iban', 'ip-address', 'bulk-records'],
  secrets: [
    'aws-access-key',
    'aws-secret-key',
    'github-token',
    'gitlab-token',
    'slack-token',
    'slack-webhook',
    'stripe-key',
    'openai-key',
    'anthropic-key',
    'groq-key',
    'huggingface-token',
    'sendgrid-key',
    'shopify-token',
    'npm-token',
    'gcp-api-key',
    'linear-key',
    'notion-token',
    'figma-token',
    'databricks-token',
    'cloudflare-token',
    'grafana-token',
    'vault-token',
    'tailscale-key',
    'onepassword-token',
    'docker-token',
    'vercel-token',
    'azure-storage-key',
    'azure-client-secret',
    'azure-identity-id',
    'private-key',
    'gcp-service-account',
    'jwt',
    'connection-string',
    'basic-auth-url',
    'secp256k1-key',
    'basic-auth-header',
    'cli-credential',
    'netrc-credential',
    'docker-config-auth',
    'dotenv-file',
    'credential-field',
    'high-entropy',
    'credential-assignment',
  ],
  'sql-injection': [
    'tautology',
    'union',
    'stacked',
    'comment-truncation',
    'time-based',
    'blind',
    'error-based',
    'nosql-operator',
  ],
  'destructive-op': [
    'sql-delete-without-key',
    'sql-update-without-key',
    'sql-bulk-write',
    'sql-drop',
    'sql-truncate',
    'sql-alter',
    'sql-grant',
    'sql-revoke',
    'shell-rm-recursive',
    'shell-disk-format',
    'shell-device-write',
    'shell-permission-change',
    'shell-fork-bomb',
    'git-force-push',
    'git-branch-delete',
    'k8s-delete',
    'k8s-scale-to-zero',
    'cloud-delete',
    'cloud-unreviewed-apply',
    'cloud-iam-change',
    'cloud-stop',
    'container-prune',
    'datastore-flush',
    'datastore-drop',
    'datastore-delete-all',
    'datastore-config-change',
    'datastore-shutdown',
    'datastore-delete-keys',
    'repository-delete',
    'repository-branch-delete',
    'repository-settings-delete',
  ],
  'path-traversal': [
    'dotdot',
    'encoded-dotdot',
    'credential-file',
    'sensitive-path',
    'null-byte',
    'unc-path',
    'wrapper-scheme',
  ],
  'command-injection': [
    'shellshock',
    'reverse-shell',
    'download-exec',
    'code-exec',
    'obfuscation',
    'chained-command',
    'substitution',
    'metachar-command',
    'argument-injection',
    'template-injection',
    'template-probe',
  ],
  'ssrf-egress': [
    'host-not-allowlisted',
    'metadata-endpoint',
    'loopback-destination',
    'private-destination',
    'reserved-destination',
    'dns-embedded-ip',
    'dangerous-scheme',
    'ambiguous-url',
  ],
  exfiltration: [
    'secret-to-external',
    'pii-to-external',
    'bulk-to-external',
    'encoded-data-in-url',
    'dns-smuggling',
  ],
  'cross-trust-boundary': [
    'untrusted-origin-to-privileged-sink',
    'unauthenticated-privileged-call',
    'delegated-privileged-call',
  ],
  'tool-poisoning': ['hidden-instruction', 'invisible-text', 'definition-changed'],
  'encoding-evasion': [
    'encoded-attack',
    'nested-encoding',
    'unicode-tags',
    'zero-width',
    'bidi-override',
    'homoglyph',
  ],
} as const satisfies Record<keyof typeof TAGS, readonly string[]>;

/** The provider table's ids (`lib/secret-providers.ts`), reported by the secrets inspector as its kinds. */
export const PROVIDER_KINDS: readonly string[] = Object.freeze([...new Set(PROVIDER_RULES.map((r) => r.id))]);

/** Findings the inspector runner reports itself, not an inspector: a crash is a finding, never a pass. */
export const RUNNER_FINDING_IDS: readonly string[] = Object.freeze([INSPECTOR_FAILED]);

/** Every finding id an inspection can yield: `<inspector>.<kind>` for each registered kind, plus the runner's. */
export function registeredFindingIds(): ReadonlySet<string> {
  const ids = new Set<string>(RUNNER_FINDING_IDS);
  for (const [inspector, kinds] of Object.entries(FINDING_KINDS))
    for (const kind of kinds) ids.add(`${inspector}.${kind}`);
  for (const kind of PROVIDER_KINDS) ids.add(`secrets.${kind}`);
  return ids;
}
