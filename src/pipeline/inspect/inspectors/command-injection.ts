/** command-injection: shell metacharacters and substitution that start commands, download-and-run, reverse shells. */
import type { Finding, Severity } from '../../model/finding.js';
import { makeFinding, type InspectionInput, type Inspector, type StringLeaf } from '../inspector.js';
import { isHostKey, isKeyLeaf, isShellLeaf } from '../lib/leaf-role.js';
import {
  BRACKET,
  COLON,
  CONTROL,
  DASH,
  DOLLAR,
  hasAnyWord,
  leafTraits,
  leafWords,
  gateWords,
  type WordBits,
  PAREN,
  PERCENT,
  SLASH,
  SYMBOL,
} from '../lib/leaf-traits.js';
import { judgesUnknownCommands, proseSeverity } from '../lib/paranoia.js';
import { isProseCodeSpan } from '../lib/prose-context.js';
import { excerpt } from '../lib/redact.js';
import { templateInjection } from '../lib/template-expressions.js';
import { programName, splitCommands } from '../lib/shell-words.js';
import type { ShellReader } from '../../shell/shell-reader.js';
import { TAGS } from '../tags.js';

const ID = 'command-injection';
const tags = TAGS[ID];

/** Commands attackers chain after an injection point: recon, fetch, shells, timing probes. */
const PROBE_COMMANDS = new Set([
  'id',
  'whoami',
  'uname',
  'hostname',
  'ifconfig',
  'ipconfig',
  'systeminfo',
  'netstat',
  'net',
  'nslookup',
  'dig',
  'host',
  'ping',
  'sleep',
  'timeout',
  'cat',
  'type',
  'more',
  'less',
  'head',
  'tail',
  'ls',
  'dir',
  'pwd',
  'env',
  'printenv',
  'set',
  'echo',
  'printf',
  'curl',
  'wget',
  'fetch',
  'nc',
  'ncat',
  'netcat',
  'telnet',
  'socat',
  'bash',
  'sh',
  'zsh',
  'dash',
  'ksh',
  'csh',
  'tcsh',
  'cmd',
  'cmd.exe',
  'powershell',
  'pwsh',
  'python',
  'python3',
  'perl',
  'ruby',
  'php',
  'node',
  'lua',
  'which',
  'whereis',
  'find',
  'ps',
  'kill',
  'killall',
  'reboot',
  'shutdown',
  'halt',
  'chmod',
  'chown',
  'rm',
  'mv',
  'cp',
  'touch',
  'mkdir',
  'tftp',
  'ftp',
  'scp',
  'ssh',
  'base64',
  'xxd',
  'od',
  'awk',
  'sed',
  'grep',
  'eval',
  'exec',
  'source',
  'crontab',
  'useradd',
  'adduser',
  'passwd',
  'sudo',
  'su',
  'whoami.exe',
  'tasklist',
  'taskkill',
  'reg',
  'wmic',
  'certutil',
  'bitsadmin',
  'mshta',
  'rundll32',
  'regsvr32',
  'cscript',
  'wscript',
  'ver',
  'getent',
  'last',
  'w',
  'who',
  'groups',
  'arp',
  'route',
  'ip',
  'ss',
  'lsof',
  'mount',
  'df',
  'du',
  'uptime',
  'date',
  'expr',
  'xterm',
  'openssl',
  'dd',
  'system',
  'netsh',
  'schtasks',
  'vssadmin',
  'wevtutil',
  'bcdedit',
  'icacls',
  'cacls',
  'quser',
]);

/** Commands that ignore stdin: piping into them is a probe, not a pipeline. */
const PIPE_PROBES = new Set([
  'id',
  'whoami',
  'uname',
  'systeminfo',
  'ifconfig',
  'ipconfig',
  'hostname',
  'net',
  'ls',
  'dir',
  'ping',
  'sleep',
  'nslookup',
  'netstat',
  'pwd',
  'ver',
  'tasklist',
  'curl',
  'wget',
  'netsh',
  'reg',
]);

/** Code-execution calls in PHP, Python, Node, Ruby, Java and SSI, wherever they appear. */
const CODE_EXEC =
  /(?:<\?php|<\?=|<!--#exec\b|(?<![a-z_])(?:system|exec|shell_exec|passthru|popen|proc_open|pcntl_exec|assert|create_function|eval)\s*\(\s*['"$`]|(?<![a-z_])(?:phpinfo|phpversion|php_uname|getmypid|get_current_user)\s*\(\s*\)|\$_(?:GET|POST|REQUEST|COOKIE|SERVER|FILES|ENV)\s*\[|\{\{[^{}\n]{0,200}(?:[a-z_]\s*\(|__)|\bKernel\.(?:spawn|eval|exit)\b|%x[({[]|@\{\[|\bos\.(?:system|popen|exec[lv]p?e?)\s*\(|\bsubprocess\.(?:call|run|Popen|check_output|check_call)\s*\(|\brequire\s*\(\s*['"]child_process['"]\s*\)|\bchild_process\b|\bRuntime\.getRuntime\(\)\.exec|\bProcessBuilder\s*\(|\b__import__\s*\(\s*['"]os['"]\s*\)|\bKernel\.(?:system|exec)|\bIO\.popen|%x\{|\bphpinfo\s*\(\s*\)|\$\{\s{0,4}@?[a-z_]{1,30}\s{0,4}\()/i;

/** Reverse shells and bind shells in the usual one-liner forms. */
const REVERSE_SHELL =
  /(?:\/dev\/(?:tcp|udp)\/|(?<![a-z])(?:nc|ncat|netcat)\b[^\n|;&]{0,200}\s-[a-z]{0,4}[ec]\b|\b(?:ba)?sh\s+-i\b[^\n]{0,40}[<>]&|\bmkfifo\b[^\n]{0,200}\b(?:nc|ncat|telnet|openssl)\b|\bsocat\b[^\n]{0,200}\bexec:|\bsocket\.socket\s*\(|\bfsockopen\s*\(|\bTCPSocket\.(?:new|open)|Net\.Sockets\.TCPClient|\bIO::Socket::INET|\bsocket\s*\(\s*S,|\bexec\s+\d<>\/dev\/tcp)/i;

/** Fetch-and-execute: `curl ... | sh`, `sh <(curl ...)`, `bash -c "$(wget -O- ...)"`, PowerShell `iex(iwr ...)`. */
const DOWNLOAD_EXEC =
  /(?:\b(?:curl|wget|fetch|iwr|irm|invoke-webrequest|invoke-restmethod)\b[^\n|;&]{0,400}\|\s*(?:sudo\s+)?(?:[a-z/]{0,20}\/)?(?:ba|z|da|k)?sh\b|\b(?:curl|wget)\b[^\n|;&]{0,400}\|\s*(?:sudo\s+)?(?:python[0-9.]{0,4}|perl|ruby|node|php)\b|\b(?:ba|z)?sh\s+<\(\s*(?:curl|wget)\b|\$\(\s*(?:curl|wget)\b[^)]{0,400}\)\s*$|\b(?:iex|invoke-expression)\b\s*\(?\s*(?:\(\s*)?(?:new-object\s+net\.webclient|iwr|irm|invoke-webrequest|invoke-restmethod)|downloadstring\s*\(|\bpowershell(?:\.exe)?\b[^\n]{0,100}\s-(?:e|enc|encodedcommand)\s+[A-Za-z0-9+/=]{20,})/i;

/** Shell obfuscation that has no benign use in an argument: IFS tricks, brace commas, quote-split words. */
const OBFUSCATION =
  /(?:\$\{IFS\}|\$IFS\b|\$\{?9\}?IFS|\{[a-z]{1,16},[^}\s]{1,200}\}|\$\{[A-Za-z_]{1,32}:\d{1,3}:\d{1,3}\}|\$'\\x[0-9a-f]{2})/i;

/** A word split by empty quotes or backslashes (`w\\ho''ami`); it counts only when the joined word is a probe. */
const SPLIT_WORD = /(?<![\w\\])[a-z]{1,8}(?:''|""|\\)[a-z]{1,8}(?:(?:''|""|\\)[a-z]{1,8})?(?=\s|$|;|\|)/gi;

function splitProbe(text: string): number {
  if (!text.includes('\\') && !text.includes("''") && !text.includes('""')) return -1;
  SPLIT_WORD.lastIndex = 0;
  for (let m = SPLIT_WORD.exec(text); m !== null; m = SPLIT_WORD.exec(text)) {
    if (PROBE_COMMANDS.has(m[0].replace(SPLITTERS, '').toLowerCase())) return m.index;
  }
  return -1;
}

/** Interpreters and the flags that hand them a program on the command line. */
const INLINE_CODE: Readonly<Record<string, readonly string[]>> = {
  perl: ['-e', '-E'],
  python: ['-c'],
  python3: ['-c'],
  ruby: ['-e'],
  node: ['-e', '--eval', '-p'],
  php: ['-r'],
  bash: ['-c'],
  sh: ['-c'],
  powershell: ['-c', '-command', '-enc', '-encodedcommand'],
  pwsh: ['-c', '-command'],
  cmd: ['/c', '/k'],
};

function inlineInterpreter(argv: readonly string[]): boolean {
  const flags = INLINE_CODE[programName(argv)];
  return flags !== undefined && argv.slice(1, 3).some((a) => flags.includes(a.toLowerCase()));
}

/** Commands that only report on the host: a chain into one of them after `&&` is a probe, not a workflow. */
const RECON = new Set([
  'curl',
  'wget',
  'id',
  'whoami',
  'uname',
  'systeminfo',
  'nc',
  'ncat',
  'netcat',
  'telnet',
  'ifconfig',
  'ipconfig',
  'net',
  'netsh',
  'netstat',
  'passwd',
  'ls',
  'dir',
  'pwd',
  'sleep',
  'hostname',
  'reg',
]);

/** Files whose content is a credential store or host fingerprint: reading one in a chained command is theft. */
const SENSITIVE_READ =
  /(?:\/etc\/(?:passwd|shadow|gshadow|sudoers)\b|[\\/]repair[\\/](?:sam|system|security)\b|[\\/]config[\\/](?:sam|system|security)\b|\bboot\.ini\b|\bwin\.ini\b|\.ssh[\\/]id_|\.aws[\\/]credentials|\/proc\/self\/environ)/i;
const FILE_READERS = new Set([
  'cat',
  'type',
  'more',
  'less',
  'head',
  'tail',
  'nl',
  'strings',
  'xxd',
  'od',
  'base64',
  'get-content',
  'gc',
  'tac',
]);

/**
 * A quoted word whose text opens with a control operator and a probe (`";id;"`, `'|id|'`, `"\n/bin/ls\n"`):
 * harmless where it stands, but built to close the quotes a program wraps a value in. Returns the offset.
 */
function quoteBreakout(text: string): number {
  for (let i = 0; i < text.length; i++) {
    const q = text[i];
    if (q !== '"' && q !== "'") continue;
    const end = text.indexOf(q, i + 1);
    if (end === -1) return -1;
    const body = text.slice(i + 1, Math.min(end, i + 400));
    const m = OPERATOR_THEN_WORD.exec(body);
    if (m !== null && PROBE_COMMANDS.has((m[1] ?? '').toLowerCase())) return i;
    i = end;
  }
  return -1;
}

// PERF: regexes are module constants: a literal inside a function allocates a new RegExp each time it runs.
const SPLITTERS = /''|""|\\/g;
const OPERATOR_THEN_WORD =
  /^\s{0,4}(?:;|&&?|\|\|?|\n|\r|\\n|\\r|%0a|%0d)\s{0,16}(?:[./\\a-z]{0,30}\/)?([a-z][a-z0-9_.]{0,20})/i;
/** Line breaks, and literal `\n` `\r` a template never decoded, which separate commands like `;`. */
const LINE_BREAKS = /\r?\n|\\[nr](?=[/a-z]|\s|$)/gi;
const SOCKET = /socket/i;
const DOWNLOAD_STRING = /downloadstring/i;
const CODE_EXEC_WORDS = /child_process|kernel\./i;
const SHELL_META = /[;|&`$]/;
const CHAIN_MARK = /[;|&`\n\r]|\$\(|\\[nr]/;
const QUOTE_THEN_OPERATOR = /["'][\s]{0,4}[;|&\n\r\\%]/;
const BACKTICKS = /`[^`]{1,200}`/;
const BACKTICK_WORD = /`\s*(?:[./a-z]{0,30}\/)?([a-z][a-z0-9_.]{0,20})/i;
const ANY_META = /[;|&`\n\r%\\$]/;
const ARGUMENT_START = /[\s;|&`)'"%\\/.-]/;
const FOUR_WORDS = /\s[a-z]{3,}\s[a-z]{3,}\s[a-z]{3,}\s[a-z]{3,}/i;
const FIRST_WORD_SEPARATED = /^\s*\S*[;&]/;

const SHELLSHOCK = /\(\)\s*\{\s*:?\s*;?\s*\}\s*;/;

/** A metacharacter (or encoded newline) followed by a command word, for values that should not reach a shell. */
const META_THEN_WORD =
  /(?:;|\|\|?|&&?|`|\$\(|\n|\r|%0a|%0d|\\n|\\r)\s{0,16}(?:[./\\a-z]{0,30}\/)?([a-z][a-z0-9_.]{0,20})/gi;

function severityFor(kind: string): Severity {
  if (kind === 'template-probe') return 'medium';
  return kind === 'reverse-shell' ||
    kind === 'download-exec' ||
    kind === 'shellshock' ||
    kind === 'template-injection'
    ? 'critical'
    : 'high';
}

function push(
  out: Finding[],
  kind: string,
  leaf: StringLeaf,
  text: string,
  at = 0,
  severity: Severity = severityFor(kind),
): void {
  out.push(makeFinding({ id: ID }, kind, severity, leaf.path, excerpt(text, Math.max(0, at - 10)), tags));
}

/** Commands after a separator or inside a substitution that are probes, not part of the intended pipeline. */
function chainedProbe(text: string, shell: ShellReader | undefined): number {
  // A literal `\n` left by a template that never decoded it (`ping x \nid`) separates commands like a newline.
  const commands = splitCommands(text.replace(LINE_BREAKS, ' ; '), shell);
  const first = programName(commands[0]?.argv ?? []);
  for (let i = 1; i < commands.length; i++) {
    const cmd = commands[i]!;
    const prog = programName(cmd.argv);
    if (prog === '' || !PROBE_COMMANDS.has(prog)) continue;
    // Any operator into a reader of a credential store is theft, whatever the pipeline looks like.
    // Quote removal drops Windows backslashes from argv, so the raw line is what is matched.
    if (FILE_READERS.has(prog) && SENSITIVE_READ.test(text)) return i;
    // Pipelines into filters and `cd x && make` are ordinary; probes follow `;`, `&`, `||` or open a substitution.
    const via = cmd.after;
    if (
      via === '|' &&
      !PIPE_PROBES.has(prog) &&
      ![
        'sh',
        'bash',
        'zsh',
        'dash',
        'ksh',
        'python',
        'python3',
        'perl',
        'ruby',
        'php',
        'node',
        'nc',
        'ncat',
        'netcat',
        'telnet',
      ].includes(prog)
    )
      continue;
    if (
      (via === '&&' || via === '(' || via === '$(') &&
      !RECON.has(prog) &&
      !(via === '&&' && inlineInterpreter(cmd.argv))
    )
      continue;
    if (prog === first && via !== ';' && via !== '&') continue;
    return i;
  }
  return -1;
}

const LEADING_OPTION = /^\s*--?[a-z]/i;
const VARIABLE_EXPANSION = /\$\{?[a-z_][a-z0-9_]*/i;

/**
 * Shell syntax in a host field, which a host name or address never holds: a leading option (`--help`,
 * `-oProxyCommand=…`: argument injection, CWE-88, when the program puts the host in its argv), a control
 * operator or substitution before any word (the command need not be one writ knows), or a variable expansion.
 * Returns true when it reported one.
 */
function hostInjection(leaf: StringLeaf, text: string, out: Finding[]): boolean {
  // A negative number (`-1`, `-Infinity`) is a bad address, not an option name.
  if (LEADING_OPTION.test(text) && Number.isNaN(Number(text))) {
    push(out, 'argument-injection', leaf, text);
    return true;
  }
  META_THEN_WORD.lastIndex = 0;
  for (let m = META_THEN_WORD.exec(text); m !== null; m = META_THEN_WORD.exec(text)) {
    const sep = m[0].trimStart()[0] ?? '';
    // A backtick substitutes only when it is closed; a lone one is a shell syntax error.
    if (sep === '`' && text.indexOf('`', m.index + m[0].length) === -1) continue;
    // A literal `\r`/`\n` is as likely a Windows path (`C:\Windows\repair`) as an undecoded line break.
    if (sep === '\\') continue;
    push(out, sep === '`' || sep === '$' ? 'substitution' : 'metachar-command', leaf, text, m.index);
    return true;
  }
  const v = VARIABLE_EXPANSION.exec(text);
  if (v !== null) {
    push(out, 'substitution', leaf, text, v.index);
    return true;
  }
  return false;
}

/** Words REVERSE_SHELL cannot match without (netcat, whose lookbehind is letters only, is tested apart). */
const REVERSE_SHELL_WORDS = gateWords('dev sh bash mkfifo socat socket fsockopen tcpsocket sockets');
const NETCAT = /(?<![a-z])n(?:c|cat|etcat)\b/i;
/** Words DOWNLOAD_EXEC cannot match without (`downloadstring(` has no word boundary and is tested apart). */
const DOWNLOAD_WORDS = gateWords('curl wget fetch iwr irm invoke sh bash zsh iex powershell');

function inspectLeaf(
  leaf: StringLeaf,
  input: InspectionInput,
  out: Finding[],
  traits: number,
  words: WordBits,
): void {
  const text = leaf.value;
  // PERF: each pattern needs a character the leaf may not have; prose skips most of them.
  if ((traits & PAREN) !== 0 && (traits & BRACKET) !== 0 && SHELLSHOCK.test(text))
    push(out, 'shellshock', leaf, text);
  const rev =
    ((traits & (SLASH | DASH | PAREN | COLON | SYMBOL)) !== 0 || SOCKET.test(text)) &&
    (hasAnyWord(words, REVERSE_SHELL_WORDS) || NETCAT.test(text))
      ? REVERSE_SHELL.exec(text)
      : null;
  if (rev !== null) push(out, 'reverse-shell', leaf, text, rev.index);
  const dl =
    (traits & (CONTROL | PAREN | DASH)) !== 0 &&
    (hasAnyWord(words, DOWNLOAD_WORDS) || DOWNLOAD_STRING.test(text))
      ? DOWNLOAD_EXEC.exec(text)
      : null;
  if (dl !== null) push(out, 'download-exec', leaf, text, dl.index);
  const code =
    (traits & (PAREN | SYMBOL | BRACKET | DOLLAR | PERCENT)) !== 0 || CODE_EXEC_WORDS.test(text)
      ? CODE_EXEC.exec(text)
      : null;
  if (code !== null) push(out, 'code-exec', leaf, text, code.index);
  // A template engine evaluates these whatever the field is called (issue 17 item 5).
  const template =
    (traits & BRACKET) !== 0 || text.includes('<%') || text.includes('freemarker')
      ? templateInjection(text)
      : null;
  if (template !== null) push(out, template.kind, leaf, text, template.index);
  const shell = isShellLeaf(leaf, input.action);
  const obf = (traits & (DOLLAR | BRACKET)) !== 0 ? OBFUSCATION.exec(text) : null;
  if (obf !== null && (shell || SHELL_META.test(text))) push(out, 'obfuscation', leaf, text, obf.index);
  else {
    const split = splitProbe(text);
    if (split !== -1) push(out, 'obfuscation', leaf, text, split);
  }
  if (shell) {
    if (CHAIN_MARK.test(text) && chainedProbe(text, input.config.shell) !== -1)
      push(out, 'chained-command', leaf, text);
    else if (QUOTE_THEN_OPERATOR.test(text) && quoteBreakout(text) !== -1)
      push(out, 'chained-command', leaf, text, quoteBreakout(text));
    else if (BACKTICKS.test(text)) {
      const inner = BACKTICK_WORD.exec(text);
      if (inner !== null && PROBE_COMMANDS.has((inner[1] ?? '').toLowerCase()))
        push(out, 'substitution', leaf, text, inner.index);
    }
    return;
  }
  if (isHostKey(leaf.key) && hostInjection(leaf, text, out)) return;
  // A value that is not a command line: any metacharacter that starts a known command is an injection.
  if (!ANY_META.test(text)) return;
  const paranoia = input.config.paranoia;
  META_THEN_WORD.lastIndex = 0;
  for (let m = META_THEN_WORD.exec(text); m !== null; m = META_THEN_WORD.exec(text)) {
    const word = (m[1] ?? '').toLowerCase();
    // The separator is the match's first character: a newline is a separator, not space to trim.
    const sep = m[0][0] ?? '';
    const kind = sep === '`' || sep === '$' ? 'substitution' : 'metachar-command';
    if (!PROBE_COMMANDS.has(word)) {
      // Level 4 judges any word after an operator in a value that is not prose (`x;frobnicate`).
      if (judgesUnknownCommands(paranoia) && sep !== '\\' && !FOUR_WORDS.test(text)) {
        push(out, kind, leaf, text, m.index, 'medium');
        return;
      }
      continue;
    }
    const rest = text.slice(m.index + m[0].length, m.index + m[0].length + 1);
    // Prose: "Tom & Jerry", "cats; dogs". A command word must end the value or be followed by an argument-ish char.
    if (rest === '' || ARGUMENT_START.test(rest)) {
      const proseSep = sep === '&' || sep === ';' || sep === '\n' || sep === '\r';
      // A sentence that goes on with a command word ("birds of prey can\n kill"), or a Markdown code span
      // naming a command in prose ("see also `grep`"): judged only from paranoia level 2 (lib/paranoia.ts).
      const prose =
        (proseSep && FOUR_WORDS.test(text) && !FIRST_WORD_SEPARATED.test(text)) ||
        (sep === '`' && isProseCodeSpan(text, m.index));
      if (prose) {
        const severity = proseSeverity(paranoia);
        if (severity === null) continue;
        push(out, kind, leaf, text, m.index, severity);
        return;
      }
      push(out, kind, leaf, text, m.index);
      return;
    }
  }
}

/** Flags input that makes a shell run commands the caller did not intend. */
export const commandInjectionInspector: Inspector = {
  id: ID,
  version: '1.1.0',
  gateWords: [REVERSE_SHELL_WORDS, DOWNLOAD_WORDS],
  inspect(input: InspectionInput): readonly Finding[] {
    const out: Finding[] = [];
    for (let i = 0; i < input.leaves.length; i++) {
      const leaf = input.leaves[i]!;
      if (leaf.value.length < 2 || isKeyLeaf(leaf)) continue;
      inspectLeaf(leaf, input, out, leafTraits(input, i), leafWords(input, i));
    }
    return out;
  },
};
