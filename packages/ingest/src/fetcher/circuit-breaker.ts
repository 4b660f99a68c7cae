/**
 * Per-host circuit breaker: a bot challenge opens it at once, `threshold` consecutive 403s open it too.
 * Once open it stays open for the rest of the run: a polite crawler stops, it does not try to get around it.
 */
export class CircuitBreaker {
  readonly #threshold: number;
  readonly #forbidden = new Map<string, number>();
  readonly #open = new Map<string, string>();
  readonly #onOpen: (host: string, reason: string) => void;

  constructor(threshold: number, onOpen: (host: string, reason: string) => void) {
    this.#threshold = threshold;
    this.#onOpen = onOpen;
  }

  /** Why the breaker for `host` is open, or undefined when requests may go. */
  openReason(host: string): string | undefined {
    return this.#open.get(host);
  }

  /** Records one response status; returns the reason when this response opened the breaker. */
  record(host: string, status: number, challenge: boolean): string | undefined {
    if (challenge) return this.#trip(host, `bot challenge (HTTP ${status} with cf-mitigated: challenge)`);
    if (status === 403) {
      const count = (this.#forbidden.get(host) ?? 0) + 1;
      this.#forbidden.set(host, count);
      if (count >= this.#threshold) return this.#trip(host, `${count} consecutive HTTP 403 responses`);
      return undefined;
    }
    this.#forbidden.set(host, 0);
    return undefined;
  }

  #trip(host: string, reason: string): string {
    if (!this.#open.has(host)) {
      this.#open.set(host, reason);
      this.#onOpen(host, reason);
    }
    return reason;
  }

  /** Hosts whose breaker is open, with the reason. */
  get openHosts(): ReadonlyMap<string, string> {
    return this.#open;
  }
}
