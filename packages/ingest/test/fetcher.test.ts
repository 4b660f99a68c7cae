import { afterEach, describe, expect, it } from 'vitest';
import { guardedLookup, isAddressAllowed } from '../src/fetcher/address-guard.js';
import { backoffDelay, parseRetryAfter } from '../src/fetcher/backoff.js';
import {
  BlockedAddressError,
  CircuitOpenError,
  FetchError,
  HttpStatusError,
  ResponseTooLargeError,
  RobotsDisallowedError,
} from '../src/fetcher/errors.js';
import { testFetcher } from './helpers/fetcher.js';
import { scriptedServer } from './helpers/http-server.js';

const ROBOTS_OK = 'User-agent: *\nDisallow: /private/\n';
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

async function serve(handler: Parameters<typeof scriptedServer>[0]) {
  const server = await scriptedServer(handler);
  cleanups.push(server.close);
  return server;
}

function setup(overrides: Parameters<typeof testFetcher>[0] = {}) {
  const made = testFetcher(overrides);
  cleanups.push(() => made.fetcher.close());
  return made;
}

describe('address guard', () => {
  const strict = { allowPrivateAddresses: false, allowLoopback: false };
  const tests = { allowPrivateAddresses: false, allowLoopback: true };
  it('refuses private, link-local, CGNAT and metadata addresses; allows public ones', () => {
    for (const ip of [
      '10.0.0.1',
      '172.16.5.4',
      '192.168.1.1',
      '169.254.169.254',
      '100.64.0.1',
      '0.0.0.0',
      'fe80::1',
      'fd00::1',
      '::ffff:10.0.0.1',
    ]) {
      expect(isAddressAllowed(ip, tests), ip).toBe(false);
    }
    for (const ip of ['93.184.216.34', '8.8.8.8', '2606:4700::1111'])
      expect(isAddressAllowed(ip, strict), ip).toBe(true);
  });
  it('allows loopback only when asked, and everything with allowPrivateAddresses', () => {
    expect(isAddressAllowed('127.0.0.1', strict)).toBe(false);
    expect(isAddressAllowed('::1', strict)).toBe(false);
    expect(isAddressAllowed('127.0.0.1', tests)).toBe(true);
    expect(isAddressAllowed('10.0.0.1', { allowPrivateAddresses: true, allowLoopback: false })).toBe(true);
  });
  it('checks the address a name resolves to (localhost → 127.0.0.1 is refused without allowLoopback)', async () => {
    const lookup = guardedLookup(strict);
    const error = await new Promise<NodeJS.ErrnoException | null>((resolve) =>
      lookup('localhost', { all: true }, (e) => resolve(e)),
    );
    expect(error?.code).toBe('EBLOCKEDADDRESS');
    const ok = await new Promise<unknown>((resolve) =>
      guardedLookup(tests)('localhost', { all: true }, (_e, a) => resolve(a)),
    );
    expect(Array.isArray(ok) && ok.length > 0).toBe(true);
  });
});

describe('backoff', () => {
  it('is full-jitter exponential and capped', () => {
    expect(backoffDelay(0, 100, 10_000, () => 1)).toBe(100);
    expect(backoffDelay(3, 100, 10_000, () => 1)).toBe(800);
    expect(backoffDelay(20, 100, 10_000, () => 1)).toBe(10_000);
    expect(backoffDelay(3, 100, 10_000, () => 0)).toBe(0);
  });
  it('parses Retry-After seconds and dates', () => {
    expect(parseRetryAfter('3')).toBe(3000);
    expect(parseRetryAfter(new Date(Date.now() + 5000).toUTCString(), Date.now())).toBeGreaterThan(3000);
    expect(parseRetryAfter('soon')).toBeUndefined();
    expect(parseRetryAfter(undefined)).toBeUndefined();
  });
});

describe('polite fetcher', () => {
  it('sends an honest User-Agent with the contact URL and refuses one without it', async () => {
    const server = await serve((req, res) => res.end(req.url === '/robots.txt' ? ROBOTS_OK : 'hello'));
    const { fetcher } = setup();
    const result = await fetcher.fetch(`${server.url}/a`);
    expect(result.body.toString()).toBe('hello');
    expect(
      server.seen.every((s) => s.headers['user-agent'] === 'FindThisFitBot/0.1 (+https://find-this-fit.example/bot)'),
    ).toBe(true);
    expect(() => testFetcher({ userAgent: 'FindThisFitBot/0.1' })).toThrow(/contact URL/);
  });

  it('honours robots.txt disallow rules and reads robots.txt once per origin', async () => {
    const server = await serve((req, res) => res.end(req.url === '/robots.txt' ? ROBOTS_OK : 'x'));
    const { fetcher } = setup();
    await expect(fetcher.fetch(`${server.url}/private/secret`)).rejects.toBeInstanceOf(RobotsDisallowedError);
    await fetcher.fetch(`${server.url}/public`);
    expect(server.count('/private/secret')).toBe(0);
    expect(server.count('/robots.txt')).toBe(1);
  });

  it('treats an unreadable robots.txt (5xx) as disallow-all, and a 404 as allow-all', async () => {
    const broken = await serve((req, res) => {
      res.statusCode = req.url === '/robots.txt' ? 500 : 200;
      res.end('x');
    });
    const { fetcher } = setup();
    const error = await fetcher.fetch(`${broken.url}/page`).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RobotsDisallowedError);
    expect((error as Error).message).toMatch(/HTTP 500/);
    expect(broken.count('/page')).toBe(0);

    const none = await serve((req, res) => {
      res.statusCode = req.url === '/robots.txt' ? 404 : 200;
      res.end('ok');
    });
    expect((await fetcher.fetch(`${none.url}/page`)).body.toString()).toBe('ok');
  });

  it('keeps one request in flight per host and waits the crawl delay (robots Crawl-delay wins when longer)', async () => {
    const server = await serve(async (req, res) => {
      if (req.url === '/robots.txt') return void res.end('User-agent: FindThisFitBot\nCrawl-delay: 0.2\n');
      await new Promise((r) => setTimeout(r, 20));
      res.end('ok');
    });
    const { fetcher } = setup({ crawlDelayMs: 50 });
    await Promise.all(Array.from({ length: 5 }, (_, i) => fetcher.fetch(`${server.url}/p${i}`)));
    expect(server.maxInFlight).toBe(1);
    const pages = server.seen.filter((s) => s.path.startsWith('/p')).sort((a, b) => a.start - b.start);
    for (let i = 1; i < pages.length; i++) {
      expect(pages[i]!.start - pages[i - 1]!.end).toBeGreaterThanOrEqual(190);
    }
  });

  it('waits Retry-After on 429 and retries 503 with backoff', async () => {
    const server = await serve((req, res, count) => {
      if (req.url === '/robots.txt') return void res.end('');
      if (req.url === '/busy' && count === 1) {
        res.writeHead(429, { 'retry-after': '1' });
        return void res.end();
      }
      if (req.url === '/down' && count <= 2) {
        res.statusCode = 503;
        return void res.end();
      }
      res.end('ok');
    });
    const { fetcher } = setup();
    const started = Date.now();
    expect((await fetcher.fetch(`${server.url}/busy`)).body.toString()).toBe('ok');
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect((await fetcher.fetch(`${server.url}/down`)).body.toString()).toBe('ok');
    expect(server.count('/down')).toBe(3);
    expect(fetcher.stats.retries).toBe(3);
  });

  it('gives up with a clear error after maxRetries, and on a Retry-After longer than it waits', async () => {
    const server = await serve((req, res) => {
      if (req.url === '/robots.txt') return void res.end('');
      res.writeHead(503, req.url === '/long' ? { 'retry-after': '3600' } : {});
      res.end();
    });
    const { fetcher } = setup({ maxRetries: 2 });
    const error = await fetcher.fetch(`${server.url}/always`).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HttpStatusError);
    expect((error as HttpStatusError).status).toBe(503);
    expect(server.count('/always')).toBe(3);
    await expect(fetcher.fetch(`${server.url}/long`)).rejects.toThrow(/come back in 3600 s/);
    expect(server.count('/long')).toBe(1);
  });

  it('times out slow responses, retries, then fails without hanging', async () => {
    const server = await serve(async (req, res) => {
      if (req.url === '/robots.txt') return void res.end('');
      await new Promise((r) => setTimeout(r, 4000));
      if (!res.destroyed) res.end('late');
    });
    const { fetcher } = setup({ timeoutMs: 300, maxRetries: 1 });
    const started = Date.now();
    const error = await fetcher.fetch(`${server.url}/slow`).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FetchError);
    expect((error as FetchError).code).toBe('network');
    expect(server.count('/slow')).toBe(2);
    expect(Date.now() - started).toBeLessThan(3000); // two 300 ms attempts, not the 4 s answer
  });

  it('retries a connection reset', async () => {
    const server = await serve((req, res, count) => {
      if (req.url === '/robots.txt') return void res.end('');
      if (count === 1) return void req.socket.destroy();
      res.end('second time lucky');
    });
    const { fetcher } = setup();
    expect((await fetcher.fetch(`${server.url}/flaky`)).body.toString()).toBe('second time lucky');
  });

  it('caps the response size, declared or streamed', async () => {
    const server = await serve((req, res) => {
      if (req.url === '/robots.txt') return void res.end('');
      if (req.url === '/declared') {
        res.writeHead(200, { 'content-length': String(5000) });
        return void res.end(Buffer.alloc(5000));
      }
      res.writeHead(200); // chunked, no length
      res.write(Buffer.alloc(3000));
      res.end(Buffer.alloc(3000));
    });
    const { fetcher } = setup({ maxResponseBytes: 4096 });
    await expect(fetcher.fetch(`${server.url}/declared`)).rejects.toBeInstanceOf(ResponseTooLargeError);
    await expect(fetcher.fetch(`${server.url}/streamed`)).rejects.toBeInstanceOf(ResponseTooLargeError);
    await expect(fetcher.fetch(`${server.url}/declared`, { maxBytes: 10 })).rejects.toThrow(/10-byte cap/);
  });

  it('follows redirects up to the limit, re-checking robots on every hop', async () => {
    const server = await serve((req, res) => {
      if (req.url === '/robots.txt') return void res.end(ROBOTS_OK);
      const hop = /^\/r(\d+)$/.exec(req.url ?? '');
      if (hop) {
        res.writeHead(302, { location: `/r${Number(hop[1]) + 1}` });
        return void res.end();
      }
      if (req.url === '/to-private') {
        res.writeHead(301, { location: '/private/x' });
        return void res.end();
      }
      res.end('landed');
    });
    const { fetcher } = setup({ maxRedirects: 3 });
    await expect(fetcher.fetch(`${server.url}/r0`)).rejects.toThrow(/More than 3 redirects/);
    expect(server.count('/r4')).toBe(0);
    await expect(fetcher.fetch(`${server.url}/to-private`)).rejects.toBeInstanceOf(RobotsDisallowedError);
    expect(server.count('/private/x')).toBe(0);
  });

  it('refuses a redirect to 169.254.169.254 or 10.0.0.1 even with loopback allowed', async () => {
    const server = await serve((req, res) => {
      if (req.url === '/robots.txt') return void res.end('');
      res.writeHead(302, {
        location: req.url === '/meta' ? 'http://169.254.169.254/latest/meta-data/' : 'http://10.0.0.1/admin',
      });
      res.end();
    });
    const { fetcher } = setup();
    await expect(fetcher.fetch(`${server.url}/meta`)).rejects.toBeInstanceOf(BlockedAddressError);
    await expect(fetcher.fetch(`${server.url}/lan`)).rejects.toThrow(/10\.0\.0\.1.*private/);
  });

  it('refuses loopback when it is not explicitly allowed (checked on the resolved address)', async () => {
    const server = await serve((_req, res) => res.end('x'));
    const { fetcher } = setup({ addressPolicy: { allowPrivateAddresses: false, allowLoopback: false } });
    await expect(fetcher.fetch(`${server.url}/`)).rejects.toBeInstanceOf(BlockedAddressError);
    await expect(fetcher.fetch(`http://localhost:${server.port}/`)).rejects.toBeInstanceOf(BlockedAddressError);
    expect(server.seen).toHaveLength(0);
  });

  it('opens the circuit breaker on a bot challenge: one clear log line, no further requests to that host', async () => {
    const server = await serve((req, res) => {
      if (req.url === '/robots.txt') return void res.end('');
      res.writeHead(403, { 'cf-mitigated': 'challenge', 'content-type': 'text/html' });
      res.end('<title>Just a moment...</title>');
    });
    const { fetcher, lines } = setup();
    await expect(fetcher.fetch(`${server.url}/a`)).rejects.toBeInstanceOf(CircuitOpenError);
    await expect(fetcher.fetch(`${server.url}/b`)).rejects.toThrow(/circuit open/);
    expect(server.count('/a')).toBe(1);
    expect(server.count('/b')).toBe(0);
    const breakerLines = lines.filter((l) => String(l.msg).includes('circuit breaker open'));
    expect(breakerLines).toHaveLength(1);
    expect(String(breakerLines[0]?.msg)).toMatch(/does not evade/);
    expect(fetcher.openCircuits.size).toBe(1);
  });

  it('opens the circuit breaker after repeated 403s, not after one', async () => {
    const server = await serve((req, res) => {
      if (req.url === '/robots.txt') return void res.end('');
      res.statusCode = req.url === '/fine' ? 200 : 403;
      res.end();
    });
    const { fetcher } = setup({ forbiddenThreshold: 3 });
    await expect(fetcher.fetch(`${server.url}/x1`)).rejects.toBeInstanceOf(HttpStatusError);
    await fetcher.fetch(`${server.url}/fine`); // a success resets the count
    await expect(fetcher.fetch(`${server.url}/x2`)).rejects.toBeInstanceOf(HttpStatusError);
    await expect(fetcher.fetch(`${server.url}/x3`)).rejects.toBeInstanceOf(HttpStatusError);
    await expect(fetcher.fetch(`${server.url}/x4`)).rejects.toBeInstanceOf(CircuitOpenError);
    await expect(fetcher.fetch(`${server.url}/x5`)).rejects.toBeInstanceOf(CircuitOpenError);
    expect(server.count('/x5')).toBe(0);
  });

  it('sends conditional GETs and reports 304 as not modified', async () => {
    const server = await serve((req, res) => {
      if (req.url === '/robots.txt') return void res.end('');
      if (req.headers['if-none-match'] === '"v1"') {
        res.writeHead(304, { etag: '"v1"' });
        return void res.end();
      }
      res.writeHead(200, { etag: '"v1"', 'last-modified': 'Wed, 21 Oct 2026 07:28:00 GMT' });
      res.end('body');
    });
    const { fetcher } = setup();
    const first = await fetcher.fetch(`${server.url}/img`);
    expect(first.etag).toBe('"v1"');
    const second = await fetcher.fetch(`${server.url}/img`, {
      conditional: { etag: first.etag, lastModified: first.lastModified },
    });
    expect(second.notModified).toBe(true);
    expect(second.body.length).toBe(0);
    expect(server.seen.at(-1)?.headers['if-modified-since']).toBe('Wed, 21 Oct 2026 07:28:00 GMT');
  });
});
