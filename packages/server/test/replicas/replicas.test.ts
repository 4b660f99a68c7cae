import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStore, RoutedStore } from '../../src/store/index.js';
import { replicaLabels } from '../../src/store/replica-label.js';
import type { Store } from '../../src/store/types.js';
import { client, DIM, listing, MODEL, postgresUrl, serve, type TestServer, testConfig, vec } from '../api/harness.js';
import { eventually, metric, replicaControllable, replicaServer, replicaUrl, sql } from './cluster.js';

const primaryUrl = postgresUrl();
const url = replicaUrl();
const skipReason = !primaryUrl
  ? ' — skipped: FTF_TEST_DATABASE_URL is not set (see .ci/pg-cluster.sh)'
  : !url
    ? ' — skipped: FTF_TEST_REPLICA_URL is not set (.ci/pg-cluster.sh replica-start)'
    : '';
const controllable = url ? await replicaControllable() : false;

const hnsw = { m: 16, efConstruction: 64, efSearch: 100 };
// Generous: on a busy 2-core CI machine a few steps of a test can take a second.
const MAX_LAG_MS = 3000;
// A replica check that does not answer within twice the interval counts as a failure: 1 s checks give a loaded
// machine 2 s per check before a healthy replica leaves the rotation.
const CHECK_INTERVAL_MS = 1000;

describe.skipIf(!primaryUrl || !url)(`read replicas (PostgreSQL streaming replication)${skipReason}`, () => {
  const primary = primaryUrl as string;
  const replica = url as string;
  const label = replicaLabels([replica])[0] as string;
  const schema = `ftf_replica_${process.pid}_${Date.now().toString(36)}`;
  const appName = `ftf-replica-test-${process.pid}`;
  let store: Store;
  let server: TestServer;
  let api: ReturnType<typeof client>;
  const ids: string[] = [];
  let paused = false;
  let stopped = false;

  const scrape = async () => (await api('/metrics')).text;
  const inRotation = async (reason: string) =>
    metric(await scrape(), 'ftf_replica_in_rotation', { replica: label, reason });
  const replicaReads = async () =>
    metric(await scrape(), 'ftf_store_reads_total', { target: label, reason: 'replica' }) ?? 0;
  const search = () => api('/v1/search', { body: { model: MODEL, vector: vec({ 0: 1, 1: 0.2 }), k: 3 } });
  const waitInRotation = () => eventually('the replica in rotation', async () => (await inRotation('ok')) === 1);
  /**
   * The server's own routing decision: its next read goes to the replica, because the replica is in rotation AND
   * the replay position the server last recorded for it is past this process's latest write (the write fence).
   * Rows visible on the replica are not enough: the server only learns the new position at its next check.
   */
  const waitReadsOnReplica = () =>
    eventually('the server routing reads to the replica (past the write fence)', async () => {
      if (!(store instanceof RoutedStore)) throw new Error('createStore with readUrls did not route reads');
      return store.replicas.pick().member !== undefined;
    });

  beforeAll(async () => {
    store = await createStore({
      databaseUrl: primary,
      schema,
      readUrls: [replica],
      replicaMaxLagMs: MAX_LAG_MS,
      replicaCheckIntervalMs: CHECK_INTERVAL_MS,
      applicationName: appName,
      poolSize: 4,
      fingerprint: MODEL,
      dim: DIM,
      hnsw,
    });
    server = await serve(store, testConfig());
    api = client(server.url);
  });

  afterAll(async () => {
    // Leave the shared replica as we found it, whatever failed.
    if (paused) await sql(replica, 'SELECT pg_wal_replay_resume()').catch(() => {});
    if (stopped) await replicaServer('resume').catch(() => {});
    await server?.close();
    await server?.app.dispose();
    await store?.close();
    await sql(primary, `DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  });

  it('writes go to the primary and reach the replica; searches and item reads come from the replica', async () => {
    const put = await api('/v1/items', {
      method: 'PUT',
      body: {
        model: MODEL,
        items: [listing('a', vec({ 0: 1 })), listing('b', vec({ 0: 1, 1: 0.5 })), listing('c', vec({ 1: 1 }))],
      },
    });
    expect(put.status, put.text).toBe(200);
    ids.push(...put.json.ids);
    // On the primary at once, and /v1/info (counted on the primary) says so at once too.
    const [onPrimary] = await sql<{ n: number }>(primary, `SELECT count(*)::int AS n FROM "${schema}".listings`);
    expect(onPrimary?.n).toBe(3);
    expect((await api('/v1/info')).json.items).toEqual({ active: 3, total: 3 });
    // On the replica once streamed and replayed, and then the server sends reads there.
    await eventually('the rows on the replica', async () => {
      const [row] = await sql<{ n: number }>(replica, `SELECT count(*)::int AS n FROM "${schema}".listings`);
      return row?.n === 3;
    });
    await waitReadsOnReplica();

    const before = await replicaReads();
    const first = await search();
    expect(first.status, first.text).toBe(200);
    expect(first.json.results.map((r: { title: string }) => r.title)).toEqual(['Listing a', 'Listing b', 'Listing c']);
    const item = await api(`/v1/items/${ids[0]}`);
    expect(item.status).toBe(200);
    const similar = await api(`/v1/items/${ids[0]}/similar?k=2`);
    expect(similar.status, similar.text).toBe(200);
    expect(await replicaReads()).toBeGreaterThanOrEqual(before + 3);

    // PostgreSQL's own view: the read pool is connected to the replica, and never to the primary.
    const onReplica = await sql<{ n: number }>(
      replica,
      'SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = $1',
      [`${appName}-read`],
    );
    expect(onReplica[0]?.n).toBeGreaterThan(0);
    const readPoolOnPrimary = await sql<{ n: number }>(
      primary,
      'SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = $1',
      [`${appName}-read`],
    );
    expect(readPoolOnPrimary[0]?.n).toBe(0);
    // A standby refuses writes: the admin write above can only have run on the primary.
    await expect(sql(replica, `DELETE FROM "${schema}".listings`)).rejects.toThrow(/read-only transaction/);
  });

  it('shows lag in /metrics, takes a replica behind FTF_REPLICA_MAX_LAG_MS out of rotation, re-admits it', async () => {
    await waitInRotation();
    const id = ids[0] as string;
    await sql(replica, 'SELECT pg_wal_replay_pause()');
    paused = true;
    // Written behind the server's back, so its write fence does not send reads to the primary.
    await sql(primary, `UPDATE "${schema}".listings SET title = 'Renamed' WHERE id = $1`, [id]);

    // Still in rotation for up to MAX_LAG_MS: the stale title proves the read ran on the replica.
    const stale = await api(`/v1/items/${id}`);
    expect(stale.json.title).toBe('Listing a');

    const text = await eventually('the replica out of rotation for lag', async () => {
      const t = await scrape();
      return metric(t, 'ftf_replica_in_rotation', { replica: label, reason: 'lag' }) === 0 && t;
    });
    expect(metric(text, 'ftf_replica_lag_seconds', { replica: label })).toBeGreaterThan(MAX_LAG_MS / 1000);
    expect(metric(text, 'ftf_replica_lag_bytes', { replica: label })).toBeGreaterThan(0);
    // Now from the primary: the fresh title, and a search still answers.
    expect((await api(`/v1/items/${id}`)).json.title).toBe('Renamed');
    expect((await search()).status).toBe(200);
    expect(
      metric(await scrape(), 'ftf_store_reads_total', { target: 'primary', reason: 'no_replica' }),
    ).toBeGreaterThan(0);

    await sql(replica, 'SELECT pg_wal_replay_resume()');
    paused = false;
    await waitReadsOnReplica();
    expect(metric(await scrape(), 'ftf_replica_lag_seconds', { replica: label })).toBeLessThan(MAX_LAG_MS / 1000);
    const before = await replicaReads();
    expect((await api(`/v1/items/${id}`)).json.title).toBe('Renamed');
    expect(await replicaReads()).toBe(before + 1);
  });

  it.skipIf(!controllable)(
    'a stopped replica leaves the rotation with no failed search; restarted, it is re-admitted',
    async () => {
      await waitInRotation();
      await replicaServer('pause');
      stopped = true;
      // The first of these may hit the dead replica: it is retried on the primary, never a 5xx.
      for (let i = 0; i < 5; i++) {
        const res = await search();
        expect(res.status, res.text).toBe(200);
        expect(res.json.results).toHaveLength(3);
      }
      await eventually('the replica out of rotation', async () => (await inRotation('error')) === 0);
      expect((await api('/readyz')).status).toBe(200);
      const text = await scrape();
      const fromPrimary =
        (metric(text, 'ftf_store_reads_total', { target: 'primary', reason: 'no_replica' }) ?? 0) +
        (metric(text, 'ftf_store_reads_total', { target: 'primary', reason: 'replica_error' }) ?? 0);
      expect(fromPrimary).toBeGreaterThanOrEqual(5);
      // A failed read takes the replica out before any health check runs; the next check fails too.
      await eventually(
        'a failed health check of the stopped replica',
        async () => (metric(await scrape(), 'ftf_replica_check_failures_total', { replica: label }) ?? 0) > 0,
      );

      await replicaServer('resume');
      stopped = false;
      await waitReadsOnReplica();
      const before = await replicaReads();
      expect((await search()).status).toBe(200);
      expect(await replicaReads()).toBe(before + 1);
    },
  );

  it('keeps a read URL that is not a standby out of rotation and reads from the primary', async () => {
    const direct = await createStore({
      databaseUrl: primary,
      schema,
      readUrls: [primary],
      replicaCheckIntervalMs: CHECK_INTERVAL_MS,
      fingerprint: MODEL,
      dim: DIM,
      hnsw,
    });
    try {
      expect(direct.health().replicas?.[0]).toMatchObject({ inRotation: false, reason: 'not_standby' });
      const hits = await direct.search({ vector: new Float32Array(vec({ 0: 1 })), k: 3, filters: {} });
      expect(hits).toHaveLength(3);
      expect(direct.health().primaryReads?.no_replica).toBe(1);
    } finally {
      await direct.close();
    }
  });
});
