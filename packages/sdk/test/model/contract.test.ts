import { describe, expect, it } from 'vitest';
import {
  cosineSimilarity,
  DEFAULT_PRESET,
  DimensionMismatchError,
  describeFingerprint,
  fingerprintOf,
  getPreset,
  InvalidVectorError,
  isFindThisFitError,
  isFingerprint,
  l2Normalize,
  PRESETS,
  UnknownPresetError,
} from '../../src/model/index.js';

describe('presets', () => {
  it('defaults to SigLIP base patch16 at 768-d q8, with CLIP ViT-B/32 as the fast preset', () => {
    expect(DEFAULT_PRESET).toBe('siglip-b16');
    expect(PRESETS['siglip-b16']).toMatchObject({
      modelId: 'Xenova/siglip-base-patch16-224',
      dim: 768,
      dtype: 'q8',
      family: 'siglip',
    });
    expect(PRESETS['clip-vit-b32']).toMatchObject({
      modelId: 'Xenova/clip-vit-base-patch32',
      dim: 512,
      dtype: 'q8',
      family: 'clip',
    });
    for (const preset of Object.values(PRESETS))
      expect(preset.revision).toMatch(/^[0-9a-f]{40}$|^find-this-fit-fixture@\d+$/);
  });

  it('rejects an unknown preset with a typed error that lists the known ones', () => {
    const error = (() => {
      try {
        getPreset('clip-huge');
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(UnknownPresetError);
    expect(isFindThisFitError(error)).toBe(true);
    expect((error as Error).message).toContain('siglip-b16');
    expect((error as UnknownPresetError).code).toBe('unknown_preset');
  });
});

describe('fingerprints', () => {
  const all = Object.keys(PRESETS).flatMap((name) =>
    (['fp32', 'q8', 'fp16', 'q4'] as const).map((dtype) => fingerprintOf(getPreset(name, { dtype }))),
  );

  it('differ across presets and dtypes', () => {
    expect(new Set(all).size).toBe(all.length);
  });

  it('are stable: the same value across runs and property order (a changed value breaks every stored index)', () => {
    const preset = getPreset('fixture');
    const reordered = Object.fromEntries(Object.entries(preset).reverse()) as typeof preset;
    expect(fingerprintOf(reordered)).toBe(fingerprintOf(preset));
    expect(fingerprintOf(preset)).toBe('fixture.q8.bc2939fc315d');
  });

  it('change when any contract field changes, but not for labels', () => {
    const preset = getPreset('siglip-b16');
    expect(fingerprintOf({ ...preset, revision: 'main' })).not.toBe(fingerprintOf(preset));
    expect(fingerprintOf({ ...preset, imageSize: 256 })).not.toBe(fingerprintOf(preset));
    expect(fingerprintOf({ ...preset, preprocess: { ...preset.preprocess, mean: [0.4, 0.5, 0.5] } })).not.toBe(
      fingerprintOf(preset),
    );
    expect(fingerprintOf({ ...preset, description: 'renamed' })).toBe(fingerprintOf(preset));
  });

  it('have a recognisable shape and name their model', () => {
    for (const fp of all) expect(isFingerprint(fp)).toBe(true);
    expect(isFingerprint('siglip-b16')).toBe(false);
    const fp = fingerprintOf(getPreset('clip-vit-b32', { dtype: 'fp32' }));
    expect(describeFingerprint(fp)?.label).toBe('clip-vit-b32 (Xenova/clip-vit-base-patch32, fp32, 512-d)');
    expect(describeFingerprint('custom.q8.000000000000')).toBeUndefined();
  });
});

describe('l2Normalize', () => {
  it('returns a unit vector pointing the same way', () => {
    const v = l2Normalize([3, 4]);
    expect(Array.from(v)).toEqual([0.6000000238418579, 0.800000011920929]);
    expect(cosineSimilarity(v, [3, 4])).toBeCloseTo(1, 6);
  });

  it('rejects zero, NaN and wrong-length vectors with typed errors', () => {
    expect(() => l2Normalize([0, 0, 0])).toThrow(InvalidVectorError);
    expect(() => l2Normalize([1, Number.NaN])).toThrow(InvalidVectorError);
    expect(() => l2Normalize([1, 2, 3], 4)).toThrow(DimensionMismatchError);
  });
});
