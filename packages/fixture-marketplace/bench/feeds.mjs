// Feed throughput on a large catalogue: start-up, a full Depop cursor walk, a full Shopify page walk, 500
// JSON-LD product pages. node bench/feeds.mjs [count=100000]
import { startFixtureMarketplace } from '../src/index.js';

const count = Number(process.argv[2] ?? 100_000);
let t = performance.now();
const m = await startFixtureMarketplace({ count });
console.log(`start ${count} ms`, Math.round(performance.now() - t));
t = performance.now();
let after = null,
  n = 0,
  pages = 0;
for (;;) {
  const r = await (
    await fetch(`${m.sources.depop.apiBase}/search/products/?limit=100${after ? `&after=${after}` : ''}`)
  ).json();
  n += r.objects.length;
  pages++;
  if (!r.page_info.has_more) break;
  after = r.page_info.last;
}
console.log('depop walk', n, pages, 'ms', Math.round(performance.now() - t));
t = performance.now();
let p = 1,
  s = 0;
for (; ; p++) {
  const r = await (await fetch(`${m.sources.shopify.storeUrl}/products.json?limit=250&page=${p}`)).json();
  if (!r.products.length) break;
  s += r.products.length;
}
console.log('shopify walk', s, 'ms', Math.round(performance.now() - t));
t = performance.now();
const l = m.listings.filter((x) => x.source === 'jsonld').slice(0, 500);
for (const x of l) await (await fetch(x.url)).text();
console.log('500 jsonld pages ms', Math.round(performance.now() - t));
await m.close();
