/**
 * A FIFO with a capacity: `push` waits while it is full, `shift` waits while it is empty. Closing lets the
 * consumer drain what is left and then get `undefined`. This is what lets fetching run ahead of embedding
 * by a bounded amount (memory stays flat).
 */
export class BoundedQueue<T> {
  readonly #items: T[] = [];
  readonly #capacity: number;
  #closed = false;
  #waitingConsumer: (() => void) | undefined;
  #waitingProducers: Array<() => void> = [];

  constructor(capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError('capacity must be a positive integer');
    this.#capacity = capacity;
  }

  async push(item: T): Promise<void> {
    while (this.#items.length >= this.#capacity && !this.#closed) {
      await new Promise<void>((resolve) => this.#waitingProducers.push(resolve));
    }
    if (this.#closed) throw new Error('queue closed');
    this.#items.push(item);
    this.#waitingConsumer?.();
    this.#waitingConsumer = undefined;
  }

  /** Next item, or undefined once closed and drained. */
  async shift(): Promise<T | undefined> {
    while (this.#items.length === 0 && !this.#closed) {
      await new Promise<void>((resolve) => {
        this.#waitingConsumer = resolve;
      });
    }
    const item = this.#items.shift();
    this.#waitingProducers.shift()?.();
    return item;
  }

  /** Items ready right now without waiting (to fill a batch). */
  get size(): number {
    return this.#items.length;
  }

  close(): void {
    this.#closed = true;
    this.#waitingConsumer?.();
    this.#waitingConsumer = undefined;
    for (const wake of this.#waitingProducers.splice(0)) wake();
  }
}
