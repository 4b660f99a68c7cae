import type { Listing, ListingStatus, UpsertResponse } from '@find-this-fit/sdk';
import { isStoreError } from './errors.js';
import type { ReplicaMember, ReplicaSet } from './replica-set.js';
import type { SqlStore } from './sql-store.js';
import type { NormalizedUpsert, SearchQuery, Store, StoreCounts, StoreHealth, StoreHit } from './types.js';

type FallbackReason = 'no_replica' | 'write_fence' | 'replica_error';

/** 40001 on a standby: "canceling statement due to conflict with recovery": the primary can answer it. */
const RECOVERY_CONFLICT = '40001';

/**
 * The store with PostgreSQL read replicas: searches and item reads go to a healthy replica (see ReplicaSet),
 * everything else to the primary: writes, the counts /v1/info shows (just after an ingest they must be
 * current), and readiness (reads fall back to the primary, so it alone decides whether we can serve).
 * A read that fails on a replica for a connection reason or a recovery conflict is retried once on the
 * primary, so a replica going away costs no failed request.
 */
export class RoutedStore implements Store {
  readonly kind = 'postgres' as const;
  readonly #primaryReads: Record<FallbackReason, number> = { no_replica: 0, write_fence: 0, replica_error: 0 };

  constructor(
    readonly primary: SqlStore,
    readonly replicas: ReplicaSet,
  ) {}

  async #read<T>(fn: (store: Store) => Promise<T>): Promise<T> {
    const choice = this.replicas.pick();
    if (!choice.member) {
      this.#primaryReads[choice.reason]++;
      return fn(this.primary);
    }
    const member: ReplicaMember = choice.member;
    try {
      return await this.replicas.read(member, () => fn(member.store));
    } catch (error) {
      if (!isStoreError(error)) throw error;
      const code = (error.cause as { code?: unknown } | undefined)?.code;
      if (error.code === 'unavailable') this.replicas.markFailed(member, error);
      else if (code !== RECOVERY_CONFLICT) throw error;
      this.#primaryReads.replica_error++;
      return fn(this.primary);
    }
  }

  /** After a write, replicas serve this process's reads only once they replayed it. */
  async #fence(): Promise<void> {
    try {
      const [row] = await this.primary.executor.query<{ lsn: string }>('SELECT pg_current_wal_lsn()::text AS lsn');
      if (row) this.replicas.fence(row.lsn);
    } catch {
      // The write itself succeeded; without a fence position, the lag limit still bounds staleness.
    }
  }

  async #write<T>(fn: () => Promise<T>): Promise<T> {
    const result = await fn();
    await this.#fence();
    return result;
  }

  upsert(items: readonly NormalizedUpsert[]): Promise<UpsertResponse> {
    return this.#write(() => this.primary.upsert(items));
  }

  search(query: SearchQuery): Promise<StoreHit[]> {
    return this.#read((store) => store.search(query));
  }

  get(id: string): Promise<Listing | undefined> {
    return this.#read((store) => store.get(id));
  }

  getVector(id: string): Promise<Float32Array | undefined> {
    return this.#read((store) => store.getVector(id));
  }

  delete(id: string): Promise<boolean> {
    return this.#write(() => this.primary.delete(id));
  }

  setStatus(id: string, status: ListingStatus): Promise<Listing | undefined> {
    return this.#write(() => this.primary.setStatus(id, status));
  }

  counts(): Promise<StoreCounts> {
    return this.primary.counts();
  }

  ping(): Promise<void> {
    return this.primary.ping();
  }

  health(): StoreHealth {
    return { ...this.primary.health(), replicas: this.replicas.health(), primaryReads: { ...this.#primaryReads } };
  }

  async close(): Promise<void> {
    await this.replicas.close();
    await this.primary.close();
  }
}
