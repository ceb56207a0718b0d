/** Secret detection shared by the secrets and exfiltration inspectors: provider token formats and key material. */

import { crc32 } from 'node:zlib';
import { NeedleGate } from './needle-gate.js';
import { needleOf, PROVIDER_RULES, type ProviderRule } from './secret-providers.js';

/** One detected secret: the rule that matched, where, and the matched text (for redaction only). */
export interface SecretMatch {
  readonly kind: string;
  readonly index: number;
  readonly match: string;
  readonly critical: boolean;
}

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/**
 * GitHub's classic tokens (`ghp_`, `gho_`, `ghu_`, `ghs_`, `ghr_` + 36) end in a 6-char base62 CRC32 of the
 * 30 random chars: a valid checksum makes a real token near certain, a wrong one marks a made-up string.
 */
export function githubChecksumValid(token: string): boolean {
  if (!/^gh[pousr]_[A-Za-z0-9]{36}$/.test(token)) return false;
  let n = crc32(token.slice(4, 34));
  let enc = '';
  while (n > 0) {
    enc = BASE62[n % 62]! + enc;
    n = Math.floor(n / 62);
  }
  return enc.padStart(6, '0') === token.slice(34);
}

interface Rule {
  readonly kind: string;
  readonly re: RegExp;
  readonly critical: boolean;
  /** False for the few formats with no 16-char run of token characters (PEM headers, URL credentials). */
  readonly needsRun?: false;
  /** Rejects placeholders and look-alikes after the format matched. */
  readonly check?: (m: string) => boolean;
}

// SECURITY: every pattern starts with a literal prefix and uses only bounded quantifiers, so each
// start position does constant work and a scan is linear in the text length.
const B = '(?<![A-Za-z0-9_])';
const E = '(?![A-Za-z0-9_])';
const rule = (kind: string, src: string, critical = true, check?: (m: string) => boolean): Rule =>
  check === undefined
    ? { kind, re: new RegExp(src, 'g'), critical }
    : { kind, re: new RegExp(src, 'g'), critical, check };

/** Template marks: `xxxxxx`, `***`, `...`, `<token>`, `${VAR}`, `{{var}}`. They count wherever they appear. */
const PLACEHOLDER_MARKS = /(?:x{6,}|X{6,}|\*{3,}|\.{3}|<[^>]{0,40}>|\$\{[^}]{0,40}\}|\{\{[^}]{0,40}\}\})/;

/** Documentation words, each a list of alternatives per position (`replace` then `me|with|this`). */
const PLACEHOLDER_PHRASES: readonly (readonly string[])[][] = [
  [['your']],
  [['example']],
  [['dummy']],
  [['placeholder']],
  [['change'], ['me']],
  [['redacted']],
  [['replace'], ['me', 'with', 'this']],
  [['insert'], ['your', 'here']],
  [['not'], ['a'], ['real']],
  [['fake'], ['key', 'token', 'secret']],
];

/**
 * The phrases as a person writes them: `your-api-key`, `YOUR_KEY`, `YourTokenHere`, `changeme`. A word
 * must be in one case and start at a word start (not after a letter of its own case, nor a digit), so
 * the random body of a real token (`...k9yoUR0...`, `...AyourB...`) is not mistaken for a template.
 * Before this, any `your` inside an 80-character random body hid a real PyPI token (one in ~10^4).
 */
// No g or y flag: `test` keeps no lastIndex, so one compiled pattern serves every pipeline.
const PLACEHOLDER_WORDS: Readonly<RegExp> = new RegExp(
  PLACEHOLDER_PHRASES.flatMap((phrase) => {
    const form = (f: (w: string) => string, before: string) =>
      `${before}${phrase.map((alts) => `(?:${alts.map(f).join('|')})`).join('[_-]?')}`;
    return [
      form((w) => w, '(?<![a-z0-9])'),
      form((w) => w.toUpperCase(), '(?<![A-Z0-9])'),
      form((w) => w[0]!.toUpperCase() + w.slice(1), '(?<![A-Z0-9])'),
    ];
  }).join('|'),
);

/** Placeholder bodies (`xxxx`, `****`, `<token>`, `...`, `${VAR}`, all one repeated char) are not secrets. */
export function isPlaceholder(secret: string): boolean {
  const s = secret.replace(/^[a-z]{2,8}[_-]/i, '');
  return (
    /^(.)\1+$/.test(s.replace(/[_-]/g, '')) ||
    PLACEHOLDER_MARKS.test(secret) ||
    PLACEHOLDER_WORDS.test(secret)
  );
}

/** Shannon entropy in bits per character. */
export function entropy(s: string): number {
  const counts = new Map<string, number>();
  for (const ch of s) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  let h = 0;
  for (const c of counts.values()) {
    const p = c / s.length;
    h -= p * Math.log2(p);
  }
  return h;
}

const notPlaceholder = (m: string) => !isPlaceholder(m);

/** A table row as a scan rule: word boundaries unless the row opts out, entropy and placeholder checks. */
function providerRule(p: ProviderRule): Rule {
  const src = p.boundary === false ? p.pattern : `${B}(?:${p.pattern})${E}`;
  const min = p.minEntropy;
  return rule(
    p.id,
    src,
    p.critical ?? true,
    (m) => !isPlaceholder(m) && (min === undefined || entropy(m) >= min),
  );
}

/** The `user:pass` a base64 credential decodes to, or null when it is not one (printable, one colon). */
function decodedUserPass(b64: string): string | null {
  const text = Buffer.from(b64, 'base64').toString('latin1');
  return /^[\x21-\x7e]{1,128}:[\x20-\x7e]{1,256}$/.test(text) ? text : null;
}

/** A credential pair whose password is real: not a template, a placeholder or the documentation word. */
function realPair(user: string, pass: string): boolean {
  if (pass.length < 4 || isPlaceholder(pass) || isPlaceholder(user)) return false;
  if (/^[$%{<[]|^:|[{}]/.test(pass) || /[{}$]/.test(user)) return false;
  return !DOC_PASSWORD.test(pass) && user !== pass;
}

function basicCredential(m: string): boolean {
  const pair = decodedUserPass(m.slice(m.search(/[Bb]asic\s/) + 6).trim());
  if (pair === null) return false;
  const colon = pair.indexOf(':');
  return realPair(pair.slice(0, colon), pair.slice(colon + 1));
}

function cliCredential(m: string): boolean {
  const arg = /(?:-u|--user)[\s=]{1,4}["']?([^\s:"']{1,64}):([^\s"']{4,128})$/.exec(m);
  return arg !== null && realPair(arg[1]!, arg[2]!);
}

function cliPassword(m: string): boolean {
  // The password follows the last flag (`-p`, `--password=`); a quote around it is not part of it.
  const long = m.lastIndexOf('--password=');
  const flag = long !== -1 ? long : m.lastIndexOf('-p');
  const pw = m.slice(flag).replace(/^(?:--password=|-p)\s{0,4}["']?/, '');
  return pw !== 'stdin' && realPair('', pw);
}

function netrcCredential(m: string): boolean {
  const [, , , user = '', , pass = ''] = m.split(/\s+/);
  return realPair(user, pass);
}

function dockerAuth(m: string): boolean {
  const pair = decodedUserPass(/"([A-Za-z0-9+/=]{16,402})"$/.exec(m)?.[1] ?? '');
  if (pair === null) return false;
  const colon = pair.indexOf(':');
  return realPair(pair.slice(0, colon), pair.slice(colon + 1));
}

const RULES: readonly Rule[] = [
  rule('aws-access-key', `${B}(?:AKIA|ASIA|ABIA|ACCA|A3T[A-Z0-9])[A-Z0-9]{16}${E}`),
  rule(
    'aws-secret-key',
    `(?:aws_?secret_?(?:access_?)?key|secret_?access_?key)["']?\\s{0,4}[:=]\\s{0,4}["']?[A-Za-z0-9/+=]{40}${E}`,
    true,
    (m) => !/EXAMPLE|SECRETSKEY/.test(m),
  ),
  rule('github-token', `${B}gh[pousr]_[A-Za-z0-9_]{36,255}`, true, notPlaceholder),
  rule('github-token', `${B}github_pat_[A-Za-z0-9_]{60,255}`),
  rule('gitlab-token', `${B}gl(?:pat|ptt|dt|rt|soat|ffct|agent|cbt|imt)-[A-Za-z0-9_-]{20,64}`),
  rule('slack-token', `${B}xox[abposre]-(?:\\d{6,20}-){1,3}[A-Za-z0-9-]{0,64}`, true, (m) => m.length >= 20),
  rule('slack-token', `${B}xapp-\\d-[A-Z0-9]{6,20}-\\d{6,20}-[a-f0-9]{32,80}`),
  rule(
    'slack-webhook',
    `hooks\\.slack\\.com/(?:services|workflows)/T[A-Z0-9]{6,12}/[A-Z0-9]{6,12}/[A-Za-z0-9]{16,40}`,
  ),
  rule('stripe-key', `${B}(?:sk|rk)_(?:live|test)_[A-Za-z0-9]{24,247}${E}`, true, notPlaceholder),
  rule('openai-key', `${B}sk-(?:proj-|svcacct-|admin-)?[A-Za-z0-9_-]{16,200}T3BlbkFJ[A-Za-z0-9_-]{16,200}`),
  rule('anthropic-key', `${B}sk-ant-(?:api|admin|sid)\\d{2}-[A-Za-z0-9_-]{32,200}`, true, notPlaceholder),
  rule('groq-key', `${B}gsk_[A-Za-z0-9]{52}${E}`),
  rule(
    'huggingface-token',
    `${B}hf_[A-Za-z]{34}${E}`,
    true,
    (m) => !/^hf_(.)\1+$/.test(m) && /[A-Z]/.test(m) && /[a-z]/.test(m.slice(3)),
  ),
  rule('sendgrid-key', `${B}SG\\.[A-Za-z0-9_-]{16,32}\\.[A-Za-z0-9_-]{20,64}`),
  rule('shopify-token', `${B}shp(?:at|ca|pa|ss)_[A-Za-z0-9]{32}${E}`),
  rule('npm-token', `${B}npm_[A-Za-z0-9]{36}${E}`),
  rule('gcp-api-key', `${B}AIza[0-9A-Za-z_-]{35}${E}`),
  rule('linear-key', `${B}lin_(?:api|oauth)_[A-Za-z0-9]{40,48}${E}`),
  // Notion: `ntn_`, 11 digits, 35 alphanumerics (the documented integration-token shape).
  rule('notion-token', `${B}ntn_\\d{11}[A-Za-z0-9]{35}${E}`),
  rule('figma-token', `${B}fig[dou]_[A-Za-z0-9_-]{40,64}`),
  rule('databricks-token', `${B}dapi[a-fA-F0-9]{32}(?:-\\d)?${E}`),
  // Cloudflare: 40 alphanumerics then an 8-hex checksum, nothing after it.
  rule('cloudflare-token', `${B}cf(?:at|ut|k)_[A-Za-z0-9]{40}[a-f0-9]{8}${E}`),
  rule('grafana-token', `${B}(?:glc_[A-Za-z0-9+/]{32,400}={0,2}|glsa_[A-Za-z0-9]{32}_[A-Fa-f0-9]{8})`),
  rule('vault-token', `${B}hv[sbr]\\.[A-Za-z0-9_-]{24,255}`),
  rule('tailscale-key', `(?<![A-Za-z])tskey-[a-z]{2,16}-[A-Za-z0-9]{6,20}-[A-Za-z0-9]{16,64}`),
  rule('onepassword-token', `${B}ops_eyJ[A-Za-z0-9+/=_-]{40,2000}`),
  rule('docker-token', `${B}dckr_(?:pat|oat)_[A-Za-z0-9_-]{20,64}`),
  rule('vercel-token', `${B}v(?:cp|ci|ca|cr|ck)_[A-Za-z0-9]{24,80}`),
  rule('azure-storage-key', `AccountKey=[A-Za-z0-9+/]{80,90}={0,2}`),
  rule(
    'azure-client-secret',
    `(?:client_?secret|clientsecret)["']?\\s{0,4}[:=]{1,2}\\s{0,4}["']?[A-Za-z0-9_~.-]{34,40}${E}`,
    true,
    notPlaceholder,
  ),
  {
    ...rule(
      'private-key',
      `-----BEGIN (?:RSA |EC |DSA |OPENSSH |ENCRYPTED |PGP |)PRIVATE KEY(?: BLOCK)?-----`,
      true,
    ),
    needsRun: false,
  },
  { ...rule('gcp-service-account', `"type"\\s{0,4}:\\s{0,4}"service_account"`, true), needsRun: false },
  // Azure AD tenant and application (client) IDs: identifiers, not keys, but they scope a credential attack.
  rule(
    'azure-identity-id',
    `(?:[Aa][Zz][Uu][Rr][Ee]|[Aa][Dd]|[Aa][Aa][Dd]|[Aa][Rr][Mm])_?(?:[Tt][Ee][Nn][Aa][Nn][Tt]|[Cc][Ll][Ii][Ee][Nn][Tt])_?[Ii][Dd]["']?\\s{0,4}[:=]\\s{0,4}["']?[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}${E}`,
    false,
  ),
  rule('jwt', `${B}eyJ[A-Za-z0-9_-]{8,4000}\\.eyJ[A-Za-z0-9_-]{8,8000}\\.[A-Za-z0-9_-]{16,2000}`, false),
  {
    ...rule(
      'connection-string',
      `${B}(?:postgres(?:ql)?|mysql|mariadb|mongodb(?:\\+srv)?|redis|rediss|amqps?|mssql|sqlserver|jdbc:[a-z]{2,12}|oracle|clickhouse)://[^\\s:@/"'\`]{0,128}:[^\\s@/"'\`]{1,256}@[^\\s"'\`]{1,256}`,
      true,
    ),
    needsRun: false,
  },
  {
    ...rule(
      'basic-auth-url',
      `${B}(?:https?|ftps?|wss?)://[^\\s:@/"'\`<>()\\[\\]]{1,128}:[^\\s@/"'\`<>()\\[\\]]{1,256}@[A-Za-z0-9.-]{1,253}`,
      true,
    ),
    needsRun: false,
  },
  rule(
    'secp256k1-key',
    `${B}0x[a-fA-F0-9]{64}${E}`,
    false,
    (m) => entropy(m.slice(2)) > 3.3 && /[a-fA-F]/.test(m) && /[0-9]/.test(m),
  ),
];

/**
 * Credentials written into headers, command lines and config files: each row runs only where its needle
 * occurs (PERF: a class-led pattern such as `[\s;|&(]curl` in the union would be tried at every space).
 */
const CREDENTIAL_SCANS: readonly Omit<GatedRule, 'anchored'>[] = [
  // `Authorization: Basic <base64 of user:pass>` in headers, curl and HTTP dumps.
  {
    needle: 'uthorization',
    rule: rule(
      'basic-auth-header',
      `[Aa]uthorization["']?\\s{0,4}[:=]\\s{0,4}["']?[Bb]asic\\s{1,4}[A-Za-z0-9+/]{8,400}={0,2}`,
      true,
      basicCredential,
    ),
  },
  // `curl -u user:pass` / `--user user:pass` (the password in the argument, not prompted for).
  {
    needle: 'curl',
    rule: rule(
      'cli-credential',
      `${B}curl(?:\\s[^\\n;|&]{0,200}?)?\\s(?:-u|--user)[\\s=]{1,4}["']?[^\\s:"']{1,64}:[^\\s"']{4,128}`,
      true,
      cliCredential,
    ),
  },
  // Passwords passed on a command line: `sshpass -p pw`, `mysql -p<pw>`, `--password=<pw>` (not `--password` alone, which prompts).
  {
    needle: 'sshpass',
    rule: rule(
      'cli-credential',
      `${B}sshpass\\s{1,4}-p\\s{0,4}["']?[^\\s"'-][^\\s"']{3,128}`,
      true,
      cliPassword,
    ),
  },
  ...['mysql', 'mariadb'].map((tool) => ({
    needle: tool,
    rule: rule(
      'cli-credential',
      `${B}${tool}[a-z]{0,8}\\s[^\\n;|&]{0,200}?\\s-p["']?[^\\s"'-][^\\s"']{3,128}`,
      true,
      cliPassword,
    ),
  })),
  {
    needle: '--password',
    rule: rule('cli-credential', `--password=["']?[^\\s"'-][^\\s"']{3,128}`, true, cliPassword),
  },
  // A .netrc entry: `machine host login user password pw`.
  {
    needle: 'machine',
    rule: rule(
      'netrc-credential',
      `${B}machine\\s{1,8}[^\\s]{1,253}\\s{1,8}login\\s{1,8}[^\\s]{1,128}\\s{1,8}password\\s{1,8}[^\\s]{4,128}`,
      true,
      netrcCredential,
    ),
  },
  // Docker config `"auth": "<base64 of user:pass>"`.
  {
    needle: '"auth"',
    rule: rule(
      'docker-config-auth',
      `"auth"\\s{0,4}:\\s{0,4}"[A-Za-z0-9+/]{16,400}={0,2}"`,
      true,
      dockerAuth,
    ),
  },
];

/**
 * The provider table as scan rules, each with the literal that must occur before its regex runs. Needles that
 * start a token are found by one `NeedleGate` pass, the few inside a token (`Q~`, `.atlasv1.`) by `includes`.
 */
interface GatedRule {
  readonly rule: Rule;
  readonly needle: string;
  readonly anchored: boolean;
}
const PROVIDER_SCANS: readonly GatedRule[] = PROVIDER_RULES.map((p) => ({
  rule: providerRule(p),
  needle: needleOf(p),
  anchored: p.needleInside !== true,
}));
const PROVIDER_GATE = new NeedleGate(PROVIDER_SCANS.filter((p) => p.anchored).map((p) => p.needle));
/**
 * PERF: the scans whose needle sits inside a token (found by `includes`, not by the gate), in table order: when
 * the gate finds no needle, these are the only provider scans that can run, and most text (ids, header values,
 * prose) walks this short list instead of the whole table.
 */
const INSIDE_SCANS: readonly GatedRule[] = PROVIDER_SCANS.filter((p) => !p.anchored);

/** The rule's matches in the text that pass its check, appended to `out` (created on the first match). */
function scanRule(r: Rule, text: string, max: number, out: SecretMatch[] | null): SecretMatch[] | null {
  r.re.lastIndex = 0;
  for (let m = r.re.exec(text); m !== null && (out?.length ?? 0) < max; m = r.re.exec(text))
    if (r.check === undefined || r.check(m[0]))
      (out ??= []).push({ kind: r.kind, index: m.index, match: m[0], critical: r.critical });
  return out;
}

/**
 * PERF: the union of the rules' regexes, tested once: it matches somewhere exactly when some rule does (each
 * rule is one alternative, position-local lookarounds, no back-references), so a text it misses holds no
 * match of any rule and skips the per-rule scans. One union for the rules that need a token run, one for all.
 */
const union = (rules: readonly Rule[]): RegExp =>
  new RegExp(rules.map((r) => `(?:${r.re.source})`).join('|'));
const ANY_RULE = union(RULES);
const ANY_RUNLESS_RULE = union(RULES.filter((r) => r.needsRun === false));

/** The private-key body must be real base64 of some length; `xxx`, `...`, `***` are documentation. */
function realPrivateKey(text: string, index: number): boolean {
  const body = text.slice(index, index + 6000).replace(/^-----BEGIN [^-]{0,40}-----/, '');
  const end = body.indexOf('-----END');
  const content = (end === -1 ? body : body.slice(0, end)).replace(/\\n|\s/g, '');
  return /^[A-Za-z0-9+/=:,-]{100,}/.test(content) || (end === -1 && /^[A-Za-z0-9+/]{64}/.test(content));
}

function credentialPart(url: string): string {
  const scheme = url.indexOf('://');
  const at = url.lastIndexOf('@');
  return url.slice(scheme + 3, at);
}

/** Passwords that documentation writes in place of a real one. */
const DOC_PASSWORD =
  /^(?:password|passwd|pwd|mypassword|yourpassword|my_?pass|your_?pass|secret_?password|changeme|replace_?with_?\w{0,40}|enter_?\w{0,40}|\.\.\.)$/i;

/**
 * Rejects URL credentials that are templates or documentation: `${USER}:${PASS}`, `{user}:{pass}`,
 * `YOUR_USER:YOUR_PASSWORD`, the word `password` as the password, identical user and password
 * (`postgres:postgres`, a default), and passwords shorter than four characters or of one repeated character.
 */
function realUrlCredential(match: string): boolean {
  const cred = credentialPart(match);
  const colon = cred.indexOf(':');
  const user = cred.slice(0, colon);
  const pass = cred.slice(colon + 1);
  if (pass.length < 4 || isPlaceholder(pass) || isPlaceholder(user)) return false;
  if (/^[$%{<[]|^:|[{}]/.test(pass) || /[{}$]/.test(user)) return false;
  if (DOC_PASSWORD.test(pass) || user === pass) return false;
  return true;
}

/** The literals every run-less rule holds (PEM headers, `"type"`, URLs, headers, command lines, .netrc). */
const RUNLESS_ANCHOR =
  /:\/\/|-----BEGIN |"type"|[Aa]uthorization|curl|sshpass|mysql|mariadb|--password|machine/;

/** The answer for the common case, shared: most text holds no secret. */
const NO_SECRETS: readonly SecretMatch[] = Object.freeze([]);

/**
 * Every secret in the text (one match per rule and position), linear in text length. PERF: `longRun` says
 * whether the text has a run of 16+ token characters (`TOKEN_RUN` in `lib/leaf-traits.ts`); every token
 * format needs one, so text without it only meets the PEM, service-account and URL-credential rules.
 */
export function findSecrets(text: string, max = 64, longRun = true): readonly SecretMatch[] {
  if (!longRun && !RUNLESS_ANCHOR.test(text)) return NO_SECRETS;
  let out: SecretMatch[] | null = null;
  for (const c of CREDENTIAL_SCANS) if (text.includes(c.needle)) out = scanRule(c.rule, text, max, out);
  // Every provider-table format holds a token run.
  if (longRun) {
    const present = PROVIDER_GATE.present(text);
    // With no needle present no anchored scan runs, so the inside scans alone give the same matches in order.
    const scans = present.size === 0 ? INSIDE_SCANS : PROVIDER_SCANS;
    for (let k = 0; k < scans.length; k++) {
      const p = scans[k]!;
      if (p.anchored ? present.has(p.needle) : text.includes(p.needle))
        out = scanRule(p.rule, text, max, out);
    }
  }
  if (!(longRun ? ANY_RULE : ANY_RUNLESS_RULE).test(text)) return out ?? NO_SECRETS;
  out ??= [];
  for (const r of RULES) {
    if (!longRun && r.needsRun !== false) continue;
    r.re.lastIndex = 0;
    for (let m = r.re.exec(text); m !== null && out.length < max; m = r.re.exec(text)) {
      const match = m[0];
      if (r.check !== undefined && !r.check(match)) continue;
      if (r.kind === 'private-key' && !realPrivateKey(text, m.index)) continue;
      // A service-account file is a secret only when its private key is real (not `...` documentation).
      if (r.kind === 'gcp-service-account') {
        const k = text.indexOf('-----BEGIN', m.index);
        if (k === -1 || k - m.index > 8000 || !realPrivateKey(text, k)) continue;
      }
      if ((r.kind === 'connection-string' || r.kind === 'basic-auth-url') && !realUrlCredential(match))
        continue;
      if (
        r.kind === 'basic-auth-url' &&
        out.some(
          (o) => o.kind === 'connection-string' && o.index <= m.index && m.index < o.index + o.match.length,
        )
      )
        continue;
      out.push({ kind: r.kind, index: m.index, match, critical: r.critical });
    }
  }
  return out;
}

/** Keys whose values are credentials whatever their format. */
export const CREDENTIAL_KEY =
  /^(?:password|passwd|pwd|pass|secret|client_secret|api_?key|apikey|access_?key|secret_?key|access_?token|auth_?token|refresh_?token|token|private_?key|bearer|authorization|credentials?|x-api-key|session_?token|signing_?key|encryption_?key|db_?password|database_?password)$/i;

/** `key = value` assignments in text (env files, config, code) whose key names a credential. */
export const ASSIGNMENT =
  /(?:^|[^A-Za-z0-9_.-])["']?([A-Za-z0-9_.-]{0,40}(?:password|passwd|pwd|secret|api_?key|apikey|access_?key|token|private_?key|credential|authtoken|_auth)s?)["']?\s{0,4}(?:=|:|:=|=>)\s{0,4}["']?([^\s"',;?&:=][^\s"',;?&]{5,199})/gim;
