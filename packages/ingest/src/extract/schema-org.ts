import { isRecord } from '../sources/fields.js';

/** `https://schema.org/InStock`, `http://schema.org/InStock`, `schema:InStock`, `InStock`, `in_stock` → `instock`. */
export const schemaTerm = (value: string): string =>
  value
    .trim()
    .replace(/^(https?:\/\/(www\.)?schema\.org\/|schema:)/i, '')
    .replace(/[\s_-]+/g, '')
    .toLowerCase();

/** The node's `@type` terms (a string or an array, any schema.org URL form), lower-cased. */
export function typesOf(node: unknown): string[] {
  if (!isRecord(node)) return [];
  const raw = node['@type'];
  const list = Array.isArray(raw) ? raw : [raw];
  return list.filter((t): t is string => typeof t === 'string').map(schemaTerm);
}

export const hasType = (node: unknown, ...types: string[]): boolean => typesOf(node).some((t) => types.includes(t));

/** Product-like types a listing can come from (schema.org subtypes of Product included). */
export const PRODUCT_TYPES = ['product', 'individualproduct', 'productmodel', 'someproducts'];
export const GROUP_TYPES = ['productgroup'];

/** A value that may be one item or an array of them → an array. */
export const listOf = (value: unknown): unknown[] =>
  value === undefined || value === null ? [] : Array.isArray(value) ? value : [value];
