import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import pg from 'pg';

const run = promisify(execFile);
const SCRIPT = fileURLToPath(new URL('../../../../.ci/pg-cluster.sh', import.meta.url));

/** The replica's URL from CI (`.ci/pg-cluster.sh replica-start`); CI must run these tests. */
export function replicaUrl(): string | undefined {
  const url = process.env.FTF_TEST_REPLICA_URL;
  if (!url && process.env.CI) {
    throw new Error('FTF_TEST_REPLICA_URL is not set but CI is: CI must run the read-replica tests');
  }
  return url || undefined;
}

/** True when .ci/pg-cluster.sh started the replica, so the tests may stop and start it. */
export async function replicaControllable(): Promise<boolean> {
  try {
    const { stdout } = await run('bash', [SCRIPT, 'replica-status']);
    return stdout.trim() === process.env.FTF_TEST_REPLICA_URL;
  } catch {
    return false;
  }
}

/** `pg_ctl stop` / start of the replica, through the script that owns it (it runs as the cluster's owner). */
export async function replicaServer(action: 'pause' | 'resume'): Promise<void> {
  await run('bash', [SCRIPT, `replica-${action}`]);
}

/** One query on a fresh connection (never the server's pools). */
export async function sql<R = Record<string, unknown>>(
  url: string,
  text: string,
  params: unknown[] = [],
): Promise<R[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(text, params)).rows as R[];
  } finally {
    await client.end();
  }
}

/** Polls `fn` until it returns a truthy value (returned) or the time runs out (throws with `what`). */
export async function eventually<T>(what: string, fn: () => Promise<T | undefined | false>, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await fn();
      if (value) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** The value of one Prometheus sample, e.g. `metric(text, 'ftf_replica_in_rotation', { replica: 'x' })`. */
export function metric(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    const match = /^[^{\s]+(?:\{(.*)\})?\s+(\S+)$/.exec(line);
    if (!match) continue;
    const have = Object.fromEntries(
      [...(match[1] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((m) => [m[1], m[2]] as const),
    );
    if (Object.entries(labels).every(([k, v]) => have[k] === v)) return Number(match[2]);
  }
  return undefined;
}
