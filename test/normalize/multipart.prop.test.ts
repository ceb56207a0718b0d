/** The multipart reader takes hostile bytes without throwing, and reads back any body it could have written. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseMultipart } from '../../src/pipeline/normalize/multipart.js';

const HEADER = 'multipart/form-data; boundary=b0undary';

describe('parseMultipart', () => {
  it('never throws on arbitrary bytes or boundaries', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.string({ maxLength: 80 }), (bytes, header) => {
        parseMultipart(bytes, header);
        parseMultipart(bytes, HEADER);
        const framed = Buffer.concat([Buffer.from('--b0undary\r\n'), bytes, Buffer.from('\r\n--b0undary--')]);
        parseMultipart(framed, HEADER);
      }),
      { numRuns: 3000 },
    );
  });
  it('reads back the fields of a body it is given in canonical form', () => {
    const name = fc.stringMatching(/^[a-z][a-z0-9_]{0,11}$/);
    // Values that cannot contain the delimiter (it starts with CR LF - -).
    const value = fc.string({ maxLength: 40 }).filter((v) => !v.includes('\r\n--b0undary'));
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.tuple(name, value), { selector: (t) => t[0], maxLength: 6 }),
        (fields) => {
          const body = Buffer.from(
            fields
              .map(([n, v]) => `--b0undary\r\nContent-Disposition: form-data; name="${n}"\r\n\r\n${v}\r\n`)
              .join('') + '--b0undary--\r\n',
            'utf8',
          );
          expect(parseMultipart(body, HEADER)).toEqual(
            Object.assign(Object.create(null), Object.fromEntries(fields)),
          );
        },
      ),
      { numRuns: 2000 },
    );
  });
});
