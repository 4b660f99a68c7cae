/**
 * A listing's identity as one string: its `source` and `externalId` (an upsert with both updates that listing).
 * Joined by NUL, which no source name or marketplace id uses, so two different pairs do not collide.
 */
export function itemKey(source: string, externalId: string): string {
  return `${source}\u0000${externalId}`;
}
