import { AppError } from './errors.js';

/** 503 with Retry-After: the queue is full, the client should come back shortly. */
export class OverloadedError extends AppError {
  constructor(what: string, retryAfterSeconds = 1) {
    super(503, 'overloaded', `The server is busy with ${what}; retry after the Retry-After delay.`, {
      headers: { 'retry-after': String(retryAfterSeconds) },
    });
  }
}

/**
 * At most `concurrency` tasks run at once and at most `maxWaiting` wait; past that `run` refuses at once, so a
 * burst of expensive work (image decoding) queues boundedly instead of starving everything else.
 */
export class WorkQueue {
  #running = 0;
  readonly #waiting: Array<() => void> = [];
  constructor(
    readonly concurrency: number,
    readonly maxWaiting: number,
    readonly what: string,
  ) {}

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.#running >= this.concurrency) {
      if (this.#waiting.length >= this.maxWaiting) throw new OverloadedError(this.what);
      await new Promise<void>((resolve) => this.#waiting.push(resolve));
    } else this.#running++;
    try {
      return await task();
    } finally {
      const next = this.#waiting.shift();
      // The slot passes straight to the next waiter; otherwise it is freed.
      if (next) next();
      else this.#running--;
    }
  }

  get running(): number {
    return this.#running;
  }
  get waiting(): number {
    return this.#waiting.length;
  }
}
