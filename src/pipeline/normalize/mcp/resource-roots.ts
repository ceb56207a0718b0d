/**
 * Whether an MCP resource URI lies within the roots a client declared (`roots/list`), judged as URIs and
 * never as paths on the gateway (issue 16 item 1): the scheme and authority must be the root's, and the
 * path must continue the root's path by whole segments once dot segments are resolved and each segment is
 * percent-decoded once, so `file:///a/b/../../etc/passwd` is not within `file:///a`, nor `file:///ab`.
 */
import { keptFacts } from '../../kept-arguments.js';
import { isJsonObject, type JsonValue } from '../../model/json.js';

/** A URI's parts as compared: scheme, authority, and its path's decoded segments; null when unreadable. */
interface ComparedUri {
  readonly scheme: string;
  readonly authority: string;
  readonly segments: readonly string[];
}

/**
 * The parts of `uri` as compared, or null when it is not a URI writ can judge: no scheme, a segment whose
 * decoding fails, or one that decodes to a separator or a dot segment (it would read two ways).
 */
function compared(uri: string): ComparedUri | null {
  let url: URL;
  try {
    // WHATWG URL resolves `.`, `..` and their encoded forms (`%2e%2e`) in the path.
    url = new URL(uri);
  } catch {
    return null;
  }
  const segments: string[] = [];
  for (const raw of url.pathname.split('/')) {
    if (raw === '') continue;
    let seg: string;
    try {
      seg = decodeURIComponent(raw);
    } catch {
      return null;
    }
    // SECURITY: decoded once; what still reads as a separator or a dot segment is not judged within.
    if (seg === '.' || seg === '..' || seg.includes('/') || seg.includes('\\')) return null;
    segments.push(seg);
  }
  return { scheme: url.protocol.toLowerCase(), authority: url.host.toLowerCase(), segments };
}

/**
 * True when `uri` lies within one of `roots` (the root itself included), false when within none (or when
 * it cannot be judged), null when no roots are known.
 */
export function withinRoots(uri: string, roots: readonly string[] | null): boolean | null {
  if (roots === null || roots.length === 0) return null;
  const target = compared(uri);
  if (target === null) return false;
  return roots.some((root) => {
    const r = compared(root);
    return (
      r !== null &&
      r.scheme === target.scheme &&
      r.authority === target.authority &&
      r.segments.length <= target.segments.length &&
      r.segments.every((s, i) => s === target.segments[i])
    );
  });
}

/** The resource a call's arguments name (`params.uri` of resources/read): the string there, else null. */
export function resourceUriArgument(args: JsonValue): string | null {
  // Arguments kept on the inspection thread were read there by this same function (kept-arguments.ts).
  const kept = keptFacts(args);
  if (kept !== undefined) return kept.resourceUri;
  return isJsonObject(args) && typeof args['uri'] === 'string' ? args['uri'] : null;
}
