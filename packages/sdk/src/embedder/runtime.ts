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
