/** IP classification with ipaddr.js: every IPv4 notation (decimal, octal, hex, short) and IPv6-mapped forms. */
import ipaddr from 'ipaddr.js';

/** What a destination address is, for SSRF purposes. */
export type AddressClass =
  'metadata' | 'loopback' | 'private' | 'link-local' | 'unspecified' | 'reserved' | 'public';

/** Cloud metadata services (AWS, GCP, Azure, Alibaba, Oracle, OpenStack, AWS IPv6). */
const METADATA_ADDRESSES = new Set([
  '169.254.169.254',
  '169.254.170.2',
  '100.100.100.200',
  '192.0.0.192',
  'fd00:ec2::254',
  '169.254.169.253',
]);

/** Host names of metadata services. */
export const METADATA_HOSTS = new Set([
  'metadata.google.internal',
  'metadata',
  'metadata.goog',
  'metadata.azure.com',
  'instance-data',
  'instance-data.ec2.internal',
  'metadata.packet.net',
  'metadata.platformequinix.com',
  'metadata.tencentyun.com',
  'kubernetes.default.svc',
  'kubernetes.default',
]);

// Module constants: a regex literal inside a function allocates a new RegExp each time it runs.
const IPV4_CHARS = /^[0-9a-fA-FxX.]{1,40}$/;
const LOOSE_IPV4 = /^(?:0[xX][0-9a-fA-F]{0,8}|\d{1,12})(?:\.(?:0[xX][0-9a-fA-F]{0,8}|\d{1,12})){0,3}\.?$/;

/** Parses an IPv4 literal in any inet_aton form (`2130706433`, `0x7f.1`, `0177.0.0.1`), or null. */
function parseLooseIPv4(host: string): ipaddr.IPv4 | null {
  if (!IPV4_CHARS.test(host) || !LOOSE_IPV4.test(host)) return null;
  const parts = host.replace(/\.$/, '').split('.');
  const nums: number[] = [];
  for (const p of parts) {
    let n: number;
    if (/^0[xX]/.test(p)) n = p.length === 2 ? 0 : parseInt(p.slice(2), 16);
    else if (/^0\d/.test(p)) {
      if (!/^[0-7]+$/.test(p)) return null;
      n = parseInt(p, 8);
    } else n = parseInt(p, 10);
    if (!Number.isFinite(n)) return null;
    nums.push(n);
  }
  const last = nums[nums.length - 1] ?? 0;
  const head = nums.slice(0, -1);
  if (head.some((n) => n > 255) || last >= 256 ** (4 - head.length)) return null;
  let value = 0;
  head.forEach((n, i) => (value += n * 256 ** (3 - i)));
  value += last;
  return ipaddr.IPv4.parse([value >>> 24, (value >>> 16) & 255, (value >>> 8) & 255, value & 255].join('.'));
}

/** The address a host literal denotes (IPv4-mapped IPv6 unwrapped), or null when it is a name. */
export function parseHostAddress(host: string): ipaddr.IPv4 | ipaddr.IPv6 | null {
  let h = host.trim().toLowerCase();
  if (h.startsWith('[') && h.endsWith(']')) h = h.slice(1, -1);
  const zone = h.indexOf('%');
  if (zone !== -1) h = h.slice(0, zone);
  if (h.includes(':')) {
    if (!ipaddr.IPv6.isValid(h)) return null;
    try {
      const v6 = ipaddr.IPv6.parse(h);
      if (v6.isIPv4MappedAddress()) return v6.toIPv4Address();
      // NAT64 and 6to4 embeddings of an IPv4 address: classify the embedded one.
      const range = v6.range();
      const b = v6.toByteArray();
      if (range === 'rfc6052' || range === 'rfc6145') return ipaddr.IPv4.parse(b.slice(12).join('.'));
      if (range === '6to4') return ipaddr.IPv4.parse(b.slice(2, 6).join('.'));
      return v6;
    } catch {
      return null;
    }
  }
  return parseLooseIPv4(h);
}

/** Classifies an address: metadata first, then loopback, private, link-local and other non-public ranges. */
export function classifyAddress(addr: ipaddr.IPv4 | ipaddr.IPv6): AddressClass {
  const text = addr.toString();
  if (METADATA_ADDRESSES.has(text)) return 'metadata';
  const range = addr.range();
  if (range === 'loopback') return 'loopback';
  if (range === 'private' || range === 'uniqueLocal' || range === 'carrierGradeNat') return 'private';
  if (range === 'linkLocal') return 'link-local';
  if (range === 'unspecified') return 'unspecified';
  if (range === 'unicast') return 'public';
  // Everything else ipaddr.js names (multicast, broadcast, reserved, benchmarking, 6to4...) is not a
  // normal public destination either.
  return 'reserved';
}
