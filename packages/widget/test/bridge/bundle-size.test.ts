import { resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { build } from 'vite';
import { describe, expect, it } from 'vitest';

// The adapter ships in the widget's initial bundle, so it has a byte budget (issue #7: < 2 KB gzip).
describe('bridge adapter size', () => {
  it('minifies to under 2 KB gzip', async () => {
    const result = await build({
      configFile: false,
      logLevel: 'warn',
      build: {
        write: false,
        minify: true,
        // An app-style build (not lib mode, which keeps whitespace in ES output), as the widget bundles it.
        rolldownOptions: {
          input: resolve(import.meta.dirname, '../../src/bridge/index.ts'),
          preserveEntrySignatures: 'strict',
        },
      },
    });
    const outputs = (Array.isArray(result) ? result : [result]).flatMap((r) => ('output' in r ? r.output : []));
    const code = outputs.map((o) => ('code' in o ? o.code : '')).join('');
    const gzip = gzipSync(code).length;
    console.info(`bridge adapter: ${code.length} B minified, ${gzip} B gzip`);
    expect(code).toContain('__findThisFitBridge');
    expect(gzip).toBeLessThan(2048);
  });
});
