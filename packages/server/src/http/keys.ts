import { createHash, timingSafeEqual } from 'node:crypto';
import type { Config } from '../config.js';

export type KeyKind = 'secret' | 'publishable';

/** Who is calling, as far as keys go. `id` is a hash prefix: safe for logs and rate-limit buckets. */
export type Caller = { kind: 'none' } | { kind: 'unknown' } | { kind: KeyKind; id: string; origins: readonly string[] };

interface KnownKey {
  digest: Buffer;
  kind: KeyKind;
  id: string;
  origins: readonly string[];
}

const digestOf = (key: string) => createHash('sha256').update(key, 'utf8').digest();

/**
 * Resolves presented keys in constant time: both sides are hashed to equal length and every
 * configured key is compared, so timing tells nothing about which key or how many characters matched.
 */
export function createKeyRing(config: Config): (presented: string | undefined) => Caller {
  const known: KnownKey[] = [
    ...config.keys.secret.map((key) => ({ key, kind: 'secret' as const, origins: [] as string[] })),
    ...config.keys.publishable.map((p) => ({ key: p.key, kind: 'publishable' as const, origins: p.origins })),
  ].map(({ key, kind, origins }) => {
    const digest = digestOf(key);
    return { digest, kind, origins, id: `${kind === 'secret' ? 'sk' : 'pk'}:${digest.toString('hex').slice(0, 12)}` };
  });
  return (presented) => {
    if (presented === undefined) return { kind: 'none' };
    const digest = digestOf(presented);
    let match: KnownKey | undefined;
    for (const key of known) {
      if (timingSafeEqual(key.digest, digest) && !match) match = key;
    }
    return match ? { kind: match.kind, id: match.id, origins: match.origins } : { kind: 'unknown' };
  };
}

/** `Authorization: Bearer <key>` or `x-api-key: <key>`; undefined when neither is sent. */
export function presentedKey(headers: {
  authorization?: string | undefined;
  apiKey?: string | undefined;
}): string | undefined {
  const auth = headers.authorization?.trim();
  if (auth) {
    const match = /^Bearer\s+(\S+)$/i.exec(auth);
    // A malformed Authorization header is a wrong key, not "no key": never fall back to open mode.
    return match?.[1] ?? auth;
  }
  const apiKey = headers.apiKey?.trim();
  return apiKey ? apiKey : undefined;
}
