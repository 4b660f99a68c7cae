import type { LookupAddress } from 'node:dns';
import { createServer, type Server } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { classifyAddress, guardedLookup, isAddressAllowed } from '../src/fetcher/address-guard.js';
import { BlockedAddressError } from '../src/fetcher/errors.js';
import { testFetcher } from './helpers/fetcher.js';

const strict = { allowPrivateAddresses: false, allowLoopback: false };
const tests = { allowPrivateAddresses: false, allowLoopback: true };

// Every spelling of non-public space the issue found missed, plus the IPv4 special-purpose registry.
const REFUSED: Array<[string, string]> = [
  ['::127.0.0.1', 'IPv4-compatible loopback (deprecated ::a.b.c.d)'],
  ['::7f00:1', 'the same, in hex'],
  ['::10.0.0.1', 'IPv4-compatible private'],
  ['::ffff:0:127.0.0.1', 'IPv4-translated (RFC 6145)'],
  ['::ffff:0:a00:1', 'IPv4-translated private, in hex'],
  ['::ffff:10.0.0.1', 'IPv4-mapped private'],
  ['::ffff:a00:1', 'IPv4-mapped private, in hex'],
  ['::ffff:169.254.169.254', 'IPv4-mapped metadata endpoint'],
  ['64:ff9b::127.0.0.1', 'NAT64 of loopback'],
  ['64:ff9b::10.0.0.1', 'NAT64 of private'],
  ['64:ff9b::a9fe:a9fe', 'NAT64 of the metadata endpoint, in hex'],
  ['64:ff9b:1::8.8.8.8', 'local-use NAT64 (RFC 8215)'],
  ['64:ff9b:1:7f00:1::', 'local-use NAT64, /48 embedding'],
  ['2002:7f00:1::', '6to4 of loopback'],
  ['2002:a00:1::1', '6to4 of private'],
  ['2002:a9fe:a9fe::', '6to4 of the metadata endpoint'],
  ['2001::1', 'Teredo'],
  ['2001:0:4136:e378:8000:63bf:3fff:fdd2', 'Teredo (RFC 4380 example)'],
  ['fec0::1', 'site-local'],
  ['100::1', 'discard-only (RFC 6666)'],
  ['fd00::1', 'unique local'],
  ['fc00::1', 'unique local'],
  ['fe80::1', 'link-local'],
  ['ff02::1', 'multicast'],
  ['ff0e::1', 'global multicast'],
  ['::', 'unspecified'],
  ['2001:db8::1', 'documentation'],
  ['2001:2::1', 'benchmarking'],
  ['3fff::1', 'documentation (RFC 9637)'],
  ['5f00::1', 'segment routing'],
  ['::1:0:0:1', 'unassigned, outside 2000::/3'],
  ['0.0.0.0', 'this network'],
  ['0.1.2.3', 'this network'],
  ['10.0.0.1', 'private'],
  ['172.16.5.4', 'private'],
  ['172.31.255.255', 'private'],
  ['192.168.1.1', 'private'],
  ['100.64.0.1', 'CGNAT'],
  ['100.127.255.254', 'CGNAT'],
  ['169.254.169.254', 'link-local (cloud metadata)'],
  ['192.0.0.8', 'IETF protocol assignments'],
  ['192.0.2.1', 'TEST-NET-1'],
  ['198.51.100.7', 'TEST-NET-2'],
  ['203.0.113.9', 'TEST-NET-3'],
  ['198.18.0.1', 'benchmarking'],
  ['198.19.255.254', 'benchmarking'],
  ['224.0.0.1', 'multicast'],
  ['239.255.255.250', 'multicast'],
  ['240.0.0.1', 'reserved'],
  ['255.255.255.255', 'broadcast'],
  ['fe80::1%eth0', 'link-local with a zone'],
  ['0x7f.1', 'not an address (a hostname spelling)'],
  ['example.com', 'not an address'],
];

const PUBLIC = [
  '8.8.8.8',
  '93.184.216.34',
  '1.1.1.1',
  '2606:4700::1111',
  '2a00:1450:4001:80b::200e',
  '::ffff:8.8.8.8',
  '64:ff9b::8.8.8.8',
  '64:ff9b::808:808',
  '2002:808:808::1',
];

describe('address guard (ipaddr.js ranges)', () => {
  it.each(REFUSED)('refuses %s (%s), even with loopback allowed', (ip) => {
    expect(isAddressAllowed(ip, strict)).toBe(false);
    expect(isAddressAllowed(ip, tests)).toBe(false);
  });

  it.each(PUBLIC)('allows the public address %s', (ip) => {
    expect(classifyAddress(ip)).toBe('public');
    expect(isAddressAllowed(ip, strict)).toBe(true);
  });

  it('allows loopback (127/8, ::1, ::ffff:127.x) only with the explicit opt-in', () => {
    for (const ip of ['127.0.0.1', '127.8.9.10', '::1', '::ffff:127.0.0.1', '0:0:0:0:0:0:0:1']) {
      expect(isAddressAllowed(ip, strict), ip).toBe(false);
      expect(isAddressAllowed(ip, tests), ip).toBe(true);
    }
  });

  it('lets allowPrivateAddresses through everything that is an address, and nothing that is not', () => {
    const intranet = { allowPrivateAddresses: true, allowLoopback: false };
    expect(isAddressAllowed('10.0.0.1', intranet)).toBe(true);
    expect(isAddressAllowed('fd00::1', intranet)).toBe(true);
    expect(isAddressAllowed('example.com', intranet)).toBe(false);
  });
});

describe('guarded DNS lookup', () => {
  const answers =
    (list: LookupAddress[]) =>
    (_host: string, _opts: unknown, cb: (e: NodeJS.ErrnoException | null, a: LookupAddress[]) => void) =>
      cb(null, list);
  const run = (lookup: ReturnType<typeof guardedLookup>, all: boolean) =>
    new Promise<{ error: NodeJS.ErrnoException | null; address: unknown }>((resolve) =>
      lookup('shop.example', { all }, (error, address) => resolve({ error, address })),
    );

  it('refuses a name when any of its answers is refused (a public answer does not launder a private one)', async () => {
    for (const refused of ['10.0.0.1', '::ffff:127.0.0.1', '64:ff9b::a00:1', '2002:a00:1::', 'fec0::1']) {
      const lookup = guardedLookup(
        strict,
        answers([
          { address: '93.184.216.34', family: 4 },
          { address: refused, family: refused.includes(':') ? 6 : 4 },
        ]) as never,
      );
      const { error } = await run(lookup, true);
      expect(error?.code, refused).toBe('EBLOCKEDADDRESS');
      expect(error?.message).toContain(refused);
    }
  });

  it('passes a name whose answers are all public, in the shape net.connect asked for', async () => {
    const list = [
      { address: '93.184.216.34', family: 4 },
      { address: '2606:4700::1111', family: 6 },
    ];
    const lookup = guardedLookup(strict, answers(list) as never);
    expect((await run(lookup, true)).address).toEqual(list);
    expect((await run(lookup, false)).address).toBe('93.184.216.34');
  });

  it('checks what the real resolver returns (localhost is refused without the loopback opt-in)', async () => {
    const { error } = await new Promise<{ error: NodeJS.ErrnoException | null }>((resolve) =>
      guardedLookup(strict)('localhost', { all: true }, (e) => resolve({ error: e })),
    );
    expect(error?.code).toBe('EBLOCKEDADDRESS');
  });
});

describe('the fetcher refuses before a packet is sent', () => {
  const servers: Server[] = [];
  afterEach(async () => {
    for (const s of servers.splice(0)) await new Promise((r) => s.close(r));
  });

  it('never connects to a listening loopback server through IPv6 spellings of it', async () => {
    let connections = 0;
    const server = createServer((socket) => {
      connections++;
      socket.destroy();
    });
    servers.push(server);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const { port } = server.address() as { port: number };
    const { fetcher } = testFetcher({ addressPolicy: strict });
    try {
      for (const host of ['[::ffff:127.0.0.1]', '[::ffff:7f00:1]', '[::127.0.0.1]', '[64:ff9b::7f00:1]', '127.0.0.1']) {
        await expect(fetcher.fetch(`http://${host}:${port}/`), host).rejects.toBeInstanceOf(BlockedAddressError);
      }
      // The loopback opt-in is not a back door for the other spellings.
      const { fetcher: local } = testFetcher({ addressPolicy: tests });
      try {
        await expect(local.fetch(`http://[::127.0.0.1]:${port}/`)).rejects.toBeInstanceOf(BlockedAddressError);
      } finally {
        await local.close();
      }
    } finally {
      await fetcher.close();
    }
    expect(connections).toBe(0);
  });
});
