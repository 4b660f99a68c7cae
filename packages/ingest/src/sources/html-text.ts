import * as cheerio from 'cheerio';

/** Visible text of an HTML fragment, whitespace collapsed. Pure. */
export function htmlToText(html: string): string {
  const $ = cheerio.load(html);
  $('script, style').remove();
  $('br, p, li, div').after(' ');
  return $.root().text().replace(/\s+/g, ' ').trim();
}
