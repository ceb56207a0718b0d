/** Corpus readers for the eval: each third-party set in ../shared/data turned into labelled tool calls. */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Where the shared corpora live: `../shared/data` beside the clone. */
export const DATA = fileURLToPath(new URL('../../shared/data/', import.meta.url));

/** One case: the tool-call line `writ inspect` would read, whether it is an attack, and its category. */
export interface EvalCase {
  readonly line: unknown;
  readonly attack: boolean;
  readonly category: string;
}

/** A named set of cases scored for one inspector. */
export interface EvalSet {
  readonly inspector: string;
  readonly name: string;
  readonly cases: readonly EvalCase[];
  /** Reported in the per-set table but left out of the summary against targets. */
  readonly informational?: boolean;
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

/** SQL injection sets: libinjection, PayloadsAllTheThings, BLNS; benign: sqlglot, libinjection FPs, BLNS. */
export function sqlInjectionSets(): EvalSet[] {
  const libAttacks = filesIn('libinjection', 'data')
    .filter((f) => f.startsWith('sqli-'))
    .flatMap((f) =>
      lines(read('libinjection', 'data', f)).map((l) => ({
        v: urlDecodeOnce(l),
        category: f.replace(/\.txt$/, ''),
      })),
    );
  const pattDir = ['payloadsallthethings', 'SQL Injection', 'Intruder'];
  const patt = filesIn(...pattDir).flatMap((f) =>
    lines(read(...pattDir, f)).map((v) => ({ v, category: f })),
  );
  const nosqlDir = ['payloadsallthethings', 'NoSQL Injection', 'Intruder'];
  const nosql = filesIn(...nosqlDir).flatMap((f) =>
    lines(read(...nosqlDir, f)).map((v) => ({ v, category: `nosql/${f}` })),
  );
  const fp = lines(read('libinjection', 'data', 'false_positives.txt')).map(urlDecodeOnce);
  const sqlglot = readUtf8('sqlglot', 'identity.sql')
    .split('\n')
    .filter((l) => l.trim() !== '');
  const mk = (xs: Array<{ v: string; category: string }>, call: (v: string) => unknown) =>
    xs.map((x) => ({ line: call(x.v), attack: true, category: x.category }));
  return [
    { inspector: 'sql-injection', name: 'libinjection sqli-* (value)', cases: mk(libAttacks, valueCall) },
    { inspector: 'sql-injection', name: 'libinjection sqli-* (in SQL)', cases: mk(libAttacks, sqlCall) },
    { inspector: 'sql-injection', name: 'PATT SQL+NoSQL (value)', cases: mk([...patt, ...nosql], valueCall) },
    { inspector: 'sql-injection', name: 'PATT SQL+NoSQL (in SQL)', cases: mk([...patt, ...nosql], sqlCall) },
    {
      inspector: 'sql-injection',
      name: 'BLNS SQL Injection (value)',
      cases: mk(
        blnsAttacks('sql-injection').map((c) => ({ v: c.value, category: c.section })),
        valueCall,
      ),
    },
    {
      inspector: 'sql-injection',
      name: 'sqlglot identity (benign SQL)',
      cases: sqlglot.map((l) => ({
        line: { tool: 'db.query', arguments: { sql: l } },
        attack: false,
        category: 'sqlglot',
      })),
    },
    {
      inspector: 'sql-injection',
      name: 'libinjection false_positives (value)',
      cases: fp.map((v) => ({ line: valueCall(v), attack: false, category: 'false_positives' })),
    },
    {
      inspector: 'sql-injection',
      name: 'libinjection false_positives (in SQL)',
      cases: fp.map((v) => ({
        line: sqlCall(v.replace(/'/g, "''")),
        attack: false,
        category: 'false_positives',
      })),
    },
    {
      inspector: 'sql-injection',
      name: 'BLNS benign sections (value)',
      cases: blnsBenign().map((v) => ({ line: valueCall(v), attack: false, category: 'blns' })),
    },
  ];
}

/** tldr commands with `{{placeholders}}` replaced by their inner text. */
function tldrCommands(): Array<{ page: string; command: string }> {
  return readUtf8('tldr-pages', 'commands.jsonl')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as { page: string; command: string })
    .map((c) => ({ page: c.page, command: c.command.replace(/\{\{([^}]*)\}\}/g, '$1') }));
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

/** Command injection sets: PATT payloads after `ping -c 1`, BLNS; benign: tldr commands and BLNS values. */
export function commandInjectionSets(): EvalSet[] {
  const dir = ['payloadsallthethings', 'Command Injection', 'Intruder'];
  const all = filesIn(...dir).flatMap((f) => lines(read(...dir, f)).map((v) => ({ v, category: f })));
  const patt = all.filter((x) => injects(x.v));
  const fuzz = all.filter((x) => !injects(x.v));
  const blns = blnsAttacks('command-injection');
  const shell = (cmd: string) => ({ tool: 'shell.exec', arguments: { command: cmd } });
  const host = (v: string) => ({ tool: 'net.ping', arguments: { host: v } });
  return [
    {
      inspector: 'command-injection',
      name: 'PATT command injection (ping -c 1 <p>)',
      cases: patt.map((x) => ({ line: shell(`ping -c 1 ${x.v}`), attack: true, category: x.category })),
    },
    {
      inspector: 'command-injection',
      name: 'PATT command injection (host value)',
      cases: patt.map((x) => ({ line: host(`127.0.0.1${x.v}`), attack: true, category: x.category })),
    },
    {
      inspector: 'command-injection',
      name: 'BLNS code/command injection (host value)',
      cases: blns.map((c) => ({ line: host(c.value), attack: true, category: c.section })),
    },
    {
      inspector: 'command-injection',
      name: 'tldr-pages commands (benign shell)',
      cases: tldrCommands().map((c) => ({ line: shell(c.command), attack: false, category: c.page })),
    },
    {
      inspector: 'command-injection',
      name: 'BLNS benign sections (host value)',
      cases: blnsBenign().map((v) => ({ line: host(v), attack: false, category: 'blns' })),
    },
    {
      inspector: 'command-injection',
      name: 'PATT fuzz tokens that inject nothing (ping -c 1 <p>; not scored)',
      cases: fuzz.map((x) => ({ line: shell(`ping -c 1 ${x.v}`), attack: true, category: x.category })),
      informational: true,
    },
  ];
}

/** Path traversal sets: PATT Directory Traversal and File Inclusion, BLNS; benign: BLNS and libinjection FPs as paths. */
export function pathTraversalSets(): EvalSet[] {
  const dt = ['payloadsallthethings', 'Directory Traversal', 'Intruder'];
  const fi = ['payloadsallthethings', 'File Inclusion', 'Intruders'];
  const read1 = (p: string[], f: string) => lines(read(...p, f)).map((v) => ({ v, category: f }));
  const path = (v: string) => ({ tool: 'fs.read_file', arguments: { path: v } });
  return [
    {
      inspector: 'path-traversal',
      name: 'PATT Directory Traversal',
      cases: filesIn(...dt)
        .flatMap((f) => read1(dt, f))
        .map((x) => ({ line: path(x.v), attack: true, category: x.category })),
    },
    {
      inspector: 'path-traversal',
      name: 'PATT File Inclusion',
      cases: filesIn(...fi)
        .flatMap((f) => read1(fi, f))
        .map((x) => ({ line: path(x.v), attack: true, category: x.category })),
    },
    {
      inspector: 'path-traversal',
      name: 'BLNS File Inclusion',
      cases: blnsAttacks('path-traversal').map((c) => ({
        line: path(c.value),
        attack: true,
        category: c.section,
      })),
    },
    {
      inspector: 'path-traversal',
      name: 'BLNS benign sections (path)',
      cases: blnsBenign().map((v) => ({ line: path(v), attack: false, category: 'blns' })),
    },
    {
      inspector: 'path-traversal',
      name: 'libinjection false_positives (path)',
      cases: lines(read('libinjection', 'data', 'false_positives.txt')).map((v) => ({
        line: path(urlDecodeOnce(v)),
        attack: false,
        category: 'false_positives',
      })),
    },
    {
      inspector: 'path-traversal',
      name: 'tldr-pages commands (benign shell)',
      cases: tldrCommands().map((c) => ({
        line: { tool: 'shell.exec', arguments: { command: c.command } },
        attack: false,
        category: c.page,
      })),
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
      const kase = {
        line: { tool: 'files.write', arguments: { path, content } },
        attack,
        category: name,
      };
      if (
        SECRETLINT_OUT_OF_SCOPE[name] !== undefined ||
        SECRETLINT_OUT_OF_SCOPE[`${name}/${c}`] !== undefined
      )
        excluded.push(kase);
      else (files.includes('.secretlintrc.json') ? withOptions : plain).push(kase);
    }
  }
  return [
    { inspector: 'secrets', name: 'secretlint fixtures (default options)', cases: plain },
    {
      inspector: 'secrets',
      name: 'secretlint fixtures needing .secretlintrc options (not scored)',
      cases: withOptions,
      informational: true,
    },
    {
      inspector: 'secrets',
      name: 'secretlint fixtures out of scope (not scored)',
      cases: excluded,
      informational: true,
    },
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

/** Prompt injection: BIPIA test attacks in BIPIA test emails, PATT examples; benign: NotInject, BIPIA emails. */
export function promptInjectionSets(split: 'train' | 'test' = 'test'): EvalSet[] {
  const emails = bipiaEmails(split);
  const mail = (body: string) => ({
    tool: 'email.send',
    arguments: { to: 'ops@corp.example', subject: 'fwd', body },
  });
  const ask = (q: string) => ({ tool: 'chat.ask', arguments: { question: q } });
  const attacks = (kind: 'text' | 'code') =>
    bipiaAttacks(kind, split).flatMap((a, i) =>
      [0, 1, 2].map((w) => ({
        line: mail(insert(emails[(i + w) % emails.length] ?? '', a.text, w)),
        attack: true,
        category: a.category,
      })),
    );
  const patt = codeBlocks(readUtf8('payloadsallthethings', 'Prompt Injection', 'README.md'), true);
  const notInject = ['one', 'two', 'three'].flatMap((n) =>
    (
      JSON.parse(readUtf8('notinject', `NotInject_${n}.json`)) as Array<{ prompt: string; category: string }>
    ).map((p) => ({ ...p, file: n })),
  );
  return [
    {
      inspector: 'prompt-injection',
      name: `BIPIA text attacks in emails (${split})`,
      cases: attacks('text'),
    },
    {
      inspector: 'prompt-injection',
      name: `BIPIA code attacks in emails (${split})`,
      cases: attacks('code'),
    },
    {
      inspector: 'prompt-injection',
      name: 'PATT Prompt Injection examples (as question)',
      cases: patt.map((p) => ({ line: ask(p), attack: true, category: 'patt' })),
    },
    {
      inspector: 'prompt-injection',
      name: 'PATT Prompt Injection examples (in email body)',
      cases: patt.map((p) => ({ line: mail(p), attack: true, category: 'patt' })),
    },
    {
      inspector: 'prompt-injection',
      name: 'NotInject (as question)',
      cases: notInject.map((p) => ({ line: ask(p.prompt), attack: false, category: `NotInject_${p.file}` })),
    },
    {
      inspector: 'prompt-injection',
      name: 'NotInject (in email body)',
      cases: notInject.map((p) => ({ line: mail(p.prompt), attack: false, category: `NotInject_${p.file}` })),
    },
    {
      inspector: 'prompt-injection',
      name: `BIPIA benign emails (${split})`,
      cases: emails.map((e) => ({ line: mail(e), attack: false, category: 'email' })),
    },
  ];
}

/** SSRF: URLs from the PATT SSRF pages and open-redirect payloads, fetched with an allowlist in force. */
export function ssrfSets(): EvalSet[] {
  const dir = ['payloadsallthethings', 'Server Side Request Forgery'];
  const urls = filesIn(...dir).flatMap((f) =>
    codeBlocks(readUtf8(...dir, f), false)
      .filter((l) => /^[a-z][a-z0-9+.-]{1,15}:\/\/\S+$/i.test(l))
      .map((v) => ({ v, category: f })),
  );
  const od = ['payloadsallthethings', 'Open Redirect', 'Intruder'];
  const redirects = filesIn(...od).flatMap((f) =>
    lines(read(...od, f)).map((v) => ({ v, category: `open-redirect/${f}` })),
  );
  const fetch = (u: string) => ({ tool: 'http.fetch', arguments: { url: u } });
  return [
    {
      inspector: 'ssrf-egress',
      name: 'PATT SSRF URLs (http.fetch url)',
      cases: urls.map((x) => ({ line: fetch(x.v), attack: true, category: x.category })),
    },
    {
      inspector: 'ssrf-egress',
      name: 'PATT Open Redirect payloads (http.fetch url)',
      cases: redirects.map((x) => ({ line: fetch(x.v), attack: true, category: x.category })),
    },
  ];
}

/** Encoded attacks: BLNS strings base64-encoded, attack sections vs benign sections. */
export function encodingSets(): EvalSet[] {
  const encoded = JSON.parse(readUtf8('big-list-of-naughty-strings', 'blns.base64.json')) as string[];
  const sectionOf = new Map(blnsSections().map((c) => [c.value, c.section]));
  const cases: EvalCase[] = [];
  // blns.base64.json is not in blns.json order: label each entry by the section of its decoded text.
  for (const b64 of encoded) {
    const section = sectionOf.get(Buffer.from(b64, 'base64').toString('utf8'));
    if (section === undefined || BLNS_OTHER_ATTACKS.has(section)) continue;
    cases.push({
      line: { tool: 'notes.save', arguments: { data: b64 } },
      attack: BLNS_ATTACK[section] !== undefined,
      category: section,
    });
  }
  return [{ inspector: 'encoding-evasion', name: 'BLNS base64 (attack sections vs benign)', cases }];
}

/**
 * sqlglot for destructive-op, labelled per SOURCE.md and the decided semantics (docs/inspectors.md): DROP and
 * TRUNCATE, and DELETE/UPDATE with no WHERE, are destructive; DELETE/UPDATE with a WHERE are expected to pass
 * (a WHERE on non-key columns yields only a `low` bulk-write signal, below the eval's medium threshold).
 */
export function destructiveSets(): EvalSet[] {
  const stmts = readUtf8('sqlglot', 'identity.sql')
    .split('\n')
    .filter((l) => l.trim() !== '');
  const cases = stmts
    .filter((s) => /^\s*(?:drop|truncate|delete|update)\b/i.test(s))
    .map((s) => ({
      line: { tool: 'db.query', arguments: { sql: s } },
      attack: /^\s*(?:drop|truncate)\b/i.test(s) || !/\bwhere\b/i.test(s),
      category: s.trim().split(/\s+/)[0]!.toUpperCase(),
    }));
  return [
    { inspector: 'destructive-op', name: 'sqlglot DROP/TRUNCATE/DELETE/UPDATE (SOURCE.md labels)', cases },
  ];
}
