import { encodeVector } from '@find-this-fit/sdk';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Store } from '../../src/store/types.js';
import {
  type Backend,
  client,
  DIM,
  listing,
  MODEL,
  PUBLISHABLE,
  SECRET,
  serve,
  type TestServer,
  testConfig,
} from '../api/harness.js';
import { closing, multipartRequest, part, rawRequest } from './raw-requests.js';

// Transport-level abuse over raw sockets against the real app on a real store: every byte sequence a client can
// put on the wire — cut multipart and chunked bodies, odd paths and methods, path spellings, header abuse — gets
// an answer below 500 (or a deliberate 503) or a closed connection, never a crash, and the data is unchanged.

interface Case {
  name: string;
  bytes: Buffer;
  /** After writing: 'wait' for the answer (default), 'end' = half-close (a cut upload), 'destroy' = reset. */
  after?: 'end' | 'destroy' | 'wait';
}

const crlf = (lines: string[]) => `${lines.join('\r\n')}\r\n\r\n`;
const unit = (seed: number) => {
  const v = Array.from({ length: DIM }, (_, i) => Math.sin(seed * 13 + i * 3));
  const n = Math.hypot(...v);
  return v.map((x) => x / n);
};

function request(method: string, path: string, headers: string[], body: Buffer | string = ''): Buffer {
  return Buffer.concat([
    Buffer.from(crlf([`${method} ${path} HTTP/1.1`, 'Host: localhost', ...headers]), 'latin1'),
    Buffer.isBuffer(body) ? body : Buffer.from(body, 'latin1'),
  ]);
}

/** Every case, built from real payloads (a real JPEG, a valid search) cut and bent in each way. */
export async function transportCases(): Promise<Case[]> {
  const cases: Case[] = [];
  const auth = `Authorization: Bearer ${PUBLISHABLE}`;
  const jpeg = await sharp({ create: { width: 48, height: 48, channels: 3, background: '#aa3366' } })
    .jpeg()
    .toBuffer();
  const search = JSON.stringify({ model: MODEL, vector: encodeVector(unit(1)), k: 3 });

  // Multipart: a valid form cut at many offsets (inside headers, boundary, file bytes, closing boundary).
  const form = Buffer.concat([Buffer.from(part('image'), 'latin1'), jpeg, Buffer.from(closing, 'latin1')]);
  const step = Math.max(1, Math.floor(form.length / 40));
  for (let cut = 0; cut < form.length; cut += step) {
    const declared = multipartRequest(form, PUBLISHABLE); // Content-Length of the full form, fewer bytes sent
    const head = declared.length - form.length;
    cases.push({
      name: `multipart cut at ${cut}/${form.length}`,
      bytes: declared.subarray(0, head + cut),
      after: 'end',
    });
    if (cut % (step * 8) === 0) {
      cases.push({ name: `multipart cut at ${cut}, reset`, bytes: declared.subarray(0, head + cut), after: 'destroy' });
    }
    // Cut and re-declared: the body is complete as far as HTTP goes, the form is not.
    cases.push({
      name: `multipart form truncated at ${cut}`,
      bytes: multipartRequest(form.subarray(0, cut), PUBLISHABLE),
    });
  }
  for (const name of ['photo', 'IMAGE', '', 'image[]', 'file']) {
    const body = Buffer.concat([Buffer.from(part(name), 'latin1'), jpeg, Buffer.from(closing, 'latin1')]);
    cases.push({ name: `multipart part named "${name}"`, bytes: multipartRequest(body, PUBLISHABLE) });
  }
  const twoImages = Buffer.concat([
    Buffer.from(part('image'), 'latin1'),
    jpeg,
    Buffer.from(`\r\n${part('image')}`, 'latin1'),
    jpeg,
    Buffer.from(closing, 'latin1'),
  ]);
  cases.push({ name: 'multipart with two images', bytes: multipartRequest(twoImages, PUBLISHABLE) });
  const manyFields = Array.from(
    { length: 40 },
    (_, i) => `--${'----ftfboundary'}\r\nContent-Disposition: form-data; name="f${i}"\r\n\r\nvalue\r\n`,
  ).join('');
  cases.push({
    name: 'multipart with 40 fields',
    bytes: multipartRequest(`${manyFields}--${'----ftfboundary'}--\r\n`, PUBLISHABLE),
  });
  for (const contentType of [
    'multipart/form-data',
    'multipart/form-data; boundary=',
    'multipart/form-data; boundary=other',
    `multipart/form-data; boundary=${'x'.repeat(300)}`,
    'multipart/mixed; boundary=----ftfboundary',
  ]) {
    cases.push({
      name: `multipart Content-Type "${contentType.slice(0, 50)}"`,
      bytes: request(
        'POST',
        '/v1/search/image',
        [auth, `Content-Type: ${contentType}`, `Content-Length: ${form.length}`],
        form,
      ),
    });
  }
  const oversized = Buffer.alloc(70 * 1024, 0x41);
  cases.push({
    name: 'multipart image over the byte limit',
    bytes: multipartRequest(
      Buffer.concat([Buffer.from(part('image'), 'latin1'), jpeg, oversized, Buffer.from(closing)]),
      PUBLISHABLE,
    ),
  });
  cases.push({
    name: 'multipart chunked, over the limit, never ends',
    after: 'end',
    bytes: request(
      'POST',
      '/v1/search/image',
      [auth, 'Content-Type: multipart/form-data; boundary=----ftfboundary', 'Transfer-Encoding: chunked'],
      `${(oversized.length + 200).toString(16)}\r\n${part('image')}${oversized.toString('latin1')}`,
    ),
  });

  // Chunked JSON: a valid search in chunks, cut at each offset; and broken framing.
  const chunked = `${search.length.toString(16)}\r\n${search}\r\n0\r\n\r\n`;
  const jsonHead = [auth, 'Content-Type: application/json', 'Transfer-Encoding: chunked'];
  for (let cut = 0; cut < chunked.length; cut += Math.max(1, Math.floor(chunked.length / 20))) {
    cases.push({
      name: `chunked search cut at ${cut}`,
      bytes: request('POST', '/v1/search', jsonHead, chunked.slice(0, cut)),
      after: 'end',
    });
  }
  for (const [name, body] of [
    ['bad chunk size', 'zz\r\n{}\r\n0\r\n\r\n'],
    ['negative chunk size', '-2\r\n{}\r\n0\r\n\r\n'],
    ['huge chunk size', 'ffffffffffffffff\r\n{}\r\n0\r\n\r\n'],
    ['chunk longer than declared', '1\r\n{}\r\n0\r\n\r\n'],
    ['chunk extension', '2;name=value\r\n{}\r\n0\r\n\r\n'],
    ['trailer headers', '2\r\n{}\r\n0\r\nX-Trailer: 1\r\n\r\n'],
    ['bare LF framing', '2\n{}\n0\n\n'],
    ['over the body limit', `${(20_000).toString(16)}\r\n${'['.repeat(20_000)}\r\n0\r\n\r\n`],
  ] as const) {
    // 'end': a framing the parser accepts may leave it waiting for more (a huge chunk), as a cut upload would.
    cases.push({ name: `chunked: ${name}`, bytes: request('POST', '/v1/search', jsonHead, body), after: 'end' });
  }

  // JSON bodies and content types.
  const jsonPost = (body: string, type = 'application/json', extra: string[] = []) =>
    request(
      'POST',
      '/v1/search',
      [auth, `Content-Type: ${type}`, `Content-Length: ${Buffer.byteLength(body)}`, ...extra],
      Buffer.from(body, 'utf8'),
    );
  for (const body of [
    '',
    '{',
    '[]',
    'null',
    '"x"',
    '{"model":',
    '{}'.repeat(1000),
    '{'.repeat(5000),
    '\u0000\u0001',
    '\uFEFF{}',
  ]) {
    cases.push({ name: `JSON body ${JSON.stringify(body.slice(0, 12))}`, bytes: jsonPost(body) });
  }
  for (const type of [
    'text/plain',
    'application/x-www-form-urlencoded',
    'application/json; charset=latin1',
    'application/jsonx',
    '',
    'image/png',
    'multipart/form-data',
  ]) {
    cases.push({ name: `search as "${type}"`, bytes: jsonPost(search, type) });
  }
  for (const encoding of ['gzip', 'br', 'deflate', 'identity, gzip', 'x-unknown']) {
    cases.push({
      name: `Content-Encoding ${encoding}`,
      bytes: jsonPost(search, 'application/json', [`Content-Encoding: ${encoding}`]),
    });
  }
  cases.push({
    name: 'image body as text/plain',
    bytes: request(
      'POST',
      '/v1/search/image',
      [auth, 'Content-Type: text/plain', `Content-Length: ${jpeg.length}`],
      jpeg,
    ),
  });
  cases.push({
    name: 'image body, Content-Length longer than sent',
    bytes: request(
      'POST',
      '/v1/search/image',
      [auth, 'Content-Type: image/jpeg', `Content-Length: ${jpeg.length * 3}`],
      jpeg,
    ),
    after: 'end',
  });
  cases.push({
    name: 'image body, Content-Length longer than sent, reset',
    bytes: request(
      'POST',
      '/v1/search/image',
      [auth, 'Content-Type: image/jpeg', `Content-Length: ${jpeg.length * 3}`],
      jpeg,
    ),
    after: 'destroy',
  });
  cases.push({
    name: 'SVG body declared image/png',
    bytes: request('POST', '/v1/search/image', [auth, 'Content-Type: image/png', 'Content-Length: 6'], '<svg/>'),
  });

  // Header abuse.
  const headerCases: Array<[string, string[], string?]> = [
    [
      'duplicate Content-Length',
      [auth, 'Content-Type: application/json', 'Content-Length: 2', 'Content-Length: 3'],
      '{}',
    ],
    [
      'duplicate equal Content-Length',
      [auth, 'Content-Type: application/json', 'Content-Length: 2', 'Content-Length: 2'],
      '{}',
    ],
    ['Content-Length list', [auth, 'Content-Type: application/json', 'Content-Length: 2, 2'], '{}'],
    ['negative Content-Length', [auth, 'Content-Type: application/json', 'Content-Length: -1'], '{}'],
    ['huge Content-Length', [auth, 'Content-Type: application/json', 'Content-Length: 99999999999999999999'], '{}'],
    [
      'Content-Length with Transfer-Encoding',
      [auth, 'Content-Type: application/json', 'Content-Length: 2', 'Transfer-Encoding: chunked'],
      '2\r\n{}\r\n0\r\n\r\n',
    ],
    [
      'Transfer-Encoding gzip, chunked',
      [auth, 'Content-Type: application/json', 'Transfer-Encoding: gzip, chunked'],
      '0\r\n\r\n',
    ],
    [
      'Transfer-Encoding chunked, gzip',
      [auth, 'Content-Type: application/json', 'Transfer-Encoding: chunked, gzip'],
      '0\r\n\r\n',
    ],
    [
      'Transfer-Encoding twice',
      [auth, 'Content-Type: application/json', 'Transfer-Encoding: chunked', 'Transfer-Encoding: chunked'],
      '0\r\n\r\n',
    ],
    [
      'Transfer-Encoding xchunked',
      [auth, 'Content-Type: application/json', 'Transfer-Encoding: xchunked'],
      '0\r\n\r\n',
    ],
    ['obs-fold header', [auth, 'Content-Type: application/json', ' folded', 'Content-Length: 2'], '{}'],
    ['header without colon', [auth, 'Content-Type application/json', 'Content-Length: 2'], '{}'],
    ['NUL in a header value', [auth, 'Content-Type: application/\u0000json', 'Content-Length: 2'], '{}'],
    ['16 KB header', [auth, `X-Big: ${'a'.repeat(16 * 1024)}`, 'Content-Length: 0'], ''],
    ['100 KB header', [auth, `X-Big: ${'a'.repeat(100 * 1024)}`, 'Content-Length: 0'], ''],
    ['2000 headers', [auth, ...Array.from({ length: 2000 }, (_, i) => `X-H${i}: v`), 'Content-Length: 0'], ''],
    [
      'two Authorization headers',
      [auth, `Authorization: Bearer ${SECRET}`, 'Content-Type: application/json', `Content-Length: ${search.length}`],
      search,
    ],
    [
      'Authorization without Bearer',
      [`Authorization: ${PUBLISHABLE}`, 'Content-Type: application/json', `Content-Length: ${search.length}`],
      search,
    ],
    [
      'Authorization: Bearer alone',
      ['Authorization: Bearer', 'Content-Type: application/json', `Content-Length: ${search.length}`],
      search,
    ],
    [
      'huge Authorization',
      [
        `Authorization: Bearer ${'k'.repeat(8000)}`,
        'Content-Type: application/json',
        `Content-Length: ${search.length}`,
      ],
      search,
    ],
    [
      'X-Forwarded-For garbage',
      [
        auth,
        'X-Forwarded-For: ::::, not-an-ip, 999.1.1.1',
        'Content-Type: application/json',
        `Content-Length: ${search.length}`,
      ],
      search,
    ],
    [
      'Expect: 100-continue',
      [auth, 'Expect: 100-continue', 'Content-Type: application/json', `Content-Length: ${search.length}`],
      search,
    ],
    [
      'Expect: nonsense',
      [auth, 'Expect: nonsense', 'Content-Type: application/json', `Content-Length: ${search.length}`],
      search,
    ],
    [
      'Origin null',
      [auth, 'Origin: null', 'Content-Type: application/json', `Content-Length: ${search.length}`],
      search,
    ],
  ];
  for (const [name, headers, body] of headerCases) {
    cases.push({ name: `header: ${name}`, bytes: request('POST', '/v1/search', headers, body ?? '') });
  }
  cases.push({ name: 'no Host header', bytes: Buffer.from(`GET /v1/info HTTP/1.1\r\n${auth}\r\n\r\n`, 'latin1') });
  cases.push({ name: 'HTTP/1.0', bytes: Buffer.from(`GET /v1/info HTTP/1.0\r\n${auth}\r\n\r\n`, 'latin1') });
  cases.push({
    name: 'HTTP/2.0 request line',
    bytes: Buffer.from(`GET /v1/info HTTP/2.0\r\n${auth}\r\n\r\n`, 'latin1'),
  });
  cases.push({ name: 'HTTP/2 preface', bytes: Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n', 'latin1') });
  cases.push({
    name: 'garbage request line',
    bytes: Buffer.from('\u0016\u0003\u0001\u0002\u0000\u0001\u0000\u0001\u00fc\u0003\u0003', 'latin1'),
  });
  cases.push({ name: 'request line without version', bytes: Buffer.from('GET /v1/info\r\n\r\n', 'latin1') });
  cases.push({ name: '10 KB URL', bytes: request('GET', `/v1/items/${'9'.repeat(10_000)}`, [auth]) });
  cases.push({ name: '100 KB URL', bytes: request('GET', `/v1/${'a'.repeat(100_000)}`, [auth]) });

  // Paths × methods, with the spellings a limiter or router could disagree on.
  const paths = [
    '/v1/search',
    '/V1/search',
    '/v1/Search',
    '/V1/SEARCH/IMAGE',
    '/v1/search/',
    '//v1/search',
    '/v1//search',
    '/v1/./search',
    '/v1/x/../search',
    '/v1/%73earch',
    '/v1%2Fsearch',
    '/v1/search%00',
    '/v1/search?x=%zz',
    '/v1/items/1',
    '/v1/items/%2e%2e',
    '/v1/items/1%2F2',
    '/v1/items/%F0%9F%91%97',
    '/v1/items/%',
    '/v1/info#frag',
    '/healthz',
    '/HEALTHZ',
    '/healthz/',
    '/metrics?x=1',
    '*',
    'http://evil.example/v1/info',
    '/v1/items/1/similar?k=-1',
    '/v1/search/image?k=abc&filters=%7B',
    '/v1/search/image?filters=' + '%7B'.repeat(500),
  ];
  const methods = ['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'TRACE', 'PROPFIND', 'FOO', 'get'];
  // Node's server answers CONNECT only with a 'connect' listener (we have none): it holds the socket, so half-close.
  cases.push({ name: 'CONNECT', bytes: request('CONNECT', 'localhost:443', [auth]), after: 'end' });
  for (const path of paths) {
    for (const method of methods) {
      cases.push({
        name: `${method} ${path.slice(0, 60)}`,
        bytes: request(
          method,
          path,
          [auth, 'Content-Type: application/json', `Content-Length: ${search.length}`],
          search,
        ),
      });
    }
  }
  return cases;
}

export function defineTransportFuzz(backend: Backend): void {
  describe(`transport fuzz (${backend.name})`, () => {
    let store: Store;
    let server: TestServer;
    let port: number;
    let snapshot: string;
    const crashes: unknown[] = [];
    const onCrash = (error: unknown) => crashes.push(error);

    const dataSnapshot = async () =>
      JSON.stringify({
        counts: await store.counts(),
        items: await Promise.all(['1', '2', '3'].map((id) => store.get(id))),
      });

    beforeAll(async () => {
      process.on('uncaughtException', onCrash);
      process.on('unhandledRejection', onCrash);
      store = await backend.open();
      server = await serve(
        store,
        testConfig({
          FTF_MAX_BODY_BYTES: '8192',
          FTF_MAX_IMAGE_BYTES: '65536',
          FTF_MODEL_DIR: '/nonexistent/ftf-fuzz',
        }),
      );
      port = Number(new URL(server.url).port);
      const items = [1, 2, 3].map((i) => listing(`t${i}`, unit(i)));
      const put = await client(server.url)('/v1/items', { method: 'PUT', body: { model: MODEL, items } });
      expect(put.status, put.text).toBe(200);
      snapshot = await dataSnapshot();
    }, 120_000);

    afterAll(async () => {
      process.off('uncaughtException', onCrash);
      process.off('unhandledRejection', onCrash);
      await server?.close();
      await store?.close();
      await backend.cleanup();
    });

    it('answers every malformed transport case below 500 (503 only on purpose) and keeps serving', async () => {
      const cases = await transportCases();
      const byStatus = new Map<string, number>();
      const serverErrors: string[] = [];
      for (const c of cases) {
        const answer = await rawRequest(port, c.bytes, { after: c.after ?? 'wait', waitMs: 3000 });
        const key = String(answer.status ?? 'closed');
        byStatus.set(key, (byStatus.get(key) ?? 0) + 1);
        if (process.env.FTF_PRINT_FUZZ === 'closed' && answer.status === null) console.log('closed:', c.name);
        if (answer.status !== null && answer.status >= 500) {
          // Deliberate 503s only: the image model is not configured here, queues may be full.
          const deliberate = answer.status === 503 && /"code":"(model_unavailable|overloaded)"/.test(answer.text);
          if (!deliberate) serverErrors.push(`${c.name}: ${answer.text.slice(0, 300)}`);
        }
      }
      if (process.env.FTF_PRINT_FUZZ) console.log(backend.name, cases.length, 'cases', Object.fromEntries(byStatus));
      expect(serverErrors).toEqual([]);
      expect(crashes).toEqual([]);
      expect(cases.length).toBeGreaterThan(400);

      const api = client(server.url, PUBLISHABLE);
      expect((await api('/healthz')).status).toBe(200);
      const found = await api('/v1/search', { body: { model: MODEL, vector: unit(2), k: 3 } });
      expect(found.status, found.text).toBe(200);
      expect(found.json.results.length).toBe(3);
      expect(await dataSnapshot()).toBe(snapshot);
    }, 600_000);
  });
}
