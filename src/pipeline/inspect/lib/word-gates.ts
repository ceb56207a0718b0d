/**
 * Word gates: which of the keywords inspectors gate their regexes on occur in a leaf, as a small bit set.
 *
 * Every keyword list an inspector declares with `wordKeys` (at module load) joins one vocabulary. A leaf's
 * `WordBits` has bit k set when the leaf holds a word whose key equals vocabulary word k's key; a gate is open
 * when the leaf's bits and the gate's bits share one. Words are maximal runs of `[A-Za-z0-9_]`, exactly what
 * a regex `\b` (without the `u` flag) separates, compared case-insensitively, so `hasAnyWord(bits, gate)`
 * holds whenever `/\bunion\b/i` matches a gate that lists `union`. Keys are 30-bit FNV-1a hashes: a collision
 * only opens a gate that could have stayed shut; the regex behind it still decides.
 */

/** The vocabulary words present in one leaf (bit k of word k >> 5). */
export type WordBits = Uint32Array;
/** The vocabulary words a gate opens on, in the same layout. */
export type WordGate = Uint32Array;

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

// INVARIANT: filled only by `wordKeys` calls at module load (constant keyword lists), never per request; a
// leaf scanned before a later registration is handled in `hasAnyWord` (its bit set is shorter: gate open).
// Index 0 is reserved for CAMEL_HUMP.
const vocabulary = new Map<number, number>([[-1, 0]]);
/** Open-addressing table from key to vocabulary index + 1 (0 = empty), rebuilt on each registration. */
let slots = new Int32Array(256);
let keysBySlot = new Int32Array(256);
let slotMask = 255;

function rebuild(): void {
  let size = 256;
  while (size < vocabulary.size * 4) size *= 2;
  slots = new Int32Array(size);
  keysBySlot = new Int32Array(size);
  slotMask = size - 1;
  for (const [key, index] of vocabulary) {
    let s = key & slotMask;
    while (slots[s] !== 0) s = (s + 1) & slotMask;
    slots[s] = index + 1;
    keysBySlot[s] = key;
  }
}

/** The gate for a space-separated keyword list; each word joins the shared vocabulary. Call at load only. */
export function wordKeys(words: string): WordGate {
  const indexes: number[] = [];
  let added = false;
  for (const w of words.split(' ')) {
    const key = wordKey(w);
    let index = vocabulary.get(key);
    if (index === undefined) {
      index = vocabulary.size;
      vocabulary.set(key, index);
      added = true;
    }
    indexes.push(index);
  }
  if (added) rebuild();
  const gate = new Uint32Array((Math.max(...indexes) >> 5) + 1);
  for (const index of indexes) gate[index >> 5]! |= 1 << (index & 31);
  return gate;
}

/**
 * The gate of a lower-case ASCII letter directly followed by a capital (`accountWrite`, `iPhone`): where text
 * spliced into a word starts a new sentence.
 */
export const CAMEL_HUMP: WordGate = Uint32Array.of(1);

/** The vocabulary index of the word with `key`, or -1. */
function indexOfKey(key: number): number {
  let s = key & slotMask;
  for (let v = slots[s]!; v !== 0; v = slots[s]!) {
    if (keysBySlot[s] === key) return v - 1;
    s = (s + 1) & slotMask;
  }
  return -1;
}

/**
 * The bits of a text with no vocabulary word, shared by all such texts (most leaves): callers only read
 * word bits. Its length follows the vocabulary, which only grows at module load.
 */
let noWords = new Uint32Array(1);

/** The vocabulary words in a text, in one pass with no string allocation (and no array unless one is found). */
export function wordBitsOf(text: string): WordBits {
  const size = (vocabulary.size + 31) >> 5;
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
        const index = indexOfKey(h & KEY_MASK);
        if (index !== -1) (bits ??= new Uint32Array(size))[index >> 5]! |= 1 << (index & 31);
        inWord = false;
      }
    }
  }
  if (inWord) {
    const index = indexOfKey(h & KEY_MASK);
    if (index !== -1) (bits ??= new Uint32Array(size))[index >> 5]! |= 1 << (index & 31);
  }
  if (bits !== null) return bits;
  if (noWords.length !== size) noWords = new Uint32Array(size);
  return noWords;
}

/** True when the leaf holds any word of the gate (or the gate is newer than the leaf's scan: open). */
export function hasAnyWord(words: WordBits, gate: WordGate): boolean {
  if (words.length < gate.length) return true;
  for (let k = 0; k < gate.length; k++) if ((words[k]! & gate[k]!) !== 0) return true;
  return false;
}
