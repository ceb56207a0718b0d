/** path-traversal: `..` climbs in any encoding, sensitive absolute paths, Windows and UNC forms, null bytes. */
import type { Finding, Severity } from '../../model/finding.js';
import { makeFinding, type InspectionInput, type Inspector, type StringLeaf } from '../inspector.js';
import { isKeyLeaf, isPathKey, isShellLeaf } from '../lib/leaf-role.js';
import {
  CONTROL_CHAR,
  DIGIT,
  DOT,
  hasAnyWord,
  leafTraits,
  leafWords,
  NON_ASCII,
  PERCENT,
  SLASH,
  SYMBOL,
  gateWords,
} from '../lib/leaf-traits.js';
import {
  countDotDotSegments,
  normalizePath,
  pathSkeleton,
  unescapeBackslashes,
} from '../lib/path-normalize.js';
import { excerpt } from '../lib/redact.js';
import { resourceUriPath } from '../lib/resource-uri.js';
import { TAGS } from '../tags.js';

const ID = 'path-traversal';
const tags = TAGS[ID];

/** Files whose content is a credential or key: reading one is an incident wherever the path appears. */
const CREDENTIAL_FILE =
  /(?:\/etc\/(?:shadow|gshadow|sudoers|master\.passwd)|\/\.ssh\/(?:id_[a-z0-9_]+|authorized_keys|known_hosts|config)|\/\.aws\/(?:credentials|config)|\/\.kube\/config|\/\.docker\/config\.json|\/\.config\/gcloud\/|application_default_credentials\.json|\/\.azure\/|\/\.netrc|\/\.npmrc|\/\.pypirc|\/\.git-credentials|\/\.pgpass|\/\.bash_history|\/\.zsh_history|\/proc\/self\/(?:environ|cmdline|mem|maps|fd)|\/proc\/\d{1,7}\/environ|\/var\/run\/secrets\/|\/run\/secrets\/|\/etc\/ssl\/private\/|\\(?:sam|system|security)$|\\repair\\sam|\\config\\sam|ntds\.dit|(?:^|[\\/])(?:unattend(?:ed)?|autounattend|sysprep)\.(?:xml|txt|inf)$|\/\.gnupg\/)/i;

/** Absolute locations an agent's file tool should not reach. */
const SENSITIVE_ROOT =
  /^(?:\/(?:etc|proc|sys|dev|root|boot|var\/log|var\/run|run|var\/lib|private\/etc|usr\/local\/etc)(?:\/|$)|~\/?\.|\$home\/\.|[a-z]:[\\/](?:windows|winnt|boot\.ini|inetpub|users[\\/][^\\/]{1,64}[\\/](?:appdata|ntuser)|programdata)|\/users\/[^/]{1,64}\/library\/|\/home\/[^/]{1,64}\/\.|\/usr\/lib\/security\/|\/var\/adm\/|\/usr\/etc\/|\/var\/db\/shadow\/|[a-z]:[\\/](?:system32|system volume information)(?:[\\/]|$))/i;

/** Files that are targets wherever they sit in a path value (`..%5cwin.ini`, `%0a/bin/cat /etc/passwd`). */
const SENSITIVE_FILE =
  /(?:\/etc\/(?:passwd|shadow|group|hosts|issue|crontab|fstab)\b|(?:^|[\\/])(?:win\.ini|boot\.ini|system\.ini|\.htaccess|\.htpasswd|web\.config|php\.ini|httpd\.conf|apache2\.conf|nginx\.conf|my\.cnf|my\.ini|web\.xml|server\.xml|tomcat-users\.xml|wp-config\.php|config\.inc\.php|configuration\.php|localsettings\.php|\.bash_profile|\.bashrc|\.bash_login|\.profile|\.zshrc|\.cshrc|\.login|\.[a-z]{0,12}_?history|\.viminfo)\b|(?:^|[\\/])(?:windows|winnt)[\\/](?:system32|win\.ini|repair)|\/proc\/(?:self|\d{1,7})\/)/i;

/**
 * Install trees of web, database, FTP and mail servers and of the OS itself, reached as an absolute path:
 * their logs are log-poisoning inclusion targets and their configs hold credentials.
 */
const SERVER_TREE =
  /^\/(?:[^/]{1,64}\/){0,4}(?:apache\d{0,2}|apache group|apache software foundation|httpd|nginx|lighttpd|xampp|lampp|lamp|wamp|appserv|cpanel|tomcat\d{0,2}|jakarta|mysql(?: ?server ?[\d.]{0,8})?|mariadb|postgresql|php\d{0,2}|filezilla ?(?:ftp|server)?|mercurymail|inetpub|iis|program ?files(?: \(x86\))?|documents and settings)(?:\/|$)/;
/** A log directory near the root with a server log in it (`/logs/error.log`, `c:/log/httpd/access_log`). */
/** Setup answer files: the CREDENTIAL_FILE names that need no slash before them (`unattend.xml` alone). */
const UNATTEND_WORDS = gateWords('unattend unattended autounattend sysprep');

const ROOT_LOG =
  /^\/(?:[^/]{1,64}\/){0,2}(?:logs?|adm)\/(?:[^/]{1,64}\/){0,2}[^/]{0,64}(?:access|error|messages|syslog|auth)/;
/** Relative paths that name a system file from the filesystem root (`etc/passwd` under a `/` base). */
const RELATIVE_SYSTEM =
  /^(?:etc\/(?:passwd|shadow|gshadow|master\.passwd|sudoers|issue|hosts)|(?:windows|winnt)\/(?:win\.ini|system32\/|repair\/)|boot\.ini$)/;
/** PHP stream-filter chain segments (`convert.iconv.utf8.cp930`, `convert.base64-encode`): filter-chain RCE. */
const PHP_FILTER =
  /^(?:\|?(?:convert\.(?:iconv|base64|quoted-printable)|string\.(?:rot13|toupper|tolower|strip_tags)|zlib\.(?:deflate|inflate)|bzip2\.(?:compress|decompress)|dechunk|consumed)[.\-|/a-z0-9_]{0,200})$/i;

/** Stream wrappers and schemes that turn a path parameter into file or code access. */
const WRAPPER = /^(?:file|php|phar|zip|data|expect|glob|jar|netdoc|compress\.zlib|compress\.bzip2|zlib):/i;

// PERF: every regex is a module constant: a literal inside a function allocates a new RegExp each time it runs.
const SPACE = /\s/;
/** Whitespace between two other characters: `/\s/.test(value.trim())` without copying the value. */
const INNER_SPACE = /\S\s+\S/;
const PATH_START = /^\s*(?:[./\\~]|[a-z]:[\\/])/i;
/** Anything that can hide a prefix before the landing spot; a plain relative name has none. */
// eslint-disable-next-line no-control-regex
const PREFIXED = /^\s*(?:[./\\~?%]|[a-z]:)|[?*<>|"%\u0000-\u001f\u007f-\uffff]/i;
const BACKSLASHES = /\\/g;
const NULS = /\0/g;
const ESCAPED_DOT_OR_SLASH = /\\[./]/;
const CLIMB_TO_SYSTEM = /\.\.[/\\](?:etc|proc|windows|boot|root|\.ssh|\.aws)\b/i;
const CRITICAL_TARGET = /\betc[/\\]passwd\b|win\.ini|boot\.ini/i;
const ESCAPED_NUL = /%00|\\0|\\x00|\\u0000/i;
const UNC = /^\s*(?:\\\\|\/\/)[^\\/\s]{1,255}[\\/]/;
const PROTOCOL_RELATIVE_URL = /^\s*\/\/[^/]{1,255}\.[a-z]{2,}\//i;
/** Every finding needs one of these (`0x2e`/`0x5c` are IIS dot and backslash). */
const PATH_CHAR = /[./\\%\0~\uff0e\u2024\u2215]|0x[25]/i;

function pathLike(value: string): boolean {
  // One token without spaces, or something that starts like a path. PERF: `search` finds the common
  // no-space case in one scan without copying the value as `trim` would.
  return value.search(SPACE) === -1 || !INNER_SPACE.test(value) || PATH_START.test(value);
}

/** The evidence for a finding on a normalized path: an excerpt with NULs spelled out. */
function pathEvidence(normalized: string): string {
  return excerpt(normalized.includes('\0') ? normalized.replace(NULS, '\\0') : normalized);
}

/**
 * The two CREDENTIAL_FILE names that need no slash, found in the text as they would be in its lower-cased
 * form: `/i` folds only ASCII letters, and neither name holds a letter that a non-ASCII character
 * lower-cases to (`k` from the Kelvin sign, `i` before U+0307 from `İ`). PERF: prose skips the lower-casing.
 */
const CREDENTIAL_NAME = /ntds\.dit|application_default_credentials\.json/i;

/** CREDENTIAL_FILE on a lower-cased path, with `\` read as `/` and as itself. */
function credentialPath(lower: string): boolean {
  // PERF: without a backslash both spellings are the same string; test it once.
  if (!lower.includes('\\')) return CREDENTIAL_FILE.test(lower);
  return CREDENTIAL_FILE.test(lower.replace(BACKSLASHES, '/')) || CREDENTIAL_FILE.test(lower);
}

/** True when a finding at `path` is already in `out` (a loop, not `some`: no closure per leaf). */
function hasFindingAt(out: readonly Finding[], path: string): boolean {
  for (let k = 0; k < out.length; k++) if (out[k]!.path === path) return true;
  return false;
}

/**
 * Reads the path with every character that no file name may hold as a separator (`%c0%9v`, `%01`, `?`, stray
 * escapes) and the dot-only segments before the first name as climbs: where it lands is what a lenient server
 * opens. A sensitive landing spot after such a prefix is traversal (dot segments) or a sensitive path.
 */
function landedOnTarget(leaf: StringLeaf, normalized: string, out: Finding[]): void {
  // PERF: a plain relative name (`docs/readme.md`) has no prefix to strip; only the relative check applies.
  if (!PREFIXED.test(normalized)) {
    if (RELATIVE_SYSTEM.test(normalized.toLowerCase().replace(BACKSLASHES, '/')))
      out.push(makeFinding({ id: ID }, 'sensitive-path', 'high', leaf.path, pathEvidence(normalized), tags));
    return;
  }
  const { target, dotSegments, prefixSegments } = pathSkeleton(normalized);
  if (target === '') return;
  const landed = `/${target}`;
  const sensitive =
    prefixSegments > 0
      ? CREDENTIAL_FILE.test(landed) ||
        SENSITIVE_ROOT.test(landed) ||
        SENSITIVE_FILE.test(landed) ||
        SERVER_TREE.test(landed) ||
        ROOT_LOG.test(landed)
      : RELATIVE_SYSTEM.test(target);
  if (!sensitive) return;
  const evidence = pathEvidence(normalized);
  if (dotSegments > 0)
    out.push(makeFinding({ id: ID }, 'dotdot', 'high', leaf.path, evidence, tags, dotSegments));
  else out.push(makeFinding({ id: ID }, 'sensitive-path', 'high', leaf.path, evidence, tags));
}

function inspectLeaf(
  leaf: StringLeaf,
  input: InspectionInput,
  i: number,
  traits: number,
  out: Finding[],
): void {
  const raw = leaf.value;
  const pathKey = isPathKey(leaf.key) || leaf.source === 'url' || leaf.source === 'query';
  const shell = isShellLeaf(leaf, input.action);
  const looksLikePath = pathKey || pathLike(raw);
  // PERF: normalizePath changes nothing without a `%`, a `0x` or a character outside ASCII; prose with
  // digits is ruled out by two substring searches instead of its regex scan.
  const mayChange =
    (traits & (PERCENT | NON_ASCII)) !== 0 ||
    ((traits & DIGIT) !== 0 && (raw.includes('0x') || raw.includes('0X')));
  const normalized = mayChange ? normalizePath(raw) : raw;
  let climbs = countDotDotSegments(normalized);
  // Escaped dots and slashes (`.\\/\\.\\.\\/`) climb once a shell or string reader drops the backslashes.
  if (climbs === 0 && normalized.includes('\\') && ESCAPED_DOT_OR_SLASH.test(normalized))
    climbs = countDotDotSegments(unescapeBackslashes(normalized));
  // PERF: without a slash or backslash only three CREDENTIAL_FILE alternatives can match.
  const slashy = normalized !== raw || (traits & SLASH) !== 0;
  const credential = slashy
    ? credentialPath(normalized.toLowerCase())
    : (CREDENTIAL_NAME.test(normalized) || hasAnyWord(leafWords(input, i), UNATTEND_WORDS)) &&
      CREDENTIAL_FILE.test(normalized.toLowerCase());

  if (climbs > 0) {
    // Prose and command lines use `../` legitimately; one climb in free text is not a finding.
    const strong =
      looksLikePath && !shell ? true : climbs >= 2 || credential || CLIMB_TO_SYSTEM.test(normalized);
    if (strong) {
      const severity: Severity =
        credential || climbs >= 3 || CRITICAL_TARGET.test(normalized) ? 'critical' : 'high';
      out.push(
        makeFinding(
          { id: ID },
          'dotdot',
          shell ? (severity === 'critical' ? 'high' : 'medium') : severity,
          leaf.path,
          pathEvidence(normalized),
          tags,
          climbs,
        ),
      );
    }
  }
  if (raw !== normalized && climbs > 0 && raw.includes('%')) {
    out.push(makeFinding({ id: ID }, 'encoded-dotdot', 'high', leaf.path, excerpt(raw), tags));
  }
  if (credential) {
    out.push(
      makeFinding(
        { id: ID },
        'credential-file',
        shell ? 'high' : 'critical',
        leaf.path,
        pathEvidence(normalized),
        tags,
      ),
    );
  } else if (
    looksLikePath &&
    !shell &&
    (SENSITIVE_ROOT.test(normalized.trim()) || (pathKey && SENSITIVE_FILE.test(normalized)))
  ) {
    out.push(makeFinding({ id: ID }, 'sensitive-path', 'high', leaf.path, pathEvidence(normalized), tags));
  }
  if (looksLikePath && !shell && climbs === 0 && !credential && !hasFindingAt(out, leaf.path)) {
    landedOnTarget(leaf, normalized, out);
  }
  if (looksLikePath && (raw.includes('\0') || ESCAPED_NUL.test(raw) || normalized.includes('\0'))) {
    out.push(makeFinding({ id: ID }, 'null-byte', 'high', leaf.path, pathEvidence(normalized), tags));
  }
  if (pathKey && leaf.source === 'arguments') {
    if (UNC.test(normalized) && !PROTOCOL_RELATIVE_URL.test(normalized)) {
      out.push(makeFinding({ id: ID }, 'unc-path', 'high', leaf.path, pathEvidence(normalized), tags));
    }
    if (WRAPPER.test(normalized.trim()) || PHP_FILTER.test(normalized.trim()))
      out.push(makeFinding({ id: ID }, 'wrapper-scheme', 'high', leaf.path, pathEvidence(normalized), tags));
  }
}

/** Flags file paths that climb out of their root or land on sensitive files, in every encoding. */
export const pathTraversalInspector: Inspector = {
  id: ID,
  version: '1.0.0',
  gateWords: [UNATTEND_WORDS],
  inspect(input: InspectionInput): readonly Finding[] {
    const out: Finding[] = [];
    for (let i = 0; i < input.leaves.length; i++) {
      const leaf = input.leaves[i]!;
      if (leaf.value.length < 2 || isKeyLeaf(leaf)) continue;
      // Cheap gate: every finding needs a dot, a slash, a backslash, a percent or a NUL. PERF: the regex
      // needs one of these classes first (`~` is a SYMBOL, `0x` starts with a DIGIT, `\0` is a control
      // character, the lookalikes are outside ASCII).
      const t = leafTraits(input, i);
      if ((t & (DOT | SLASH | PERCENT | CONTROL_CHAR | NON_ASCII | SYMBOL | DIGIT)) === 0) continue;
      if (!PATH_CHAR.test(leaf.value)) continue;
      // An MCP resource identifier is judged by its path on the MCP server, never by its scheme: `file://`
      // there is the server's namespace, not a wrapper on the gateway; a climb in it is still a climb.
      const target = leaf.source === 'resource' ? { ...leaf, value: resourceUriPath(leaf.value) } : leaf;
      inspectLeaf(target, input, i, t, out);
    }
    return out;
  },
};
