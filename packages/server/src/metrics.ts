import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import type { Store } from './store/types.js';

/** Prometheus metrics of one app. A registry per app (not prom-client's global) so apps never share series. */
export interface AppMetrics {
  registry: Registry;
  requests: Counter<'method' | 'route' | 'status'>;
  requestDuration: Histogram<'method' | 'route' | 'status'>;
  searchDuration: Histogram<'endpoint'>;
  searchResults: Histogram<'endpoint'>;
}

export function createMetrics(store: Store): AppMetrics {
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
  return { registry, requests, requestDuration, searchDuration, searchResults };
}
