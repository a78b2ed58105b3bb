import { isIP } from 'node:net';

/**
 * Which addresses a webhook may reach (SSRF guard), pure. Only public unicast: an address in any
 * special-purpose range of the IANA registries (private, loopback, link-local incl. 169.254.169.254
 * cloud metadata, CGNAT, multicast, unspecified, documentation, benchmarking, reserved, and the IPv6
 * transition prefixes that embed an IPv4 address) is refused unless an operator-configured CIDR
 * (WEBHOOK_ALLOWED_CIDRS) covers it. IPv4-mapped IPv6 (::ffff:a.b.c.d) is judged as its IPv4 address,
 * since that is what the socket reaches.
 */

interface Cidr {
  family: 4 | 6;
  base: bigint;
  bits: number;
}

const BLOCKED_V4 = [
  '0.0.0.0/8', // "this network", unspecified
  '10.0.0.0/8', // private
  '100.64.0.0/10', // CGNAT
  '127.0.0.0/8', // loopback
  '169.254.0.0/16', // link-local, cloud metadata
  '172.16.0.0/12', // private
  '192.0.0.0/24', // IETF protocol assignments
  '192.0.2.0/24', // documentation
  '192.88.99.0/24', // 6to4 relay anycast
  '192.168.0.0/16', // private
  '198.18.0.0/15', // benchmarking
  '198.51.100.0/24', // documentation
  '203.0.113.0/24', // documentation
  '224.0.0.0/4', // multicast
  '240.0.0.0/4', // reserved, broadcast
].map(parseCidrOrThrow);

/** IPv6 outside 2000::/3 (global unicast) is refused outright; inside it, these are special. */
const GLOBAL_UNICAST_V6 = parseCidrOrThrow('2000::/3');
const BLOCKED_V6 = [
  '2001::/23', // IETF protocol assignments (Teredo 2001::/32 embeds an IPv4 address)
  '2001:db8::/32', // documentation
  '2002::/16', // 6to4: embeds an IPv4 address
  '3fff::/20', // documentation
].map(parseCidrOrThrow);

export function parseCidr(text: string): Cidr | null {
  const slash = text.indexOf('/');
  const address = slash === -1 ? text : text.slice(0, slash);
  const parsed = parseAddress(address);
  if (!parsed) return null;
  const max = parsed.family === 4 ? 32 : 128;
  let bits = max;
  if (slash !== -1) {
    const raw = text.slice(slash + 1);
    if (!/^\d{1,3}$/.test(raw)) return null;
    bits = Number(raw);
    if (bits > max) return null;
  }
  return { family: parsed.family, base: parsed.value & mask(parsed.family, bits), bits };
}

function parseCidrOrThrow(text: string): Cidr {
  const cidr = parseCidr(text);
  if (!cidr) throw new Error(`bad CIDR ${text}`);
  return cidr;
}

function mask(family: 4 | 6, bits: number): bigint {
  const width = family === 4 ? 32n : 128n;
  const all = (1n << width) - 1n;
  return bits === 0 ? 0n : (all >> (width - BigInt(bits))) << (width - BigInt(bits));
}

function contains(cidr: Cidr, address: { family: 4 | 6; value: bigint }): boolean {
  return cidr.family === address.family && (address.value & mask(cidr.family, cidr.bits)) === cidr.base;
}

/** An IP literal as a number; IPv4-mapped IPv6 becomes its IPv4 address. Null when not an IP. */
export function parseAddress(text: string): { family: 4 | 6; value: bigint } | null {
  const bare = text.startsWith('[') && text.endsWith(']') ? text.slice(1, -1) : text;
  const family = isIP(bare);
  if (family === 4) return { family: 4, value: v4ToBigInt(bare) };
  if (family !== 6) return null;
  // A zone id (fe80::1%eth0) names an interface: only link-local addresses have one.
  const value = v6ToBigInt(bare.split('%')[0]);
  if (value >> 32n === 0xffffn) return { family: 4, value: value & 0xffffffffn };
  return { family: 6, value };
}

function v4ToBigInt(text: string): bigint {
  return text.split('.').reduce((acc, part) => (acc << 8n) | BigInt(Number(part)), 0n);
}

function v6ToBigInt(text: string): bigint {
  let groups: string[];
  // An embedded dotted IPv4 tail takes two groups.
  const lastColon = text.lastIndexOf(':');
  const tail = text.slice(lastColon + 1);
  let head = text;
  let tailGroups: string[] = [];
  if (tail.includes('.')) {
    const v4 = v4ToBigInt(tail);
    tailGroups = [(v4 >> 16n).toString(16), (v4 & 0xffffn).toString(16)];
    head = text.slice(0, lastColon + 1);
    // Keep a trailing "::" (it stands for the missing groups); drop a lone separator ":".
    if (!head.endsWith('::')) head = head.slice(0, -1);
  }
  if (head.includes('::')) {
    const [left, right] = head.split('::');
    const l = left ? left.split(':') : [];
    const r = right ? right.split(':') : [];
    const missing = 8 - tailGroups.length - l.length - r.length;
    groups = [...l, ...Array<string>(missing).fill('0'), ...r, ...tailGroups];
  } else {
    groups = [...(head ? head.split(':') : []), ...tailGroups];
  }
  return groups.reduce((acc, g) => (acc << 16n) | BigInt(parseInt(g, 16)), 0n);
}

/** Parses WEBHOOK_ALLOWED_CIDRS entries; returns the invalid ones in `invalid`. */
export function parseAllowedCidrs(entries: readonly string[]): { cidrs: Cidr[]; invalid: string[] } {
  const cidrs: Cidr[] = [];
  const invalid: string[] = [];
  for (const entry of entries) {
    const cidr = parseCidr(entry);
    if (cidr) cidrs.push(cidr);
    else invalid.push(entry);
  }
  return { cidrs, invalid };
}

export type AddressVerdict = 'public' | 'allowed' | 'refused';

/** Whether a webhook may connect to this IP literal. Anything that is not an IP is refused. */
export function judgeAddress(address: string, allowed: readonly Cidr[]): AddressVerdict {
  const parsed = parseAddress(address);
  if (!parsed) return 'refused';
  if (allowed.some((cidr) => contains(cidr, parsed))) return 'allowed';
  if (parsed.family === 4) return BLOCKED_V4.some((c) => contains(c, parsed)) ? 'refused' : 'public';
  if (!contains(GLOBAL_UNICAST_V6, parsed)) return 'refused';
  return BLOCKED_V6.some((c) => contains(c, parsed)) ? 'refused' : 'public';
}

export function mayConnect(address: string, allowed: readonly Cidr[]): boolean {
  return judgeAddress(address, allowed) !== 'refused';
}

export type { Cidr };
