import { type ChildProcess, spawn } from 'node:child_process';
import { appendFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { StateLockedError } from '../src/state/lock.js';
import { StateStore } from '../src/state/state-store.js';
import type { ItemState } from '../src/state/types.js';

const dirs: string[] = [];
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'ftf-ingest-state-'));
  dirs.push(dir);
  return dir;
};
const children: ChildProcess[] = [];
afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const item = (id: string): ItemState => ({
  id,
  listing: {
    source: 'depop',
    externalId: id,
    title: `Item ${id}`,
    url: `https://x.example/${id}`,
    imageUrl: `https://x.example/${id}.jpg`,
    status: 'active',
  },
  fieldsHash: 'f',
  status: 'active',
  imageHash: 'h',
  fingerprint: 'fp',
  vector: { dtype: 'float16', base64: 'AAA=' },
  firstSeen: '2026-01-01T00:00:00.000Z',
  lastSeen: '2026-01-01T00:00:00.000Z',
  lastRun: 1,
  missed: 0,
});

describe('state store', () => {
  it('replays the journal over the snapshot on reopen, and compacts on close', () => {
    const dir = tempDir();
    const state = StateStore.open(dir);
    state.putItem('a', item('a'));
    state.setCursor('depop|x', 'c1');
    state.setHttp('https://x.example/a.jpg', { etag: '"e"', hash: 'h' });
    state.patchItem('a', { missed: 2 });
    state.commit();
    // Simulate a crash: no close(), the lock is held by a "dead" owner — reopen in a child-free way by dropping it.
    rmSync(join(dir, 'lock'));
    const reopened = StateStore.open(dir);
    expect(reopened.item('a')?.missed).toBe(2);
    expect(reopened.cursor('depop|x')).toBe('c1');
    expect(reopened.http('https://x.example/a.jpg')?.etag).toBe('"e"');
    reopened.close();
    expect(readFileSync(join(dir, 'journal.jsonl'), 'utf8')).toBe('');
    expect(JSON.parse(readFileSync(join(dir, 'state.json'), 'utf8')).items.a.missed).toBe(2);
    expect(existsSync(join(dir, 'lock'))).toBe(false);
  });

  it('ignores a torn last journal line (a write cut by kill -9)', () => {
    const dir = tempDir();
    const state = StateStore.open(dir);
    state.putItem('a', item('a'));
    state.setCursor('k', 'page-2');
    state.commit();
    appendFileSync(join(dir, 'journal.jsonl'), '{"t":"cursor","k":"k","v":"page-3"'); // no closing brace, no newline
    rmSync(join(dir, 'lock'));
    const reopened = StateStore.open(dir);
    expect(reopened.cursor('k')).toBe('page-2');
    expect(reopened.item('a')?.id).toBe('a');
    reopened.close();
  });

  it('refuses a second live holder, and takes over the lock of a dead process', async () => {
    const dir = tempDir();
    const state = StateStore.open(dir);
    expect(() => StateStore.open(dir)).toThrow(StateLockedError);
    state.close();
    // A lock left by a process that no longer exists (kill -9) does not block the next run.
    const child = spawn(process.execPath, ['-e', '']);
    const deadPid = await new Promise<number>((resolve) => child.on('exit', () => resolve(child.pid as number)));
    writeFileSync(join(dir, 'lock'), String(deadPid));
    const next = StateStore.open(dir);
    next.close();
  });

  it('survives kill -9 of a process in the middle of writing: everything committed is there', async () => {
    const dir = tempDir();
    const stateDir = join(dir, 'state');
    const source = new URL('../src/state/state-store.ts', import.meta.url).pathname;
    // The child writes and commits items forever; we kill it hard after it has committed some.
    const script = `
      import { StateStore } from ${JSON.stringify(source)};
      const state = StateStore.open(${JSON.stringify(stateDir)});
      for (let i = 0; ; i++) {
        state.putItem('k' + i, { id: String(i), listing: {}, lastRun: 1, missed: 0 });
        state.setCursor('cursor', String(i));
        state.commit();
        if (i === 50) process.stdout.write('ready\\n');
      }`;
    const file = join(dir, 'writer.ts');
    writeFileSync(file, script);
    // node itself (not a wrapper script) so SIGKILL hits the process that holds the state.
    const root = new URL('../../../', import.meta.url).pathname;
    const child = spawn(process.execPath, ['--import', 'tsx', file], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    children.push(child);
    await new Promise<void>((resolve) => child.stdout.on('data', () => resolve()));
    child.kill('SIGKILL');
    await new Promise((resolve) => child.on('exit', resolve));
    const reopened = StateStore.open(stateDir);
    const cursor = Number(reopened.cursor('cursor'));
    expect(cursor).toBeGreaterThanOrEqual(50);
    // Every item up to the committed cursor is present: nothing lost, in order.
    for (let i = 0; i <= cursor; i++) expect(reopened.item(`k${i}`)?.id).toBe(String(i));
    reopened.close();
  });
});
