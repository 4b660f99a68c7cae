// @ts-check
// Response helpers: strong ETags, Last-Modified and conditional GETs (RFC 9110: If-None-Match wins over
// If-Modified-Since).
import { createHash } from 'node:crypto';

/**
 * @typedef {object} Reply
 * @property {number} status
 * @property {string} type Content-Type.
 * @property {Buffer} body
 * @property {string} [etag] Quoted; computed from the body when absent.
 * @property {number} [lastModified] Epoch ms.
 * @property {Record<string, string>} [headers]
 */

/** @param {number} status @param {string} type @param {string | Buffer | object} body @param {Partial<Reply>} [extra] @returns {Reply} */
export function reply(status, type, body, extra = {}) {
  const bytes = Buffer.isBuffer(body) ? body : Buffer.from(typeof body === 'string' ? body : JSON.stringify(body));
  return { status, type, body: bytes, ...extra };
}

/** @param {number} status @param {string} message */
export function jsonError(status, message) {
  return reply(status, 'application/json; charset=utf-8', { error: { status, message } });
}

/** @param {Buffer} body */
export function etagOf(body) {
  return `"${createHash('sha1').update(body).digest('base64url').slice(0, 22)}"`;
}

/**
 * Whether the client's cached copy is current.
 * @param {import('node:http').IncomingHttpHeaders} headers @param {string} etag @param {number | undefined} lastModified
 */
export function notModified(headers, etag, lastModified) {
  const inm = headers['if-none-match'];
  if (inm !== undefined) {
    return inm
      .split(',')
      .map((t) => t.trim().replace(/^W\//, ''))
      .some((t) => t === '*' || t === etag);
  }
  const ims = headers['if-modified-since'];
  if (ims !== undefined && lastModified !== undefined) {
    const since = Date.parse(ims);
    return Number.isFinite(since) && Math.floor(lastModified / 1000) * 1000 <= since;
  }
  return false;
}
