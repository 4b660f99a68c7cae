// @ts-check
// A byte-bounded LRU for rendered JPEGs (Map keeps insertion order: re-inserting marks as recent).

export class ByteLru {
  /** @param {number} maxBytes */
  constructor(maxBytes) {
    this.maxBytes = maxBytes;
    this.bytes = 0;
    /** @type {Map<string, Buffer>} */
    this.map = new Map();
  }

  /** @param {string} key */
  get(key) {
    const value = this.map.get(key);
    if (value !== undefined) {
      this.map.delete(key);
      this.map.set(key, value);
    }
    return value;
  }

  /** @param {string} key @param {Buffer} value */
  set(key, value) {
    const old = this.map.get(key);
    if (old !== undefined) {
      this.bytes -= old.length;
      this.map.delete(key);
    }
    this.map.set(key, value);
    this.bytes += value.length;
    for (const [k, v] of this.map) {
      if (this.bytes <= this.maxBytes || this.map.size === 1) break;
      this.map.delete(k);
      this.bytes -= v.length;
    }
  }

  get size() {
    return this.map.size;
  }
}
