import * as cheerio from 'cheerio';
import type { AnyNode, Element } from 'domhandler';

type Node = Record<string, unknown>;

/** Where an element's value comes from, per the HTML microdata algorithm. */
const URL_ATTRIBUTE: Record<string, string> = {
  a: 'href',
  area: 'href',
  link: 'href',
  audio: 'src',
  embed: 'src',
  iframe: 'src',
  img: 'src',
  source: 'src',
  track: 'src',
  video: 'src',
  object: 'data',
};

/** `https://schema.org/price` → `price`: itemprop may be written as a full URL. */
const propertyName = (name: string): string => name.replace(/^https?:\/\/(www\.)?schema\.org\//i, '');

/**
 * Microdata items of a page (`itemscope`/`itemtype`/`itemprop`, `itemref` followed) in the shape JSON-LD has:
 * `@type` from `itemtype`, each property a value or an array of values, nested items as objects. Every item is
 * listed, nested ones after their parent, so a Product inside a WebPage item is found too. Pure.
 */
export function microdataItems(html: string): Node[] {
  const $ = cheerio.load(html);
  const all: Node[] = [];

  const propertyValue = (element: Element, seen: Set<Element>): unknown => {
    const el = $(element);
    if (el.attr('itemscope') !== undefined) return itemOf(element, seen);
    const tag = element.tagName.toLowerCase();
    // Google reads `content` on any element (`<span itemprop="price" content="39.99">$39.99</span>`).
    const content = el.attr('content');
    if (content !== undefined) return content.trim();
    const attribute = URL_ATTRIBUTE[tag];
    if (attribute) return el.attr(attribute)?.trim() ?? '';
    if (tag === 'data' || tag === 'meter') return el.attr('value')?.trim() ?? '';
    if (tag === 'time') return (el.attr('datetime') ?? el.text()).trim();
    return el.text().replace(/\s+/g, ' ').trim();
  };

  /** The elements carrying the item's properties: its subtree (and `itemref`'d ones), not entering nested items. */
  const propertyElements = (root: Element): Element[] => {
    const found: Element[] = [];
    const roots: AnyNode[] = [...root.children];
    for (const id of ($(root).attr('itemref') ?? '').split(/\s+/).filter(Boolean)) {
      const referenced = $(`[id="${id.replace(/"/g, '')}"]`).get(0);
      if (referenced) roots.push(referenced);
    }
    const walk = (node: AnyNode): void => {
      if (node.type !== 'tag' && node.type !== 'script' && node.type !== 'style') return;
      const element = node as Element;
      if ($(element).attr('itemprop') !== undefined) found.push(element);
      if ($(element).attr('itemscope') !== undefined) return;
      for (const child of element.children) walk(child);
    };
    for (const node of roots) walk(node);
    return found;
  };

  function itemOf(element: Element, seen: Set<Element>): Node {
    const item: Node = {};
    const types = ($(element).attr('itemtype') ?? '').split(/\s+/).filter(Boolean);
    if (types.length > 0) item['@type'] = types.length === 1 ? types[0] : types;
    const id = $(element).attr('itemid');
    if (id) item['@id'] = id;
    all.push(item);
    if (seen.has(element)) return item; // an itemref loop
    const inner = new Set(seen).add(element);
    for (const property of propertyElements(element)) {
      const value = propertyValue(property, inner);
      for (const raw of ($(property).attr('itemprop') ?? '').split(/\s+/).filter(Boolean)) {
        const name = propertyName(raw);
        const existing = item[name];
        item[name] =
          existing === undefined ? value : Array.isArray(existing) ? [...existing, value] : [existing, value];
      }
    }
    return item;
  }

  $('[itemscope]')
    .filter((_, el) => $(el).attr('itemprop') === undefined)
    .each((_, el) => {
      itemOf(el as Element, new Set());
    });
  return all;
}
