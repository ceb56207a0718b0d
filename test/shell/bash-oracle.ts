/**
 * Runs the bash on this machine as the oracle for the shell reader: one bash process reads a whole batch of
 * command lines, each wrapped as a function body, and prints its own parse of each (`declare -f`), or says
 * it rejected it. Nothing is run: the lines are only defined as function bodies, in an empty environment
 * (no PATH) and an empty folder, so a line that breaks out of its function finds no program to start.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** bash's verdict on one line: rejected, or accepted with the function body it printed. */
export type BashParse = { readonly ok: false } | { readonly ok: true; readonly body: string };

/** `$'...'` quoting of any text, every character escaped, so the batch script reads it back exactly. */
function ansiC(text: string): string {
  let out = "$'";
  for (const ch of text) {
    const cp = ch.codePointAt(0)!;
    out += cp < 0x80 ? `\\x${cp.toString(16).padStart(2, '0')}` : `\\U${cp.toString(16).padStart(8, '0')}`;
  }
  return `${out}'`;
}

const RECORD = '\x1e';
const FIELD = '\x1f';

/**
 * Asks bash to parse every line, one process per batch; the answer per line, in order. A here-doc left
 * open inside an eval makes bash read the rest of its script as the body and stop: the line it stopped on
 * counts as refused (bash only warns about such a line, writ refuses it) and the batch goes on after it.
 */
export function bashParse(lines: readonly string[]): BashParse[] {
  const out: BashParse[] = [];
  // Batches of 50 lines: one process each, and a stop costs a re-run of the rest of its batch only.
  for (let start = 0; start < lines.length; start += 50) {
    const batch = lines.slice(start, start + 50);
    const answers: BashParse[] = [];
    while (answers.length < batch.length) {
      answers.push(...bashBatch(batch.slice(answers.length)));
      if (answers.length < batch.length) answers.push({ ok: false });
    }
    out.push(...answers);
  }
  return out;
}

/** One bash process over `lines`: the answers it gave before it stopped (all of them, normally). */
function bashBatch(lines: readonly string[]): BashParse[] {
  const script = lines
    .map(
      (l) =>
        `c=${ansiC(l)}\n` +
        `if eval "f_ () {\n$c\n}" && declare -F f_ >/dev/null; then printf 'OK${FIELD}'; declare -f f_; ` +
        `else printf 'ERR${FIELD}'; fi; printf '${RECORD}'; unset -f f_\n`,
    )
    .join('');
  const cwd = mkdtempSync(join(tmpdir(), 'writ-bash-oracle-'));
  try {
    writeFileSync(join(cwd, 'batch.sh'), script);
    const res = spawnSync('bash', ['--norc', '--noprofile', 'batch.sh'], {
      cwd,
      env: {},
      encoding: 'utf8',
      maxBuffer: 256 * 1024 * 1024,
      timeout: 60_000,
    });
    if (res.error !== undefined) throw res.error;
    const records = res.stdout.split(RECORD);
    // The text after the last separator is an unfinished record (or nothing).
    return records.slice(0, records.length - 1).map((r): BashParse => {
      const [verdict, printed = ''] = r.split(FIELD);
      if (verdict !== 'OK') return { ok: false };
      // "f_ () \n{ \n    body\n}\n": the body is what lies between the braces.
      const body = printed.split('\n');
      const open = body.findIndex((l) => l.trimEnd() === '{');
      const close = body.map((l) => l.trimEnd()).lastIndexOf('}');
      return { ok: true, body: body.slice(open + 1, close).join('\n') };
    });
  } finally {
    rmSync(cwd, { recursive: true, force: true });
  }
}
