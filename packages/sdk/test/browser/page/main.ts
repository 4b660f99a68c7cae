// A tiny page that exposes the real embedder to the browser tests and the Chromium benchmark.
import {
  createEmbedder,
  type DeviceFallback,
  type Embedder,
  type EmbedderDevice,
  type ModelDtype,
  type ModelPreset,
  probeWebGpu,
} from '../../../src/embedder/index.js';
import { FindThisFit, isAPIError } from '../../../src/index.js';

export interface PageOptions {
  preset: string | ModelPreset;
  modelDir: string;
  dtype?: ModelDtype;
  allowedDtypes?: readonly ModelDtype[];
  device?: EmbedderDevice;
  fallbackToWasm?: boolean;
  threads?: number;
}

let embedder: Embedder | undefined;
/** Every WebGPU → WASM move the embedder reported, for the tests to read. */
const fallbacks: DeviceFallback[] = [];

function stateOf(e: Embedder) {
  return { device: e.device, dtype: e.dtype, fingerprint: e.fingerprint, queryFingerprint: e.queryFingerprint };
}

async function load(options: PageOptions) {
  await embedder?.dispose();
  const started = performance.now();
  embedder = await createEmbedder({
    ...options,
    device: options.device ?? 'wasm',
    wasmPaths: '/ort/',
    onFallback: (event) => fallbacks.push(event),
  });
  return { loadMs: performance.now() - started, ...stateOf(embedder) };
}

async function blobOf(url: string): Promise<Blob> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
  return response.blob();
}

/** Every browser input kind for one image, to check they all embed alike. */
async function inputKinds(url: string) {
  const blob = await blobOf(url);
  const bitmap = await createImageBitmap(blob);
  const canvas = document.createElement('canvas');
  canvas.width = bitmap.width;
  canvas.height = bitmap.height;
  const context = canvas.getContext('2d')!;
  context.drawImage(bitmap, 0, 0);
  const image = new Image();
  image.src = URL.createObjectURL(blob);
  await image.decode();
  return {
    blob,
    file: new File([blob], 'photo.png', { type: blob.type }),
    bitmap,
    canvas,
    imageData: context.getImageData(0, 0, canvas.width, canvas.height),
    img: image,
    url: new URL(url, location.href).href,
  };
}

const api = {
  load,
  probeWebGpu,
  /** The loaded embedder's device, dtype and fingerprints right now (they change after a fallback). */
  current: () => stateOf(embedder!),
  fallbacks: () => fallbacks,
  /** The typed client, in a real browser, against a real server (cross-origin, CORS). */
  async clientSearch(baseURL: string, apiKey: string, vector: number[]) {
    const client = new FindThisFit({ baseURL, apiKey, maxRetries: 0 });
    const info = await client.info();
    const ids: string[] = [];
    for await (const item of client.search({ vector, k: 2 })) ids.push(item.id);
    const failure = await new FindThisFit({ baseURL, apiKey: 'pk_wrong', maxRetries: 0 })
      .info()
      .catch((error: unknown) => error);
    return {
      model: info.model.fingerprint,
      ids,
      error: isAPIError(failure)
        ? { name: failure.name, status: failure.status, requestId: failure.requestId }
        : String(failure),
    };
  },
  async embedUrls(urls: string[]): Promise<number[][]> {
    const vectors = await embedder!.embedImages(await Promise.all(urls.map(blobOf)));
    return vectors.map((v) => Array.from(v));
  },
  async embedEveryKind(url: string): Promise<Record<string, number[]>> {
    const out: Record<string, number[]> = {};
    for (const [kind, input] of Object.entries(await inputKinds(url)))
      out[kind] = Array.from(await embedder!.embedImage(input));
    return out;
  },
  async embedText(text: string): Promise<number[]> {
    return Array.from(await embedder!.embedText(text));
  },
  /** Median per-image latency of `runs` single-image calls after `warmup` calls. */
  async latency(url: string, runs: number, warmup = 2): Promise<number[]> {
    const blob = await blobOf(url);
    for (let i = 0; i < warmup; i++) await embedder!.embedImage(blob);
    const times: number[] = [];
    for (let i = 0; i < runs; i++) {
      const started = performance.now();
      await embedder!.embedImage(blob);
      times.push(performance.now() - started);
    }
    return times;
  },
};

export type PageApi = typeof api;
declare global {
  interface Window {
    ftf: PageApi;
  }
}
window.ftf = api;
document.title = 'ready';
