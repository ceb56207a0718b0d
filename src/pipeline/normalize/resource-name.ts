/**
 * The form in which a database, table or environment name is matched by policy: without invisible
 * characters, NFKC-folded, trimmed and lower-cased. A deny on `production` must hold for `Production`,
 * `production ` and `prod\u200Buction`, which a permissive rule next to it would otherwise let through.
 */
import { INVISIBLE_FORMAT_CHARS, TAG_CHARS } from '../model/invisible-chars.js';

/** The canonical name, or null when nothing is left of it. */
export function canonicalResourceName(name: string): string | null {
  const canonical = name
    .replace(TAG_CHARS, '')
    .replace(INVISIBLE_FORMAT_CHARS, '')
    .normalize('NFKC')
    .trim()
    .toLowerCase();
  return canonical === '' ? null : canonical;
}
