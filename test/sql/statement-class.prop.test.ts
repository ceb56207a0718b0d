/** Properties of the SQL statement reader over generated texts: total, case- and comment-blind, and a write never hides. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { classifySqlText } from '../../src/pipeline/sql/statement-class.js';
import { F5_EXAMPLES, F5_VARIANTS } from '../support/f5-hostile-sql.js';
import { readStatement, sqlText, writeStatement } from './sql-grammar.js';

const CLASSES = [null, 'read', 'write', 'delete', 'send', 'exec', 'admin', 'unknown'];
const hostile = fc.constantFrom(...[...F5_EXAMPLES, ...F5_VARIANTS].map((h) => h.sql));
const dialect = fc.constantFrom('postgresql' as const, 'mysql' as const);
const comment = fc.constantFrom('/* x */ ', '-- x\n', '/* ; */', '\n\t ');
/**
 * Reads that every dialect tokenizes alike (no backslash, double quote, `#`, `$` or backtick): a read written for
 * one server can shift the quoting of what follows in another server's reading, where it is a syntax error.
 */
const portableRead = dialect.chain((d) => readStatement(d)).filter((r) => !/[\\"#$`]/.test(r));
const portableReads = dialect.chain((d) => sqlText(d, false)).filter((r) => !/[\\"#$`]/.test(r));

describe('classifySqlText properties', () => {
  it('never throws and always answers a class (any text, any code points)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 300 }), (text) => {
        expect(CLASSES).toContain(classifySqlText(text));
      }),
      { numRuns: 3000 },
    );
  });

  it('a hostile statement stacked before or after any read is never a read', () => {
    fc.assert(
      fc.property(portableRead, hostile, fc.boolean(), comment, (read, bad, after, c) => {
        const text = after ? `${read};${c}${bad}` : `${bad};${c}${read}`;
        expect(classifySqlText(text)).not.toBe('read');
        expect(classifySqlText(text)).not.toBeNull();
      }),
      { numRuns: 1500 },
    );
  });

  it('a generated write stacked with reads is never a read', () => {
    fc.assert(
      fc.property(
        fc.tuple(
          portableReads,
          dialect.chain((d) => writeStatement(d)),
        ),
        ([reads, write]) => {
          expect(classifySqlText(`${reads}; ${write}`)).not.toBe('read');
        },
      ),
      { numRuns: 1500 },
    );
  });

  it('leading comments, whitespace and letter case do not change the class of a hostile statement', () => {
    fc.assert(
      fc.property(hostile, comment, fc.boolean(), (bad, c, upper) => {
        const cased = upper ? bad.toUpperCase() : bad.toLowerCase();
        // Dollar-quote tags are case-sensitive; only texts without them keep their reading when re-cased.
        const expected = classifySqlText(bad.includes('$') ? bad : cased);
        expect(classifySqlText(c + (bad.includes('$') ? bad : cased))).toBe(expected);
        expect(expected).not.toBe('read');
      }),
      { numRuns: 1000 },
    );
  });

  it('a hostile statement quoted as a string literal is data: the query reads', () => {
    fc.assert(
      fc.property(
        hostile.filter((h) => !h.includes('\\')),
        (bad) => {
          expect(classifySqlText(`SELECT '${bad.replace(/'/g, "''")}' AS note`)).toBe('read');
        },
      ),
      { numRuns: 500 },
    );
  });

  it('a comment opener or quote, a line break, then a separated hostile statement: never a read', () => {
    fc.assert(
      fc.property(
        hostile,
        fc.constantFrom('#', '-- ', '--', '/*', '/*!', '*/', "'", '"', '`', '$$', '\\', "E'", '--1'),
        fc.constantFrom('SELECT 1 ', 'SELECT 1', ''),
        (bad, opener, head) => {
          // A quote or comment the hostile statement closes again swallows its head: a legitimate harmless reading.
          fc.pre(![...opener].some((ch) => `'"\`$`.includes(ch) && bad.includes(ch)));
          fc.pre(!(opener.startsWith('/*') && bad.includes('*/')));
          // A hostile statement that hides its own write from one dialect (`# 2; DROP`) is not a read only in
          // the other; an opener that breaks that other reading leaves a harmless one.
          fc.pre(!/[#$\\"`]|\/\*|--/.test(bad));
          // Some dialect runs the hostile statement (not a read), or none reads the text to its end (unknown).
          expect(classifySqlText(`${head}${opener}\n;${bad}`)).not.toBe('read');
        },
      ),
      { numRuns: 1500 },
    );
  });
});
