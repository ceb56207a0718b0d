/** The port a URL scheme implies: a host named without a port means this one, in rules and endpoints alike. */

const DEFAULT_PORTS: Readonly<Record<string, number>> = { http: 80, https: 443 };

/** The default port of `scheme` (`https` 443, `http` 80), or null for a scheme without one. */
export function defaultPort(scheme: string): number | null {
  return Object.hasOwn(DEFAULT_PORTS, scheme) ? (DEFAULT_PORTS[scheme] ?? null) : null;
}

/** True when `port` (null when the authority names none) is the one the scheme implies. */
export function isDefaultPort(port: number | null, scheme: string): boolean {
  return port === null || port === defaultPort(scheme);
}

/**
 * The host as host rules match it: the bare host on the scheme's default port, else `host:port`, so
 * `resource.host: api.github.com` never matches `api.github.com:22`; a rule that means another port names it.
 */
export function hostWithPort(host: string, port: number | null, scheme: string): string {
  return isDefaultPort(port, scheme) ? host : `${host}:${port}`;
}
