import type Router from '@koa/router';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openApiPath } from '../../src/http/route.js';
import type { Store } from '../../src/store/types.js';
import { client, PUBLISHABLE, pgliteBackend, SECRET, serve, type TestServer, testConfig } from './harness.js';

// The link between the router and /openapi.json: both come from the same route declarations, so every mounted
// route is in the spec, and each operation's security is what `requireAccess` actually enforces.

type Operation = { security?: Record<string, string[]>[] };
type Spec = {
  paths: Record<string, Record<string, Operation>>;
  components: { securitySchemes: Record<string, unknown> };
};

const ANY_KEY = [{ bearer: [] }, { apiKey: [] }];
const SECRET_ONLY = [{ secretBearer: [] }, { secretApiKey: [] }];
const AUTH_FAILURES = [401, 403];

/** The app's own router, found among its middleware (`router.routes()` carries it). */
function routerOf(app: TestServer['app']): Router {
  const dispatch = (app.middleware as Array<{ router?: Router }>).find((m) => m.router);
  if (!dispatch?.router) throw new Error('no router mounted');
  return dispatch.router;
}

function operations(spec: Spec): Array<{ method: string; path: string; op: Operation }> {
  return Object.entries(spec.paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, op]) => ({ method, path, op })),
  );
}

describe('/openapi.json and the router come from one declaration per route', () => {
  const backend = pgliteBackend();
  let store: Store;
  let server: TestServer;
  let spec: Spec;

  beforeAll(async () => {
    store = await backend.open();
    server = await serve(store, testConfig());
    spec = (await client(server.url)('/openapi.json')).json;
  });
  afterAll(async () => {
    await server?.close();
    await store?.close();
    await backend.cleanup();
  });

  it('every mounted route is an operation in the spec, and nothing else is', () => {
    const mounted = routerOf(server.app)
      .stack.flatMap((layer) =>
        layer.methods.filter((m) => m !== 'HEAD').map((m) => `${m} ${openApiPath(String(layer.path))}`),
      )
      .sort();
    const described = operations(spec)
      .map(({ method, path }) => `${method.toUpperCase()} ${path}`)
      .sort();
    expect(mounted).toEqual(described);
    expect(described).toHaveLength(12);
  });

  it('writes name the secret-key schemes only; reads any key; probes none', () => {
    const security = Object.fromEntries(
      operations(spec).map(({ method, path, op }) => [`${method} ${path}`, op.security]),
    );
    expect(security).toEqual({
      'get /v1/info': ANY_KEY,
      'post /v1/search': ANY_KEY,
      'post /v1/search/image': ANY_KEY,
      'get /v1/items/{id}': ANY_KEY,
      'get /v1/items/{id}/similar': ANY_KEY,
      'put /v1/items': SECRET_ONLY,
      'delete /v1/items/{id}': SECRET_ONLY,
      'post /v1/items/{id}/status': SECRET_ONLY,
      'get /healthz': undefined,
      'get /readyz': undefined,
      'get /metrics': undefined,
      'get /openapi.json': undefined,
    });
    expect(Object.keys(spec.components.securitySchemes).sort()).toEqual(
      ['apiKey', 'bearer', 'secretApiKey', 'secretBearer'].sort(),
    );
  });

  it("each operation's security is what the server enforces", async () => {
    for (const { method, path, op } of operations(spec)) {
      const url = path.replace('{id}', '1');
      const call = (key: string | null) => client(server.url, key)(url, { method: method.toUpperCase() });
      const [none, publishable, secret] = await Promise.all([call(null), call(PUBLISHABLE), call(SECRET)]);
      const where = `${method} ${path}`;
      expect(AUTH_FAILURES, where).not.toContain(secret.status);
      if (op.security === undefined) {
        expect(AUTH_FAILURES, where).not.toContain(none.status);
        expect(AUTH_FAILURES, where).not.toContain(publishable.status);
      } else if (JSON.stringify(op.security) === JSON.stringify(SECRET_ONLY)) {
        expect(none.status, where).toBe(401);
        expect(publishable.status, where).toBe(403);
      } else {
        expect(op.security, where).toEqual(ANY_KEY);
        expect(none.status, where).toBe(401);
        expect(AUTH_FAILURES, where).not.toContain(publishable.status);
      }
    }
  });

  it('open mode: reads also accept no key ({}), writes still need a secret key', async () => {
    const open = await serve(store, testConfig({ FTF_OPEN: 'true' }));
    try {
      const doc: Spec = (await client(open.url, null)('/openapi.json')).json;
      expect(doc.paths['/v1/info']?.get?.security).toEqual([...ANY_KEY, {}]);
      expect(doc.paths['/v1/items']?.put?.security).toEqual(SECRET_ONLY);
      expect((await client(open.url, null)('/v1/info')).status).toBe(200);
      expect((await client(open.url, null)('/v1/items', { method: 'PUT', body: {} })).status).toBe(401);
    } finally {
      await open.close();
    }
  });
});
