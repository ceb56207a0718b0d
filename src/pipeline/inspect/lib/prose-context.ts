/**
 * Whether a value reads as natural-language text (an e-mail body, a comment, a note, a description) rather
 * than a parameter built for a program. WAF rule sets judge parameters by what they are (a `q` of a search
 * API is text, a `comment` is prose); writ does not trust the field name, so it judges the text itself.
 * Code spans in Markdown (`` `grep -r` ``) are how prose names a command: in a prose value they are
 * quotation, not a shell substitution.
 */

// SECURITY: bounded character classes, no nested quantifiers: linear in the text.
/** A word of any script: two or more letters (with their combining marks). */
const WORD = /[\p{L}\p{M}]{2,}/gu;
/** A Markdown code span: backticks around text without a line break. */
const CODE_SPAN = /`[^`\n]{1,400}`/g;

/**
 * A character that glues a backtick to a value (`name`id``, `x=`id``) rather than opening a quotation. Letters
 * of scripts written without spaces do not glue: their prose sets a span right after a word ("用`grep`搜索").
 */
const GLUED =
  /(?![\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Thai}\p{Script=Lao}\p{Script=Khmer}\p{Script=Myanmar}])[\p{L}\p{N}=]/u;

/** Words of natural language counted outside code spans before a value reads as prose. */
const PROSE_WORDS = 2;

/**
 * Scripts written without spaces between words: a run of their letters is a phrase, not one word. Chinese and
 * Japanese words are one or two characters (each character counts as a word); Thai, Lao, Khmer and Burmese
 * words average several letters with their marks (three letters count as a word). Counted as one word, "另请参阅"
 * ("see also") or a Thai sentence never reached two words, so every code span in them read as a shell
 * substitution.
 */
const IDEOGRAPHIC = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}]/u;
const UNSPACED_ALPHABETIC = /[\p{Script=Thai}\p{Script=Lao}\p{Script=Khmer}\p{Script=Myanmar}]/u;

/** How many words a run of letters stands for in its script. */
function wordsIn(run: string): number {
  const first = run[0]!;
  if (first < '\u0e00') return 1;
  if (IDEOGRAPHIC.test(first)) return run.length;
  if (UNSPACED_ALPHABETIC.test(first)) return Math.max(1, Math.floor(run.length / 3));
  return 1;
}

/** Counts natural-language words outside Markdown code spans, stopping at `limit`. */
function wordsOutsideCode(text: string, limit: number): number {
  const outside = text.includes('`') ? text.replace(CODE_SPAN, ' ') : text;
  WORD.lastIndex = 0;
  let n = 0;
  for (let m = WORD.exec(outside); n < limit && m !== null; m = WORD.exec(outside)) n += wordsIn(m[0]);
  return n;
}

/**
 * The opening backtick of the span that the backtick at `at` closes, or -1. A closing backtick is glued to
 * the span's last character; its opening one stands apart and is at most a span's length back on the line.
 * (Each search runs back only to the previous backtick: linear over all the backticks of a text.)
 */
function openingOf(text: string, at: number): number {
  if (at === 0 || !GLUED.test(text[at - 1]!)) return -1;
  const prev = text.lastIndexOf('`', at - 1);
  if (prev === -1 || at - prev > 401 || text.slice(prev + 1, at).includes('\n')) return -1;
  return prev === 0 || !GLUED.test(text[prev - 1]!) ? prev : -1;
}

/**
 * True when the backtick at `at` opens a Markdown code span inside prose: the span is closed on the same
 * line, it stands apart from the words around it (start, space or punctuation before the opening backtick),
 * and the value outside its code spans holds words of natural language.
 */
export function isProseCodeSpan(text: string, at: number): boolean {
  if (text[at] !== '`') return false;
  // The closing backtick of a span (`` `bash` su UNIX ``) is read with the span it closes: what follows it is
  // prose again, not a substitution opening.
  const opening = openingOf(text, at);
  if (opening !== -1) return isProseCodeSpan(text, opening);
  const close = text.indexOf('`', at + 1);
  if (close === -1 || text.slice(at + 1, close).includes('\n')) return false;
  const before = at === 0 ? ' ' : text[at - 1]!;
  // `name`id`` or `x=`id``: glued to a value, the way an injection closes a parameter, not how prose quotes.
  if (GLUED.test(before)) return false;
  return wordsOutsideCode(text, PROSE_WORDS) >= PROSE_WORDS;
}
