/** The provider table and the credential rows: every row fires on its shape, never echoes it, stays linear. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { secretsInspector as insp } from '../../src/pipeline/inspect/inspectors/secrets.js';
import { NeedleGate } from '../../src/pipeline/inspect/lib/needle-gate.js';
import { findSecrets, isPlaceholder } from '../../src/pipeline/inspect/lib/secret-patterns.js';
import { needleOf, PROVIDER_RULES } from '../../src/pipeline/inspect/lib/secret-providers.js';
import { runArgs } from './inspect-helpers.js';
import { cpuMsOf } from '../support/cpu-time.js';

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const HEX = '0123456789abcdef';
/** A random string of `n` characters from `alphabet` (fast-check arbitrary). */
const chars = (alphabet: string, n: number) =>
  fc.array(fc.constantFrom(...alphabet), { minLength: n, maxLength: n }).map((a) => a.join(''));
const uuid = fc.uuid();

/** Shapes built at run time (so no scanner mistakes this file for a leak), one per provider family. */
const SHAPES: readonly [string, fc.Arbitrary<string>][] = [
  ['digitalocean-token', chars(HEX, 64).map((b) => `dop_v1_${b}`)],
  ['pypi-token', chars(BASE62, 80).map((b) => `pypi-AgEIcHlwaS5vcmc${b}`)],
  ['rubygems-key', chars(HEX, 48).map((b) => `rubygems_${b}`)],
  ['sentry-token', chars(HEX, 64).map((b) => `sntryu_${b}`)],
  ['postman-key', fc.tuple(chars(HEX, 24), chars(HEX, 34)).map(([a, b]) => `PMAK-${a}-${b}`)],
  ['openrouter-key', chars(HEX, 64).map((b) => `sk-or-v1-${b}`)],
  ['langsmith-key', fc.tuple(chars(HEX, 32), chars(HEX, 10)).map(([a, b]) => `lsv2_pt_${a}_${b}`)],
  ['brevo-key', fc.tuple(chars(HEX, 64), chars(BASE62, 16)).map(([a, b]) => `xkeysib-${a}-${b}`)],
  ['hubspot-token', uuid.map((u) => `pat-na1-${u}`)],
  ['plaid-token', uuid.map((u) => `access-production-${u}`)],
  ['age-secret-key', chars('QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L', 58).map((b) => `AGE-SECRET-KEY-1${b}`)],
  ['shippo-token', chars(HEX, 40).map((b) => `shippo_live_${b}`)],
  ['buildkite-token', chars(HEX, 40).map((b) => `bkua_${b}`)],
  ['sonarqube-token', chars(HEX, 40).map((b) => `squ_${b}`)],
  ['supabase-token', chars(HEX, 40).map((b) => `sbp_${b}`)],
  ['pulumi-token', chars(HEX, 40).map((b) => `pul-${b}`)],
  ['telegram-bot-token', fc.tuple(chars('0123456789', 9), chars(BASE62, 33)).map(([d, b]) => `${d}:AA${b}`)],
];

describe('secret provider table', () => {
  it('gives every row a needle of two or more characters that its pattern holds literally', () => {
    for (const r of PROVIDER_RULES) {
      const needle = needleOf(r);
      expect(needle.length, r.id).toBeGreaterThanOrEqual(2);
      expect(r.pattern.replace(/\\(.)/g, '$1'), r.id).toContain(needle);
    }
    expect(new Set(PROVIDER_RULES.map((r) => r.id)).size).toBeGreaterThan(90);
  });

  it('detects each shape in any surrounding text and never echoes it in evidence', () => {
    for (const [id, shape] of SHAPES)
      fc.assert(
        fc.property(
          shape,
          fc.constantFrom('token: ', 'export KEY=', '{"value": "', 'see '),
          (secret, pre) => {
            const found = runArgs(insp, 'files.write', { content: `${pre}${secret}\n` });
            expect(found.map((f) => f.id)).toContain(`secrets.${id}`);
            for (const f of found) expect(f.evidence).not.toContain(secret.slice(4, 16));
          },
        ),
        { numRuns: 20 },
      );
  });

  it('rejects placeholders and one-character bodies in a provider shape', () => {
    expect(findSecrets(`dop_v1_${'x'.repeat(64)}`)).toEqual([]);
    expect(findSecrets(`pnu_${'a'.repeat(36)}`)).toEqual([]);
    expect(findSecrets(`key-${'0'.repeat(32)}`)).toEqual([]);
  });

  it('reads documentation words only where they are written as words, not inside a random body', () => {
    const body = 'q7Rk2LmZ9vTw4XbN8cJhP3sFyGd6KaE1uQoWi5Yt0nMlVpBz';
    for (const word of ['yoUR', '7your', '9Example', 'XDummy', 'redaCTED']) {
      const secret = `pypi-AgEIcHlwaS5vcmc${body.slice(0, 20)}${word}${body.slice(20)}`;
      expect(
        findSecrets(`token: ${secret}`).map((f) => f.kind),
        word,
      ).toContain('pypi-token');
    }
    for (const doc of [
      'your-api-key-here',
      'YOUR_API_KEY_GOES_HERE',
      'YourTokenHere0123456789',
      'changeme',
      'INSERT_YOUR_KEY',
    ])
      expect(isPlaceholder(`sk-${doc}`), doc).toBe(true);
  });

  it('reports a needle inside a longer one and nothing for needles behind a word character', () => {
    const gate = new NeedleGate(['sk-', 'sk-or-v1-', 'ghp_']);
    expect([...gate.present('x sk-or-v1-abc')].sort()).toEqual(['sk-', 'sk-or-v1-']);
    expect([...gate.present('ask-me xghp_')]).toEqual([]);
    expect(() => new NeedleGate(['-us'])).toThrow(/does not start with a word character/);
  });

  it('stays linear on every needle repeated (4x input under 8x time)', () => {
    for (const r of PROVIDER_RULES) {
      const unit = `${needleOf(r)}a1`;
      const time = (n: number) => {
        const text = unit.repeat(Math.ceil(n / unit.length));
        return cpuMsOf(() => findSecrets(text));
      };
      const small = Math.min(time(1 << 16), time(1 << 16));
      const large = Math.min(time(1 << 18), time(1 << 18));
      expect(large, r.id).toBeLessThan(Math.max(8 * small, 60));
    }
  });
});

describe('credentials in headers, command lines and config files', () => {
  const basic = (pair: string) => Buffer.from(pair).toString('base64');
  const cases: readonly [string, string][] = [
    [`Authorization: Basic ${basic('alice:Wonder1and!')}`, 'basic-auth-header'],
    ['curl -sS -u deploy:Tr0ub4dor&3 https://api.internal/x', 'cli-credential'],
    ['curl --user bob:9f8e7d6c https://x.test', 'cli-credential'],
    ['sshpass -p Hunter2x ssh host', 'cli-credential'],
    ['mysql -h db -u root -pS3cr3tPw app', 'cli-credential'],
    ['psql --password=Qz8!kLm2 -h db', 'cli-credential'],
    ['machine api.x.com login bob password s3cretPW', 'netrc-credential'],
    [`{"auths":{"registry":{"auth":"${basic('ci:Pa55word99')}"}}}`, 'docker-config-auth'],
    ['REDIS_URL=redis://:Sup3rPw9@cache:6379/0', 'connection-string'],
  ];
  for (const [text, kind] of cases)
    it(`flags ${kind} in "${text.slice(0, 24)}..."`, () => {
      expect(findSecrets(text).map((s) => s.kind)).toContain(kind);
    });

  const benign = [
    'mysqldump --user user --password database_name > out.sql',
    'qpdf --password=password --decrypt in.pdf out.pdf',
    'curl -u "$USER:$PASS" https://x.test',
    `Authorization: Basic ${basic('user:password')}`,
    'docker login --password-stdin -u me registry',
    'mimikatz "token::elevate"',
    'ServerPassword=server_password?ServerAdminPassword=admin_password',
  ];
  for (const text of benign)
    it(`leaves "${text.slice(0, 30)}..." alone`, () => {
      expect(runArgs(insp, 'shell.exec', { command: text }).filter((f) => f.severity !== 'low')).toEqual([]);
    });
});
