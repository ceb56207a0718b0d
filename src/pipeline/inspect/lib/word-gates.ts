/**
 * Word gates: which of the keywords inspectors gate their regexes on occur in a leaf, as a small bit set.
 *
 * An inspector declares each keyword list as data (`gateWords`, listed in its definition's `gateWords`), and
 * the registry instance builds one frozen `WordVocabulary` from every list its inspectors declare. A leaf's
 * bits have bit k set when the leaf holds a word whose key equals vocabulary word k's key; a gate is open when
 * the leaf's bits and the gate's bits share one. Words are maximal runs of `[A-Za-z0-9_]`, exactly what a
 * regex `\b` (without the `u` flag) separates, compared case-insensitively, so `hasAnyWord(words, gate)` holds
 * whenever `/\bunion\b/i` matches a gate that lists `union`. Keys are 30-bit FNV-1a hashes: a collision only
 * opens a gate that could have stayed shut; the regex behind it still decides. A gate no vocabulary holds
 * (an inspector run alone, in a test) is answered from the leaf's text, with the same answer.
 */

/** One declared keyword list: data, compiled by each vocabulary that includes it. */
export interface GateWords {
  /** Space-separated words. */
  readonly words: string;
}

/** The gate bits of a vocabulary (bit k of word k >> 5). */
type GateBits = Uint32Array;

/** The vocabulary words present in one leaf, with the vocabulary that reads them and the leaf's text. */
export interface WordBits {
  readonly bits: Uint32Array;
  readonly vocabulary: WordVocabulary | null;
  readonly text: string;
  /**
   * The text holds no word of its vocabulary (and no camel hump): every gate the vocabulary compiled is shut.
   * Always false without a vocabulary.
   */
  readonly none: boolean;
}

const FNV_OFFSET = 0x811c9dc5 | 0;
const FNV_PRIME = 16777619;
const KEY_MASK = 0x3fffffff;

/** A word's key: FNV-1a over its ASCII letters folded to lower case, kept in 30 bits (a small integer). */
function wordKey(word: string): number {
  let h = FNV_OFFSET;
  for (let i = 0; i < word.length; i++) {
    let c = word.charCodeAt(i);
    if (c >= 65 && c <= 90) c |= 32;
    h = Math.imul(h ^ c, FNV_PRIME);
  }
  return h & KEY_MASK;
}

/** A keyword list as data; each word joins the vocabulary of a registry whose inspector declares it. */
export function gateWords(words: string): GateWords {
  return Object.freeze({ words });
}

/**
 * The gate of a lower-case ASCII letter directly followed by a capital (`accountWrite`, `iPhone`): where text
 * spliced into a word starts a new sentence. Index 0 of every vocabulary.
 */
export const CAMEL_HUMP: GateWords = Object.freeze({ words: '' });

/** Every keyword the inspectors of one registry gate on; built once at construction, never changed. */
export class WordVocabulary {
  /** Open-addressing table from key to vocabulary index + 1 (0 = empty). */
  readonly #slots: Int32Array;
  readonly #keysBySlot: Int32Array;
  readonly #slotMask: number;
  /** Bit-set length in 32-bit words. */
  readonly #size: number;
  readonly #gates: ReadonlyMap<GateWords, GateBits>;
  /** The bits of a text with no vocabulary word, shared (callers only read them). */
  readonly #noWords: Uint32Array;
  /**
   * `holdsAll` answers by list identity: callers pass their module's constant lists, so this holds a few
   * entries per registry; it is bounded all the same, and past the bound the answer is computed afresh.
   */
  readonly #held = new Map<readonly GateWords[], boolean>();

  constructor(declared: Iterable<GateWords>) {
    const indexes = new Map<number, number>([[-1, 0]]);
    const lists = [...new Set(declared)].filter((g) => g !== CAMEL_HUMP);
    for (const list of lists)
      for (const w of list.words.split(' ')) {
        const key = wordKey(w);
        if (!indexes.has(key)) indexes.set(key, indexes.size);
      }
    let size = 256;
    while (size < indexes.size * 4) size *= 2;
    this.#slots = new Int32Array(size);
    this.#keysBySlot = new Int32Array(size);
    this.#slotMask = size - 1;
    for (const [key, index] of indexes) {
      let s = key & this.#slotMask;
      while (this.#slots[s] !== 0) s = (s + 1) & this.#slotMask;
      this.#slots[s] = index + 1;
      this.#keysBySlot[s] = key;
    }
    this.#size = (indexes.size + 31) >> 5;
    this.#noWords = new Uint32Array(this.#size);
    const gates = new Map<GateWords, GateBits>([[CAMEL_HUMP, Uint32Array.of(1)]]);
    for (const list of lists) {
      const at = list.words.split(' ').map((w) => indexes.get(wordKey(w))!);
      // PERF: only as long as its highest word needs: a gate check reads gate.length words of the leaf's bits.
      const gate = new Uint32Array((Math.max(...at) >> 5) + 1);
      for (const index of at) gate[index >> 5]! |= 1 << (index & 31);
      gates.set(list, gate);
    }
    this.#gates = gates;
  }

  /** The compiled bits of a declared list; undefined when no inspector of this registry declared it. */
  gate(list: GateWords): GateBits | undefined {
    return this.#gates.get(list);
  }

  /** Whether every list was compiled into this vocabulary (declared by one of the registry's inspectors). */
  holdsAll(lists: readonly GateWords[]): boolean {
    let held = this.#held.get(lists);
    if (held === undefined) {
      held = lists.every((l) => this.#gates.has(l));
      if (this.#held.size < 64) this.#held.set(lists, held);
    }
    return held;
  }

  /** The vocabulary index of the word with `key`, or -1. */
  #indexOfKey(key: number): number {
    const slots = this.#slots;
    const mask = this.#slotMask;
    let s = key & mask;
    for (let v = slots[s]!; v !== 0; v = slots[s]!) {
      if (this.#keysBySlot[s] === key) return v - 1;
      s = (s + 1) & mask;
    }
    return -1;
  }

  /** The vocabulary words in a text, in one pass with no string allocation (and no array unless one is found). */
  bitsOf(text: string): Uint32Array {
    const size = this.#size;
    let bits: Uint32Array | null = null;
    let h = FNV_OFFSET;
    let inWord = false;
    let lower = false;
    const n = text.length;
    for (let i = 0; i < n; i++) {
      let c = text.charCodeAt(i);
      if ((c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 95 || (c >= 65 && c <= 90)) {
        if (c <= 90 && c >= 65) {
          if (lower) (bits ??= new Uint32Array(size))[0]! |= 1;
          c |= 32;
          lower = false;
        } else lower = c >= 97;
        if (!inWord) {
          h = FNV_OFFSET;
          inWord = true;
        }
        h = Math.imul(h ^ c, FNV_PRIME);
      } else {
        lower = false;
        if (inWord) {
          const index = this.#indexOfKey(h & KEY_MASK);
          if (index !== -1) (bits ??= new Uint32Array(size))[index >> 5]! |= 1 << (index & 31);
          inWord = false;
        }
      }
    }
    if (inWord) {
      const index = this.#indexOfKey(h & KEY_MASK);
      if (index !== -1) (bits ??= new Uint32Array(size))[index >> 5]! |= 1 << (index & 31);
    }
    return bits ?? this.#noWords;
  }

  /** A leaf's words as this vocabulary reads them. */
  wordsOf(text: string): WordBits {
    const bits = this.bitsOf(text);
    return { bits, vocabulary: this, text, none: bits === this.#noWords };
  }
}

/** A leaf's words with no registry vocabulary: every gate is answered from the text. */
export function unreadWords(text: string): WordBits {
  return { bits: new Uint32Array(0), vocabulary: null, text, none: false };
}

function intersects(bits: Uint32Array, gate: GateBits): boolean {
  for (let k = 0; k < gate.length; k++) if ((bits[k]! & gate[k]!) !== 0) return true;
  return false;
}

/**
 * True when the leaf holds no word of any of `lists`, answered at once: the text has no word of its vocabulary
 * and the vocabulary compiled every list (a list it lacks would be answered from the text, so never here).
 * PERF: one check in place of one `hasAnyWord` (a map lookup and a bit test) per list, for the many leaves
 * (header values, ids, names) that hold no keyword at all.
 */
export function holdsNoWordOf(words: WordBits, lists: readonly GateWords[]): boolean {
  return words.none && words.vocabulary !== null && words.vocabulary.holdsAll(lists);
}

/** True when the leaf holds any word of the gate. */
export function hasAnyWord(words: WordBits, gate: GateWords): boolean {
  const compiled = words.vocabulary?.gate(gate);
  if (compiled !== undefined) return intersects(words.bits, compiled);
  // A gate this leaf's vocabulary does not hold: the same answer, from a vocabulary of the gate alone.
  const own = new WordVocabulary([gate]);
  return intersects(own.bitsOf(words.text), own.gate(gate)!);
}
