import * as cheerio from 'cheerio';
import { isRecord } from '../sources/fields.js';
import { GROUP_TYPES, hasType, listOf, PRODUCT_TYPES } from './schema-org.js';

type Node = Record<string, unknown>;

export interface JsonLdNodes {
  /** `<script type="application/ld+json">` blocks on the page. */
  blocks: number;
  /** Every node: top-level objects, array items, `@graph` members and the `mainEntity` of a page node. */
  nodes: Node[];
  /** Why a block was left out (not JSON even after unwrapping), one entry per such block. */
  errors: string[];
}

/** Wrappers old CMS themes put around the JSON inside the script: `<!-- -->`, `<![CDATA[ ]]>` with `//` or comments. */
const WRAPPERS: RegExp[] = [
  /^<!--([\s\S]*?)-->$/,
  /^(?:\/\/|\/\*)?\s*<!\[CDATA\[(?:\s*\*\/)?([\s\S]*?)(?:\/\/|\/\*)?\s*\]\]>(?:\s*\*\/)?$/,
];

/** The JSON text of a script block, wrappers removed (they may nest: a comment around a CDATA section). */
export function unwrapScript(text: string): string {
  let current = text.trim();
  for (let changed = true; changed; ) {
    changed = false;
    for (const wrapper of WRAPPERS) {
      const match = wrapper.exec(current);
      if (match) {
        current = (match[1] ?? '').trim();
        changed = true;
      }
    }
  }
  return current;
}

/** JSON.parse, then once more with raw control characters (line breaks inside strings, common in shops) as spaces. */
function parseLenient(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    // Outside strings a control character is whitespace; inside one it is invalid JSON: a space keeps the meaning.
    // biome-ignore lint/suspicious/noControlCharactersInRegex: that is the point
    const relaxed = text.replace(/[\u0000-\u001f]/g, ' ');
    if (relaxed === text) throw error;
    return JSON.parse(relaxed);
  }
}

const PAGE_TYPES = ['webpage', 'itempage', 'collectionpage', 'offercatalog'];

function collect(value: unknown, into: Node[], depth = 0): void {
  if (depth > 8) return;
  if (Array.isArray(value)) {
    for (const item of value) collect(item, into, depth + 1);
    return;
  }
  if (!isRecord(value)) return;
  into.push(value);
  if (value['@graph'] !== undefined) collect(value['@graph'], into, depth + 1);
  if (hasType(value, ...PAGE_TYPES) && value.mainEntity !== undefined) collect(value.mainEntity, into, depth + 1);
}

/** Every JSON-LD node of a page. Pure; never throws (blocks that are not JSON are listed in `errors`). */
export function jsonLdNodes(html: string): JsonLdNodes {
  const $ = cheerio.load(html);
  const scripts = $('script').filter((_, el) => /^\s*application\/ld\+json\s*(;|$)/i.test($(el).attr('type') ?? ''));
  const nodes: Node[] = [];
  const errors: string[] = [];
  for (const element of scripts.toArray()) {
    const text = unwrapScript($(element).text());
    if (text === '') continue;
    try {
      collect(parseLenient(text), nodes);
    } catch (error) {
      errors.push((error as Error).message);
    }
  }
  return { blocks: scripts.length, nodes, errors };
}

const refOf = (value: unknown): string | undefined =>
  isRecord(value) && typeof value['@id'] === 'string' ? value['@id'] : undefined;

/**
 * The product a page is about, as one node. A `ProductGroup` wins (its variants gathered from `hasVariant`, `@id`
 * references and unnested `Product`s whose `isVariantOf` points to it); else the first `Product`, inheriting what
 * it lacks from an inline `isVariantOf` group. Null when the page has none.
 */
export function pickProduct(nodes: Node[]): Node | null {
  const byId = new Map<string, Node>();
  for (const node of nodes) {
    const id = refOf(node);
    if (id && Object.keys(node).length > 1 && !byId.has(id)) byId.set(id, node);
  }
  const resolve = (value: unknown): unknown => {
    const id = refOf(value);
    return id && isRecord(value) && Object.keys(value).length === 1 ? (byId.get(id) ?? value) : value;
  };

  const group = nodes.find((n) => hasType(n, ...GROUP_TYPES));
  if (group) {
    const groupId = refOf(group);
    const variants = listOf(group.hasVariant).map(resolve);
    for (const node of nodes) {
      if (!hasType(node, ...PRODUCT_TYPES) || variants.includes(node)) continue;
      const parent = resolve(node.isVariantOf);
      if (parent === group || (groupId !== undefined && refOf(parent) === groupId)) variants.push(node);
    }
    return { ...group, hasVariant: variants };
  }
  const product = nodes.find((n) => hasType(n, ...PRODUCT_TYPES));
  if (!product) return null;
  const parent = resolve(product.isVariantOf);
  return isRecord(parent) ? { ...withoutVariants(parent), ...product } : product;
}

function withoutVariants(group: Node): Node {
  const { hasVariant: _variants, '@type': _type, '@id': _id, url: _url, ...rest } = group;
  return rest;
}
