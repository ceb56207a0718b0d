/** Corpus readers for the eval: the web-payload corpora (SQL, shell, paths, secrets, SSRF) as labelled tool calls. */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { DATA } from './data-dir.js';
import type { Split } from './split.js';

export { DATA };

/**
 * One case: the tool-call line `writ inspect` would read, whether it is an attack, its category, and what
 * decides its split: the corpus, the split unit (rows of one unit stay on one side), or the corpus's own split.
 */
export interface EvalCase {
  readonly line: unknown;
  readonly attack: boolean;
  readonly category: string;
  /** The corpus folder the row comes from (`libinjection`). */
  readonly corpus: string;
  /** The split unit: a source file, page, request id, template or payload (eval/split.ts). */
  readonly unit: string;
  /** Set only where the corpus ships its own split (BIPIA): that split wins over the hash. */
  readonly upstream?: Split;
}

/**
 * A named set of cases, all attacks or all benign. An attack set is a family scored for its inspector; a
 * benign set is a false-positive set for every inspector, unless `benignFor` scopes it or `notBenignFor`
 * says, with the reason, which inspectors rightly flag some of it.
 */
export interface EvalSet {
  /** The inspector an attack set is aimed at (its floors), or the owner of a scoped benign set. */
  readonly inspector: string;
  readonly name: string;
  readonly side: 'attack' | 'benign';
  readonly cases: readonly EvalCase[];
  /** Reported in the per-set table but left out of the summary and the floors. */
  readonly informational?: boolean;
  /** A benign set that is benign only for these inspectors (its cases are attacks for others' corpora). */
  readonly benignFor?: readonly string[];
  /** Inspectors for which this benign set holds legitimate positives, with the reason. */
  readonly notBenignFor?: Readonly<Record<string, string>>;
}

/** Splits a mixed set into its attack and benign halves (both scoped to the inspector). */
export function byLabel(inspector: string, name: string, cases: readonly EvalCase[]): EvalSet[] {
  return [
    { inspector, name: `${name}: attacks`, side: 'attack', cases: cases.filter((c) => c.attack) },
    {
      inspector,
      name: `${name}: benign`,
      side: 'benign',
      cases: cases.filter((c) => !c.attack),
      benignFor: [inspector],
    },
  ];
}

const read = (...p: string[]) => readFileSync(join(DATA, ...p), 'latin1');
const readUtf8 = (...p: string[]) => readFileSync(join(DATA, ...p), 'utf8');
const lines = (text: string) => text.split(/\r?\n/).filter((l) => l.trim() !== '' && !l.startsWith('#'));

function urlDecodeOnce(s: string): string {
  try {
    return decodeURIComponent(s.replace(/\+/g, ' '));
  } catch {
    return s.replace(/\+/g, ' ');
  }
}

/** BLNS sections by `#\t` header, so attacks and benign oddities are labelled by their section. */
function blnsSections(): Array<{ section: string; value: string }> {
  const out: Array<{ section: string; value: string }> = [];
  let section = '';
  let previous = '';
  for (const l of readUtf8('big-list-of-naughty-strings', 'blns.txt').split('\n')) {
    // A section title is a `#\t` line after a blank line; the `#\t` lines after it describe it.
    if (l.startsWith('#\t') && previous.trim() === '') section = l.slice(2).trim();
    previous = l;
    if (l.startsWith('#')) continue;
    if (l === '') continue;
    out.push({ section, value: l });
  }
  return out;
}

const BLNS_ATTACK: Record<string, string> = {
  'SQL Injection': 'sql-injection',
  'Server Code Injection': 'command-injection',
  'Command Injection (Ruby)': 'command-injection',
  'File Inclusion': 'path-traversal',
};
// Sections that are attacks for an inspector not scored here, or human-readable jokes, stay out of both sides.
const BLNS_OTHER_ATTACKS = new Set([
  'Script Injection',
  'Known CVEs and Vulnerabilities',
  'Unwanted Interpolation',
  'Terminal escape codes',
  'iOS Vulnerabilities',
  'Human injection',
  'Scunthorpe Problem',
  'MSDOS/Windows Special Filenames',
]);

function blnsBenign(): string[] {
  return blnsSections()
    .filter(
      (c) =>
        BLNS_ATTACK[c.section] === undefined &&
        !BLNS_OTHER_ATTACKS.has(c.section) &&
        !c.section.startsWith('Strings which') &&
        c.section !== '',
    )
    .map((c) => c.value);
}

function blnsAttacks(inspector: string): Array<{ section: string; value: string }> {
  return blnsSections().filter((c) => BLNS_ATTACK[c.section] === inspector);
}

function filesIn(...p: string[]): string[] {
  const dir = join(DATA, ...p);
  return existsSync(dir) ? readdirSync(dir).sort() : [];
}

/** Code blocks of a markdown file, one case per non-empty line (or per block when `wholeBlocks`). */
function codeBlocks(md: string, wholeBlocks: boolean): string[] {
  const out: string[] = [];
  const re = /```[^\n]*\n([\s\S]*?)```/g;
  for (let m = re.exec(md); m !== null; m = re.exec(md)) {
    const body = (m[1] ?? '').trim();
    if (body === '') continue;
    if (wholeBlocks) out.push(body);
    else
      out.push(
        ...body
          .split('\n')
          .map((l) => l.trim())
          .filter((l) => l !== ''),
      );
  }
  return out;
}

const sqlCall = (v: string) => ({
  tool: 'db.query',
  arguments: { sql: `SELECT * FROM users WHERE name = '${v}'` },
});
const valueCall = (v: string) => ({ tool: 'crm.lookup', arguments: { customer_id: v } });

/** A payload row: its value, category, corpus and split unit (the raw payload, so duplicates share a side). */
interface Row {
  readonly v: string;
  readonly category: string;
  readonly corpus: string;
  readonly unit: string;
}

const row = (corpus: string, v: string, category: string, unit = v): Row => ({ v, category, corpus, unit });

/** The rows of a corpus rendered as cases through one tool call. */
function render(rows: readonly Row[], attack: boolean, call: (v: string) => unknown): EvalCase[] {
  return rows.map((r) => ({ line: call(r.v), attack, category: r.category, corpus: r.corpus, unit: r.unit }));
}

function libinjectionFalsePositives(): Row[] {
  return lines(read('libinjection', 'data', 'false_positives.txt')).map((l) =>
    row('libinjection', urlDecodeOnce(l), 'false_positives', l),
  );
}

function blnsBenignRows(): Row[] {
  return blnsBenign().map((v) => row('big-list-of-naughty-strings', v, 'blns'));
}

/** SQL injection sets: libinjection, PayloadsAllTheThings, BLNS; benign: sqlglot, libinjection FPs, BLNS. */
export function sqlInjectionSets(): EvalSet[] {
  const libAttacks = filesIn('libinjection', 'data')
    .filter((f) => f.startsWith('sqli-'))
    .flatMap((f) =>
      lines(read('libinjection', 'data', f)).map((l) =>
        row('libinjection', urlDecodeOnce(l), f.replace(/\.txt$/, ''), l),
      ),
    );
  const pattDir = ['payloadsallthethings', 'SQL Injection', 'Intruder'];
  const patt = filesIn(...pattDir).flatMap((f) =>
    lines(read(...pattDir, f)).map((v) => row('payloadsallthethings', v, f)),
  );
  const nosqlDir = ['payloadsallthethings', 'NoSQL Injection', 'Intruder'];
  const nosql = filesIn(...nosqlDir).flatMap((f) =>
    lines(read(...nosqlDir, f)).map((v) => row('payloadsallthethings', v, `nosql/${f}`)),
  );
  const fp = libinjectionFalsePositives();
  const attack = (name: string, rows: Row[], call: (v: string) => unknown): EvalSet => ({
    inspector: 'sql-injection',
    name,
    side: 'attack',
    cases: render(rows, true, call),
  });
  return [
    attack('libinjection sqli-* (value)', libAttacks, valueCall),
    attack('libinjection sqli-* (in SQL)', libAttacks, sqlCall),
    attack('PATT SQL+NoSQL (value)', [...patt, ...nosql], valueCall),
    attack('PATT SQL+NoSQL (in SQL)', [...patt, ...nosql], sqlCall),
    attack(
      'BLNS SQL Injection (value)',
      blnsAttacks('sql-injection').map((c) => row('big-list-of-naughty-strings', c.value, c.section)),
      valueCall,
    ),
    {
      inspector: 'sql-injection',
      name: 'sqlglot identity (benign SQL)',
      side: 'benign',
      cases: render(sqlglotRows(), false, (l) => ({ tool: 'db.query', arguments: { sql: l } })),
      notBenignFor: { 'destructive-op': 'holds DROP and DELETE without WHERE (scored by its labelled set)' },
    },
    {
      inspector: 'sql-injection',
      name: 'libinjection false_positives (value)',
      side: 'benign',
      cases: render(fp, false, valueCall),
    },
    {
      inspector: 'sql-injection',
      name: 'libinjection false_positives (in SQL)',
      side: 'benign',
      cases: render(fp, false, (v) => sqlCall(v.replace(/'/g, "''"))),
    },
    {
      inspector: 'sql-injection',
      name: 'BLNS benign sections (value)',
      side: 'benign',
      cases: render(blnsBenignRows(), false, valueCall),
    },
  ];
}

function sqlglotRows(): Row[] {
  return readUtf8('sqlglot', 'identity.sql')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => row('sqlglot', l, 'sqlglot'));
}

/** tldr commands with `{{placeholders}}` replaced by their inner text; the split unit is the page. */
function tldrCommands(): EvalCase[] {
  return readUtf8('tldr-pages', 'commands.jsonl')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as { page: string; command: string })
    .map((c) => ({
      line: { tool: 'shell.exec', arguments: { command: c.command.replace(/\{\{([^}]*)\}\}/g, '$1') } },
      attack: false,
      category: c.page,
      corpus: 'tldr-pages',
      unit: c.page,
    }));
}

/** The tldr-pages benign set: documented shell use, benign for every inspector but destructive-op. */
export function tldrSet(): EvalSet {
  return {
    inspector: 'command-injection',
    name: 'tldr-pages commands (benign shell)',
    side: 'benign',
    cases: tldrCommands(),
    notBenignFor: {
      'destructive-op': 'documents rm -r, dd, mkfs, shred and the like (SOURCE.md caveat)',
    },
  };
}

/** A shell control operator, substitution or line break, raw or URL/escape-encoded. */
const SHELL_CONTROL = /[;|&`\n\r]|\$\(|\$\{|%0[ad]|%3b|%7c|%26|%60|\\[nr]|\\x0[ad]/i;
/** A call into an interpreter (`eval('ls')`, `system('id')`, `phpinfo()`), which needs no shell operator. */
const CODE_CALL = /\b[a-z_]{2,30}\s*\(\s*(?:['"$`)]|[a-z_$])/i;

/**
 * PATT's command-injection wordlists mix injections with fuzzer tokens. When a payload is appended to
 * `ping -c 1` (or to a host value) it injects only if it carries a shell control operator, a substitution, a
 * line break, or an interpreter call. Bare commands (`ls -l /`, `cat /etc/passwd`) become ping arguments and
 * lone separators or quotes (`;`, `'"`, `%0a`) start no command: both are reported apart, not as attacks.
 */
export function injects(payload: string): boolean {
  const words = payload.replace(/%0[ad]|%3b|%7c|%26|%60|\\[nr]|[;|&`'"\s\n\r]/gi, '');
  return words.length > 0 && (SHELL_CONTROL.test(payload) || CODE_CALL.test(payload));
}

/** Command injection sets: PATT payloads after `ping -c 1`, BLNS; benign: BLNS values (and tldr, shared). */
export function commandInjectionSets(): EvalSet[] {
  const dir = ['payloadsallthethings', 'Command Injection', 'Intruder'];
  const all = filesIn(...dir).flatMap((f) =>
    lines(read(...dir, f)).map((v) => row('payloadsallthethings', v, f)),
  );
  const patt = all.filter((x) => injects(x.v));
  const fuzz = all.filter((x) => !injects(x.v));
  const blns = blnsAttacks('command-injection').map((c) =>
    row('big-list-of-naughty-strings', c.value, c.section),
  );
  const shell = (cmd: string) => ({ tool: 'shell.exec', arguments: { command: cmd } });
  const host = (v: string) => ({ tool: 'net.ping', arguments: { host: v } });
  const attack = (
    name: string,
    rows: Row[],
    call: (v: string) => unknown,
    informational = false,
  ): EvalSet => ({
    inspector: 'command-injection',
    name,
    side: 'attack',
    cases: render(rows, true, call),
    ...(informational ? { informational } : {}),
  });
  return [
    attack('PATT command injection (ping -c 1 <p>)', patt, (v) => shell(`ping -c 1 ${v}`)),
    attack('PATT command injection (host value)', patt, (v) => host(`127.0.0.1${v}`)),
    attack('BLNS code/command injection (host value)', blns, host),
    {
      inspector: 'command-injection',
      name: 'BLNS benign sections (host value)',
      side: 'benign',
      cases: render(blnsBenignRows(), false, host),
    },
    attack(
      'PATT fuzz tokens that inject nothing (ping -c 1 <p>; not scored)',
      fuzz,
      (v) => shell(`ping -c 1 ${v}`),
      true,
    ),
  ];
}

/** Path traversal sets: PATT Directory Traversal and File Inclusion, BLNS; benign: BLNS and libinjection FPs as paths. */
export function pathTraversalSets(): EvalSet[] {
  const dt = ['payloadsallthethings', 'Directory Traversal', 'Intruder'];
  const fi = ['payloadsallthethings', 'File Inclusion', 'Intruders'];
  const read1 = (p: string[], f: string) =>
    lines(read(...p, f)).map((v) => row('payloadsallthethings', v, f));
  const path = (v: string) => ({ tool: 'fs.read_file', arguments: { path: v } });
  const attack = (name: string, rows: Row[]): EvalSet => ({
    inspector: 'path-traversal',
    name,
    side: 'attack',
    cases: render(rows, true, path),
  });
  return [
    attack(
      'PATT Directory Traversal',
      filesIn(...dt).flatMap((f) => read1(dt, f)),
    ),
    attack(
      'PATT File Inclusion',
      filesIn(...fi).flatMap((f) => read1(fi, f)),
    ),
    attack(
      'BLNS File Inclusion',
      blnsAttacks('path-traversal').map((c) => row('big-list-of-naughty-strings', c.value, c.section)),
    ),
    {
      inspector: 'path-traversal',
      name: 'BLNS benign sections (path)',
      side: 'benign',
      cases: render(blnsBenignRows(), false, path),
    },
    {
      inspector: 'path-traversal',
      name: 'libinjection false_positives (path)',
      side: 'benign',
      cases: render(libinjectionFalsePositives(), false, path),
    },
  ];
}

/** Files that upstream `options.ts` names for a case (SOURCE.md, "File-name dependent cases"). */
const SECRETLINT_FILE_NAMES: Record<string, string> = {
  'no-dotenv/ng.match': '.env',
  'no-dotenv/ok.prefix': 'example.env',
  'no-dotenv/ok.suffix': '.env.example',
  'npm/npmrc-_authToken': '.npmrc',
  'npm/ok._authToken_env': '.npmrc',
  'npm/package-lock.json-has-x-oauth-basic': 'package-lock.json',
  'npm/package.json-has-x-oauth-basic': 'package.json',
  'pattern/ok.filePathGlobs-negation-dotdir': 'excluded/.github/input.config',
  'pattern/ok.filePathGlobs-negation': 'excluded/input.config',
};

/**
 * Fixtures that test secretlint itself rather than secret detection, left out with the reason:
 * `example` and `filter-comments` use a demo rule that flags the word "SECRET" (they test the rule API and the
 * `secretlint-disable` comment directives); `basicauth/ok.database-urls-not-detected` only checks that the
 * basic-auth rule leaves database URLs to the database-connection-string rule (a full scan still reports them).
 */
export const SECRETLINT_OUT_OF_SCOPE: Record<string, string> = {
  example: 'demo rule that flags the word SECRET',
  'filter-comments': 'tests secretlint-disable comment directives with the demo rule',
  'basicauth/ok.database-urls-not-detected': 'rule-scoping negative: another rule reports these URLs',
};

/**
 * Secretlint fixtures: the scanned file as a `files.write` content, with its file name as the path. Labels
 * follow SOURCE.md: the `ng.`/`ok.` folder prefix when present, else whether `output.json` has messages.
 * Cases with a `.secretlintrc.json` depend on user options (allow lists, custom patterns, a home directory):
 * they are scored separately and left out of the summary, as SOURCE.md advises.
 */
export function secretsSets(): EvalSet[] {
  const plain: EvalCase[] = [];
  const withOptions: EvalCase[] = [];
  const excluded: EvalCase[] = [];
  for (const rule of filesIn('secretlint').filter((r) => r.startsWith('secretlint-rule-'))) {
    for (const c of filesIn('secretlint', rule)) {
      const files = filesIn('secretlint', rule, c);
      if (!files.includes('output.json')) continue;
      const output = JSON.parse(readUtf8('secretlint', rule, c, 'output.json')) as { messages?: unknown[] };
      const isFile = (f: string) => statSync(join(DATA, 'secretlint', rule, c, f)).isFile();
      const inputFile =
        files.find((f) => f.startsWith('input') && isFile(f)) ??
        files.find((f) => !['output.json', '.secretlintrc.json', 'README.md'].includes(f) && isFile(f));
      // The scanned file is a PKCS#12 binary (the .pem beside it is not what upstream scans): out of reach
      // of a text inspector, so the case is skipped rather than scored on a side file.
      if (inputFile === undefined || inputFile.endsWith('.p12')) continue;
      const name = rule.replace('secretlint-rule-', '');
      const content = readUtf8('secretlint', rule, c, inputFile);
      const attack = c.startsWith('ng.')
        ? true
        : c.startsWith('ok.')
          ? false
          : (output.messages?.length ?? 0) > 0;
      const path = SECRETLINT_FILE_NAMES[`${name}/${c}`] ?? `config/${inputFile}`;
      const kase: EvalCase = {
        line: { tool: 'files.write', arguments: { path, content } },
        attack,
        category: name,
        corpus: 'secretlint',
        unit: `${rule}/${c}`,
      };
      if (
        SECRETLINT_OUT_OF_SCOPE[name] !== undefined ||
        SECRETLINT_OUT_OF_SCOPE[`${name}/${c}`] !== undefined
      )
        excluded.push(kase);
      else (files.includes('.secretlintrc.json') ? withOptions : plain).push(kase);
    }
  }
  const notScored = (name: string, cases: EvalCase[]): EvalSet[] =>
    byLabel('secrets', name, cases).map((set) => ({ ...set, informational: true }));
  return [
    ...byLabel('secrets', 'secretlint fixtures (default options)', plain),
    ...notScored('secretlint fixtures needing .secretlintrc options (not scored)', withOptions),
    ...notScored('secretlint fixtures out of scope (not scored)', excluded),
  ];
}

interface BipiaEmail {
  context: string;
}

function bipiaEmails(split: 'train' | 'test'): string[] {
  return readUtf8('bipia', 'benchmark', 'email', `${split}.jsonl`)
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => (JSON.parse(l) as BipiaEmail).context);
}

function bipiaAttacks(
  kind: 'text' | 'code',
  split: 'train' | 'test',
): Array<{ category: string; text: string }> {
  const data = JSON.parse(readUtf8('bipia', 'benchmark', `${kind}_attack_${split}.json`)) as Record<
    string,
    string[]
  >;
  return Object.entries(data).flatMap(([category, xs]) => xs.map((text) => ({ category, text })));
}

/** Inserts an instruction at the start, middle (a sentence boundary) or end of an email, as BIPIA does. */
function insert(email: string, attack: string, where: number): string {
  if (where === 0) return `${attack}\n${email}`;
  if (where === 2) return `${email}\n${attack}`;
  const mid = email.indexOf('. ', Math.floor(email.length / 2));
  const at = mid === -1 ? Math.floor(email.length / 2) : mid + 2;
  return `${email.slice(0, at)}${attack} ${email.slice(at)}`;
}

/** BIPIA: attacks in emails of the same upstream split; the upstream split is kept (train = dev). */
export function bipiaSets(): EvalSet[] {
  const splits = [
    ['train', 'dev'],
    ['test', 'test'],
  ] as const;
  const mail = (body: string) => ({
    tool: 'email.send',
    arguments: { to: 'ops@corp.example', subject: 'fwd', body },
  });
  const attacks = (kind: 'text' | 'code'): EvalCase[] =>
    splits.flatMap(([file, upstream]) => {
      const emails = bipiaEmails(file);
      return bipiaAttacks(kind, file).flatMap((a, i) =>
        [0, 1, 2].map((w) => ({
          line: mail(insert(emails[(i + w) % emails.length] ?? '', a.text, w)),
          attack: true,
          category: a.category,
          corpus: 'bipia',
          unit: `${kind}_attack_${file}\0${a.text}`,
          upstream,
        })),
      );
    });
  return [
    {
      inspector: 'prompt-injection',
      name: 'BIPIA text attacks in emails',
      side: 'attack',
      cases: attacks('text'),
    },
    {
      inspector: 'prompt-injection',
      name: 'BIPIA code attacks in emails',
      side: 'attack',
      cases: attacks('code'),
    },
    {
      inspector: 'prompt-injection',
      name: 'BIPIA benign emails',
      side: 'benign',
      cases: splits.flatMap(([file, upstream]) =>
        bipiaEmails(file).map((e) => ({
          line: mail(e),
          attack: false,
          category: 'email',
          corpus: 'bipia',
          unit: `email/${file}\0${e}`,
          upstream,
        })),
      ),
      notBenignFor: { pii: 'real-style emails with names, addresses and partial card numbers (SOURCE.md)' },
    },
  ];
}

/** PayloadsAllTheThings' prompt-injection examples, asked directly and planted in an email body. */
export function pattPromptInjectionSets(): EvalSet[] {
  const patt = codeBlocks(readUtf8('payloadsallthethings', 'Prompt Injection', 'README.md'), true).map((p) =>
    row('payloadsallthethings', p, 'patt'),
  );
  const ask = (q: string) => ({ tool: 'chat.ask', arguments: { question: q } });
  const mail = (body: string) => ({
    tool: 'email.send',
    arguments: { to: 'ops@corp.example', subject: 'fwd', body },
  });
  return [
    {
      inspector: 'prompt-injection',
      name: 'PATT Prompt Injection examples (as question)',
      side: 'attack',
      cases: render(patt, true, ask),
    },
    {
      inspector: 'prompt-injection',
      name: 'PATT Prompt Injection examples (in email body)',
      side: 'attack',
      cases: render(patt, true, mail),
    },
  ];
}

/** SSRF: URLs from the PATT SSRF pages and open-redirect payloads, fetched with an allowlist in force. */
export function ssrfSets(): EvalSet[] {
  const dir = ['payloadsallthethings', 'Server Side Request Forgery'];
  const urls = filesIn(...dir).flatMap((f) =>
    codeBlocks(readUtf8(...dir, f), false)
      .filter((l) => /^[a-z][a-z0-9+.-]{1,15}:\/\/\S+$/i.test(l))
      .map((v) => row('payloadsallthethings', v, f)),
  );
  const od = ['payloadsallthethings', 'Open Redirect', 'Intruder'];
  const redirects = filesIn(...od).flatMap((f) =>
    lines(read(...od, f)).map((v) => row('payloadsallthethings', v, `open-redirect/${f}`)),
  );
  const fetch = (u: string) => ({ tool: 'http.fetch', arguments: { url: u } });
  return [
    {
      inspector: 'ssrf-egress',
      name: 'PATT SSRF URLs (http.fetch url)',
      side: 'attack',
      cases: render(urls, true, fetch),
    },
    {
      inspector: 'ssrf-egress',
      name: 'PATT Open Redirect payloads (http.fetch url)',
      side: 'attack',
      cases: render(redirects, true, fetch),
    },
  ];
}

/** Encoded attacks: BLNS strings base64-encoded, attack sections vs benign sections (unit: the decoded string). */
export function encodingSets(): EvalSet[] {
  const encoded = JSON.parse(readUtf8('big-list-of-naughty-strings', 'blns.base64.json')) as string[];
  const sectionOf = new Map(blnsSections().map((c) => [c.value, c.section]));
  const cases: EvalCase[] = [];
  // blns.base64.json is not in blns.json order: label each entry by the section of its decoded text.
  for (const b64 of encoded) {
    const decoded = Buffer.from(b64, 'base64').toString('utf8');
    const section = sectionOf.get(decoded);
    if (section === undefined || BLNS_OTHER_ATTACKS.has(section)) continue;
    cases.push({
      line: { tool: 'notes.save', arguments: { data: b64 } },
      attack: BLNS_ATTACK[section] !== undefined,
      category: section,
      corpus: 'big-list-of-naughty-strings',
      unit: decoded,
    });
  }
  return byLabel('encoding-evasion', 'BLNS base64', cases);
}

/**
 * sqlglot for destructive-op, labelled per SOURCE.md and the decided semantics (docs/inspectors.md): DROP and
 * TRUNCATE, and DELETE/UPDATE with no WHERE, are destructive; DELETE/UPDATE with a WHERE are expected to pass
 * (a WHERE on non-key columns yields only a `low` bulk-write signal).
 */
export function destructiveSets(): EvalSet[] {
  const cases = sqlglotRows()
    .filter((r) => /^\s*(?:drop|truncate|delete|update)\b/i.test(r.v))
    .map((r) => ({
      line: { tool: 'db.query', arguments: { sql: r.v } },
      attack: /^\s*(?:drop|truncate)\b/i.test(r.v) || !/\bwhere\b/i.test(r.v),
      category: r.v.trim().split(/\s+/)[0]!.toUpperCase(),
      corpus: r.corpus,
      unit: r.unit,
    }));
  return byLabel('destructive-op', 'sqlglot DROP/TRUNCATE/DELETE/UPDATE (SOURCE.md labels)', cases);
}
