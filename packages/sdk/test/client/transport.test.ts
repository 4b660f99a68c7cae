import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { backoffMs, retryAfterMs } from '../../src/client/retry.js';
import {
  APIConnectionError,
  APIConnectionTimeoutError,
  APIUserAbortError,
  AuthenticationError,
  BadRequestError,
  FindThisFit,
  InternalServerError,
  isAPIError,
  isFindThisFitError,
  ModelMismatchError,
  NotFoundError,
  PayloadTooLargeError,
  PermissionDeniedError,
  RateLimitError,
} from '../../src/index.js';

// A scripted loopback server: each test queues the answers it wants, the server records what it got.
type Handler = (req: IncomingMessage, res: ServerResponse, body: string) => void;
let server: Server;
let baseURL: string;
let script: Handler[] = [];
let seen: { method: string; url: string; headers: IncomingMessage['headers']; body: string; at: number }[] = [];

const json =
  (status: number, body: unknown, headers: Record<string, string> = {}): Handler =>
  (_req, res) => {
    res.writeHead(status, { 'content-type': 'application/json', 'x-request-id': `req-${seen.length}`, ...headers });
    res.end(JSON.stringify(body));
  };
const errorBody = (code: string, message: string) => ({ error: { code, message } });
const info = { model: { fingerprint: 'fixture.q8.bc2939fc315d', preset: 'fixture', dtype: 'q8' }, imageSearch: true };

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => {
      body += c;
    });
    req.on('end', () => {
      seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body, at: Date.now() });
      const next = script.shift();
      if (next) next(req, res, body);
      else json(500, errorBody('unscripted', 'no scripted answer'))(req, res, body);
    });
  });
  await new Promise<void>((ready) => server.listen(0, '127.0.0.1', ready));
  baseURL = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((done) => server.close(() => done())));
beforeEach(() => {
  script = [];
  seen = [];
});

const client = (options: ConstructorParameters<typeof FindThisFit>[0] = {}) =>
  new FindThisFit({ baseURL, apiKey: 'pk_test', maxRetries: 2, ...options });

describe('errors map to one class per status, with code, message and request id', () => {
  it.each([
    [400, BadRequestError],
    [401, AuthenticationError],
    [403, PermissionDeniedError],
    [404, NotFoundError],
    [409, ModelMismatchError],
    [413, PayloadTooLargeError],
  ])('%i', async (status, Class) => {
    script.push(json(status, errorBody('some_code', 'What went wrong.')));
    const error = await client()
      .items.get('1')
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Class);
    expect(isAPIError(error)).toBe(true);
    expect(isFindThisFitError(error)).toBe(true);
    expect(error).toMatchObject({ status, code: 'some_code', message: 'What went wrong.', requestId: 'req-1' });
    expect(seen).toHaveLength(1); // not retried
  });
});

describe('retries', () => {
  it('retries 5xx with backoff and succeeds', async () => {
    script.push(json(503, errorBody('unavailable', 'down')), json(502, {}), json(200, { id: '1' }));
    const started = Date.now();
    await expect(client().items.get('1')).resolves.toEqual({ id: '1' });
    expect(seen).toHaveLength(3);
    const gaps = [seen[1]!.at - seen[0]!.at, seen[2]!.at - seen[1]!.at];
    expect(gaps[0]).toBeGreaterThanOrEqual(370); // 500 ms × (1 − up to 25 % jitter)
    expect(gaps[1]).toBeGreaterThanOrEqual(740);
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('gives up after maxRetries with the last error', async () => {
    script.push(json(500, errorBody('a', '1')), json(500, errorBody('b', '2')));
    const error = await client({ maxRetries: 1 })
      .items.get('1')
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InternalServerError);
    expect((error as InternalServerError).code).toBe('b');
    expect(seen).toHaveLength(2);
  });

  it('honours Retry-After on 429', async () => {
    script.push(json(429, errorBody('rate_limited', 'slow down'), { 'retry-after': '1' }), json(200, { id: '1' }));
    await client().items.get('1');
    expect(seen[1]!.at - seen[0]!.at).toBeGreaterThanOrEqual(950);
  });

  it('surfaces a 429 whose Retry-After is too long as RateLimitError after the retries', async () => {
    script.push(
      ...Array.from({ length: 3 }, () => json(429, errorBody('rate_limited', 'later'), { 'retry-after': '0' })),
    );
    await expect(client().items.get('1')).rejects.toBeInstanceOf(RateLimitError);
    expect(seen).toHaveLength(3);
  });

  it('retries a connection reset mid-body', async () => {
    script.push(
      (_req, res) => {
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': '100' });
        res.write('{"id":');
        setTimeout(() => res.socket?.destroy(), 10);
      },
      json(200, { id: '7' }),
    );
    await expect(client().items.get('7')).resolves.toEqual({ id: '7' });
    expect(seen).toHaveLength(2);
  });

  it('reports an unreachable server as a connection error', async () => {
    const error = await client({ baseURL: 'http://127.0.0.1:9', maxRetries: 0 })
      .items.get('1')
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(APIConnectionError);
    expect((error as Error).message).toContain('127.0.0.1:9');
  });

  it('times out per attempt, then retries', async () => {
    script.push(() => undefined /* never answers */, json(200, { id: '1' }));
    await expect(client({ timeout: 200 }).items.get('1')).resolves.toEqual({ id: '1' });
    script.push(() => undefined);
    const error = await client({ timeout: 100, maxRetries: 0 })
      .items.get('1')
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(APIConnectionTimeoutError);
  });

  it('stops at once when the caller aborts, mid-request or mid-backoff', async () => {
    script.push(() => undefined);
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    await expect(client().items.get('1', { signal: controller.signal })).rejects.toBeInstanceOf(APIUserAbortError);
    script.push(json(503, {}));
    const later = new AbortController();
    setTimeout(() => later.abort(), 100);
    const started = Date.now();
    await expect(client().items.get('1', { signal: later.signal })).rejects.toBeInstanceOf(APIUserAbortError);
    expect(Date.now() - started).toBeLessThan(400);
  });

  it('sends the key, per-call headers and an idempotency key', async () => {
    script.push(json(200, { id: '1' }));
    await client({ headers: { 'x-app': 'shop' } }).items.get('1', {
      headers: { 'x-trace': 't1' },
      idempotencyKey: 'k-1',
    });
    expect(seen[0]!.headers).toMatchObject({
      authorization: 'Bearer pk_test',
      'x-app': 'shop',
      'x-trace': 't1',
      'idempotency-key': 'k-1',
    });
  });
});

describe('backoff and Retry-After parsing', () => {
  it('grows exponentially, capped at 8 s, with ≤ 25 % jitter', () => {
    expect(backoffMs(0, () => 0)).toBe(500);
    expect(backoffMs(3, () => 0)).toBe(4000);
    expect(backoffMs(10, () => 0)).toBe(8000);
    expect(backoffMs(0, () => 1)).toBe(375);
  });

  it('reads seconds, HTTP dates and retry-after-ms, ignoring nonsense and waits over 60 s', () => {
    const h = (init: Record<string, string>) => new Headers(init);
    expect(retryAfterMs(h({ 'retry-after': '2' }))).toBe(2000);
    expect(retryAfterMs(h({ 'retry-after-ms': '150' }))).toBe(150);
    expect(retryAfterMs(h({ 'retry-after': new Date(10_000).toUTCString() }), 5_000)).toBe(5_000);
    expect(retryAfterMs(h({ 'retry-after': 'soon' }))).toBeUndefined();
    expect(retryAfterMs(h({ 'retry-after': '3600' }))).toBeUndefined();
  });
});

describe('search wire format', () => {
  it('sends a 768-d vector as float16 base64, keeping the body ≤ 2.5 KB', async () => {
    script.push(json(200, info), json(200, { results: [], model: info.model.fingerprint, tookMs: 1 }));
    const vector = Array.from({ length: 768 }, (_, i) => Math.sin(i) / 20);
    await client().search({ vector, k: 20, filters: { sizes: ['M'] } });
    const search = seen.find((r) => r.url === '/v1/search')!;
    const bytes = Buffer.byteLength(search.body);
    console.info(`768-d search body: ${bytes} bytes`);
    expect(bytes).toBeLessThanOrEqual(2560);
    expect(JSON.parse(search.body)).toMatchObject({
      model: info.model.fingerprint,
      k: 20,
      vector: { dtype: 'float16' },
    });
  });

  it('iterates every page through the cursor, lazily', async () => {
    const result = (id: string) => ({ id, score: 0.5 });
    script.push(
      json(200, { results: [result('1'), result('2')], nextCursor: 'c1', model: 'm', tookMs: 1 }),
      json(200, { results: [result('3')], nextCursor: 'c2', model: 'm', tookMs: 1 }),
      json(200, { results: [result('4')], model: 'm', tookMs: 1 }),
    );
    const ids: string[] = [];
    for await (const item of client().search({ vector: [1, 0], model: 'm' })) ids.push(item.id);
    expect(ids).toEqual(['1', '2', '3', '4']);
    expect(seen.map((r) => JSON.parse(r.body).cursor)).toEqual([undefined, 'c1', 'c2']);
  });
});

describe('resources, pages and request ids (openai-node layout)', () => {
  const result = (id: string) => ({ id, score: 0.5 });

  it('puts the x-request-id of a successful call on what it returns, out of JSON', async () => {
    const listing = { id: '7', title: 'Shirt', status: 'active' };
    script.push(
      json(200, info, { 'x-request-id': 'req-info' }),
      json(200, listing, { 'x-request-id': 'req-get' }),
      json(200, { ...listing, status: 'sold' }, { 'x-request-id': 'req-status' }),
      json(200, { inserted: 1, updated: 0, ids: ['a'] }, { 'x-request-id': 'req-put-1' }),
      json(200, { inserted: 0, updated: 1, ids: ['b'] }, { 'x-request-id': 'req-put-2' }),
    );
    const api = client();
    const answer = await api.info();
    expect(answer.requestId).toBe('req-info');
    const got = await api.items.get('7');
    expect(got.requestId).toBe('req-get');
    expect(JSON.parse(JSON.stringify(got))).toEqual(listing);
    expect((await api.items.setStatus('7', 'sold')).requestId).toBe('req-status');
    const vector = [1, 0];
    const upserted = await api.items.upsert(
      [
        {
          source: 's',
          externalId: '1',
          title: 'a',
          url: 'https://x.example/1',
          imageUrl: 'https://x.example/1.jpg',
          vector,
        },
        {
          source: 's',
          externalId: '2',
          title: 'b',
          url: 'https://x.example/2',
          imageUrl: 'https://x.example/2.jpg',
          vector,
        },
      ],
      { model: 'm', batchSize: 1 },
    );
    expect(upserted).toEqual({ inserted: 1, updated: 1, ids: ['a', 'b'] });
    expect(upserted.requestId).toBe('req-put-2');
  });

  it('gives each page its request id, and a page asks for the next one by itself, cursor in the body', async () => {
    script.push(
      json(200, { results: [result('1')], nextCursor: 'c1', model: 'm', tookMs: 1 }, { 'x-request-id': 'p1' }),
      json(200, { results: [result('2')], model: 'm', tookMs: 1 }, { 'x-request-id': 'p2' }),
    );
    const first = await client().search({ vector: [1, 0], model: 'm', k: 1, filters: { sizes: ['M'] } });
    expect(first.requestId).toBe('p1');
    const second = await first.getNextPage();
    expect(second.requestId).toBe('p2');
    expect(second.results.map((r) => r.id)).toEqual(['2']);
    expect(second.hasNextPage()).toBe(false);
    const [one, two] = seen.map((r) => JSON.parse(r.body));
    // The same request again, plus the cursor.
    expect(two).toEqual({ ...one, cursor: 'c1' });
    expect(one.cursor).toBeUndefined();
  });

  it('pages "more like this" and server-side image search with the cursor in the query, resending the photo', async () => {
    script.push(
      json(200, { results: [result('1')], nextCursor: 'c1', model: 'm', tookMs: 1 }),
      json(200, { results: [result('2')], model: 'm', tookMs: 1 }),
      json(200, info),
      json(200, { results: [result('3')], nextCursor: 'i1', model: 'm', tookMs: 1 }),
      json(200, { results: [result('4')], model: 'm', tookMs: 1 }),
    );
    const api = client();
    const similar = await api.items.similar('x/1', { k: 1 });
    await similar.getNextPage();
    expect(seen.slice(0, 2).map((r) => r.url)).toEqual([
      '/v1/items/x%2F1/similar?k=1',
      '/v1/items/x%2F1/similar?k=1&cursor=c1',
    ]);
    const jpeg = new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3]);
    const ids: string[] = [];
    for await (const item of api.searchByImage(jpeg, { k: 1, server: true })) ids.push(item.id);
    expect(ids).toEqual(['3', '4']);
    const uploads = seen.filter((r) => r.url.startsWith('/v1/search/image'));
    expect(uploads.map((r) => new URL(r.url, baseURL).searchParams.get('cursor'))).toEqual([null, 'i1']);
    for (const upload of uploads) {
      expect(upload.headers['content-type']).toBe('image/jpeg');
      expect(upload.headers['content-length']).toBe(String(jpeg.byteLength));
    }
  });

  it('uploads bytes only: a file path is refused before any request, naming what to pass instead', async () => {
    script.push(json(200, info));
    const error = await client()
      .searchByImage('/tmp/shirt.jpg', { server: true })
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(isFindThisFitError(error)).toBe(true);
    expect(error).toMatchObject({ name: 'ClientUsageError', code: 'client_usage' });
    expect((error as Error).message).toMatch(/readFile/);
    expect(seen.map((r) => r.url)).toEqual(['/v1/info']);
  });
});
