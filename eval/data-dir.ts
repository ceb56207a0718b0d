/** Where the eval's corpora live, in one place so every reader (eval, tests, scripts) agrees. */
import { fileURLToPath } from 'node:url';

/** The corpora: `../shared/data` beside the clone, or `WRIT_EVAL_DATA` (moved into the repository by issue 18). */
export const DATA =
  process.env['WRIT_EVAL_DATA'] ?? fileURLToPath(new URL('../../shared/data/', import.meta.url));
