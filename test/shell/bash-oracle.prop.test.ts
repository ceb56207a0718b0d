/**
 * The shell reader against bash itself (issue 15, F4): generated command lines (comments, every quote kind,
 * ANSI-C quoting, substitutions in and out of double quotes, arithmetic, here-docs, redirections, compound
 * commands, long lines) are parsed by the real bash in one batch; writ must find exactly the commands the
 * generator put in, read bash's own normalised parse the same way, and reject whatever bash rejects.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readShell } from '../../src/pipeline/shell/shell-reader.js';
import { bashParse } from './bash-oracle.js';

/** A generated line and the commands it holds: program marker -> its argument words as written. */
interface Generated {
  readonly text: string;
  readonly commands: ReadonlyMap<string, readonly string[]>;
}

/** A piece of a line under construction: its text and the commands inside it. */
interface Piece {
  readonly text: string;
  readonly commands: ReadonlyArray<readonly [string, readonly string[]]>;
}

let marker = 0;
/** Program names are unique markers (`c17`), so each command can be found again in any reading. */
const nextMarker = () => `c${++marker}`;

const piece = (text: string, commands: Piece['commands'] = []): Piece => ({ text, commands });

const PLAIN = fc
  .stringMatching(/^[a-z0-9_./+=:,@%-]{1,6}$/)
  .filter((w) => !w.startsWith('-') || w.length > 1);
/** Characters that mean something to bash, for the insides of quotes and comments. */
const HOSTILE = fc.constantFrom(
  ';',
  '|',
  '&',
  '#',
  '(',
  ')',
  '<',
  '>',
  ' ',
  '`',
  '$',
  '{',
  '}',
  '*',
  '?',
  '!',
  '~',
);

/** The innermost command: a marker with plain arguments. */
const LEAF: fc.Arbitrary<Piece> = fc.array(PLAIN, { maxLength: 3 }).map((args) => {
  const m = nextMarker();
  return piece([m, ...args].join(' '), [[m, args]]);
});

function words(depth: number): fc.Arbitrary<Piece> {
  const nested = depth > 0 ? list(depth - 1, false) : LEAF;
  const inner = fc.array(fc.oneof(PLAIN, HOSTILE), { minLength: 1, maxLength: 5 }).map((a) => a.join(''));
  return fc.oneof(
    PLAIN.map((w) => piece(w)),
    // `#` inside a word is text; it starts a comment only where a word starts.
    fc.tuple(PLAIN, PLAIN).map(([a, b]) => piece(`${a}#${b}`)),
    inner.map((s) => piece(`'${s.replace(/'/g, '')}'`)),
    fc
      .tuple(inner, fc.constantFrom('', '$x', '${x#y}', '${x:-d}', '\\"', '\\$', '$#'))
      .map(([s, e]) => piece(`"${s.replace(/["\\`$!]/g, '')}${e}"`)),
    fc
      .tuple(inner, fc.constantFrom('\\x41', '\\n', "\\'", '\\t', '\\\\', '\\u00e9'))
      .map(([s, e]) => piece(`$'${s.replace(/['\\]/g, '')}${e}'`)),
    inner.map((s) => piece(`$"${s.replace(/["\\`$!]/g, '')}"`)),
    fc
      .constantFrom('$x', '${x}', '${#x}', '$?', '$1', '$((1 + 2))', 'a\\;b', '\\#x', 'x\\ y')
      .map((w) => piece(w)),
    // Substitutions, in and out of double quotes, in arithmetic and in process substitution.
    // A space after `$(`: `$((` opens arithmetic, and a subshell body would read as one.
    nested.map((p) => piece(`$( ${p.text})`, p.commands)),
    nested.map((p) => piece(`"a $( ${p.text}) b"`, p.commands)),
    nested.map((p) => piece(`$(( 1 + $( ${p.text}) ))`, p.commands)),
    nested.map((p) => piece(`<( ${p.text})`, p.commands)),
    LEAF.map((p) => piece(`\`${p.text}\``, p.commands)),
    LEAF.map((p) => piece(`"\`${p.text}\`"`, p.commands)),
  );
}

const REDIRECT = fc.constantFrom(
  '> f',
  '>> f',
  '2>&1',
  '< f',
  '<<< w',
  '&> f',
  '>| f',
  '2> /dev/null',
  '3<> f',
  '>&2',
);

function simple(depth: number): fc.Arbitrary<Piece> {
  return fc
    .tuple(fc.array(words(depth), { maxLength: 4 }), fc.array(REDIRECT, { maxLength: 2 }))
    .map(([args, redirects]) => {
      const m = nextMarker();
      const text = [m, ...args.map((a) => a.text), ...redirects].join(' ');
      return piece(text, [[m, args.map((a) => a.text)], ...args.flatMap((a) => a.commands)]);
    });
}

/** A simple command with many arguments: no window, the command after it is read too. */
const LONG = fc.integer({ min: 2_000, max: 9_000 }).map((n) => {
  const m = nextMarker();
  const args = Array.from({ length: n }, (_, i) => `a${i % 10}`);
  return piece(`${m} ${args.join(' ')}`, [[m, args]]);
});

/** A here-doc: an unquoted body is read for substitutions, a quoted one is text. */
function heredoc(depth: number): fc.Arbitrary<Piece> {
  return fc.tuple(simple(depth), fc.boolean(), PLAIN).map(([s, quoted, text]) => {
    const m = nextMarker();
    const body = `${text} $(${m} x) # not a comment\n`;
    return piece(
      `${s.text} <<${quoted ? "'EOF'" : 'EOF'}\n${body}EOF`,
      quoted ? s.commands : [...s.commands, [m, ['x']]],
    );
  });
}

function pipeline(depth: number): fc.Arbitrary<Piece> {
  return fc.array(simple(depth), { minLength: 1, maxLength: 3 }).map((ps) =>
    piece(
      ps.map((p) => p.text).join(' | '),
      ps.flatMap((p) => p.commands),
    ),
  );
}

const SEPARATOR = fc.constantFrom('; ', ' && ', ' || ', '\n', ' & ', ' # a comment; $(c0) `x`\n');

function joinList(items: Piece[], seps: string[]): Piece {
  let text = '';
  items.forEach((p, i) => {
    // A here-doc's body ends its line: what follows it starts on a new line.
    const sep = i === 0 ? '' : items[i - 1]!.text.endsWith('\nEOF') ? '\n' : seps[i - 1]!;
    text += sep + p.text;
  });
  // writ ends a here-doc only at a line that is its delimiter alone; bash also takes `EOF)` inside a
  // substitution. writ refuses that spelling (fail closed), so the generator ends the line instead.
  if (text.endsWith('\nEOF')) text += '\n';
  return piece(
    text,
    items.flatMap((p) => p.commands),
  );
}

function compound(depth: number): fc.Arbitrary<Piece> {
  // Here-docs only at the top: bash's declare -f moves one in a compound condition or a substitution past
  // the next line, where its own output no longer reads the same.
  const body = list(depth - 1, false);
  return fc.oneof(
    body.map((b) => piece(`( ${b.text} )`, b.commands)),
    body.map((b) => piece(`{ ${b.text}\n}`, b.commands)),
    fc
      .tuple(body, body)
      .map(([a, b]) => piece(`if ${a.text}\nthen ${b.text}\nfi`, [...a.commands, ...b.commands])),
    body.map((b) => piece(`for v in a 'b c'; do ${b.text}\ndone`, b.commands)),
    fc
      .tuple(body, body)
      .map(([a, b]) => piece(`while ${a.text}\ndo ${b.text}\ndone`, [...a.commands, ...b.commands])),
    body.map((b) => piece(`case w in a|b) ${b.text}\n;; *) ;; esac`, b.commands)),
  );
}

function list(depth: number, heredocs = true): fc.Arbitrary<Piece> {
  const item: fc.Arbitrary<Piece> =
    depth === 0
      ? pipeline(0)
      : heredocs
        ? fc.oneof({ weight: 3, arbitrary: pipeline(depth) }, compound(depth), heredoc(depth))
        : fc.oneof({ weight: 3, arbitrary: pipeline(depth) }, compound(depth));
  return fc
    .tuple(
      fc.array(item, { minLength: 1, maxLength: 3 }),
      fc.array(SEPARATOR, { minLength: 3, maxLength: 3 }),
    )
    .map(([items, seps]) => joinList(items, seps));
}

const LINE: fc.Arbitrary<Generated> = fc
  .oneof(
    { weight: 9, arbitrary: list(2) },
    fc.tuple(LONG, list(1)).map(([l, r]) => joinList([l, r], ['; '])),
  )
  .map((p) => ({ text: p.text, commands: new Map(p.commands) }));

/** Commands writ reads, as marker -> argument words as written (markers only: loop variables are left out). */
function writCommands(text: string): Map<string, string[]> | null {
  const r = readShell(text);
  if (!r.ok) return null;
  const out = new Map<string, string[]>();
  for (const c of r.commands) {
    const program = c.words[0]?.text ?? '';
    if (/^c\d+$/.test(program))
      out.set(
        program,
        c.words.slice(1).map((w) => w.raw),
      );
  }
  return out;
}

/** Why writ could not read a line, for failure messages. */
function why(text: string): string {
  const r = readShell(text);
  return r.ok ? 'read' : `${r.code}: ${r.message}`;
}

const markers = (m: ReadonlyMap<string, unknown> | null) => (m === null ? null : [...m.keys()].sort());

/** A mutation bash may or may not accept: an inserted metacharacter, or the line cut short. */
const MUTATION = fc.tuple(
  fc.nat(),
  fc.constantFrom(
    "'",
    '"',
    '`',
    '$(',
    ')',
    '(',
    '{',
    '}',
    '#',
    ';',
    '|',
    '&&',
    '\\',
    '<<',
    '$((',
    '${',
    '\n',
    'fi',
    'do',
  ),
  fc.boolean(),
);

describe('the shell reader agrees with bash', () => {
  it("finds every command the generator wrote, reads bash's own parse the same way, in one bash run", () => {
    const cases = fc.sample(LINE, { numRuns: 250, seed: 4242 });
    const parses = bashParse(cases.map((c) => c.text));
    let accepted = 0;
    cases.forEach((c, i) => {
      const bash = parses[i]!;
      const mine = writCommands(c.text);
      if (!bash.ok) {
        // The generator writes valid bash; if bash refuses one anyway, writ must refuse it too.
        expect(mine, `bash rejects, writ reads: ${JSON.stringify(c.text.slice(0, 300))}`).toBeNull();
        return;
      }
      accepted++;
      expect(
        mine,
        `writ cannot read what bash reads (${why(c.text)}): ${JSON.stringify(c.text.slice(0, 300))}`,
      ).not.toBeNull();
      // Exactly the commands written, each with its argument words as written.
      expect(Object.fromEntries(mine!), c.text.slice(0, 300)).toEqual(Object.fromEntries(c.commands));
      // bash's normalised parse (comments gone, one command per line, substitutions re-printed) holds the
      // same commands for writ.
      expect(
        markers(writCommands(bash.body)),
        `declare -f of ${JSON.stringify(c.text.slice(0, 300))}`,
      ).toEqual(markers(c.commands));
    });
    expect(accepted).toBeGreaterThan(cases.length * 0.95);
  });

  it('rejects whatever bash rejects, and reads a mutated line bash accepts as bash does', () => {
    const base = fc.sample(LINE, { numRuns: 300, seed: 1515 });
    const mutations = fc.sample(MUTATION, { numRuns: 300, seed: 1516 });
    const lines = base.map((c, i) => {
      const [at, insert, cut] = mutations[i]!;
      const pos = at % (c.text.length + 1);
      return cut ? c.text.slice(0, pos) : c.text.slice(0, pos) + insert + c.text.slice(pos);
    });
    const parses = bashParse(lines);
    let rejected = 0;
    lines.forEach((line, i) => {
      const bash = parses[i]!;
      const mine = writCommands(line);
      // A line with no command at all is valid bash but an empty function body is not: nothing to compare.
      if (mine !== null && mine.size === 0 && !/c\d/.test(line)) return;
      if (!bash.ok) {
        rejected++;
        expect(mine, `bash rejects, writ reads: ${JSON.stringify(line.slice(0, 300))}`).toBeNull();
      } else if (mine !== null) {
        expect(
          markers(writCommands(bash.body)),
          `declare -f of ${JSON.stringify(line.slice(0, 300))}`,
        ).toEqual(markers(mine));
      }
    });
    // The mutations must actually produce lines bash refuses, or this test checks nothing.
    expect(rejected).toBeGreaterThan(50);
  });
});
