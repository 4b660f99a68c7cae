// @ts-check
// Rendered photos by look and width, cached in a byte-bounded LRU; concurrent requests share one render.
import { ByteLru } from './lru.js';
import { imageTag, lookOf, renderListingImage } from './render.js';

/** @typedef {import('../catalogue.js').FixtureListing} FixtureListing */

export class ImageStore {
  /** @param {number} maxBytes */
  constructor(maxBytes) {
    this.cache = new ByteLru(maxBytes);
    /** @type {Map<string, Promise<Buffer>>} */
    this.pending = new Map();
    this.renders = 0;
  }

  /** @param {FixtureListing} listing @param {number} width */
  tag(listing, width) {
    return imageTag(listing, width);
  }

  /** @param {FixtureListing} listing @param {number} width @returns {Promise<Buffer>} */
  async get(listing, width) {
    // The full look, not its 32-bit hash, keys the cache: a hash collision must not serve another photo.
    const tag = `${JSON.stringify(lookOf(listing))}@${width}`;
    const cached = this.cache.get(tag);
    if (cached) return cached;
    const running = this.pending.get(tag);
    if (running) return running;
    const job = renderListingImage(listing, { width }).then(
      (bytes) => {
        this.renders++;
        this.pending.delete(tag);
        if (this.cache.maxBytes > 0) this.cache.set(tag, bytes);
        return bytes;
      },
      (error) => {
        this.pending.delete(tag);
        throw error;
      },
    );
    this.pending.set(tag, job);
    return job;
  }
}
