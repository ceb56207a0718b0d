/** Fast paths that skip work or allocation on benign text: each answers exactly as the slower form it replaces. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { pathTraversalInspector } from '../../src/pipeline/inspect/inspectors/path-traversal.js';
import { ssrfEgressInspector } from '../../src/pipeline/inspect/inspectors/ssrf-egress.js';
import { pathSkeleton } from '../../src/pipeline/inspect/lib/path-normalize.js';
import { excerpt } from '../../src/pipeline/inspect/lib/redact.js';
import { findSecrets } from '../../src/pipeline/inspect/lib/secret-patterns.js';
import { gateWords, hasAnyWord, WordVocabulary } from '../../src/pipeline/inspect/lib/word-gates.js';
import { base64Decoder } from '../../src/pipeline/inspect/decode/base64-decoder.js';
import { hexDecoder } from '../../src/pipeline/inspect/decode/hex-decoder.js';
import { bytesAsText } from '../../src/pipeline/inspect/decode/printable.js';
import { ids, runArgs } from './inspect-helpers.js';

// eslint-disable-next-line no-control-regex
const SKELETON_SEP = /[/\\:;?*<>|"%\u0000-\u001f\u007f-\uffff]+/g;

/** pathSkeleton as it was written with split and join: the reference the in-place walk must equal. */
function referenceSkeleton(normalized: string) {
  let text = normalized.toLowerCase();
  if (text.includes('%')) text = text.replace(/%[a-z0-9]{0,2}/g, '/');
  if (/\.\.(?:2f|5c)/.test(text)) text = text.replace(/2f|5c/g, '/');
  const parts = text.replace(SKELETON_SEP, '/').split('/');
  let k = 0;
  if (/^[a-z]$/.test(parts[0] ?? '') && /^\s*[a-z]:/i.test(normalized)) k = 1;
  let dots = 0;
  while (k < parts.length && /^\.*$/.test(parts[k] ?? '')) {
    if ((parts[k] ?? '').length >= 2) dots++;
    k++;
  }
  return { target: parts.slice(k).join('/'), dotSegments: dots, prefixSegments: k };
}

describe('pathSkeleton', () => {
  it('equals the split-and-join reading on paths built from separators, dots, drives and names', () => {
    const piece = fc.constantFrom(
      '/',
      '\\',
      '.',
      '..',
      '...',
      'c:',
      'C:',
      'etc',
      'passwd',
      '%2f',
      '%qf',
      '2f',
      ' ',
      '?',
      'a',
      '\u00e9',
      '',
    );
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 12 }), (pieces) => {
        const path = pieces.join('');
        expect(pathSkeleton(path)).toEqual(referenceSkeleton(path));
      }),
      { numRuns: 2000 },
    );
  });

  it('equals it on the edge cases by hand', () => {
    for (const p of [
      '',
      '/',
      '//',
      'c',
      'c:',
      'c:/',
      'c:/..',
      '../..',
      '..%c0%af../etc/passwd',
      '??%5c??%5cetc',
      'a/',
      '/a/',
    ])
      expect(pathSkeleton(p)).toEqual(referenceSkeleton(p));
  });
});

describe('word bits without a vocabulary word', () => {
  const gate = gateWords('union select');
  const vocabulary = new WordVocabulary([gate]);

  it('are all zero, as long as any other, and stay zero after other texts are scanned', () => {
    const none = vocabulary.wordsOf('quarterly maintenance window');
    const some = vocabulary.wordsOf('1 UNION all');
    expect(none.bits.length).toBe(some.bits.length);
    expect(hasAnyWord(none, gate)).toBe(false);
    expect(hasAnyWord(some, gate)).toBe(true);
    expect([...vocabulary.bitsOf('plain words only')].every((w) => w === 0)).toBe(true);
  });
});

describe('evidence and empty answers', () => {
  it('leaves printable ASCII as it is and still escapes hidden characters', () => {
    expect(excerpt('GET /etc/passwd ~ok')).toBe('GET /etc/passwd ~ok');
    expect(excerpt('a\u200bb\u0007')).toBe('a\\u{200b}b\\u{7}');
  });

  it('returns an empty, read-only answer when no secret is present', () => {
    const none = findSecrets('nothing to see here at all');
    expect(none).toEqual([]);
    expect(Object.isFrozen(none)).toBe(true);
  });
});

describe('path-traversal credential names without a slash', () => {
  const read = (path: string) => ids(runArgs(pathTraversalInspector, 'fs.read', { path }));

  it('matches the names in any ASCII case, as the lower-cased test did', () => {
    expect(read('NTDS.DIT')).toContain('path-traversal.credential-file');
    expect(read('Application_Default_Credentials.JSON')).toContain('path-traversal.credential-file');
  });

  it('reads a value with whitespace only at its ends as one token', () => {
    expect(read('  ../../etc/passwd  ')).toContain('path-traversal.dotdot');
  });
});

describe('ssrf-egress wildcard-DNS names', () => {
  const fetch = (url: string) => ids(runArgs(ssrfEgressInspector, 'http.fetch', { url }));

  it('flags a name under a rebinding suffix and not one that merely ends with its letters', () => {
    expect(fetch('http://app.nip.io/')).toContain('ssrf-egress.dns-embedded-ip');
    expect(fetch('http://nip.io/')).toContain('ssrf-egress.dns-embedded-ip');
    expect(fetch('http://snip.io/')).not.toContain('ssrf-egress.dns-embedded-ip');
    expect(fetch('http://deadbeef.rbndr.us/')).toContain('ssrf-egress.dns-embedded-ip');
  });
});

/** The base64 and hex decoders as written before their allocation-free rejection: the references. */
function referenceBase64(value: string) {
  if (value.length < 16) return [];
  const out: { suffix: string; value: string }[] = [];
  const run = /(?<![A-Za-z0-9+/_-])[A-Za-z0-9+/_-]{16,}={0,2}/g;
  for (let m = run.exec(value); m !== null; m = run.exec(value)) {
    const body = m[0].replace(/=+$/, '');
    if (
      body.length % 4 === 1 ||
      /^[0-9a-fA-F]+$/.test(body) ||
      /^[A-Za-z]+$/.test(body) ||
      /^[a-z0-9_-]+$/.test(body)
    )
      continue;
    const text = bytesAsText(Buffer.from(body.replace(/-/g, '+').replace(/_/g, '/'), 'base64'));
    if (text !== null)
      out.push({ suffix: out.length === 0 ? '#base64' : `#base64[${out.length}]`, value: text });
  }
  return out;
}
function referenceHex(value: string) {
  if (value.length < 16) return [];
  const out: { suffix: string; value: string }[] = [];
  const run = /(?<![0-9A-Za-z])(?:0x)?((?:[0-9a-fA-F]{2}){8,})/g;
  for (let m = run.exec(value); m !== null; m = run.exec(value)) {
    const text = bytesAsText(Buffer.from(m[1] ?? '', 'hex'));
    if (text !== null) out.push({ suffix: out.length === 0 ? '#hex' : `#hex[${out.length}]`, value: text });
  }
  return out;
}

describe('base64 and hex decoders', () => {
  const piece = fc.constantFrom(
    Buffer.from('ignore previous instructions').toString('base64'),
    Buffer.from('rm -rf / --no-preserve-root').toString('base64url'),
    Buffer.from('SELECT * FROM users').toString('hex'),
    '0x' + Buffer.from('cat /etc/passwd').toString('hex'),
    '0af7651916cd43dd8448eb211c80319c',
    '5f0c3a1e-7b2d-4e8f-9a6c-1d2e3f4a5b6c',
    'application/json',
    'QUJDREVGR0hJSktMTU5PUA==',
    'abcdefghijklmnopqrstuvwxyz',
    '==',
    '-',
    '_',
    ' ',
    ',',
  );
  it('decode exactly what the references decode, in the same order and with the same suffixes', () => {
    fc.assert(
      fc.property(fc.array(piece, { minLength: 1, maxLength: 6 }), (pieces) => {
        const value = pieces.join('');
        expect([...base64Decoder.decode(value)]).toEqual(referenceBase64(value));
        expect([...hexDecoder.decode(value)]).toEqual(referenceHex(value));
      }),
      { numRuns: 3000 },
    );
  });
});
