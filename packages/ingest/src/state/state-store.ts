import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { acquireLock } from './lock.js';
import type { HttpCacheEntry, ItemState, RunState, StateData } from './types.js';

type JournalRecord =
  | { t: 'item'; k: string; v: ItemState }
  | { t: 'patch'; k: string; v: Partial<ItemState> }
  | { t: 'del'; k: string }
  | { t: 'cursor'; k: string; v: string | null }
  | { t: 'http'; k: string; v: HttpCacheEntry }
  | { t: 'run'; v: RunState };

const empty = (): StateData => ({ version: 1, items: {}, cursors: {}, http: {}, run: null });

/** Writes a file so that a crash leaves either the old or the new content: temp file, fsync, rename, fsync dir. */
export function writeFileAtomic(path: string, content: string): void {
  const temp = `${path}.${process.pid}.tmp`;
  const fd = openSync(temp, 'w');
  try {
    writeSync(fd, content);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(temp, path);
  const dir = openSync(join(path, '..'), 'r');
  try {
    fsyncSync(dir);
  } finally {
    closeSync(dir);
  }
}

/**
 * Durable crawl state: a snapshot (`state.json`) plus an append-only journal (`journal.jsonl`). Every change is
 * appended as one JSON line; `commit()` fsyncs. Opening replays the journal over the snapshot (a torn last line
 * from `kill -9` is ignored) and compacts into a fresh snapshot. One process at a time (lock file).
 */
export class StateStore {
  readonly dir: string;
  readonly #data: StateData;
  #fd: number;
  #dirty = false;
  readonly #release: () => void;

  private constructor(dir: string, data: StateData, fd: number, release: () => void) {
    this.dir = dir;
    this.#data = data;
    this.#fd = fd;
    this.#release = release;
  }

  /** Opens (creating) the state in `dir`. @throws {StateLockedError} when another live process holds it. */
  static open(dir: string): StateStore {
    if (typeof dir !== 'string' || dir.trim() === '') throw new TypeError('StateStore.open needs a directory path.');
    mkdirSync(dir, { recursive: true });
    const release = acquireLock(join(dir, 'lock'));
    try {
      const data = StateStore.#load(dir);
      writeFileAtomic(join(dir, 'state.json'), JSON.stringify(data));
      const fd = openSync(join(dir, 'journal.jsonl'), 'w'); // the snapshot now holds everything
      fsyncSync(fd);
      return new StateStore(dir, data, fd, release);
    } catch (error) {
      release();
      throw error;
    }
  }

  /** Reads the state without locking or compacting (for `status` while a run holds the lock). */
  static peek(dir: string): StateData {
    return StateStore.#load(dir);
  }

  static #load(dir: string): StateData {
    const snapshotPath = join(dir, 'state.json');
    const data = existsSync(snapshotPath) ? (JSON.parse(readFileSync(snapshotPath, 'utf8')) as StateData) : empty();
    if (data.version !== 1) throw new Error(`Unknown state version ${String(data.version)} in ${snapshotPath}.`);
    const journalPath = join(dir, 'journal.jsonl');
    if (existsSync(journalPath)) {
      for (const line of readFileSync(journalPath, 'utf8').split('\n')) {
        if (!line) continue;
        let record: JournalRecord;
        try {
          record = JSON.parse(line) as JournalRecord;
        } catch {
          break; // torn write at the end: everything before it is intact
        }
        StateStore.#apply(data, record);
      }
    }
    return data;
  }

  static #apply(data: StateData, record: JournalRecord): void {
    switch (record.t) {
      case 'item':
        data.items[record.k] = record.v;
        break;
      case 'patch': {
        const item = data.items[record.k];
        if (item) data.items[record.k] = { ...item, ...record.v };
        break;
      }
      case 'del':
        delete data.items[record.k];
        break;
      case 'cursor':
        if (record.v === null) delete data.cursors[record.k];
        else data.cursors[record.k] = record.v;
        break;
      case 'http':
        data.http[record.k] = record.v;
        break;
      case 'run':
        data.run = record.v;
        break;
    }
  }

  #append(record: JournalRecord): void {
    StateStore.#apply(this.#data, record);
    writeSync(this.#fd, `${JSON.stringify(record)}\n`);
    this.#dirty = true;
  }

  get data(): Readonly<StateData> {
    return this.#data;
  }

  item(key: string): ItemState | undefined {
    return this.#data.items[key];
  }

  putItem(key: string, item: ItemState): void {
    this.#append({ t: 'item', k: key, v: item });
  }

  /** Changes a few fields of a known item (a small journal line: seen again, missed, status). */
  patchItem(key: string, patch: Partial<ItemState>): void {
    if (!this.#data.items[key]) throw new Error(`No item ${key} in the state.`);
    this.#append({ t: 'patch', k: key, v: patch });
  }

  /** Forgets an item (the server no longer has it): the next run ingests it as new. */
  deleteItem(key: string): void {
    this.#append({ t: 'del', k: key });
  }

  cursor(key: string): string | undefined {
    return this.#data.cursors[key];
  }

  setCursor(key: string, cursor: string | null): void {
    this.#append({ t: 'cursor', k: key, v: cursor });
  }

  http(url: string): HttpCacheEntry | undefined {
    return this.#data.http[url];
  }

  setHttp(url: string, entry: HttpCacheEntry): void {
    this.#append({ t: 'http', k: url, v: entry });
  }

  get run(): RunState | null {
    return this.#data.run;
  }

  setRun(run: RunState): void {
    this.#append({ t: 'run', v: run });
  }

  /** Makes every change so far durable (fsync). Called at checkpoints: after each upserted batch, each cursor. */
  commit(): void {
    if (!this.#dirty) return;
    fsyncSync(this.#fd);
    this.#dirty = false;
  }

  /** Folds the journal into a new snapshot. */
  compact(): void {
    this.commit();
    writeFileAtomic(join(this.dir, 'state.json'), JSON.stringify(this.#data));
    closeSync(this.#fd);
    this.#fd = openSync(join(this.dir, 'journal.jsonl'), 'w');
    fsyncSync(this.#fd);
  }

  /** Compacts, closes the journal and releases the lock. */
  close(): void {
    try {
      this.compact();
      closeSync(this.#fd);
    } finally {
      this.#release();
    }
  }
}
