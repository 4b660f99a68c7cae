// Image serving throughput: every listing's 640 px photo over HTTP, cold (rendering) then warm (LRU).
// node bench/serve.mjs [count=2000] [concurrency=4]
import { startFixtureMarketplace } from '../src/index.js';

const count = Number(process.argv[2] ?? 2000);
const concurrency = Number(process.argv[3] ?? 4);
const market = await startFixtureMarketplace({ count });

async function fetchAll() {
  let next = 0;
  let bytes = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < market.listings.length) {
        const listing = market.listings[next++];
        const res = await fetch(listing.imageUrl);
        bytes += (await res.arrayBuffer()).byteLength;
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  return {
    seconds: +seconds.toFixed(2),
    imagesPerSecond: Math.round(market.listings.length / seconds),
    meanKB: Math.round(bytes / market.listings.length / 1024),
  };
}

const cold = await fetchAll();
const warm = await fetchAll();
console.log(JSON.stringify({ count, concurrency, cold, warm }));
await market.close();
