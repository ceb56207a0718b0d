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

/** A character that glues a backtick to a value (`name`id``, `x=`id``) rather than opening a quotation. */
const GLUED = /[\p{L}\p{N}=]/u;

/** Words of natural language counted outside code spans before a value reads as prose. */
const PROSE_WORDS = 2;

/** Counts natural-language words outside Markdown code spans, stopping at `limit`. */
function wordsOutsideCode(text: string, limit: number): number {
  const outside = text.includes('`') ? text.replace(CODE_SPAN, ' ') : text;
  WORD.lastIndex = 0;
  let n = 0;
  while (n < limit && WORD.exec(outside) !== null) n++;
  return n;
}

/**
 * True when the backtick at `at` opens a Markdown code span inside prose: the span is closed on the same
 * line, it stands apart from the words around it (start, space or punctuation before the opening backtick),
 * and the value outside its code spans holds words of natural language.
 */
export function isProseCodeSpan(text: string, at: number): boolean {
  if (text[at] !== '`') return false;
  const close = text.indexOf('`', at + 1);
  if (close === -1 || text.slice(at + 1, close).includes('\n')) return false;
  const before = at === 0 ? ' ' : text[at - 1]!;
  // `name`id`` or `x=`id``: glued to a value, the way an injection closes a parameter, not how prose quotes.
  if (GLUED.test(before)) return false;
  return wordsOutsideCode(text, PROSE_WORDS) >= PROSE_WORDS;
}
