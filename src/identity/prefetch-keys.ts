/**
 * Fetches every configured issuer's signing keys before the listeners open. jose fetches a key set on its
 * first use and imports each key on the first token that names it; both happened inside the first caller's
 * decision, whose deadline (250 ms) covers the whole decision (issue 15 F7): on a loaded host the first JWT
 * after a start was ERR_TIMEOUT. Prefetched here, that first call finds the keys in hand.
 *
 * A failure is reported, not fatal: an identity provider that is down at start must not keep writ from
 * serving the calls that need no token, and a token whose keys could not be fetched is still refused with its
 * own code when it comes (the key set is fetched again then, as before).
 */
import type { IssuerConfig, JwksCache } from './jwt-verifier.js';

/** More keys than a key set plausibly holds during a rotation; a larger set is fetched but imported lazily. */
const MAX_KEYS_IMPORTED = 16;

/** Fetches and imports each issuer's keys; resolves to one line per issuer that failed (empty: all fetched). */
export async function prefetchIssuerKeys(
  issuers: readonly IssuerConfig[],
  cache: JwksCache,
): Promise<string[]> {
  const failures = await Promise.all(issuers.map((issuer) => prefetchOne(issuer, cache)));
  return failures.filter((f): f is string => f !== null);
}

async function prefetchOne(issuer: IssuerConfig, cache: JwksCache): Promise<string | null> {
  let url: URL;
  if ('jwksUri' in issuer) url = new URL(issuer.jwksUri);
  else {
    const meta = await cache.discover(issuer.issuer);
    if (!meta.ok) return `${issuer.issuer}: discovery failed: ${meta.message}`;
    url = meta.jwksUri;
  }
  const set = cache.keySet(url);
  try {
    await set.reload();
  } catch (err) {
    return `${issuer.issuer}: key set ${url.href} not fetched: ${(err as Error).message}`;
  }
  // Importing a key is jose's other first-use cost; it keeps each key it imported for the set's lifetime.
  const keys = (set.jwks()?.keys ?? []).slice(0, MAX_KEYS_IMPORTED);
  for (const key of keys) {
    if (typeof key.kid !== 'string') continue;
    for (const alg of issuer.algorithms) {
      // A key serves the algorithms of its own type only; jose refuses the others, which is expected here.
      await set({ alg, kid: key.kid }).catch(() => undefined);
    }
  }
  return null;
}
