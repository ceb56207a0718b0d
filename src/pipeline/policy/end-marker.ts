/**
 * The end marker that makes a partly written policy file detectable: a file is sealed when its last line
 * that is neither blank nor a comment is YAML's document end marker `...`. A file cut at any point before
 * that line has lost it, so a sealed file can never go live half-written on a reload (docs/policy.md).
 */

/** The document end marker, optionally followed by a comment. */
const END_MARKER = /^\.\.\.[ \t]*(?:#.*)?$/;
const BLANK_OR_COMMENT = /^[ \t]*(?:#.*)?$/;

/** Whether a policy file's text ends with the end marker (after any blank or comment lines). */
export function isSealed(text: string): boolean {
  let end = text.length;
  while (end > 0) {
    const start = text.lastIndexOf('\n', end - 1) + 1;
    const line = text.slice(start, end).replace(/\r$/, '');
    if (!BLANK_OR_COMMENT.test(line)) return END_MARKER.test(line);
    end = start - 1;
  }
  return false;
}
