import { closeSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';

/** Another process holds the state directory. */
export class StateLockedError extends Error {
  override name = 'StateLockedError';
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * An exclusive lock file holding our pid. A lock whose process is gone (kill -9) is taken over, so a killed
 * run never blocks the next one; a live holder makes this throw.
 */
export function acquireLock(path: string): () => void {
  for (let tries = 0; tries < 2; tries++) {
    try {
      const fd = openSync(path, 'wx');
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return () => rmSync(path, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = Number(readFileSync(path, 'utf8').trim());
      if (Number.isInteger(holder) && holder > 0 && (holder === process.pid || alive(holder))) {
        throw new StateLockedError(`State ${path} is locked by process ${holder} (another ingest run is going on).`);
      }
      rmSync(path, { force: true });
    }
  }
  throw new StateLockedError(`Could not take the lock ${path}.`);
}
