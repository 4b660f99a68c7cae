import { lookup as dnsLookup, type LookupAddress, type LookupOptions } from 'node:dns';
import { isIP } from 'node:net';
import ipaddr from 'ipaddr.js';

/** What the guard lets through besides public addresses. */
export interface AddressPolicy {
  /** Private (RFC 1918, ULA), link-local, CGNAT, loopback… everything. For crawling an intranet on purpose. */
  allowPrivateAddresses: boolean;
  /** Loopback only (127/8, ::1): local tests and the fixture marketplace. */
  allowLoopback: boolean;
}

type Verdict = 'public' | 'loopback' | 'refused';

// IPv6 global unicast (RFC 4291 §2.4). ipaddr.js calls every address outside its special ranges
// 'unicast', including unassigned space such as IPv4-compatible ::a.b.c.d; only 2000::/3 is routable.
const GLOBAL_UNICAST_V6 = ipaddr.parseCIDR('2000::/3');
// RFC 6052's well-known NAT64 prefix: the IPv4 address is the last 32 bits. The local-use 64:ff9b:1::/48
// (RFC 8215) may embed it at other offsets, so it is refused outright.
const NAT64_WELL_KNOWN = ipaddr.parseCIDR('64:ff9b::/96');

/**
 * IPv4 from ipaddr.js's range table (RFC 6890 special-purpose blocks: private, CGNAT, link-local,
 * "this network", documentation, benchmarking, 240/4, multicast, broadcast…): only 'unicast' is public.
 */
function classifyV4(address: ipaddr.IPv4): Verdict {
  const range = address.range();
  if (range === 'unicast') return 'public';
  return range === 'loopback' ? 'loopback' : 'refused';
}

/** An embedded IPv4 (NAT64, 6to4) is reached through a gateway: it must be public, loopback never counts. */
const embeddedPublic = (v4: ipaddr.IPv4): Verdict => (classifyV4(v4) === 'public' ? 'public' : 'refused');

function classifyV6(address: ipaddr.IPv6): Verdict {
  const range = address.range();
  if (range === 'loopback') return 'loopback';
  // ::ffff:a.b.c.d is the IPv4 address itself (the socket connects over IPv4).
  if (range === 'ipv4Mapped') return classifyV4(address.toIPv4Address());
  if (range === 'rfc6052') {
    if (!address.match(NAT64_WELL_KNOWN)) return 'refused';
    const b = address.toByteArray();
    return embeddedPublic(new ipaddr.IPv4(b.slice(12, 16)));
  }
  if (range === '6to4') {
    // 2002:AABB:CCDD::/48 routes to the IPv4 host AA.BB.CC.DD.
    const b = address.toByteArray();
    return embeddedPublic(new ipaddr.IPv4(b.slice(2, 6)));
  }
  // Everything else ipaddr.js names is special (Teredo, ULA, link-local, site-local, discard, multicast,
  // documentation, benchmarking, ORCHID, unspecified, …); its plain 'unicast' still needs 2000::/3.
  if (range === 'unicast' && address.match(GLOBAL_UNICAST_V6)) return 'public';
  return 'refused';
}

/** How the guard sees a literal IP address; anything that is not one is refused. */
export function classifyAddress(ip: string): Verdict {
  // Node's parser first: it accepts only the canonical spellings a socket would use (no 0x7f.1, no 017.0.0.1).
  const family = isIP(ip);
  if (family === 0) return 'refused';
  try {
    if (family === 4) return classifyV4(ipaddr.IPv4.parse(ip));
    // The WHATWG URL serializer gives the canonical hex form first: ipaddr.js reads the deprecated
    // IPv4-compatible `::127.0.0.1` as if it were the mapped `::ffff:127.0.0.1`. Zone ids (`%eth0`) throw here.
    const canonical = new URL(`http://[${ip}]/`).hostname.slice(1, -1);
    return classifyV6(ipaddr.IPv6.parse(canonical));
  } catch {
    return 'refused';
  }
}

/** True when the policy lets us connect to this literal IP address. */
export function isAddressAllowed(ip: string, policy: AddressPolicy): boolean {
  if (policy.allowPrivateAddresses) return isIP(ip) !== 0;
  const verdict = classifyAddress(ip);
  return verdict === 'public' || (verdict === 'loopback' && policy.allowLoopback);
}

type LookupCallback = (error: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/**
 * A `lookup` for `net.connect` that resolves the name, then refuses it if ANY answer is forbidden. Checking
 * after resolution, on the exact addresses we may connect to, defeats DNS names pointing at 10.0.0.1 (and
 * rebinding: the connection uses the address checked here, not a second lookup). A name that mixes public
 * and private answers is refused rather than trimmed: it is either misconfigured or an attack.
 * `resolve` is dns.lookup; tests pass answers that no real resolver here would give.
 */
export function guardedLookup(policy: AddressPolicy, resolve: typeof dnsLookup = dnsLookup) {
  return (hostname: string, options: LookupOptions | number, callback: LookupCallback): void => {
    const opts = typeof options === 'number' ? { family: options } : options;
    resolve(hostname, { ...opts, all: true }, (error, addresses) => {
      if (error) return callback(error, opts.all ? [] : '', 0);
      const refused = addresses.filter((a) => !isAddressAllowed(a.address, policy));
      if (refused.length > 0 || addresses.length === 0) {
        const blocked = Object.assign(
          new Error(
            `${hostname} resolves to ${refused.map((a) => a.address).join(', ') || 'nothing'}: not a public address`,
          ),
          { code: 'EBLOCKEDADDRESS', address: refused[0]?.address ?? '' },
        );
        return callback(blocked, opts.all ? [] : '', 0);
      }
      if (opts.all) return callback(null, addresses);
      const first = addresses[0] as LookupAddress;
      callback(null, first.address, first.family);
    });
  };
}
