/** True in Node.js (and Bun/Deno's Node compatibility), where files and sharp are available. */
export const IS_NODE =
  typeof process !== 'undefined' && typeof process.versions === 'object' && process.versions?.node !== undefined;

/** True when a WebGPU adapter can actually be obtained (not just `navigator.gpu` existing). */
export async function hasWebGpu(): Promise<boolean> {
  const gpu = (globalThis as { navigator?: { gpu?: { requestAdapter(): Promise<unknown> } } }).navigator?.gpu;
  if (!gpu) return false;
  try {
    return (await gpu.requestAdapter()) != null;
  } catch {
    return false;
  }
}

/**
 * Imports a Node built-in on the Node-only branches. The specifier is computed so browser bundlers (Vite,
 * webpack) neither try to resolve it nor warn that they externalised it: browsers never reach these branches.
 */
export function importNode<T>(specifier: 'node:fs/promises' | 'node:url' | 'node:path'): Promise<T> {
  return import(/* @vite-ignore */ specifier) as Promise<T>;
}
