import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import type { HnswParams, Store } from './store/types.js';

/** Prometheus metrics of one app. A registry per app (not prom-client's global) so apps never share series. */
export interface AppMetrics {
  registry: Registry;
  requests: Counter<'method' | 'route' | 'status'>;
  requestDuration: Histogram<'method' | 'route' | 'status'>;
  searchDuration: Histogram<'endpoint'>;
  searchResults: Histogram<'endpoint'>;
}

export function createMetrics(store: Store, index?: HnswParams): AppMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'ftf_' });
  const requests = new Counter({
    name: 'ftf_http_requests_total',
    help: 'HTTP requests by route pattern and status.',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [registry],
  });
  const requestDuration = new Histogram({
    name: 'ftf_http_request_duration_seconds',
    help: 'HTTP request latency by route pattern and status.',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  const searchDuration = new Histogram({
    name: 'ftf_search_duration_seconds',
    help: 'Time spent in store searches per request (all rounds), by endpoint.',
    labelNames: ['endpoint'] as const,
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
    registers: [registry],
  });
  const searchResults = new Histogram({
    name: 'ftf_search_results',
    help: 'Rows returned per search page, by endpoint.',
    labelNames: ['endpoint'] as const,
    buckets: [0, 1, 5, 10, 20, 50, 100],
    registers: [registry],
  });
  // Read at scrape time, so the gauge is never stale.
  new Gauge({
    name: 'ftf_store_connections',
    help: 'Store connections by state (pool for PostgreSQL, one for PGlite).',
    labelNames: ['backend', 'state'] as const,
    registers: [registry],
    collect() {
      const health = store.health();
      for (const state of ['total', 'idle', 'waiting'] as const) {
        this.set({ backend: health.kind, state }, health.connections[state]);
      }
    },
  });
  if (index) {
    // Info-style series: the index settings as labels, so dashboards can show which are in force.
    new Gauge({
      name: 'ftf_index_info',
      help: 'The HNSW index settings in force (value 1; settings as labels).',
      labelNames: ['kind', 'vector_type', 'm', 'ef_construction', 'ef_search'] as const,
      registers: [registry],
    }).set(
      {
        kind: 'hnsw',
        vector_type: index.vectorType ?? 'vector',
        m: String(index.m),
        ef_construction: String(index.efConstruction),
        ef_search: String(index.efSearch),
      },
      1,
    );
  }
  if (store.health().replicas) replicaMetrics(registry, store);
  return { registry, requests, requestDuration, searchDuration, searchResults };
}

/** Read-replica series (only with DATABASE_READ_URLS), read from the store at scrape time. */
function replicaMetrics(registry: Registry, store: Store): void {
  const replicas = () => store.health().replicas ?? [];
  new Gauge({
    name: 'ftf_replica_in_rotation',
    help: 'Whether a read replica serves reads (1) or is out of rotation (0, with the reason).',
    labelNames: ['replica', 'reason'] as const,
    registers: [registry],
    collect() {
      this.reset();
      for (const r of replicas()) this.set({ replica: r.label, reason: r.reason ?? 'ok' }, r.inRotation ? 1 : 0);
    },
  });
  new Gauge({
    name: 'ftf_replica_lag_seconds',
    help: 'How long ago the primary was at the oldest WAL position the replica has not replayed (0 = caught up).',
    labelNames: ['replica'] as const,
    registers: [registry],
    collect() {
      this.reset();
      for (const r of replicas()) if (r.lagMs !== undefined) this.set({ replica: r.label }, r.lagMs / 1000);
    },
  });
  new Gauge({
    name: 'ftf_replica_lag_bytes',
    help: "Primary's current WAL position minus the replica's replayed position at the last check.",
    labelNames: ['replica'] as const,
    registers: [registry],
    collect() {
      this.reset();
      for (const r of replicas()) if (r.lagBytes !== undefined) this.set({ replica: r.label }, r.lagBytes);
    },
  });
  new Gauge({
    name: 'ftf_replica_connections',
    help: 'Read-replica pool connections by state.',
    labelNames: ['replica', 'state'] as const,
    registers: [registry],
    collect() {
      for (const r of replicas()) {
        for (const state of ['total', 'idle', 'waiting'] as const) {
          this.set({ replica: r.label, state }, r.connections[state]);
        }
      }
    },
  });
  // Totals kept by the store; a counter set from them at scrape time.
  new Counter({
    name: 'ftf_store_reads_total',
    help: 'Store reads (searches, item reads) by where they ran: a replica, or the primary and why.',
    labelNames: ['target', 'reason'] as const,
    registers: [registry],
    collect() {
      const health = store.health();
      this.reset();
      for (const r of health.replicas ?? []) this.inc({ target: r.label, reason: 'replica' }, r.reads);
      for (const [reason, n] of Object.entries(health.primaryReads ?? {})) this.inc({ target: 'primary', reason }, n);
    },
  });
  new Counter({
    name: 'ftf_replica_check_failures_total',
    help: 'Failed replica health checks.',
    labelNames: ['replica'] as const,
    registers: [registry],
    collect() {
      this.reset();
      for (const r of replicas()) this.inc({ replica: r.label }, r.checkFailures);
    },
  });
}
