/** The provider credential table: one row per token format that mainstream secret scanners recognise. */

/**
 * One provider format. `pattern` is a regex source that starts with a literal prefix (or a short bounded
 * run then a literal) and uses bounded quantifiers only, so every start position costs constant work and a
 * scan stays linear. `boundary` (default true) puts a word boundary before and after the token. `minEntropy`
 * (bits per character over the whole match) rejects look-alikes such as `key-aaaaaaaa...`; `critical: false`
 * marks identifiers or short-lived tokens reported one step lower.
 */
export interface ProviderRule {
  readonly id: string;
  readonly pattern: string;
  readonly minEntropy?: number;
  readonly critical?: false;
  readonly boundary?: false;
  /**
   * A literal every match holds where a token starts (default: the pattern's literal prefix); the table's
   * regexes run only on text where their needle occurs. `needleInside` marks a needle found inside a token.
   */
  readonly needle?: string;
  readonly needleInside?: true;
}

const HEX8_4_4_4_12 = '[a-f0-9]{8}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{12}';

/**
 * Written from the providers' documented formats (prefix, length, alphabet). Formats whose tokens are bare
 * hex or UUIDs with no prefix (Datadog, Heroku legacy, Okta...) are left to the keyword-plus-entropy rule
 * (`ASSIGNMENT` in secret-patterns.ts), which judges them by the key name beside them.
 */
export const PROVIDER_RULES: readonly ProviderRule[] = [
  // Cloud and infrastructure
  { id: 'alibaba-access-key', pattern: 'LTAI[A-Za-z0-9]{12,20}', minEntropy: 3.2 },
  { id: 'tencent-secret-id', pattern: 'AKID[A-Za-z0-9]{32}', minEntropy: 3.5 },
  { id: 'gcp-oauth-client-secret', pattern: 'GOCSPX-[A-Za-z0-9_-]{28}', minEntropy: 3.5 },
  { id: 'google-oauth-access-token', pattern: 'ya29\\.[A-Za-z0-9_-]{30,512}', minEntropy: 3.5 },
  { id: 'google-oauth-refresh-token', pattern: '1//0[A-Za-z0-9_-]{40,512}', minEntropy: 3.5 },
  { id: 'firebase-fcm-server-key', pattern: 'AAAA[A-Za-z0-9_-]{7}:APA91[A-Za-z0-9_-]{100,180}' },
  {
    id: 'azure-ad-client-secret',
    pattern: '[A-Za-z0-9_~.]{3}\\dQ~[A-Za-z0-9_~.-]{31,34}',
    minEntropy: 3.5,
    needle: 'Q~',
    needleInside: true,
  },
  {
    id: 'azure-sas-token',
    pattern: 'sv=\\d{4}-\\d{2}-\\d{2}&[^\\s"\']{0,200}sig=[A-Za-z0-9%+/]{40,90}',
    boundary: false,
    needle: 'sig=',
  },
  { id: 'azure-shared-access-key', pattern: 'SharedAccessKey=[A-Za-z0-9+/]{42,44}={0,2}', boundary: false },
  { id: 'digitalocean-token', pattern: 'dop_v1_[a-f0-9]{64}' },
  { id: 'digitalocean-token', pattern: 'doo_v1_[a-f0-9]{64}' },
  { id: 'digitalocean-token', pattern: 'dor_v1_[a-f0-9]{64}' },
  { id: 'heroku-api-key', pattern: 'HRKU-[A-Za-z0-9_-]{58,64}' },
  { id: 'scaleway-access-key', pattern: 'SCW[A-Z0-9]{17}', minEntropy: 3.2 },
  { id: 'flyio-token', pattern: 'fo1_[A-Za-z0-9_-]{43}' },
  { id: 'flyio-token', pattern: 'fm[12][ar]?_[A-Za-z0-9+/=_-]{64,2000}', needle: 'fm' },
  { id: 'render-api-key', pattern: 'rnd_[A-Za-z0-9]{32}', minEntropy: 3.5 },
  { id: 'netlify-token', pattern: 'nfp_[A-Za-z0-9]{36}', minEntropy: 3.5 },
  { id: 'supabase-token', pattern: 'sbp_[a-f0-9]{40}' },
  { id: 'supabase-token', pattern: 'sb_secret_[A-Za-z0-9_-]{24,64}' },
  { id: 'planetscale-token', pattern: 'pscale_(?:tkn|pw|oauth)_[A-Za-z0-9_.-]{32,64}' },
  {
    id: 'terraform-cloud-token',
    pattern: '[A-Za-z0-9]{14}\\.atlasv1\\.[A-Za-z0-9_=-]{60,70}',
    needle: '.atlasv1.',
    needleInside: true,
  },
  { id: 'pulumi-token', pattern: 'pul-[a-f0-9]{40}' },
  { id: 'doppler-token', pattern: 'dp\\.(?:pt|st|ct|sa|scim|audit)\\.[A-Za-z0-9]{40,44}' },
  { id: 'dynatrace-token', pattern: 'dt0[a-z]\\d{2}\\.[A-Z0-9]{24}\\.[A-Z0-9]{64}' },
  { id: 'cloudflare-origin-ca-key', pattern: 'v1\\.0-[a-f0-9]{24}-[a-f0-9]{146}' },
  { id: 'akamai-edgegrid', pattern: 'akab-[a-z0-9]{16}-[a-z0-9]{16}' },
  { id: 'age-secret-key', pattern: 'AGE-SECRET-KEY-1[QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L]{58}' },
  {
    id: 'kubeconfig-client-key',
    pattern: 'client-key-data:\\s{0,4}[A-Za-z0-9+/]{64,8000}={0,2}',
    boundary: false,
  },
  { id: 'yandex-api-key', pattern: 'AQVN[A-Za-z0-9_-]{35,38}', minEntropy: 3.5 },
  { id: 'yandex-iam-token', pattern: 't1\\.[A-Z0-9a-z_-]{40,200}={0,2}\\.[A-Z0-9a-z_-]{86}={0,2}' },
  // Source control, CI and package registries
  { id: 'gitlab-runner-token', pattern: 'GR1348941[A-Za-z0-9_-]{20}' },
  { id: 'gitlab-token', pattern: 'gl(?:oas|wt|ft)-[A-Za-z0-9_-]{20,64}' },
  { id: 'bitbucket-app-password', pattern: 'ATBB[A-Za-z0-9]{32}', minEntropy: 3.5 },
  { id: 'atlassian-api-token', pattern: 'AT(?:ATT|CTT)[A-Za-z0-9_=-]{150,260}' },
  { id: 'pypi-token', pattern: 'pypi-AgEIcHlwaS5vcmc[A-Za-z0-9_-]{50,1000}' },
  { id: 'rubygems-key', pattern: 'rubygems_[a-f0-9]{48}' },
  { id: 'clojars-token', pattern: 'CLOJARS_[a-z0-9]{60}' },
  { id: 'nuget-api-key', pattern: 'oy2[a-z0-9]{43}', minEntropy: 3.5 },
  { id: 'jfrog-token', pattern: 'AKCp[A-Za-z0-9]{69}' },
  { id: 'jfrog-token', pattern: 'cmVmdGtu[A-Za-z0-9]{56}' },
  { id: 'circleci-token', pattern: 'CCIPAT_[A-Za-z0-9]{22}_[a-f0-9]{40}' },
  { id: 'buildkite-token', pattern: 'bkua_[a-f0-9]{40}' },
  { id: 'sonarqube-token', pattern: 'sq[pau]_[a-f0-9]{40}' },
  { id: 'sourcegraph-token', pattern: 'sgp_(?:[a-f0-9]{16}_|local_)?[a-f0-9]{40}' },
  { id: 'segment-token', pattern: 'sgp_[A-Za-z0-9]{64}', minEntropy: 3.5 },
  { id: 'octopus-deploy-key', pattern: 'API-[A-Z0-9]{26}', minEntropy: 3.5 },
  { id: 'harness-token', pattern: 'pat\\.[A-Za-z0-9_-]{22}\\.[a-f0-9]{24}\\.[A-Za-z0-9]{20}' },
  { id: 'harness-token', pattern: 'sat\\.[A-Za-z0-9_-]{22}\\.[a-f0-9]{24}\\.[A-Za-z0-9]{20}' },
  { id: 'prefect-token', pattern: 'pnu_[A-Za-z0-9]{36}', minEntropy: 3.5 },
  { id: 'infracost-key', pattern: 'ico-[A-Za-z0-9]{32}', minEntropy: 3.5 },
  { id: 'readme-key', pattern: 'rdme_[a-z0-9]{70}' },
  { id: 'postman-key', pattern: 'PMAK-[a-f0-9]{24}-[a-f0-9]{34}' },
  { id: 'contentful-token', pattern: 'CFPAT-[A-Za-z0-9_-]{43}' },
  { id: 'typeform-token', pattern: 'tfp_[A-Za-z0-9_.=-]{59}' },
  { id: 'frameio-token', pattern: 'fio-u-[A-Za-z0-9_=-]{64}' },
  { id: 'scalingo-token', pattern: 'tk-us-[A-Za-z0-9_-]{48}' },
  { id: 'sentry-token', pattern: 'sntrys_eyJ[A-Za-z0-9+/=_-]{60,400}' },
  { id: 'sentry-token', pattern: 'sntryu_[a-f0-9]{64}' },
  { id: 'grafana-api-key', pattern: 'eyJrIjoi[A-Za-z0-9]{70,400}={0,2}' },
  { id: 'new-relic-key', pattern: 'NR(?:AK|II)-[A-Za-z0-9_-]{27,32}', needle: 'NR', minEntropy: 3.2 },
  { id: 'new-relic-browser-key', pattern: 'NRJS-[a-f0-9]{19}', critical: false },
  // AI and model providers
  { id: 'openrouter-key', pattern: 'sk-or-v1-[a-f0-9]{64}' },
  { id: 'deepseek-key', pattern: 'sk-[a-f0-9]{32}', minEntropy: 3.3, critical: false },
  { id: 'langfuse-key', pattern: 'sk-lf-' + HEX8_4_4_4_12 },
  { id: 'langsmith-key', pattern: 'lsv2_(?:pt|sk)_[a-f0-9]{32}_[a-f0-9]{10}' },
  { id: 'huggingface-org-token', pattern: 'api_org_[A-Za-z]{34}', minEntropy: 3.8 },
  { id: 'replicate-token', pattern: 'r8_[A-Za-z0-9]{37}', minEntropy: 3.8 },
  { id: 'perplexity-key', pattern: 'pplx-[A-Za-z0-9]{48}', minEntropy: 3.8 },
  { id: 'xai-key', pattern: 'xai-[A-Za-z0-9]{80}', minEntropy: 4 },
  { id: 'pinecone-key', pattern: 'pcsk_[A-Za-z0-9_]{50,90}', minEntropy: 4 },
  // Messaging, e-mail and communication
  { id: 'slack-token', pattern: 'xoxe(?:\\.xox[bp])?-\\d-[A-Za-z0-9]{100,300}' },
  {
    id: 'discord-webhook',
    pattern: 'discord(?:app)?\\.com/api/webhooks/\\d{17,20}/[A-Za-z0-9_-]{60,68}',
    boundary: false,
  },
  {
    id: 'teams-webhook',
    pattern:
      'webhook\\.office\\.com/webhookb2/[a-f0-9-]{36}@[a-f0-9-]{36}/IncomingWebhook/[a-f0-9]{32}/[a-f0-9-]{36}',
    boundary: false,
  },
  {
    id: 'zapier-webhook',
    pattern: 'hooks\\.zapier\\.com/hooks/catch/\\d{3,12}/[a-z0-9]{5,12}',
    boundary: false,
    critical: false,
  },
  { id: 'telegram-bot-token', pattern: '\\d{8,10}:AA[A-Za-z0-9_-]{33}', needle: ':AA', needleInside: true },
  { id: 'twilio-api-key', pattern: 'SK[0-9a-f]{32}', minEntropy: 3.3 },
  { id: 'mailgun-key', pattern: 'key-[A-Za-z0-9]{32}', minEntropy: 3.8 },
  {
    id: 'mailchimp-key',
    pattern: '[a-f0-9]{32}-us\\d{1,2}',
    minEntropy: 3.3,
    needle: '-us',
    needleInside: true,
  },
  { id: 'brevo-key', pattern: 'xkeysib-[a-f0-9]{64}-[A-Za-z0-9]{16}' },
  { id: 'brevo-key', pattern: 'xsmtpsib-[a-f0-9]{64}-[A-Za-z0-9]{16}' },
  { id: 'mandrill-key', pattern: 'md-[A-Za-z0-9_-]{22}', minEntropy: 4, critical: false },
  { id: 'hubspot-token', pattern: 'pat-(?:na|eu)\\d-' + HEX8_4_4_4_12 },
  { id: 'intercom-token', pattern: 'dG9rOm[A-Za-z0-9_=-]{50,60}' },
  { id: 'twitter-bearer-token', pattern: 'AAAAAAAAAAAAAAAAAAAAAA[A-Za-z0-9%]{80,140}', minEntropy: 4 },
  { id: 'facebook-access-token', pattern: 'EAA[A-Za-z0-9]{90,400}', minEntropy: 4.2 },
  // Payments and commerce
  { id: 'stripe-webhook-secret', pattern: 'whsec_[A-Za-z0-9]{32,64}', minEntropy: 3.8 },
  { id: 'square-token', pattern: 'sq0(?:atp-[A-Za-z0-9_-]{22}|csp-[A-Za-z0-9_-]{43})' },
  { id: 'square-token', pattern: 'EAAA[A-Za-z0-9+=-]{60}' },
  { id: 'paypal-braintree-token', pattern: 'access_token\\$production\\$[a-z0-9]{16}\\$[a-f0-9]{32}' },
  { id: 'plaid-token', pattern: 'access-(?:sandbox|development|production)-' + HEX8_4_4_4_12 },
  { id: 'plaid-token', pattern: 'public-(?:sandbox|development|production)-' + HEX8_4_4_4_12 },
  { id: 'flutterwave-key', pattern: 'FLWSECK(?:_TEST)?-[a-hA-H0-9]{32}-X' },
  { id: 'duffel-token', pattern: 'duffel_(?:test|live)_[A-Za-z0-9_=-]{43}' },
  { id: 'easypost-key', pattern: 'EZ[AT]K[A-Za-z0-9]{54}', needle: 'EZ' },
  { id: 'shippo-token', pattern: 'shippo_(?:live|test)_[a-f0-9]{40}' },
  {
    id: 'coinbase-key',
    pattern: 'organizations/' + HEX8_4_4_4_12 + '/apiKeys/' + HEX8_4_4_4_12,
    boundary: false,
    critical: false,
  },
  { id: 'salesforce-token', pattern: '00D[A-Za-z0-9]{12,15}![A-Za-z0-9._]{80,110}' },
  // Productivity, storage and SaaS
  { id: 'airtable-token', pattern: 'pat[A-Za-z0-9]{14}\\.[a-f0-9]{64}' },
  { id: 'clickup-token', pattern: 'pk_\\d{6,10}_[A-Z0-9]{32}' },
  { id: 'dropbox-token', pattern: 'sl\\.[Bu][A-Za-z0-9_.-]{130,1400}', minEntropy: 4 },
  { id: 'mapbox-secret-token', pattern: 'sk\\.eyJ[A-Za-z0-9_-]{40,200}\\.[A-Za-z0-9_-]{20,40}' },
  { id: 'adobe-client-secret', pattern: 'p8e-[A-Za-z0-9]{32}', minEntropy: 3.5 },
  { id: 'launchdarkly-key', pattern: 'api-' + HEX8_4_4_4_12, critical: false },
  { id: 'launchdarkly-key', pattern: 'sdk-' + HEX8_4_4_4_12, critical: false },
  // Credentials written as files or headers
  { id: 'putty-private-key', pattern: 'PuTTY-User-Key-File-[23]: ', boundary: false },
  {
    id: 'ssh2-private-key',
    pattern: '---- BEGIN SSH2 ENCRYPTED PRIVATE KEY ----',
    boundary: false,
    needle: 'BEGIN SSH2',
  },
];

/** The literal prefix of a pattern source (`ghp_`, `dp.`), up to its first class, group or quantifier. */
function literalPrefix(pattern: string): string {
  let out = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (/[{?*+]/.test(pattern[i + 1] ?? '')) break;
    if (c === '\\' && /[./$]/.test(pattern[i + 1] ?? '')) out += pattern[++i];
    else if (/[A-Za-z0-9_~!/:=-]/.test(c)) out += c;
    else break;
  }
  return out;
}

/**
 * The literal each row's matches must hold. PERF: an `includes` per row (a few microseconds for the whole
 * table on 2 KiB) decides which regexes run at all; one union regex of all rows cost ten times more.
 */
export function needleOf(rule: ProviderRule): string {
  const needle = rule.needle ?? literalPrefix(rule.pattern);
  // A table error, caught when the module loads (and by the tests): a short needle would run every regex.
  if (needle.length < 2) throw new TypeError(`provider rule "${rule.id}" has no literal needle`);
  return needle;
}
