import type { InfoResponse } from '@find-this-fit/sdk';
import type Router from '@koa/router';
import { requireAccess } from '../http/auth.js';
import { queryDtypesOf } from '../vectors.js';
import { SERVER_VERSION } from '../version.js';
import type { RouteDeps } from './context.js';

export function infoRoutes(router: Router, deps: RouteDeps): void {
  const { config, store, embedder } = deps;

  router.get('/v1/info', requireAccess(config, 'read'), async (ctx) => {
    const p = config.model.preset;
    const body: InfoResponse = {
      name: 'find-this-fit',
      version: SERVER_VERSION,
      model: {
        preset: p.name,
        modelId: p.modelId,
        revision: p.revision,
        family: p.family,
        dim: p.dim,
        dtype: p.dtype,
        imageSize: p.imageSize,
        fingerprint: config.model.fingerprint,
        // What a client may embed queries with (WebGPU needs fp16/fp32): the fingerprint check accepts exactly these.
        queryDtypes: queryDtypesOf(config.model),
      },
      items: await store.counts(),
      index: { kind: 'hnsw', ...config.hnsw, distance: 'cosine' },
      limits: {
        maxK: config.limits.maxK,
        maxBatch: config.limits.maxBatch,
        maxVectorBodyBytes: config.limits.maxBodyBytes,
        maxImageBytes: config.limits.maxImageBytes,
        maxImagePixels: config.limits.maxImagePixels,
      },
      imageSearch: embedder.enabled,
    };
    ctx.body = body;
  });
}
