/**
 * PostgreSQL WAL positions (`pg_lsn`, printed as `X/Y` in hex) as plain numbers: a byte offset in the WAL.
 * 2^53 bytes of WAL is ~9 PB, so a double is exact for any cluster's lifetime.
 */
export function parseLsn(text: string): number {
  const match = /^([0-9A-Fa-f]{1,8})\/([0-9A-Fa-f]{1,8})$/.exec(text.trim());
  if (!match) throw new Error(`not a WAL position: "${text}"`);
  return Number.parseInt(match[1] as string, 16) * 2 ** 32 + Number.parseInt(match[2] as string, 16);
}
