import type { ModelPreset } from '../model/presets.js';
import { ModelContractError } from './errors.js';

/** The parts of a transformers.js image processor we compare with the preset. */
interface ProcessorSettings {
  image_mean?: number[] | number;
  image_std?: number[] | number;
  rescale_factor?: number;
  do_center_crop?: boolean;
  size?: number | { shortest_edge?: number; height?: number; width?: number };
}

const close = (a: number, b: number) => Math.abs(a - b) < 1e-6;
const triple = (v: number[] | number | undefined) => (typeof v === 'number' ? [v, v, v] : (v ?? []));

/**
 * The folder's preprocessing must be the preset's, or the same photo becomes a different vector on
 * each side. Checked at load time, on every runtime.
 */
export function assertPreprocessingMatches(preset: ModelPreset, processor: ProcessorSettings, where: string): void {
  const expected = preset.preprocess;
  const problems: string[] = [];
  const mean = triple(processor.image_mean);
  const std = triple(processor.image_std);
  if (mean.length !== 3 || !mean.every((m, i) => close(m, expected.mean[i] as number))) {
    problems.push(`image_mean ${JSON.stringify(processor.image_mean)} ≠ ${JSON.stringify(expected.mean)}`);
  }
  if (std.length !== 3 || !std.every((s, i) => close(s, expected.std[i] as number))) {
    problems.push(`image_std ${JSON.stringify(processor.image_std)} ≠ ${JSON.stringify(expected.std)}`);
  }
  if (processor.rescale_factor !== undefined && !close(processor.rescale_factor, expected.rescale)) {
    problems.push(`rescale_factor ${processor.rescale_factor} ≠ ${expected.rescale}`);
  }
  if (Boolean(processor.do_center_crop) !== expected.centerCrop) {
    problems.push(`do_center_crop ${processor.do_center_crop} ≠ ${expected.centerCrop}`);
  }
  const size = processor.size;
  const side = typeof size === 'number' ? size : (size?.shortest_edge ?? size?.height);
  if (side !== preset.imageSize) problems.push(`size ${JSON.stringify(size)} ≠ ${preset.imageSize}`);
  if (problems.length > 0) {
    throw new ModelContractError(
      `The model at ${where} does not match preset "${preset.name}": ${problems.join('; ')}. ` +
        'Its vectors would not be comparable with the index; use the matching preset or folder.',
    );
  }
}

/** `config.json`'s model_type must be the preset's family. */
export function assertFamilyMatches(preset: ModelPreset, modelType: unknown, where: string): void {
  if (modelType !== preset.family) {
    throw new ModelContractError(
      `The model at ${where} is a "${String(modelType)}" model, but preset "${preset.name}" is "${preset.family}".`,
    );
  }
}
