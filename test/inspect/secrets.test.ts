/** secrets: provider formats with checksums, placeholders, URL credentials, dotenv files. */
import { describe, expect, it } from 'vitest';
import { secretsInspector as insp } from '../../src/pipeline/inspect/inspectors/secrets.js';
import { githubChecksumValid } from '../../src/pipeline/inspect/lib/secret-patterns.js';
import { ids, runArgs } from './inspect-helpers.js';

// Built at run time so no scanner mistakes this file for a leak.
const ghp = (body: string) => `ghp_${body}`;

describe('secrets', () => {
  it('verifies the CRC32 suffix of classic GitHub tokens', () => {
    expect(githubChecksumValid(ghp('wWPw5k4aXcaT4fNP0UcnZwJUVFk6LO0pINUx'))).toBe(true);
    expect(githubChecksumValid(ghp('wWPw5k4aXcaT4fNP0UcnZwJUVFk6LO0pINUy'))).toBe(false);
  });
  it('reports a checksum-valid token as critical and a look-alike one step lower', () => {
    const ok = runArgs(insp, 'files.write', {
      content: `token: ${ghp('wWPw5k4aXcaT4fNP0UcnZwJUVFk6LO0pINUx')}`,
    });
    expect(ok[0]?.severity).toBe('critical');
    const bad = runArgs(insp, 'files.write', {
      content: `token: ${ghp('wWPw5k4aXcaT4fNP0UcnZwJUVFk6LO0pINUy')}`,
    });
    expect(bad[0]?.severity).toBe('high');
    expect(bad[0]?.evidence).not.toContain('wWPw5k4a');
  });
  it('ignores documentation placeholders and templated URL credentials', () => {
    expect(runArgs(insp, 'files.write', { content: 'API_KEY=<your-api-key>\nTOKEN=${GH_TOKEN}' })).toEqual(
      [],
    );
    expect(
      runArgs(insp, 'files.write', { content: 'url: https://YOUR_USER:YOUR_PASSWORD@api.test/v1' }),
    ).toEqual([]);
    expect(
      runArgs(insp, 'files.write', { content: 'db: postgres://postgres:postgres@localhost/app' }),
    ).toEqual([]);
  });
  it('flags real-looking URL credentials', () => {
    expect(
      ids(runArgs(insp, 'files.write', { content: 'db: postgres://svc:Zq7!rT2pLw@db.internal/app' })),
    ).toEqual(['secrets.connection-string']);
  });
  it('keeps word-like assignments as a low signal only', () => {
    const f = runArgs(insp, 'files.write', { content: 'DEPLOY_TOKEN=not_a_real_token' });
    expect(f.every((x) => x.severity === 'low')).toBe(true);
  });
  it('reports writing a dotenv file but not its .example template', () => {
    expect(ids(runArgs(insp, 'files.write', { path: 'svc/.env', content: 'MODE=fast\nREGION=eu' }))).toEqual([
      'secrets.dotenv-file',
    ]);
    expect(
      runArgs(insp, 'files.write', { path: 'svc/.env.example', content: 'MODE=fast\nREGION=eu' }),
    ).toEqual([]);
  });
});
