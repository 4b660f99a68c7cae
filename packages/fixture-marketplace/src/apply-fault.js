// @ts-check
// Applies one injected fault to a request. Returns true when the fault produced the whole response, false
// when the normal route should answer (a delay that has elapsed).
import { CHALLENGE_HTML } from './faults.js';
import { decompressionBombPng, padImage } from './image/hostile.js';

/** @typedef {import('./faults.js').Fault} Fault */
/** @typedef {import('./http-util.js').Reply} Reply */

/** @param {Reply} r Cuts a real body mid-way; inside the JSON-LD block for product pages. */
export function truncate(r) {
  const text = r.body.toString('utf8');
  const start = text.indexOf('application/ld+json');
  if (start >= 0) {
    const open = text.indexOf('>', start) + 1;
    const close = text.indexOf('</script>', open);
    return Buffer.from(text.slice(0, open + Math.floor((close - open) / 2)));
  }
  return r.body.subarray(0, Math.max(0, Math.floor(r.body.length / 2)));
}

/**
 * @param {Fault} fault
 * @param {import('node:http').IncomingMessage} req
 * @param {import('node:http').ServerResponse} res
 * @param {() => Promise<Reply>} real the reply the route would give
 * @param {import('./image/image-store.js').ImageStore} images
 * @param {import('./routes.js').Catalogue} state
 */
export async function applyFault(fault, req, res, real, images, state) {
  /** @param {number} status @param {Record<string, string | number>} headers @param {Buffer | string} body */
  const end = (status, headers, body) => {
    const bytes = Buffer.isBuffer(body) ? body : Buffer.from(body);
    res.writeHead(status, { ...headers, 'content-length': bytes.length });
    res.end(req.method === 'HEAD' ? undefined : bytes);
    return true;
  };
  switch (fault.type) {
    case 'delay':
      await new Promise((resolve) => setTimeout(resolve, fault.ms));
      return res.destroyed;
    case 'reset':
      req.socket.destroy();
      return true;
    case 'status': {
      /** @type {Record<string, string | number>} */
      const headers = { 'content-type': 'text/plain; charset=utf-8', ...(fault.headers ?? {}) };
      if (fault.retryAfter !== undefined) headers['retry-after'] = String(fault.retryAfter);
      return end(fault.status, headers, fault.body ?? `${fault.status} injected by the fixture marketplace\n`);
    }
    case 'challenge':
      return end(
        403,
        {
          'content-type': 'text/html; charset=UTF-8',
          'cf-mitigated': 'challenge',
          server: 'cloudflare',
          'cache-control': 'private, max-age=0, no-store',
        },
        CHALLENGE_HTML,
      );
    case 'redirect':
      return end(
        fault.status ?? 302,
        { location: fault.location, 'content-type': 'text/plain; charset=utf-8' },
        `Redirecting to ${fault.location}\n`,
      );
    case 'malformed': {
      const r = await real();
      return end(r.status, { 'content-type': r.type }, truncate(r));
    }
    case 'wrong-content-type': {
      const r = await real();
      return end(r.status, { 'content-type': fault.contentType }, r.body);
    }
    case 'oversized-image': {
      const r = await real();
      const first = state.listings[0];
      const jpeg = r.type === 'image/jpeg' ? r.body : first ? await images.get(first, 640) : Buffer.alloc(0);
      return end(200, { 'content-type': 'image/jpeg' }, padImage(jpeg, fault.bytes));
    }
    case 'decompression-bomb':
      return end(200, { 'content-type': 'image/png' }, decompressionBombPng(fault.width, fault.height));
  }
  return false;
}
