import { describe, expect, it } from 'vitest';
import {
  acceptedDtypes,
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
  queryFingerprints,
  REAL_PRESETS,
  UnknownPresetError,
  webGpuDtype,
  withDtype,
} from '../../src/model/index.js';

describe('presets', () => {
  it('defaults to the fashion-tuned SigLIP at 768-d q8, with FashionCLIP 2.0 (ViT-B/32, 512-d) as the fast preset', () => {
    expect(DEFAULT_PRESET).toBe('fashion-siglip');
    expect(PRESETS['fashion-siglip']).toMatchObject({
      modelId: 'Marqo/marqo-fashionSigLIP',
      revision: '34e0b24a968b570be00f1aeeb3c0c5daa42936b8',
      dim: 768,
      dtype: 'q8',
      family: 'siglip',
      imageSize: 224,
      // preprocessor_config.json at that revision: SiglipImageProcessor, 224×224, bicubic, 1/255, mean = std = 0.5.
      preprocess: { resize: 'exact', centerCrop: false, rescale: 1 / 255, mean: [0.5, 0.5, 0.5], std: [0.5, 0.5, 0.5] },
    });
    expect(PRESETS['fashion-clip']).toMatchObject({
      modelId: 'ff13/fashion-clip',
      dim: 512,
      dtype: 'q8',
      family: 'clip',
      preprocess: { resize: 'shortest-edge', centerCrop: true, mean: [0.48145466, 0.4578275, 0.40821073] },
    });
    expect(REAL_PRESETS).toEqual(['fashion-siglip', 'fashion-clip', 'siglip-b16', 'clip-vit-b32']);
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
    expect((error as Error).message).toContain('fashion-siglip');
    expect((error as UnknownPresetError).code).toBe('unknown_preset');
  });
});

describe('dtypes per device under one index', () => {
  it('every preset is built q8 and admits WebGPU-capable query dtypes, never q8/q4 for WebGPU', () => {
    for (const preset of Object.values(PRESETS)) {
      expect(preset.dtype, preset.name).toBe('q8');
      expect(preset.queryDtypes.length, preset.name).toBeGreaterThan(0);
      expect(preset.queryDtypes.every((d) => d === 'fp16' || d === 'fp32')).toBe(true);
      expect(preset.queryDtypes).toContain('fp32');
    }
    // Only the fashion SigLIP revision ships fp16 files among the real presets.
    expect(PRESETS['fashion-siglip'].queryDtypes).toEqual(['fp16', 'fp32']);
    expect(PRESETS['fashion-clip'].queryDtypes).toEqual(['fp32']);
  });

  it('picks fp16 for WebGPU only with shader-f16, else fp32, and nothing where neither is allowed', () => {
    const fashion = acceptedDtypes(getPreset('fashion-siglip'));
    expect(fashion).toEqual(['q8', 'fp16', 'fp32']);
    expect(webGpuDtype(fashion, true)).toBe('fp16');
    expect(webGpuDtype(fashion, false)).toBe('fp32');
    expect(webGpuDtype(acceptedDtypes(getPreset('fashion-clip')), true)).toBe('fp32');
    expect(webGpuDtype(['q8'], true)).toBeUndefined();
    expect(webGpuDtype(['q8', 'q4'], false)).toBeUndefined();
  });

  it('lists one fingerprint per accepted dtype, the index first; query dtypes do not change the fingerprint', () => {
    const preset = getPreset('fixture');
    expect(queryFingerprints(preset)).toEqual([
      { dtype: 'q8', fingerprint: 'fixture.q8.bc2939fc315d' },
      { dtype: 'fp16', fingerprint: fingerprintOf(getPreset('fixture', { dtype: 'fp16' })) },
      { dtype: 'fp32', fingerprint: fingerprintOf(getPreset('fixture', { dtype: 'fp32' })) },
    ]);
    expect(fingerprintOf({ ...preset, queryDtypes: [] })).toBe(fingerprintOf(preset));
  });

  it('keeps the interchangeable group when an index is built with another dtype of it; any other dtype stands alone', () => {
    const fp32Index = withDtype(getPreset('fashion-siglip'), 'fp32');
    expect(acceptedDtypes(fp32Index)).toEqual(['fp32', 'q8', 'fp16']);
    expect(acceptedDtypes(getPreset('fashion-siglip', { dtype: 'q4' }))).toEqual(['q4']);
    expect(withDtype(getPreset('fixture'), 'q8')).toBe(getPreset('fixture'));
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
