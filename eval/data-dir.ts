/** Where the third-party corpora live: test-data/ in the repository, one place for every reader. */
import { fileURLToPath } from 'node:url';

/** The vendored corpora (test-data/README.md): eval, tests and scripts all read them from here. */
export const DATA = fileURLToPath(new URL('../test-data/', import.meta.url));
