/** The webhook HMAC secret: read from its file, or generated there (256 random bits, mode 0600) on first use. */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/** Reads the secret (trimmed text) or creates the file; a secret shorter than 16 bytes is refused. */
export function loadOrCreateWebhookSecret(path: string): string {
  if (!existsSync(path)) {
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    // 'wx': never overwrite a secret another replica wrote a moment ago.
    try {
      writeFileSync(path, `${randomBytes(32).toString('base64url')}\n`, { mode: 0o600, flag: 'wx' });
    } catch (err) {
      if (!(err instanceof Error && 'code' in err && err.code === 'EEXIST')) throw err;
    }
  }
  const secret = readFileSync(path, 'utf8').trim();
  if (Buffer.byteLength(secret) < 16)
    throw new TypeError(`webhook secret in ${path} is shorter than 16 bytes`);
  return secret;
}
