import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import { createApp, type FindThisFitApp } from './app.js';
import type { Config } from './config.js';
import { createLogger } from './logger.js';
import { HttpDrainer } from './shutdown.js';
import { createStore } from './store/index.js';
import type { Store } from './store/types.js';

export interface RunningServer {
  server: Server;
  app: FindThisFitApp;
  store: Store;
  url: string;
  /**
   * Stops accepting, answers every accepted request (with Connection: close), then closes the store, which
   * answers the queries still queued. Past the shutdown timeout the remaining connections are cut (logged).
   */
  close(): Promise<void>;
}

/** Builds the store and app, listens, logs one line with the URL. The caller owns signals and exit codes. */
export async function startServer(
  config: Config,
  logger: Logger = createLogger(config.logLevel),
): Promise<RunningServer> {
  if (config.open) {
    logger.warn('FTF_OPEN is on: anyone who can reach this server can search without a key (admin still needs one)');
  }
  const store = await createStore({
    fingerprint: config.model.fingerprint,
    dim: config.model.preset.dim,
    hnsw: config.hnsw,
    dataDir: config.dataDir,
    logger,
    ...(config.databaseUrl ? { databaseUrl: config.databaseUrl } : {}),
    ...(config.readReplicas
      ? {
          readUrls: config.readReplicas.urls,
          replicaMaxLagMs: config.readReplicas.maxLagMs,
          replicaCheckIntervalMs: config.readReplicas.checkIntervalMs,
        }
      : {}),
    ...(config.poolSize !== undefined ? { poolSize: config.poolSize } : {}),
    ...(config.statementTimeoutMs !== undefined ? { statementTimeoutMs: config.statementTimeoutMs } : {}),
    queryQueueMax: config.queryQueueMax,
  });
  const app = createApp({ store, config, logger });
  const server = createServer(app.callback());
  // Slow-loris guards: a client gets this long to send headers / a whole request.
  server.headersTimeout = 20_000;
  server.requestTimeout = 60_000;
  const drainer = new HttpDrainer(server);
  try {
    server.listen(config.port, config.host);
    await once(server, 'listening');
  } catch (error) {
    await store.close().catch(() => {});
    throw error;
  }
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const url = `http://${host}:${address.port}`;
  logger.info(
    {
      url,
      store: store.kind,
      model: config.model.fingerprint,
      imageSearch: Boolean(config.model.modelDir),
      ...(config.readReplicas ? { readReplicas: store.health().replicas?.map((r) => r.label) } : {}),
    },
    `find-this-fit listening on ${url}`,
  );

  let closing: Promise<void> | undefined;
  const close = () => {
    closing ??= (async () => {
      const { cut, timedOut } = await drainer.drain(config.shutdownTimeoutMs);
      if (timedOut) {
        logger.warn(
          { timeoutMs: config.shutdownTimeoutMs, requestsCut: cut },
          `shutdown timeout: cut ${cut} request(s) still in flight`,
        );
      }
      await app.dispose().catch(() => {});
      await store.close();
    })();
    return closing;
  };
  return { server, app, store, url, close };
}
