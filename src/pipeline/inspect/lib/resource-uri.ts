/**
 * The part of an MCP resource identifier that names something on the MCP server: what follows the scheme and
 * the authority (`file:///project/src/main.rs` -> `/project/src/main.rs`, `db://main/users?x=1` ->
 * `/users?x=1`). The scheme is the server's own namespace (file, git, postgres, a custom one), so it is never
 * judged as a wrapper on the gateway; the rest is still a path that may climb or land on a credential.
 */
const SCHEME_AND_AUTHORITY = /^[A-Za-z][A-Za-z0-9+.-]*:(?:\/\/[^/?#\\]*)?/;

/** The identifier without its scheme and authority; the text itself when it has no scheme. */
export function resourceUriPath(uri: string): string {
  const m = SCHEME_AND_AUTHORITY.exec(uri);
  return m === null ? uri : uri.slice(m[0].length);
}
