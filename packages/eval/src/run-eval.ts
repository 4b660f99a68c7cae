import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { FindThisFit } from '@find-this-fit/sdk';
import { createEmbedder, type Embedder } from '@find-this-fit/sdk/embedder';
import { createLogger, loadConfig, startServer } from '@find-this-fit/server';
import { cropImage } from './crop.js';
import type { GalleryImage, LabelledSet, QueryImage } from './labelled-set/types.js';
import {
  firstRelevantRank,
  type LatencySummary,
  latencySummary,
  MAX_K,
  type QualityMetrics,
  qualityMetrics,
} from './metrics.js';

/** A preset to evaluate: a built-in preset name, and the folder holding its files (else the hub). */
export interface PresetSpec {
  name: string;
  modelDir?: string;
}

export type EvalPhase = 'load' | 'gallery' | 'index' | 'queries' | 'queries-cropped';

export interface EvalProgress {
  preset: string;
  phase: EvalPhase;
  done: number;
  total: number;
}

export interface EvalOptions {
  presets: readonly PresetSpec[];
  /** Also run every query cut to its bbox (when some have one). Default true. */
  crops?: boolean;
  /** ONNX Runtime intra-op threads (default 1: faster than the default on small machines). */
  threads?: number;
  /** Images per inference call while embedding the gallery. */
  batchSize?: number;
  /** HNSW ef_search of the throwaway server, 1..1000 (default: the server's, 64). Higher → closer to exact. */
  efSearch?: number;
  /** transformers.js cache folder for hub downloads. */
  cacheDir?: string;
  onProgress?: (event: EvalProgress) => void;
  /** Stops between two photos; the throwaway server and its data folder are still cleaned up. */
  signal?: AbortSignal;
}

export interface QueryRun {
  /** `false`: the whole query photo; `true`: cut to its bbox (queries without one stay whole). */
  cropped: boolean;
  metrics: QualityMetrics;
  latencyMs: {
    /** Embedding one query photo (decode, resize, inference), one at a time. */
    embed: LatencySummary;
    /** `POST /v1/search` round trip through the SDK client (k = MAX_K). */
    search: LatencySummary;
    /** The server's own `tookMs` for the same searches. */
    serverSearch: LatencySummary;
  };
  /** Per query: its key and the rank of the first relevant result (null: not in the top MAX_K). */
  ranks: { key: string; rank: number | null }[];
}

export interface PresetResult {
  preset: string;
  fingerprint: string;
  dim: number;
  dtype: string;
  modelDir: string | null;
  device: string;
  loadMs: number;
  /** The throwaway server's index parameters (`GET /v1/info`), so a report says which search it measured. */
  index: { kind: string; m: number; efConstruction: number; efSearch: number; distance: string };
  gallery: { images: number; embedMs: number; imagesPerSecond: number; indexMs: number };
  runs: QueryRun[];
}

export interface EvalReport {
  set: { source: string; format: string; galleryImages: number; items: number; queries: number; withBbox: number };
  k: number;
  startedAt: string;
  environment: { node: string; platform: string; arch: string };
  results: PresetResult[];
}

/**
 * For each preset, one after another: a throwaway search server (PGlite in a temp folder) with that preset,
 * the gallery embedded and upserted through the admin API, then every query embedded and searched over HTTP.
 */
export async function runEval(set: LabelledSet, options: EvalOptions): Promise<EvalReport> {
  if (options.presets.length === 0) throw new RangeError('runEval needs at least one preset');
  const checkInt = (name: string, value: number | undefined, min: number, max: number) => {
    if (value !== undefined && (!Number.isInteger(value) || value < min || value > max)) {
      throw new RangeError(`runEval: ${name} must be an integer ${min}..${max}, got ${value}`);
    }
  };
  checkInt('threads', options.threads, 1, 64);
  checkInt('batchSize', options.batchSize, 1, 256);
  checkInt('efSearch', options.efSearch, 1, 1000);
  if (set.gallery.length === 0 || set.queries.length === 0) {
    throw new RangeError('runEval needs a gallery and at least one query');
  }
  const startedAt = new Date().toISOString();
  const results: PresetResult[] = [];
  for (const spec of options.presets) results.push(await evalPreset(set, spec, options));
  return {
    set: {
      source: set.source,
      format: set.format,
      galleryImages: set.gallery.length,
      items: new Set(set.gallery.map((g) => g.itemId)).size,
      queries: set.queries.length,
      withBbox: set.queries.filter((q) => q.bbox).length,
    },
    k: MAX_K,
    startedAt,
    environment: { node: process.version, platform: process.platform, arch: process.arch },
    results,
  };
}

async function evalPreset(set: LabelledSet, spec: PresetSpec, options: EvalOptions): Promise<PresetResult> {
  const progress = (phase: EvalPhase, done: number, total: number) => {
    options.signal?.throwIfAborted();
    options.onProgress?.({ preset: spec.name, phase, done, total });
  };
  progress('load', 0, 1);
  const loadStart = performance.now();
  const embedder = await createEmbedder({
    preset: spec.name,
    threads: options.threads ?? 1,
    ...(spec.modelDir ? { modelDir: spec.modelDir } : {}),
    ...(options.batchSize ? { batchSize: options.batchSize } : {}),
    ...(options.cacheDir ? { cacheDir: options.cacheDir } : {}),
  });
  const loadMs = performance.now() - loadStart;
  progress('load', 1, 1);
  const dataDir = await mkdtemp(join(tmpdir(), 'ftf-eval-'));
  const secret = `sk_eval_${randomBytes(12).toString('hex')}`;
  try {
    const config = loadConfig({
      PORT: '0',
      HOST: '127.0.0.1',
      FTF_DATA_DIR: dataDir,
      FTF_MODEL: spec.name,
      FTF_SECRET_KEYS: secret,
      FTF_RATE_LIMIT_RPS: '0',
      FTF_LOG_LEVEL: 'silent',
      ...(options.efSearch !== undefined ? { FTF_HNSW_EF_SEARCH: String(options.efSearch) } : {}),
    });
    if (config.model.fingerprint !== embedder.fingerprint) {
      throw new Error(
        `The embedder (${embedder.fingerprint}) and the server (${config.model.fingerprint}) disagree on ${spec.name}`,
      );
    }
    const server = await startServer(config, createLogger('silent'));
    try {
      const client = new FindThisFit({ baseURL: server.url, apiKey: secret, maxRetries: 0 });
      const gallery = await indexGallery(set, embedder, client, progress);
      const { index } = await client.info();
      const itemOf = new Map(set.gallery.map((g, i) => [externalIdOf(i), g.itemId]));
      const run = (cropped: boolean) => runQueries(set.queries, cropped, itemOf, embedder, client, progress);
      const runs = [await run(false)];
      if ((options.crops ?? true) && set.queries.some((q) => q.bbox)) runs.push(await run(true));
      return {
        preset: spec.name,
        fingerprint: embedder.fingerprint,
        dim: embedder.dim,
        dtype: embedder.preset.dtype,
        modelDir: spec.modelDir ?? null,
        device: embedder.device,
        loadMs,
        index,
        gallery,
        runs,
      };
    } finally {
      await server.close();
    }
  } finally {
    await embedder.dispose();
    await rm(dataDir, { recursive: true, force: true });
  }
}

/** A batch failed: embed its photos one by one so the error names the photo that cannot be read. */
async function findUnreadable(
  embedder: Embedder,
  slice: readonly GalleryImage[],
  bytes: readonly Buffer[],
): Promise<never> {
  for (const [i, image] of slice.entries()) {
    await embedder.embedImage(bytes[i] as Buffer).catch((error: unknown) => {
      throw new Error(`gallery image ${image.path}: ${(error as Error).message}`, { cause: error });
    });
  }
  throw new Error(`embedding gallery images ${slice[0]?.path} … failed as a batch but not one by one`);
}

/** Gallery image i becomes listing `g<i>`: keys of any length fit `externalId`, and results map back by index. */
const externalIdOf = (index: number) => `g${index}`;

async function indexGallery(
  set: LabelledSet,
  embedder: Embedder,
  client: FindThisFit,
  progress: (phase: EvalPhase, done: number, total: number) => void,
): Promise<PresetResult['gallery']> {
  const total = set.gallery.length;
  const vectors: Float32Array[] = [];
  let embedMs = 0;
  const chunk = 32; // progress granularity; the embedder batches inside
  progress('gallery', 0, total);
  for (let start = 0; start < total; start += chunk) {
    const slice = set.gallery.slice(start, start + chunk);
    const bytes = await Promise.all(slice.map((g) => readFile(g.path)));
    const t = performance.now();
    vectors.push(...(await embedder.embedImages(bytes).catch(() => findUnreadable(embedder, slice, bytes))));
    embedMs += performance.now() - t;
    progress('gallery', Math.min(total, start + chunk), total);
  }
  progress('index', 0, total);
  const t = performance.now();
  await client.items.upsert(
    set.gallery.map((g, i) => ({
      source: 'eval',
      externalId: externalIdOf(i),
      title: g.itemId.slice(0, 1000),
      url: `http://eval.invalid/${externalIdOf(i)}`,
      imageUrl: `http://eval.invalid/${externalIdOf(i)}.jpg`,
      vector: vectors[i] as Float32Array,
    })),
    { model: embedder.fingerprint },
  );
  const indexMs = performance.now() - t;
  progress('index', total, total);
  return { images: total, embedMs, imagesPerSecond: total / Math.max(embedMs / 1000, 1e-9), indexMs };
}

async function runQueries(
  queries: readonly QueryImage[],
  cropped: boolean,
  itemOf: ReadonlyMap<string, string>,
  embedder: Embedder,
  client: FindThisFit,
  progress: (phase: EvalPhase, done: number, total: number) => void,
): Promise<QueryRun> {
  const phase: EvalPhase = cropped ? 'queries-cropped' : 'queries';
  const embedMs: number[] = [];
  const searchMs: number[] = [];
  const serverMs: number[] = [];
  const ranks: QueryRun['ranks'] = [];
  progress(phase, 0, queries.length);
  for (const [i, query] of queries.entries()) {
    let bytes: Buffer = await readFile(query.path);
    if (cropped && query.bbox) bytes = await cropImage(bytes, query.bbox, query.key);
    let t = performance.now();
    const vector = await embedder.embedImage(bytes).catch((error: unknown) => {
      throw new Error(`query ${query.path}: ${(error as Error).message}`, { cause: error });
    });
    embedMs.push(performance.now() - t);
    t = performance.now();
    const page = await client.search({ vector, model: embedder.fingerprint, k: MAX_K });
    searchMs.push(performance.now() - t);
    serverMs.push(page.tookMs);
    const items = page.results.map((r) => itemOf.get(r.externalId) ?? '');
    const rank = firstRelevantRank(items, new Set(query.relevant));
    ranks.push({ key: query.key, rank: rank ?? null });
    progress(phase, i + 1, queries.length);
  }
  return {
    cropped,
    metrics: qualityMetrics(ranks.map((r) => r.rank ?? undefined)),
    latencyMs: {
      embed: latencySummary(embedMs),
      search: latencySummary(searchMs),
      serverSearch: latencySummary(serverMs),
    },
    ranks,
  };
}
