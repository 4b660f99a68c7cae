import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';
import { TokenBuckets } from '../../src/http/rate-limit.js';

describe('loadConfig', () => {
  it('applies the documented defaults', () => {
    const c = loadConfig({ FTF_OPEN: 'true' });
    expect(c).toMatchObject({
      port: 8787,
      host: '127.0.0.1',
      dataDir: './.ftf-data',
      open: true,
      rateLimit: { rps: 20, burst: 40 },
      limits: {
        maxBodyBytes: 65536,
        maxAdminBodyBytes: 16 * 1024 * 1024,
        maxImageBytes: 8 * 1024 * 1024,
        maxImagePixels: 40_000_000,
        maxK: 100,
        maxBatch: 500,
      },
      hnsw: { m: 16, efConstruction: 64, efSearch: 64, vectorType: 'vector' },
      logLevel: 'info',
      shutdownTimeoutMs: 10_000,
    });
    expect(c.model.preset.name).toBe('fashion-siglip');
    expect(c.databaseUrl).toBeUndefined();
  });

  it('reads the index vector type in any case and refuses others', () => {
    expect(loadConfig({ FTF_OPEN: 'true', FTF_INDEX_VECTOR_TYPE: ' HalfVec ' }).hnsw.vectorType).toBe('halfvec');
    expect(() => loadConfig({ FTF_OPEN: 'true', FTF_INDEX_VECTOR_TYPE: 'float8' })).toThrow(/FTF_INDEX_VECTOR_TYPE/);
  });

  it('parses keys, publishable origins and CORS origins', () => {
    const c = loadConfig({
      FTF_SECRET_KEYS: 'sk_aaaaaaaa, sk_bbbbbbbb',
      FTF_PUBLISHABLE_KEYS: 'pk_aaaaaaaa=https://shop.example|https://m.shop.example/,pk_cccccccc',
      FTF_CORS_ORIGINS: 'https://a.example',
      FTF_MODEL: 'fixture',
      PORT: '',
    });
    expect(c.keys.secret).toEqual(['sk_aaaaaaaa', 'sk_bbbbbbbb']);
    expect(c.keys.publishable).toEqual([
      { key: 'pk_aaaaaaaa', origins: ['https://shop.example', 'https://m.shop.example'] },
      { key: 'pk_cccccccc', origins: [] },
    ]);
    expect(c.corsOrigins).toEqual(['https://a.example']);
    expect(c.port).toBe(8787);
  });

  it('accepts an app origin (the iOS Mini App’s app://bundle) and refuses schemes that are not origins', () => {
    const c = loadConfig({
      FTF_SECRET_KEYS: 'sk_aaaaaaaa',
      FTF_PUBLISHABLE_KEYS: 'pk_app_0001=app://bundle|https://shop.example',
      FTF_CORS_ORIGINS: 'app://Bundle,https://shop.example',
      FTF_MODEL: 'fixture',
    });
    expect(c.keys.publishable).toEqual([{ key: 'pk_app_0001', origins: ['app://bundle', 'https://shop.example'] }]);
    expect(c.corsOrigins).toEqual(['app://bundle', 'https://shop.example']);
    for (const bad of [
      'javascript://x',
      'data://x',
      'file://host',
      'app://bundle/path',
      'app://u:p@bundle',
      'app:bundle',
    ]) {
      expect(
        () => loadConfig({ FTF_SECRET_KEYS: 'sk_aaaaaaaa', FTF_CORS_ORIGINS: bad, FTF_MODEL: 'fixture' }),
        bad,
      ).toThrow(/FTF_CORS_ORIGINS/);
    }
  });

  it('lists every bad variable in one error, without echoing key values', () => {
    let error: unknown;
    try {
      loadConfig({
        PORT: 'abc',
        FTF_MODEL: 'gpt',
        FTF_SECRET_KEYS: 'short',
        FTF_MAX_K: '0',
        DATABASE_URL: 'mysql://x',
      });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as ConfigError).message;
    for (const name of ['PORT', 'FTF_MODEL', 'FTF_SECRET_KEYS', 'FTF_MAX_K', 'DATABASE_URL'])
      expect(message).toContain(name);
    expect(message).not.toContain('short');
  });

  it('refuses a server with no keys unless open mode is explicit', () => {
    expect(() => loadConfig({})).toThrow(/FTF_OPEN/);
  });
});

describe('FTF_IMAGE_SEARCH_MODEL_DIR (formerly FTF_MODEL_DIR)', () => {
  it('reads the former name with one deprecation warning per process; the new name wins when both are set', async () => {
    const warnings: string[] = [];
    const listener = (warning: Error & { code?: string }) => {
      if (warning.code === 'FTF_RENAMED_SETTING') warnings.push(warning.message);
    };
    process.on('warning', listener);
    try {
      expect(loadConfig({ FTF_OPEN: 'true', FTF_MODEL_DIR: '/models/a' }).model.modelDir).toBe('/models/a');
      expect(loadConfig({ FTF_OPEN: 'true', FTF_MODEL_DIR: '/models/b' }).model.modelDir).toBe('/models/b');
      const both = loadConfig({ FTF_OPEN: 'true', FTF_IMAGE_SEARCH_MODEL_DIR: '/new', FTF_MODEL_DIR: '/old' });
      expect(both.model.modelDir).toBe('/new');
      expect(loadConfig({ FTF_OPEN: 'true', FTF_IMAGE_SEARCH_MODEL_DIR: '/new' }).model.modelDir).toBe('/new');
      expect(loadConfig({ FTF_OPEN: 'true' }).model.modelDir).toBeUndefined();
      await new Promise((resolve) => setImmediate(resolve)); // warnings are emitted on the next tick
    } finally {
      process.off('warning', listener);
    }
    expect(warnings).toEqual([
      'FTF_MODEL_DIR was renamed FTF_IMAGE_SEARCH_MODEL_DIR; the old name still works for now. Please rename it.',
    ]);
  });
});

describe('TokenBuckets', () => {
  it('refills at rps, caps at burst, and bounds memory', () => {
    let now = 0;
    const buckets = new TokenBuckets(2, 2, 3, () => now);
    expect([buckets.take('a'), buckets.take('a'), buckets.take('a')]).toEqual([0, 0, 1]);
    now = 500;
    expect(buckets.take('a')).toBe(0);
    for (const k of ['b', 'c', 'd', 'e']) buckets.take(k);
    expect(buckets.size).toBe(3);
  });
});
