import { assertSameModel, type FindThisFit, type InfoResponse, LocalModelMismatchError } from '@find-this-fit/sdk';
import { startWorkerEmbedder, type WorkerEmbedder } from './worker-embedder.js';

/**
 * The embedder's model is not the one the server's index was built with: the sdk's `LocalModelMismatchError`
 * under ingest's earlier name.
 * @deprecated Use `LocalModelMismatchError` from `@find-this-fit/sdk` (this name clashes with the sdk's HTTP 409
 * `ModelMismatchError`).
 */
export const ModelMismatchError = LocalModelMismatchError;

export interface ServerModel {
  info: InfoResponse;
  embedder: WorkerEmbedder;
  fingerprint: string;
}

/**
 * Loads the embedder for the preset the server announces in `/v1/info` (preset and dtype from the server,
 * files from `modelDir`), and refuses to go on when its fingerprint differs from the server's.
 */
export async function loadServerModel(
  client: FindThisFit,
  options: { modelDir?: string | undefined; threads?: number | undefined; batchSize: number },
): Promise<ServerModel> {
  const info = await client.info();
  const embedder = await startWorkerEmbedder({
    preset: info.model.preset,
    dtype: info.model.dtype as 'q8', // the server's dtype, pinned explicitly (it is part of the fingerprint)
    batchSize: options.batchSize,
    device: 'cpu',
    ...(options.modelDir ? { modelDir: options.modelDir } : {}),
    ...(options.threads ? { threads: options.threads } : {}),
  });
  try {
    assertSameModel(
      { fingerprint: embedder.fingerprint },
      info.model,
      'refusing to ingest vectors that would not compare',
    );
  } catch (error) {
    await embedder.dispose();
    throw error;
  }
  return { info, embedder, fingerprint: info.model.fingerprint };
}
