import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';

/**
 * Bodies of pages and feeds, content-addressed (sha256) and gzipped under `<stateDir>/bodies/`: what a 304 or an
 * unchanged sitemap `<lastmod>` is answered from, so sources read the same bytes without downloading them again.
 */
export class BodyStore {
  readonly #dir: string;

  constructor(stateDir: string) {
    this.#dir = join(stateDir, 'bodies');
  }

  static hash(body: Buffer): string {
    return createHash('sha256').update(body).digest('hex');
  }

  #path(hash: string): string {
    if (!/^[0-9a-f]{64}$/.test(hash)) throw new TypeError(`not a sha256 hex digest: ${hash}`);
    return join(this.#dir, hash.slice(0, 2), `${hash}.gz`);
  }

  /** Stores `body` (once per content) and returns its hash. Written to a temp file, then renamed. */
  put(body: Buffer): string {
    const hash = BodyStore.hash(body);
    const path = this.#path(hash);
    if (existsSync(path)) return hash;
    mkdirSync(join(this.#dir, hash.slice(0, 2)), { recursive: true });
    const temp = `${path}.${process.pid}.tmp`;
    writeFileSync(temp, gzipSync(body));
    renameSync(temp, path);
    return hash;
  }

  /** The body with this hash, or undefined when it is not stored (or unreadable: then it is fetched again). */
  get(hash: string): Buffer | undefined {
    try {
      const body = gunzipSync(readFileSync(this.#path(hash)));
      return BodyStore.hash(body) === hash ? body : undefined;
    } catch {
      return undefined;
    }
  }

  /** Deletes every stored body not in `keep`; returns how many went. */
  prune(keep: ReadonlySet<string>): number {
    if (!existsSync(this.#dir)) return 0;
    let removed = 0;
    for (const shard of readdirSync(this.#dir)) {
      for (const file of readdirSync(join(this.#dir, shard))) {
        const hash = file.replace(/\.gz$/, '');
        if (keep.has(hash)) continue;
        rmSync(join(this.#dir, shard, file), { force: true });
        removed++;
      }
    }
    return removed;
  }
}
