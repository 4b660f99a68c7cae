import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Config } from '../../src/config.js';
import { TokenBuckets } from '../../src/http/rate-limit.js';
import type { Store } from '../../src/store/types.js';
import { client, PUBLISHABLE, pgliteBackend, SECRET, serve, testConfig } from './harness.js';

// The limiter against the real app on a real (PGlite) store: no path spelling escapes it, each client of a
// key has its own bucket, the key has a ceiling over all of them, and X-Forwarded-For counts only when trusted.
describe('rate limiting', () => {
  const backend = pgliteBackend();
  let store: Store;

  beforeAll(async () => {
    store = await backend.open();
  }, 60_000);
  afterAll(async () => {
    await store?.close();
    await backend.cleanup();
  });

  /** Buckets that practically never refill during a test (the env takes whole numbers; a slow machine must not flake). */
  const slow = (env: Record<string, string>, rates: Partial<Config['rateLimit']>) => {
    const config = testConfig(env);
    Object.assign(config.rateLimit, rates);
    return serve(store, config);
  };
  const limited = (env: Record<string, string>) => slow({ FTF_RATE_LIMIT_BURST: '3', ...env }, { rps: 0.001 });

  it('counts every spelling of a path: /V1/… is a 404 that still uses up the bucket', async () => {
    const server = await limited({});
    try {
      const pub = client(server.url, PUBLISHABLE);
      const spellings = ['/V1/info', '/v1/INFO', '/V1/search'];
      const answers = [];
      for (const path of spellings) answers.push(await pub(path, { method: path.endsWith('search') ? 'POST' : 'GET' }));
      expect(answers.map((a) => a.status)).toEqual([404, 404, 404]);
      expect(answers[0]?.json.error.code).toBe('not_found');
      const next = await pub('/v1/info');
      expect(next.status).toBe(429);
      expect(next.json.error.code).toBe('rate_limited');
      // The probes, spelled exactly, are never limited.
      expect((await pub('/healthz')).status).toBe(200);
      expect((await pub('/readyz')).status).toBe(200);
    } finally {
      await server.close();
    }
  });

  it('gives each client of a key its own bucket (X-Forwarded-For under FTF_TRUST_PROXY=1)', async () => {
    const server = await limited({ FTF_TRUST_PROXY: '1' });
    try {
      const pub = client(server.url, PUBLISHABLE);
      const as = (ip: string) => pub('/v1/info', { headers: { 'x-forwarded-for': ip } });
      const first = [];
      for (let i = 0; i < 4; i++) first.push((await as('203.0.113.7')).status);
      expect(first).toEqual([200, 200, 200, 429]);
      // Another shopper on the same publishable key is not affected.
      expect((await as('198.51.100.9')).status).toBe(200);
      // Only the last hop counts: a client cannot pick its bucket by prepending addresses.
      expect((await as('10.9.9.9, 203.0.113.7')).status).toBe(429);
    } finally {
      await server.close();
    }
  });

  it('ignores X-Forwarded-For unless FTF_TRUST_PROXY is set', async () => {
    const server = await limited({});
    try {
      const pub = client(server.url, PUBLISHABLE);
      const statuses = [];
      for (let i = 0; i < 4; i++) {
        statuses.push((await pub('/v1/info', { headers: { 'x-forwarded-for': `203.0.113.${i}` } })).status);
      }
      expect(statuses).toEqual([200, 200, 200, 429]);
    } finally {
      await server.close();
    }
  });

  it('caps one key across all its clients (FTF_RATE_LIMIT_KEY_BURST), other keys unaffected', async () => {
    const server = await slow(
      {
        FTF_RATE_LIMIT_RPS: '100',
        FTF_RATE_LIMIT_BURST: '100',
        FTF_RATE_LIMIT_KEY_BURST: '5',
        FTF_TRUST_PROXY: 'true',
      },
      { keyRps: 0.001 },
    );
    try {
      const pub = client(server.url, PUBLISHABLE);
      const statuses = [];
      for (let i = 0; i < 7; i++) {
        statuses.push((await pub('/v1/info', { headers: { 'x-forwarded-for': `198.51.100.${i}` } })).status);
      }
      expect(statuses).toEqual([200, 200, 200, 200, 200, 429, 429]);
      expect((await client(server.url, SECRET)('/v1/info')).status).toBe(200);
    } finally {
      await server.close();
    }
  });
});

describe('TokenBuckets memory', () => {
  it('drops buckets idle long enough to be full again, and never holds more than maxBuckets', () => {
    let now = 0;
    const buckets = new TokenBuckets(10, 20, 1_000, () => now);
    for (let i = 0; i < 500; i++) buckets.take(`client-${i}`);
    expect(buckets.size).toBe(500);
    // 2 s later every one of them has refilled (20 tokens at 10/s): new traffic sweeps them out.
    now = 2_000;
    for (let i = 0; i < 300; i++) buckets.take(`late-${i}`);
    expect(buckets.size).toBe(300);
    // A flood of distinct clients inside the refill window stays at the cap.
    for (let i = 0; i < 5_000; i++) buckets.take(`flood-${i}`);
    expect(buckets.size).toBe(1_000);
  });

  it('keeps a bucket that is still refilling, so waiting out a 429 is the only way back', () => {
    let now = 0;
    const buckets = new TokenBuckets(1, 2, 1_000, () => now);
    expect([buckets.take('a'), buckets.take('a'), buckets.take('a')]).toEqual([0, 0, 1]);
    now = 500;
    for (let i = 0; i < 10; i++) buckets.take(`other-${i}`);
    expect(buckets.take('a')).toBe(1);
  });
});
