import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encode, syntheticPhoto } from '@find-this-fit/testing/images';
import { fixtureDir } from '@find-this-fit/testing/paths';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createEmbedder,
  DimensionMismatchError,
  type Embedder,
  EmbedderConfigError,
  EmbedderDisposedError,
  getPreset,
  isFindThisFitError,
  ModelContractError,
  ModelFilesMissingError,
  UnknownPresetError,
  UnreadableImageError,
} from '../../src/embedder/index.js';

async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    expect(isFindThisFitError(error), String(error)).toBe(true);
    return error as Error;
  }
  throw new Error('expected a rejection');
}

describe('embedder errors are clear and typed', () => {
  let embedder: Embedder;
  beforeAll(async () => {
    embedder = await createEmbedder({ preset: 'fixture', modelDir: fixtureDir(), threads: 1 });
  });
  afterAll(() => embedder?.dispose());

  it('unknown preset', async () => {
    const error = await rejection(createEmbedder({ preset: 'not-a-model', modelDir: fixtureDir() }));
    expect(error).toBeInstanceOf(UnknownPresetError);
    expect(error.message).toMatch(/Unknown model preset "not-a-model".*fixture/);
  });

  it('missing model folder names the folder and the file', async () => {
    const missing = join(tmpdir(), 'ftf-no-such-model');
    const error = await rejection(createEmbedder({ preset: 'fixture', modelDir: missing }));
    expect(error).toBeInstanceOf(ModelFilesMissingError);
    expect(error.message).toContain(missing);
    expect(error.message).toContain('config.json');
    expect(error.message).toContain('pnpm models:fixture');
  });

  describe('a folder missing one file', () => {
    let dir: string;
    beforeAll(async () => {
      dir = await mkdtemp(join(tmpdir(), 'ftf-partial-'));
      await cp(fixtureDir(), dir, { recursive: true });
      await rm(join(dir, 'onnx', 'vision_model_quantized.onnx'));
      await rm(join(dir, 'tokenizer.json'));
    });
    afterAll(() => rm(dir, { recursive: true, force: true }));

    it('names the missing ONNX file for the requested dtype', async () => {
      const error = await rejection(createEmbedder({ preset: 'fixture', modelDir: dir }));
      expect(error).toBeInstanceOf(ModelFilesMissingError);
      expect((error as ModelFilesMissingError).file).toBe('onnx/vision_model_quantized.onnx');
    });

    it('loads images at another dtype, and names the tokenizer when text is asked for', async () => {
      const fp32 = await createEmbedder({ preset: 'fixture', dtype: 'fp32', modelDir: dir, threads: 1 });
      try {
        const error = await rejection(fp32.embedText('red'));
        expect(error).toBeInstanceOf(ModelFilesMissingError);
        expect((error as ModelFilesMissingError).file).toBe('tokenizer.json');
      } finally {
        await fp32.dispose();
      }
    });
  });

  it.each([
    ['corrupt bytes', () => Buffer.from('definitely not a PNG')],
    ['an empty buffer', () => Buffer.alloc(0)],
    ['a missing file', () => join(tmpdir(), 'ftf-no-such-photo.jpg')],
    ['a truncated JPEG', async () => (await encode(syntheticPhoto(5), 'jpeg')).subarray(0, 40)],
    ['an unsupported value', () => 42 as never],
  ])('unreadable image: %s', async (_label, input) => {
    const error = await rejection(embedder.embedImage(await input()));
    expect(error).toBeInstanceOf(UnreadableImageError);
    expect(error.message).toMatch(/^Cannot read image/);
  });

  it('wrong dimension: a preset that declares another dim than the model produces', async () => {
    const lying = { ...getPreset('fixture'), name: 'fixture-64', dim: 64 };
    const wrong = await createEmbedder({ preset: lying, modelDir: fixtureDir(), threads: 1 });
    try {
      const error = await rejection(wrong.embedImage(await encode(syntheticPhoto(1))));
      expect(error).toBeInstanceOf(DimensionMismatchError);
      expect(error.message).toContain('expected a 64-d vector, got 128-d');
    } finally {
      await wrong.dispose();
    }
  });

  it('a folder whose family or preprocessing contradicts the preset', async () => {
    const error = await rejection(createEmbedder({ preset: 'fixture-siglip', modelDir: fixtureDir('fixture') }));
    expect(error).toBeInstanceOf(ModelContractError);
    expect(error.message).toContain('"clip" model');
    const skewed = {
      ...getPreset('fixture'),
      preprocess: { ...getPreset('fixture').preprocess, mean: [0.5, 0.5, 0.5] as const },
    };
    const error2 = await rejection(createEmbedder({ preset: skewed, modelDir: fixtureDir() }));
    expect(error2).toBeInstanceOf(ModelContractError);
    expect(error2.message).toContain('image_mean');
  });

  it('browser devices in Node, bad batch sizes, empty text, use after dispose', async () => {
    expect(
      await rejection(createEmbedder({ preset: 'fixture', modelDir: fixtureDir(), device: 'webgpu' })),
    ).toBeInstanceOf(EmbedderConfigError);
    expect(await rejection(createEmbedder({ preset: 'fixture', modelDir: fixtureDir(), batchSize: 0 }))).toBeInstanceOf(
      EmbedderConfigError,
    );
    expect(await rejection(embedder.embedText('  '))).toBeInstanceOf(EmbedderConfigError);
    const shortLived = await createEmbedder({ preset: 'fixture', modelDir: fixtureDir(), threads: 1 });
    await shortLived.dispose();
    expect(await rejection(shortLived.embedImage(await encode(syntheticPhoto(2))))).toBeInstanceOf(
      EmbedderDisposedError,
    );
  });
});
