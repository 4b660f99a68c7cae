import { type LabelledSet, LabelledSetError } from './types.js';

/**
 * Checks what every format must satisfy once read: a non-empty gallery and query list, unique keys, and
 * every query's relevant items present in the gallery (a query nothing can answer would only lower recall).
 */
export function checkSet(set: LabelledSet): LabelledSet {
  if (set.gallery.length === 0) throw new LabelledSetError(set.source, undefined, 'the gallery is empty');
  if (set.queries.length === 0) throw new LabelledSetError(set.source, undefined, 'there are no queries');
  const items = new Set(set.gallery.map((g) => g.itemId));
  const keys = new Set<string>();
  for (const g of set.gallery) {
    if (keys.has(g.key)) throw new LabelledSetError(set.source, undefined, `gallery image "${g.key}" appears twice`);
    keys.add(g.key);
  }
  for (const q of set.queries) {
    const missing = q.relevant.filter((id) => !items.has(id));
    if (missing.length === q.relevant.length) {
      throw new LabelledSetError(
        set.source,
        undefined,
        `query "${q.key}" expects item(s) ${q.relevant.join(', ')}, none of which has a gallery image`,
      );
    }
  }
  return set;
}
