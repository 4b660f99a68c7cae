import { readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { StoreError } from './errors.js';

/** PGlite does not lock its directory, and two instances on one directory silently diverge: we do. */
export interface DataDirLock {
  readonly path: string;
  release(): void;
}

interface LockInfo {
  pid: number;
  startedAt: number;
}

// Locks this process holds: the pid alone cannot tell "we hold it" from "a previous us with the same pid
// (e.g. pid 1 in a container) crashed and left it".
const held = new Set<string>();
const processStartedAt = Math.round(Date.now() - process.uptime() * 1000);

function readLock(path: string): LockInfo | undefined {
  try {
    const info = JSON.parse(readFileSync(path, 'utf8')) as Partial<LockInfo>;
    return typeof info.pid === 'number' ? { pid: info.pid, startedAt: Number(info.startedAt) || 0 } : undefined;
  } catch {
    return undefined;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function isLive(path: string, info: LockInfo): boolean {
  if (info.pid === process.pid) return held.has(path);
  return isAlive(info.pid);
}

export function acquireLock(path: string): DataDirLock {
  const mine: LockInfo = { pid: process.pid, startedAt: processStartedAt };
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      writeFileSync(path, `${JSON.stringify(mine)}\n`, { flag: 'wx' });
      held.add(path);
      return {
        path,
        release() {
          held.delete(path);
          const current = readLock(path);
          if (current?.pid === mine.pid && current.startedAt === mine.startedAt) unlinkSync(path);
        },
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const info = readLock(path);
    if (info && isLive(path, info)) {
      throw new StoreError(
        'data_dir_locked',
        `the data directory is in use by process ${info.pid} (lock file ${path}); stop that process or use another FTF_DATA_DIR`,
        { details: { pid: info.pid, lockFile: path } },
      );
    }
    // Stale (its process is gone) or unreadable: take it over.
    try {
      unlinkSync(path);
    } catch {
      // Someone else removed it first; retry.
    }
  }
  throw new StoreError('data_dir_locked', `could not take the lock file ${path}`);
}
