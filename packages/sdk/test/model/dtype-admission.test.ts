// The gate for `preset.queryDtypes`: a dtype may be used by clients against an index built with `preset.dtype`
// only if the two give the same vectors for the same photos (cosine ≥ 0.99), measured on the full-size random ViT
// of the preset's architecture (its real layer count and widths; random weights spread activations at least as
// widely as trained ones). Add a dtype to a preset and this test decides whether it stays.

import { encode, syntheticPhoto } from '@find-this-fit/testing/images';
import { fixtureDir } from '@find-this-fit/testing/paths';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cosineSimilarity, createEmbedder } from '../../src/embedder/index.js';
import type { RandomVitArch } from '../../src/fixture/index.js';
import { acceptedDtypes, type ModelDtype, PRESETS, REAL_PRESETS } from '../../src/model/index.js';
import { archOf, ensureRandomVit, onRandomVit, REAL_BY_ARCH } from '../helpers/random-vit.js';

const PHOTOS = 6;
const THRESHOLD = 0.99;
let photos: Buffer[];
/** Vectors per architecture (or fixture preset) and dtype. */
const vectors = new Map<string, Map<ModelDtype, Float32Array[]>>();

async function embedAll(
  key: string,
  load: (dtype: ModelDtype) => ReturnType<typeof createEmbedder>,
  dtypes: ModelDtype[],
) {
  const byDtype = new Map<ModelDtype, Float32Array[]>();
  for (const dtype of dtypes) {
    const embedder = await load(dtype);
    byDtype.set(dtype, await embedder.embedImages(photos));
    await embedder.dispose();
  }
  vectors.set(key, byDtype);
}

const groupOf = (names: readonly string[]) => [
  ...new Set(names.flatMap((n) => acceptedDtypes(PRESETS[n as keyof typeof PRESETS]))),
];

beforeAll(async () => {
  photos = await Promise.all(Array.from({ length: PHOTOS }, (_, i) => encode(syntheticPhoto(7000 + i), 'jpeg')));
  for (const arch of Object.keys(REAL_BY_ARCH) as RandomVitArch[]) {
    const dtypes = groupOf(REAL_BY_ARCH[arch].map((p) => p.name));
    const dir = await ensureRandomVit(arch, dtypes as ('fp32' | 'fp16' | 'q8')[]);
    const preset = onRandomVit(REAL_BY_ARCH[arch][0]!);
    await embedAll(
      arch,
      (dtype) => createEmbedder({ preset, modelDir: dir, dtype, threads: 1, batchSize: PHOTOS }),
      dtypes,
    );
  }
  for (const name of ['fixture', 'fixture-siglip'] as const) {
    await embedAll(
      name,
      (dtype) => createEmbedder({ preset: name, modelDir: fixtureDir(name), dtype, threads: 1 }),
      acceptedDtypes(PRESETS[name]),
    );
  }
}, 600_000);
afterAll(() => vectors.clear());

function minCosine(a: Float32Array[], b: Float32Array[]): number {
  return Math.min(...a.map((v, i) => cosineSimilarity(v, b[i]!)));
}

describe('every query dtype a preset admits matches its index dtype (cosine ≥ 0.99 per photo)', () => {
  const cases = [...REAL_PRESETS, 'fixture', 'fixture-siglip'] as const;
  it.each(cases)('%s', (name) => {
    const preset = PRESETS[name];
    const key = name.startsWith('fixture') ? name : archOf(preset);
    const group = acceptedDtypes(preset);
    expect(group[0]).toBe(preset.dtype);
    const lines: string[] = [];
    // Every pair: an index built with any dtype of the group accepts the others (see `withDtype`).
    for (const [i, a] of group.entries()) {
      for (const b of group.slice(i + 1)) {
        const cosine = minCosine(vectors.get(key)!.get(a)!, vectors.get(key)!.get(b)!);
        lines.push(`${a}↔${b} ${cosine.toFixed(5)}`);
        expect(cosine, `${name} (${key}): ${a} vs ${b}`).toBeGreaterThanOrEqual(THRESHOLD);
      }
    }
    console.info(`${name} on ${key}: min cosine ${lines.join(', ')}`);
  });
});
