import { lookup as dnsLookup, type LookupAddress, type LookupOptions } from 'node:dns';
import { BlockList, isIP } from 'node:net';

/** What the guard lets through besides public addresses. */
export interface AddressPolicy {
  /** Private (RFC 1918, ULA), link-local, CGNAT, loopback… everything. For crawling an intranet on purpose. */
  allowPrivateAddresses: boolean;
  /** Loopback only (127/8, ::1): local tests and the fixture marketplace. */
  allowLoopback: boolean;
}

const LOOPBACK = new BlockList();
LOOPBACK.addSubnet('127.0.0.0', 8, 'ipv4');
LOOPBACK.addAddress('::1', 'ipv6');

// Everything that is not the public internet: private, link-local (incl. the 169.254.169.254 metadata
// endpoint), CGNAT, "this network", multicast, reserved, and their IPv6 counterparts.
const NON_PUBLIC = new BlockList();
for (const [net, bits] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const) {
  NON_PUBLIC.addSubnet(net, bits, 'ipv4');
}
for (const [net, bits] of [
  ['::', 128],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
  ['64:ff9b::', 96],
] as const) {
  NON_PUBLIC.addSubnet(net, bits, 'ipv6');
}

/** IPv4-mapped IPv6 (`::ffff:10.0.0.1`) is judged as the IPv4 address it carries. */
function unmap(address: string): { address: string; family: 'ipv4' | 'ipv6' } {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped?.[1]) return { address: mapped[1], family: 'ipv4' };
  return { address, family: isIP(address) === 6 ? 'ipv6' : 'ipv4' };
}

/** True when the policy lets us connect to this literal IP address. */
export function isAddressAllowed(ip: string, policy: AddressPolicy): boolean {
  if (policy.allowPrivateAddresses) return true;
  const { address, family } = unmap(ip);
  if (LOOPBACK.check(address, family)) return policy.allowLoopback;
  return !NON_PUBLIC.check(address, family);
}

type LookupCallback = (error: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/**
 * A `lookup` for `net.connect` that resolves the name, then refuses any answer the policy forbids. Checking
 * after resolution (on the exact address we connect to) is what defeats DNS names pointing at 10.0.0.1.
 */
export function guardedLookup(policy: AddressPolicy) {
  return (hostname: string, options: LookupOptions | number, callback: LookupCallback): void => {
    const opts = typeof options === 'number' ? { family: options } : options;
    dnsLookup(hostname, { ...opts, all: true }, (error, addresses) => {
      if (error) return callback(error, opts.all ? [] : '', 0);
      const allowed = addresses.filter((a) => isAddressAllowed(a.address, policy));
      if (allowed.length === 0) {
        const blocked = Object.assign(
          new Error(`${hostname} resolves to ${addresses.map((a) => a.address).join(', ')}: not a public address`),
          { code: 'EBLOCKEDADDRESS', address: addresses[0]?.address ?? '' },
        );
        return callback(blocked, opts.all ? [] : '', 0);
      }
      if (opts.all) return callback(null, allowed);
      const first = allowed[0] as LookupAddress;
      callback(null, first.address, first.family);
    });
  };
}
