import { FindThisFitError } from '../errors.js';

/** A preset name that is not one of {@link PRESETS}. */
export class UnknownPresetError extends FindThisFitError {
  override name = 'UnknownPresetError';
  readonly preset: string;
  constructor(preset: string, known: readonly string[]) {
    super('unknown_preset', `Unknown model preset "${preset}". Known presets: ${known.join(', ')}.`);
    this.preset = preset;
  }
}

/** A vector whose length is not the model's dimension, or that cannot be normalised. */
export class DimensionMismatchError extends FindThisFitError {
  override name = 'DimensionMismatchError';
  readonly expected: number;
  readonly actual: number;
  constructor(expected: number, actual: number, context: string) {
    super('dimension_mismatch', `${context}: expected a ${expected}-d vector, got ${actual}-d.`);
    this.expected = expected;
    this.actual = actual;
  }
}

/** A vector that cannot be L2-normalised (all zeros, NaN or infinite components). */
export class InvalidVectorError extends FindThisFitError {
  override name = 'InvalidVectorError';
  constructor(message: string) {
    super('invalid_vector', message);
  }
}
