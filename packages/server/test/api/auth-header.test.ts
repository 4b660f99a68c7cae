import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { presentedKey } from '../../src/http/keys.js';
import type { Store } from '../../src/store/types.js';
import { PUBLISHABLE, pgliteBackend, SECRET, serve, type TestServer, testConfig } from './harness.js';

// The documented key spellings: `Authorization: Bearer <key>`, `Authorization: <key>` (bare, kept for clients
// that cannot add the scheme) and `x-api-key: <key>`. Anything else in Authorization is a wrong key, never "no key".
describe('presentedKey', () => {
  it('reads Bearer (any case), a bare key, or x-api-key', () => {
    expect(presentedKey({ authorization: `Bearer ${SECRET}` })).toBe(SECRET);
    expect(presentedKey({ authorization: `bearer   ${SECRET}` })).toBe(SECRET);
    expect(presentedKey({ authorization: SECRET })).toBe(SECRET);
    expect(presentedKey({ apiKey: ` ${PUBLISHABLE} ` })).toBe(PUBLISHABLE);
    expect(presentedKey({})).toBeUndefined();
  });

  it('an Authorization header that is not a key is presented as is (so it is an unknown key)', () => {
    expect(presentedKey({ authorization: `Basic ${SECRET}` })).toBe(`Basic ${SECRET}`);
    expect(presentedKey({ authorization: 'Bearer' })).toBe('Bearer');
    expect(presentedKey({ authorization: `Bearer ${SECRET} extra` })).toBe(`Bearer ${SECRET} extra`);
  });
});

describe('key spellings against the real server (closed mode)', () => {
  const backend = pgliteBackend();
  let store: Store;
  let server: TestServer;

  beforeAll(async () => {
    store = await backend.open();
    server = await serve(store, testConfig());
  });
  afterAll(async () => {
    await server?.close();
    await store?.close();
    await backend.cleanup();
  });

  const info = async (headers: Record<string, string>) => (await fetch(`${server.url}/v1/info`, { headers })).status;

  it('accepts Bearer, a bare key and x-api-key', async () => {
    expect(await info({ authorization: `Bearer ${PUBLISHABLE}` })).toBe(200);
    expect(await info({ authorization: PUBLISHABLE })).toBe(200);
    expect(await info({ 'x-api-key': PUBLISHABLE })).toBe(200);
  });

  it('refuses other schemes and malformed values with 401, never as "no key"', async () => {
    expect(await info({})).toBe(401);
    expect(await info({ authorization: `Basic ${PUBLISHABLE}` })).toBe(401);
    expect(await info({ authorization: `Bearer ${PUBLISHABLE} x` })).toBe(401);
    // A broken Authorization header is not rescued by a good x-api-key.
    expect(await info({ authorization: 'Bearer nope', 'x-api-key': PUBLISHABLE })).toBe(401);
  });
});
