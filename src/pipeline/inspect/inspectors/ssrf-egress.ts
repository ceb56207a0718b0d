/** ssrf-egress: destinations outside the egress allowlist, private and metadata addresses, dangerous schemes. */
import type { Finding, Severity } from '../../model/finding.js';
import { makeFinding, type InspectionInput, type Inspector, type StringLeaf } from '../inspector.js';
import { hostMatches } from '../../normalize/host-pattern.js';
import { classifyAddress, METADATA_HOSTS, parseHostAddress, type AddressClass } from '../lib/ip-class.js';
import { isHostKey, isKeyLeaf, isUrlKey, singular } from '../lib/leaf-role.js';
import { excerpt } from '../lib/redact.js';
import { findUrlsInText, readUrlHosts, type UrlParts } from '../lib/url-host.js';
import { TAGS } from '../tags.js';

const ID = 'ssrf-egress';
const tags = TAGS[ID];

/** Schemes that reach files, raw sockets or code instead of an HTTP service. */
const DANGEROUS_SCHEMES = new Set([
  'file',
  'gopher',
  'dict',
  'ldap',
  'ldaps',
  'tftp',
  'jar',
  'netdoc',
  'expect',
  'php',
  'phar',
  'sftp',
  'smb',
  'telnet',
  'ssh',
  'mysql',
  'redis',
  'memcache',
  'zookeeper',
  'zabbix',
]);

/**
 * A destination as a resolver reads it, for detection only (never for matching a list): lower-case,
 * trimmed, IPv6 brackets and every trailing dot dropped, so `METADATA.google.internal..` is still found.
 */
function destinationHost(host: string): string {
  let h = host.trim().toLowerCase();
  if (h.startsWith('[') && h.endsWith(']')) h = h.slice(1, -1);
  while (h.endsWith('.')) h = h.slice(0, -1);
  return h;
}

/** Wildcard-DNS and rebinding services: the name resolves to whatever address it embeds. */
const REBINDING_SUFFIXES = [
  'nip.io',
  'sslip.io',
  'xip.io',
  'rbndr.us',
  'localtest.me',
  'lvh.me',
  'vcap.me',
  '1u.ms',
  'traefik.me',
  'nip.direct',
  'backname.io',
  'fuf.me',
];

/** The schemes of URLs a server fetches over the network (an MCP resource with one may be fetched). */
const NETWORK_SCHEME = /^\s*(?:https?|wss?|ftps?|gopher|dict|ldaps?|tftp|sftp|smb|ssh|telnet):/i;

/** Keys whose bare value (no scheme) is a host name or address. */
const BARE_HOST_KEYS = new Set([
  'host',
  'hostname',
  'domain',
  'server',
  'endpoint',
  'url',
  'uri',
  'remote',
  'upstream',
  'proxy',
  'base_url',
  'baseurl',
]);

/** Keys that name a network destination only sometimes (`address`, `target`): host-shaped values count. */
const ADDRESS_KEYS = new Set([
  'address',
  'addr',
  'target',
  'dest',
  'destination',
  'peer',
  'node',
  'remote_addr',
  'remote_address',
  'ip_addr',
]);
/**
 * What an `address` or `target` holds when it is a destination: an IP literal, or a name with a port
 * (`10.0.0.5`, `[fd00::1]:80`, `db.corp:5432`, `localhost`). A bare dotted name may be a file (`out.csv`).
 */
const HOST_SHAPED =
  /^(?:(?:\[[0-9a-f:.]{2,45}\]|\d{1,3}(?:\.\d{1,3}){3}|localhost)(?::\d{1,5})?|[a-z0-9](?:[a-z0-9-]{0,62}\.)*[a-z0-9-]{1,63}:\d{1,5})$/i;

const CLASS_FINDING: Record<Exclude<AddressClass, 'public'>, [string, Severity]> = {
  metadata: ['metadata-endpoint', 'critical'],
  loopback: ['loopback-destination', 'high'],
  private: ['private-destination', 'high'],
  'link-local': ['private-destination', 'high'],
  unspecified: ['loopback-destination', 'high'],
  reserved: ['reserved-destination', 'medium'],
};

// PERF: regexes are module constants: a literal inside a function allocates a new RegExp each time it runs.
const DOTTED_IN_NAME = /(?:^|\.)(\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3})(?:\.|$)/;
const DASHED_IN_NAME = /(?:^|[.-])(\d{1,3}-\d{1,3}-\d{1,3}-\d{1,3})(?:[.-]|$)/;
const HEX_IN_NAME = /(?:^|\.)([0-9a-f]{8})\.(?:[0-9a-f]{8}\.)?rbndr\.us$/;
const DASHES = /-/g;
const DIGIT = /\d/;
const HOST_PORT = /^[^:/?#@\s]+:\d{1,5}(?:[/?#]|$)/;
const BARE_HOST = /^[^\s/?#]{1,255}(?:[/?#]|$)/;

/** The class of an address candidate when it parses and is not public; else null. */
function nonPublicClass(candidate: string | undefined): AddressClass | null {
  if (candidate === undefined) return null;
  const addr = parseHostAddress(candidate);
  if (addr === null) return null;
  const cls = classifyAddress(addr);
  return cls === 'public' ? null : cls;
}

/** An IPv4 address spelled inside a DNS name: `10.0.0.1.nip.io`, `10-0-0-1.sslip.io`, `0a000001.rbndr.us`. */
function embeddedAddress(host: string): AddressClass | null {
  // PERF: the dotted and dashed forms need a digit, the hex form the rbndr.us suffix; most names have neither.
  if (!DIGIT.test(host) && !host.endsWith('rbndr.us')) return null;
  const dotted = DOTTED_IN_NAME.exec(host);
  const dashed = DASHED_IN_NAME.exec(host);
  const hex = HEX_IN_NAME.exec(host);
  return (
    nonPublicClass(dotted?.[1]) ??
    nonPublicClass(dashed?.[1]?.replace(DASHES, '.')) ??
    nonPublicClass(hex?.[1] !== undefined ? `0x${hex[1]}` : undefined)
  );
}

/** True for a wildcard-DNS service name or a name under one. */
function isRebindingHost(h: string): boolean {
  for (const s of REBINDING_SUFFIXES) {
    // `h.endsWith('.' + s)` without building the string.
    if (h === s || (h.endsWith(s) && h.charCodeAt(h.length - s.length - 1) === 46)) return true;
  }
  return false;
}

/** A destination merely mentioned in text is softened: critical to medium, anything else to low. */
function soften(s: Severity, mentioned: boolean): Severity {
  return mentioned ? (s === 'critical' ? 'medium' : 'low') : s;
}

/**
 * Findings for one destination host; `mentioned` lowers severity for hosts merely mentioned in text.
 * `evidenceText` is excerpted only when a finding is made.
 */
function classifyHost(
  host: string,
  scheme: string,
  path: string,
  evidenceText: string,
  input: InspectionInput,
  out: Finding[],
  mentioned: boolean,
): void {
  const h = destinationHost(host);
  const { egressAllowlist, internalDomains } = input.config;
  // The lists are read by the one strict matcher, on the host as written; detection below reads the
  // host the loose way a resolver would, so it finds more, never less.
  const allowlisted = h !== '' && (hostMatches(host, egressAllowlist) || hostMatches(host, internalDomains));
  if (DANGEROUS_SCHEMES.has(scheme))
    out.push(
      makeFinding(
        { id: ID },
        'dangerous-scheme',
        soften('high', mentioned),
        path,
        excerpt(evidenceText),
        tags,
      ),
    );
  if (h === '') return;
  const addr = parseHostAddress(h);
  if (addr !== null) {
    const cls = classifyAddress(addr);
    if (cls === 'metadata' || (cls !== 'public' && !allowlisted)) {
      const [kind, severity] = CLASS_FINDING[cls];
      out.push(makeFinding({ id: ID }, kind, soften(severity, mentioned), path, excerpt(evidenceText), tags));
    }
  } else if (METADATA_HOSTS.has(h)) {
    out.push(
      makeFinding(
        { id: ID },
        'metadata-endpoint',
        soften('critical', mentioned),
        path,
        excerpt(evidenceText),
        tags,
      ),
    );
  } else if (
    !allowlisted &&
    (h === 'localhost' || h.endsWith('.localhost') || h === 'localhost.localdomain' || h === 'ip6-localhost')
  ) {
    out.push(
      makeFinding(
        { id: ID },
        'loopback-destination',
        soften('high', mentioned),
        path,
        excerpt(evidenceText),
        tags,
      ),
    );
  } else if (!allowlisted) {
    const embedded = embeddedAddress(h);
    const rebinding = isRebindingHost(h);
    if (embedded !== null || rebinding) {
      out.push(
        makeFinding(
          { id: ID },
          'dns-embedded-ip',
          soften(embedded === 'metadata' ? 'critical' : 'high', mentioned),
          path,
          excerpt(evidenceText),
          tags,
        ),
      );
    }
  }
  if (!mentioned && !allowlisted && (egressAllowlist.length > 0 || internalDomains.length > 0)) {
    // A host that is simply not on the allowlist is a policy fact, not a sign of attack: info, so it adds nothing
    // to risk.score and no detection count; the egress-allowlist rule still denies on it by name.
    out.push(makeFinding({ id: ID }, 'host-not-allowlisted', 'info', path, excerpt(h), tags));
  }
}

/** How a destination field may hold a bare host: any text without spaces, or only host-shaped text. */
function bareHostIn(key: string, text: string): boolean {
  const k = singular(key);
  if (BARE_HOST_KEYS.has(key) || BARE_HOST_KEYS.has(k) || isHostKey(key) || isHostKey(k))
    return BARE_HOST.test(text);
  // `address` or `target` may be a street, a file or a name; only an IP or a name with a port is a destination.
  return (ADDRESS_KEYS.has(key) || ADDRESS_KEYS.has(k)) && HOST_SHAPED.test(text);
}

function inspectLeaf(leaf: StringLeaf, input: InspectionInput, out: Finding[]): void {
  const value = leaf.value;
  const trimmed = value.trim();
  const arg = leaf.source === 'arguments';
  // A bare host (`10.0.0.5`, `internal-db:5432`) in a host, address or url field is a destination too.
  const bareHost = arg && bareHostIn(leaf.key, trimmed);
  if ((arg && isUrlKey(leaf.key)) || bareHost) {
    let readings = readUrlHosts(trimmed);
    // `db:5432` reads as scheme `db` with no host; in a host field it is a host and a port.
    if (bareHost && (readings.length === 0 || HOST_PORT.test(trimmed)))
      readings = readUrlHosts(`//${trimmed}`);
    if (readings.length > 0) {
      classifyReadings(readings, leaf.path, trimmed, input, out, false);
      return;
    }
  }
  if (!value.includes('://')) return;
  for (const url of findUrlsInText(value)) {
    const readings = readUrlHosts(url);
    if (readings.length > 0) classifyReadings(readings, leaf.path, url, input, out, true);
  }
}

/**
 * Findings for every host the URL means to some client (`lib/url-host.ts`). When clients disagree on the
 * host, the URL was built to pass one parser's check and reach another parser's host: that is a finding itself.
 */
function classifyReadings(
  readings: readonly UrlParts[],
  path: string,
  url: string,
  input: InspectionInput,
  out: Finding[],
  mentioned: boolean,
): void {
  if (readings.length > 1)
    out.push(makeFinding({ id: ID }, 'ambiguous-url', soften('high', mentioned), path, excerpt(url), tags));
  for (const r of readings) classifyHost(r.host, r.scheme, path, url, input, out, mentioned);
}

/** Flags calls and URLs that leave the allowlist or reach private, loopback or metadata addresses. */
export const ssrfEgressInspector: Inspector = {
  id: ID,
  version: '1.1.0',
  inspect(input: InspectionInput): readonly Finding[] {
    const out: Finding[] = [];
    const { resource } = input.action;
    if (resource.host !== '')
      classifyHost(
        resource.host,
        resource.scheme.toLowerCase(),
        '$.resource.host',
        resource.host,
        input,
        out,
        false,
      );
    for (const leaf of input.leaves) {
      // The resource URI repeats resource.host, already judged above.
      if (isKeyLeaf(leaf) || leaf.source === 'url' || leaf.value.length < 3) continue;
      // An MCP resource identifier is a network destination only with a network scheme (a server may fetch
      // an https resource); `file://` or a custom scheme names something on the server, not a request.
      if (leaf.source === 'resource' && !NETWORK_SCHEME.test(leaf.value)) continue;
      inspectLeaf(leaf, input, out);
    }
    return out;
  },
};
