import type { Executor } from './executor.js';
import { parseLsn } from './lsn.js';
import type { SqlStore } from './sql-store.js';
import type { ReplicaHealth, ReplicaOutReason } from './types.js';

export interface ReplicaSetLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
}

export interface ReplicaMember {
  label: string;
  /** The same SQL as the primary's store, over the replica's own pool. */
  store: SqlStore;
}

export interface ReplicaSetOptions {
  /** The primary's executor: where the current WAL position is read. */
  primary: Executor;
  replicas: readonly ReplicaMember[];
  /** Model fingerprint the replica's `ftf_meta` must hold (a URL pointing at another database is refused). */
  fingerprint: string;
  /** A replica further behind than this leaves the rotation. */
  maxLagMs: number;
  checkIntervalMs: number;
  logger?: ReplicaSetLogger;
  /** Clock, for tests. */
  now?: () => number;
}

interface Member extends ReplicaMember {
  inRotation: boolean;
  reason: ReplicaOutReason | undefined;
  lagMs: number | undefined;
  lagBytes: number | undefined;
  /** Last replayed WAL position seen by a check. */
  replayLsn: number;
  inFlight: number;
  reads: number;
  checkFailures: number;
}

/** The primary's WAL position at a moment: a replica that replayed past it holds everything written before. */
interface Sample {
  lsn: number;
  at: number;
}

const MAX_SAMPLES = 10_000;

/**
 * Health of the read replicas and the choice among them. A background check (every `checkIntervalMs`)
 * reads the primary's WAL position (`pg_current_wal_lsn()`) and each replica's replayed position
 * (`pg_last_wal_replay_lsn()`). Lag in bytes is their difference; lag in time is the age of the oldest
 * primary sample the replica has not replayed, so an idle primary does not make a caught-up replica look
 * stale (the flaw of `now() - pg_last_xact_replay_timestamp()`).
 *
 * A replica leaves the rotation when a check or a read fails, when it lags more than `maxLagMs` (or cannot
 * be measured yet), when it is not a standby, or when it holds another model's index; the next good check
 * re-admits it. Reads also respect a write fence: after this process writes, a replica serves reads only
 * once it has replayed that write (read-your-writes within one server process).
 */
export class ReplicaSet {
  readonly #options: ReplicaSetOptions;
  readonly #members: Member[];
  readonly #now: () => number;
  #samples: Sample[] = [];
  #fence = 0;
  #next = 0;
  #timer: NodeJS.Timeout | undefined;
  #soon: NodeJS.Timeout | undefined;
  #checking: Promise<void> | undefined;
  #closed = false;

  constructor(options: ReplicaSetOptions) {
    this.#options = options;
    this.#now = options.now ?? Date.now;
    this.#members = options.replicas.map((r) => ({
      ...r,
      inRotation: false,
      reason: 'starting',
      lagMs: undefined,
      lagBytes: undefined,
      replayLsn: 0,
      inFlight: 0,
      reads: 0,
      checkFailures: 0,
    }));
  }

  /** Runs a first check, then keeps checking in the background. Never throws: bad replicas just stay out. */
  async start(): Promise<void> {
    await this.check();
    // A first check cannot measure lag in time (one sample); a second one right after can.
    await this.check();
    this.#timer = setInterval(() => void this.check(), this.#options.checkIntervalMs);
    this.#timer.unref();
  }

  /** One round of checks (concurrent calls share it). */
  check(): Promise<void> {
    this.#checking ??= this.#checkAll().finally(() => {
      this.#checking = undefined;
    });
    return this.#checking;
  }

  async #checkAll(): Promise<void> {
    if (this.#closed) return;
    let primaryLsn: number | undefined;
    try {
      const [row] = await this.#options.primary.query<{ lsn: string }>('SELECT pg_current_wal_lsn()::text AS lsn');
      primaryLsn = parseLsn(row?.lsn ?? '');
      this.#samples.push({ lsn: primaryLsn, at: this.#now() });
      this.#trimSamples();
    } catch {
      // Primary unreachable: replicas keep their lag verdict, only their own errors count.
    }
    await Promise.all(this.#members.map((m) => this.#checkOne(m, primaryLsn)));
  }

  #trimSamples(): void {
    // Keep enough history to measure lags up to twice the limit; older replicas are "too far behind" anyway.
    const horizon = this.#now() - Math.max(2 * this.#options.maxLagMs, 10 * this.#options.checkIntervalMs);
    let drop = 0;
    while (drop < this.#samples.length - 1 && (this.#samples[drop] as Sample).at < horizon) drop++;
    if (this.#samples.length - drop > MAX_SAMPLES) drop = this.#samples.length - MAX_SAMPLES;
    if (drop > 0) this.#samples.splice(0, drop);
  }

  async #checkOne(member: Member, primaryLsn: number | undefined): Promise<void> {
    let row: { standby: boolean; replay: string | null; fingerprint: string | null } | undefined;
    try {
      // ftf_meta resolves through the pool's search_path: the same schema as the primary's.
      [row] = await withTimeout(
        member.store.executor.query<{ standby: boolean; replay: string | null; fingerprint: string | null }>(
          `SELECT pg_is_in_recovery() AS standby, pg_last_wal_replay_lsn()::text AS replay,
             (SELECT value FROM ftf_meta WHERE key = 'fingerprint') AS fingerprint`,
        ),
        Math.max(1000, 2 * this.#options.checkIntervalMs),
      );
    } catch (error) {
      member.checkFailures++;
      const code = (error as { cause?: { code?: unknown } }).cause?.code;
      // 42P01: no ftf_meta there, so this URL is not a copy of our database.
      this.#setOut(member, code === '42P01' ? 'mismatch' : 'error', error);
      return;
    }
    if (!row?.standby || row.replay === null) return this.#setOut(member, 'not_standby');
    if (row.fingerprint !== this.#options.fingerprint) return this.#setOut(member, 'mismatch');
    member.replayLsn = parseLsn(row.replay);
    if (primaryLsn !== undefined) {
      member.lagBytes = Math.max(0, primaryLsn - member.replayLsn);
      member.lagMs = this.#lagMs(member.replayLsn);
    } else if (member.reason === 'lag' || member.reason === 'starting') {
      return; // cannot judge lag without the primary: keep the verdict
    }
    if (member.lagMs === undefined || member.lagMs > this.#options.maxLagMs) return this.#setOut(member, 'lag');
    this.#setIn(member);
  }

  /**
   * Age of the oldest primary sample the replica has not replayed yet (it misses data the primary had then);
   * 0 when it replayed the newest one. Undefined when it is behind the only sample there is.
   */
  #lagMs(replayLsn: number): number | undefined {
    const last = this.#samples.length - 1;
    for (let i = last; i >= 0; i--) {
      if ((this.#samples[i] as Sample).lsn <= replayLsn) {
        return i === last ? 0 : this.#now() - (this.#samples[i + 1] as Sample).at;
      }
    }
    return last > 0 ? this.#now() - (this.#samples[0] as Sample).at : undefined;
  }

  #setOut(member: Member, reason: ReplicaOutReason, error?: unknown): void {
    const changed = member.inRotation || member.reason !== reason;
    member.inRotation = false;
    member.reason = reason;
    if (reason === 'error' || reason === 'mismatch' || reason === 'not_standby') {
      member.lagMs = undefined;
      member.lagBytes = undefined;
    }
    if (changed && !this.#closed) {
      const message = error instanceof Error ? error.message : undefined;
      this.#options.logger?.warn(
        { replica: member.label, reason, lagMs: member.lagMs, ...(message ? { err: { message } } : {}) },
        'read replica out of rotation',
      );
    }
  }

  #setIn(member: Member): void {
    if (!member.inRotation) {
      this.#options.logger?.info({ replica: member.label, lagMs: member.lagMs }, 'read replica in rotation');
    }
    member.inRotation = true;
    member.reason = undefined;
  }

  /** A read failed on this replica with a connection error: out now, the next good check re-admits it. */
  markFailed(member: ReplicaMember, error: unknown): void {
    const m = this.#members.find((x) => x === member);
    if (m) this.#setOut(m, 'error', error);
  }

  /**
   * Records the primary's WAL position after a write: replicas serve reads again once they replayed it.
   * A check is scheduled shortly so that happens in milliseconds, not a whole interval later.
   */
  fence(lsnText: string): void {
    const lsn = parseLsn(lsnText);
    if (lsn > this.#fence) this.#fence = lsn;
    if (!this.#soon && !this.#closed) {
      this.#soon = setTimeout(() => {
        this.#soon = undefined;
        void this.check();
      }, 20);
      this.#soon.unref();
    }
  }

  /**
   * The replica to read from: in rotation, past the write fence, fewest reads in flight (round robin among
   * equals). Undefined when none qualifies, with why, so the caller reads from the primary.
   */
  pick(): { member: ReplicaMember } | { member: undefined; reason: 'no_replica' | 'write_fence' } {
    let best: Member | undefined;
    let fenced = false;
    const n = this.#members.length;
    for (let k = 0; k < n; k++) {
      const m = this.#members[(this.#next + k) % n] as Member;
      if (!m.inRotation) continue;
      if (m.replayLsn < this.#fence) {
        fenced = true;
        continue;
      }
      if (!best || m.inFlight < best.inFlight) best = m;
    }
    if (!best) return { member: undefined, reason: fenced ? 'write_fence' : 'no_replica' };
    this.#next = (this.#members.indexOf(best) + 1) % n;
    return { member: best };
  }

  /** Counts a read on a replica (in flight while it runs). */
  async read<T>(member: ReplicaMember, fn: () => Promise<T>): Promise<T> {
    const m = member as Member;
    m.inFlight++;
    m.reads++;
    try {
      return await fn();
    } finally {
      m.inFlight--;
    }
  }

  health(): ReplicaHealth[] {
    return this.#members.map((m) => ({
      label: m.label,
      inRotation: m.inRotation,
      ...(m.reason ? { reason: m.reason } : {}),
      ...(m.lagMs !== undefined ? { lagMs: m.lagMs } : {}),
      ...(m.lagBytes !== undefined ? { lagBytes: m.lagBytes } : {}),
      reads: m.reads,
      checkFailures: m.checkFailures,
      connections: m.store.executor.connections(),
    }));
  }

  async close(): Promise<void> {
    this.#closed = true;
    clearInterval(this.#timer);
    clearTimeout(this.#soon);
    await this.#checking?.catch(() => {});
    await Promise.all(this.#members.map((m) => m.store.close().catch(() => {})));
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`replica check timed out after ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
