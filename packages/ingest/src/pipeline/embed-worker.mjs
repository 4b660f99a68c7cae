// Worker thread that owns the embedder, so image decoding and preprocessing (synchronous JavaScript in
// transformers.js) never block the event loop that fetches the next images. Plain JavaScript so it loads
// the same way from the sources (tests) and from dist/.
import { parentPort, workerData } from 'node:worker_threads';
import { createEmbedder } from '@find-this-fit/sdk/embedder';

const port = parentPort;
if (!port) throw new Error('embed-worker must run in a worker thread');

/** @param {unknown} error */
const describe = (error) => ({
  name: error instanceof Error ? error.name : 'Error',
  message: error instanceof Error ? error.message : String(error),
});

let embedder;
try {
  embedder = await createEmbedder(workerData);
  port.postMessage({
    type: 'ready',
    fingerprint: embedder.fingerprint,
    preset: embedder.preset,
    dim: embedder.dim,
    device: embedder.device,
  });
} catch (error) {
  port.postMessage({ type: 'failed', error: describe(error) });
}

port.on('message', async (message) => {
  if (message.type === 'dispose') {
    await embedder?.dispose();
    port.postMessage({ type: 'disposed' });
    return;
  }
  try {
    const vectors = await embedder.embedImages(message.images);
    port.postMessage(
      { type: 'result', id: message.id, vectors },
      vectors.map((v) => v.buffer),
    );
  } catch (error) {
    port.postMessage({ type: 'result', id: message.id, error: describe(error) });
  }
});
