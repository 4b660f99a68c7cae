import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'vite';

/** Builds the browser test page (it imports the real embedder source) with Vite into a temp folder. */
export async function buildTestPage(root: string): Promise<string> {
  const outDir = await mkdtemp(join(tmpdir(), 'ftf-page-'));
  await build({
    root,
    logLevel: 'warn',
    configFile: false,
    build: { outDir, emptyOutDir: true, target: 'es2022', chunkSizeWarningLimit: 4096 },
  });
  return outDir;
}
