/**
 * A metrics/log label for a replica URL: `host:port/database`, never the user or password. Two URLs with the
 * same label (e.g. two users on one server) get `#2`, `#3`… so their series stay apart.
 */
export function replicaLabels(urls: readonly string[]): string[] {
  const seen = new Map<string, number>();
  return urls.map((url, i) => {
    let label: string;
    try {
      const u = new URL(url);
      const db = decodeURIComponent(u.pathname.replace(/^\//, '')) || 'postgres';
      label = `${u.hostname || 'localhost'}:${u.port || '5432'}/${db}`;
    } catch {
      label = `replica${i + 1}`;
    }
    const count = (seen.get(label) ?? 0) + 1;
    seen.set(label, count);
    return count === 1 ? label : `${label}#${count}`;
  });
}
