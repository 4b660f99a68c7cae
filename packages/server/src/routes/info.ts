import type { InfoResponse } from '@find-this-fit/sdk';
import type { Route } from '../http/route.js';
import { responseSchemas } from '../schemas.js';
import { queryDtypesOf } from '../vectors.js';
import { SERVER_VERSION } from '../version.js';
import type { RouteDeps } from './context.js';

export function infoRoutes(deps: RouteDeps): Route[] {
  const { config, store, embedder } = deps;

  return [
    {
      method: 'get',
      path: '/v1/info',
      access: 'read',
      summary: 'Model, index, counts and limits',
      responses: { 200: { description: 'Server info', json: responseSchemas.infoResponse } },
      errors: [401, 403, 429],
      handler: async (ctx) => {
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
      },
    },
  ];
}
