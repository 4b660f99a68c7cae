import * as cheerio from 'cheerio';
import { decodeHTML } from 'entities';

/** Visible text of an HTML fragment, whitespace collapsed. Pure. */
export function htmlToText(html: string): string {
  const $ = cheerio.load(html);
  $('script, style').remove();
  $('br, p, li, div').after(' ');
  return $.root().text().replace(/\s+/g, ' ').trim();
}

/** Looks like markup (a tag or a comment), not just text with a `<` in it. */
const MARKUP = /<(?:[a-z][a-z0-9-]*[\s/>]|\/[a-z]|!--)/i;

/**
 * A text field as shops write it into structured data → plain text: HTML entities decoded once (`&amp;` → `&`,
 * `&quot;`, `&#233;`), markup reduced to its visible text, whitespace collapsed. Pure.
 */
export function cleanText(value: string): string {
  const text = MARKUP.test(value) ? htmlToText(value) : decodeHTML(value);
  return text.replace(/\s+/g, ' ').trim();
}
