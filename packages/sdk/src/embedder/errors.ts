import { FindThisFitError } from '../errors.js';

/** A model folder lacks a file the model needs. Names the folder and the file. */
export class ModelFilesMissingError extends FindThisFitError {
  override name = 'ModelFilesMissingError';
  readonly modelDir: string;
  readonly file: string;
  constructor(modelDir: string, file: string, hint: string) {
    super('model_files_missing', `Model folder "${modelDir}" has no "${file}". ${hint}`);
    this.modelDir = modelDir;
    this.file = file;
  }
}

/** The model could not be loaded (hub unreachable, corrupt ONNX file, unsupported device…). */
export class ModelLoadError extends FindThisFitError {
  override name = 'ModelLoadError';
  constructor(message: string, options?: { cause?: unknown }) {
    super('model_load_failed', message, options);
  }
}

/** The model folder contradicts its preset (other family, other preprocessing): vectors would be wrong. */
export class ModelContractError extends FindThisFitError {
  override name = 'ModelContractError';
  constructor(message: string) {
    super('model_contract_violation', message);
  }
}

/** An input that is not a decodable image (corrupt bytes, unsupported type, unreachable URL). */
export class UnreadableImageError extends FindThisFitError {
  override name = 'UnreadableImageError';
  constructor(message: string, options?: { cause?: unknown }) {
    super('unreadable_image', message, options);
  }
}

/** Options that cannot work together or in this runtime. */
export class EmbedderConfigError extends FindThisFitError {
  override name = 'EmbedderConfigError';
  constructor(message: string) {
    super('invalid_embedder_options', message);
  }
}

/** The embedder was used after `dispose()`. */
export class EmbedderDisposedError extends FindThisFitError {
  override name = 'EmbedderDisposedError';
  constructor() {
    super('embedder_disposed', 'This embedder has been disposed; create a new one.');
  }
}

/**
 * WebGPU failed (no device, device lost, out of memory, a shader that does not compile) after a model started
 * loading on it. transformers.js 4.3 queues every session creation and run of a page or worker behind the
 * previous one, failures included, so that realm cannot load the model again: create the embedder on `wasm` in
 * a new worker (the widget does this by itself) or reload the page.
 */
export class WebGpuError extends FindThisFitError {
  override name = 'WebGpuError';
  /** What WebGPU reported. */
  readonly reason: string;
  constructor(reason: string, cause?: unknown) {
    super(
      'webgpu_failed',
      `WebGPU failed: ${reason}. This page or worker cannot load the model again (transformers.js keeps the failure ` +
        'queued): embed on "wasm" in a new worker, or reload.',
      { cause },
    );
    this.reason = reason;
  }
}
