/**
 * Whether a REQUIRE_APPROVAL decision can ever be resolved: rules that ask for approval while no approver
 * can sign in (no approver keys, no OIDC issuer) are a silent dead end. writ still denies those calls
 * (fail closed); this makes the dead end visible in the log, in /readyz and in the console.
 */
import type { ServerConfig } from '../config.js';
import type { PolicySet } from '../pipeline/policy/types.js';
import { loadApiKeyFile } from './approver-auth.js';

/** Whether anyone can sign in to approve: an approver key in the keys file, or an OIDC issuer. */
export function approversConfigured(config: Pick<ServerConfig, 'approverKeysFile' | 'oidc'>): boolean {
  if (config.oidc !== null) return true;
  return config.approverKeysFile !== null && loadApiKeyFile(config.approverKeysFile).length > 0;
}

/** Warnings about the live policy set and the approvers configured; empty when approvals can be resolved. */
export function approvalWarnings(policy: PolicySet, approversConfigured: boolean): string[] {
  if (approversConfigured) return [];
  const rules = policy.rules.filter((r) => r.effect === 'require_approval').map((r) => `"${r.id}"`);
  if (rules.length === 0) return [];
  const named =
    rules.length > 5 ? `${rules.slice(0, 5).join(', ')} and ${rules.length - 5} more` : rules.join(', ');
  return [
    `policy rules ${named} require approval but no approver is configured ` +
      '(--approver-keys-file or --oidc-issuer): those calls are denied and can never be approved',
  ];
}
