/** True in Node.js (and Bun/Deno's Node compatibility), where files and sharp are available. */
export const IS_NODE =
  typeof process !== 'undefined' && typeof process.versions === 'object' && process.versions?.node !== undefined;

/** What this browser's WebGPU offers the model: an adapter at all, and half-precision shaders on it. */
export interface WebGpuSupport {
  /** WebGPU can run here: an adapter that gives a device. */
  available: boolean;
  /** An adapter exists (it may still fail to give a device). */
  adapter: boolean;
  /** The adapter has `shader-f16`, so fp16 models run in half precision on the GPU. */
  shaderF16: boolean;
  /** Why WebGPU is not available (for messages); absent when it is. */
  reason?: string;
}

interface GpuLike {
  requestAdapter(): Promise<{
    features: { has(name: string): boolean };
    requestDevice(): Promise<{ destroy(): void }>;
  } | null>;
}

/**
 * Asks for a WebGPU adapter (not just `navigator.gpu` existing), whether it has `shader-f16`, and opens and
 * closes a device on it: a GPU that cannot give a device (out of memory, blocklisted) is found here, before any
 * model session exists — a failed session would keep this realm from loading the model on WASM afterwards.
 */
export async function probeWebGpu(): Promise<WebGpuSupport> {
  const gpu = (globalThis as { navigator?: { gpu?: GpuLike } }).navigator?.gpu;
  if (!gpu) {
    return { available: false, adapter: false, shaderF16: false, reason: 'this browser has no WebGPU (navigator.gpu)' };
  }
  const failed = (what: string, error: unknown, adapter: boolean): WebGpuSupport => ({
    available: false,
    adapter,
    shaderF16: false,
    reason: `${what}: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`,
  });
  let adapter: Awaited<ReturnType<GpuLike['requestAdapter']>>;
  try {
    adapter = await gpu.requestAdapter();
  } catch (error) {
    return failed('the WebGPU adapter request failed', error, false);
  }
  if (!adapter) return { available: false, adapter: false, shaderF16: false, reason: 'WebGPU offers no adapter here' };
  try {
    (await adapter.requestDevice()).destroy();
  } catch (error) {
    return failed('the WebGPU adapter gave no device', error, true);
  }
  return { available: true, adapter: true, shaderF16: adapter.features.has('shader-f16') };
}

/** True when a WebGPU adapter can actually be obtained. */
export async function hasWebGpu(): Promise<boolean> {
  return (await probeWebGpu()).available;
}

/**
 * Imports a Node built-in on the Node-only branches. The specifier is computed so browser bundlers (Vite,
 * webpack) neither try to resolve it nor warn that they externalised it: browsers never reach these branches.
 */
export function importNode<T>(specifier: 'node:fs/promises' | 'node:url' | 'node:path'): Promise<T> {
  return import(/* @vite-ignore */ specifier) as Promise<T>;
}
