/** The environment a namespace, project, stack or resource-group name says it belongs to (`prod-eu` -> production). */

// Whole name parts only (split on - _ . /), so `product` or `reproduce` are not production.
const PRODUCTION = new Set(['prod', 'production', 'prd', 'live']);
const STAGING = new Set(['staging', 'stage', 'stg', 'preprod', 'uat']);
const DEVELOPMENT = new Set(['dev', 'development', 'test', 'testing', 'sandbox', 'qa']);

/**
 * `production`, `staging` or `development` when a part of the name says so (production wins when parts
 * disagree: `prod-test` is treated as production), else null.
 */
export function environmentOfName(name: string | null): string | null {
  if (name === null || name.length === 0 || name.length > 253) return null;
  const parts = name.toLowerCase().split(/[-_./:]+/);
  if (parts.some((p) => PRODUCTION.has(p))) return 'production';
  if (parts.some((p) => STAGING.has(p))) return 'staging';
  if (parts.some((p) => DEVELOPMENT.has(p))) return 'development';
  return null;
}
