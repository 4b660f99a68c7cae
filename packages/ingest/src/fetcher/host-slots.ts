import { sleep } from './backoff.js';

interface HostState {
  tail: Promise<void>;
  /** Earliest time the next request may start (crawl delay, Retry-After). */
  notBefore: number;
}

/**
 * One request in flight per host, and at least `delayMs(host)` between the end of one and the start of the
 * next. Callers queue in arrival order.
 */
export class HostSlots {
  readonly #hosts = new Map<string, HostState>();
  #inFlight = 0;
  #maxInFlight = 0;

  #state(host: string): HostState {
    let state = this.#hosts.get(host);
    if (!state) {
      state = { tail: Promise.resolve(), notBefore: 0 };
      this.#hosts.set(host, state);
    }
    return state;
  }

  /** Pushes the host's next start to at least `until` (a Retry-After). */
  pause(host: string, until: number): void {
    const state = this.#state(host);
    state.notBefore = Math.max(state.notBefore, until);
  }

  /** Runs `task` when the host is free and its delay has passed; the next one waits `delayMs` after it ends. */
  run<T>(host: string, delayMs: () => number, task: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    const state = this.#state(host);
    const result = state.tail.then(async () => {
      const wait = state.notBefore - Date.now();
      if (wait > 0) await sleep(wait, signal);
      this.#inFlight++;
      this.#maxInFlight = Math.max(this.#maxInFlight, this.#inFlight);
      try {
        return await task();
      } finally {
        this.#inFlight--;
        state.notBefore = Math.max(state.notBefore, Date.now() + delayMs());
      }
    });
    state.tail = result.then(
      () => undefined,
      () => undefined,
    );
    return result;
  }

  /** Highest number of requests that were ever in flight at once, over all hosts (for tests and stats). */
  get maxInFlight(): number {
    return this.#maxInFlight;
  }
}
