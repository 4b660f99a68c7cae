import { encodeVector } from '@find-this-fit/sdk';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { classifyListing } from '../../src/pipeline/classify.js';
import { fieldsHashOf, itemKey } from '../../src/pipeline/entry.js';
import { hashBytes } from '../../src/pipeline/image-check.js';
import type { NormalizedListing } from '../../src/sources/types.js';
import type { ItemState } from '../../src/state/types.js';
import { testFetcher } from '../helpers/fetcher.js';
import { scriptedServer } from '../helpers/http-server.js';
import { listing, openRun, png } from './run-fixture.js';

// The classify stage alone: a real polite fetcher against a loopback image server, a real state store.
let server: Awaited<ReturnType<typeof scriptedServer>>;
let red: Buffer;
let blue: Buffer;
const { fetcher } = testFetcher();

beforeAll(async () => {
  red = await png(200);
  blue = await png(10, 10, 220);
  server = await scriptedServer((req, res) => {
    const path = req.url ?? '/';
    if (path === '/robots.txt') return res.writeHead(404).end();
    if (path === '/red.png' || path === '/etag.png') {
      if (path === '/etag.png' && req.headers['if-none-match'] === '"v1"') return res.writeHead(304).end();
      return res.writeHead(200, { 'content-type': 'image/png', etag: '"v1"' }).end(red);
    }
    if (path === '/blue.png') return res.writeHead(200, { 'content-type': 'image/png' }).end(blue);
    if (path === '/page.png') return res.writeHead(200, { 'content-type': 'text/html' }).end('<html></html>');
    return res.writeHead(404).end();
  });
});
afterAll(async () => {
  await server.close();
  await fetcher.close();
});

const options = () => ({ fetcher, maxImageBytes: 1_000_000, maxImagePixels: 10_000_000, recheckImages: false });
const at = (path: string) => `${server.url}${path}`;
let fixture: ReturnType<typeof openRun>;
afterEach(() => fixture?.close());

/** Puts a listing into the state as a previous run left it. */
function remember(l: NormalizedListing, image: Buffer, fingerprint = 'fp-test'): ItemState {
  const item: ItemState = {
    id: `id-${l.externalId}`,
    listing: l,
    fieldsHash: fieldsHashOf(l),
    status: l.status,
    imageHash: hashBytes(image),
    fingerprint,
    vector: encodeVector(new Float32Array([0.6, 0.8])),
    firstSeen: '2026-01-01T00:00:00.000Z',
    lastSeen: '2026-01-01T00:00:00.000Z',
    lastRun: 0,
    missed: 0,
  };
  fixture.state.putItem(itemKey(l.source, l.externalId), item);
  return item;
}

describe('classifyListing', () => {
  it('fetches and checks the image of a new listing: an upsert with its bytes, validators kept for next time', async () => {
    fixture = openRun();
    const l = listing('n1', { imageUrl: at('/red.png') });
    const entry = await classifyListing(fixture.run, options(), l, 'k-n1');
    expect(entry).toMatchObject({ kind: 'upsert', key: 'k-n1', imageHash: hashBytes(red), existing: undefined });
    expect(entry?.kind === 'upsert' && entry.bytes?.equals(red)).toBe(true);
    expect(fixture.state.http(at('/red.png'))).toEqual({ etag: '"v1"', hash: hashBytes(red) });
  });

  it('does not fetch a known listing with the same image: seen, a status change, or an upsert reusing the vector', async () => {
    fixture = openRun();
    const before = server.count('/blue.png');
    const l = listing('k1', { imageUrl: at('/blue.png') });
    remember(l, blue);
    const key = itemKey(l.source, l.externalId);
    expect(await classifyListing(fixture.run, options(), l, key)).toEqual({ kind: 'seen', key, counted: true });
    const sold = await classifyListing(fixture.run, options(), { ...l, status: 'sold' }, key);
    expect(sold).toMatchObject({ kind: 'status', key, status: 'sold' });
    const renamed = await classifyListing(fixture.run, options(), { ...l, title: 'New title' }, key);
    expect(renamed).toMatchObject({ kind: 'upsert', imageHash: hashBytes(blue) });
    expect(renamed?.kind === 'upsert' && [...(renamed.vector ?? [])].map((v) => +v.toFixed(2))).toEqual([0.6, 0.8]);
    expect(renamed?.kind === 'upsert' && renamed.bytes).toBeUndefined();
    expect(server.count('/blue.png')).toBe(before);
  });

  it('re-fetches the image of a listing embedded by another model, and one whose image URL changed', async () => {
    fixture = openRun('fp-new');
    const old = listing('m1', { imageUrl: at('/blue.png') });
    remember(old, blue, 'fp-old');
    const key = itemKey(old.source, old.externalId);
    const entry = await classifyListing(fixture.run, options(), old, key);
    expect(entry).toMatchObject({ kind: 'upsert', imageHash: hashBytes(blue) });
    expect(entry?.kind === 'upsert' && entry.bytes?.equals(blue)).toBe(true);

    const moved = listing('m2', { imageUrl: at('/blue.png') });
    remember(moved, blue, 'fp-new');
    const movedKey = itemKey(moved.source, moved.externalId);
    // New URL, same bytes: no re-embedding, the stored vector is reused.
    const same = await classifyListing(fixture.run, options(), { ...moved, imageUrl: at('/red.png') }, movedKey);
    expect(same).toMatchObject({ kind: 'upsert', imageHash: hashBytes(red) });
    expect(same?.kind === 'upsert' && same.bytes?.equals(red)).toBe(true);
  });

  it('with recheckImages, asks again with the stored validators and reuses the vector on a 304', async () => {
    fixture = openRun();
    const l = listing('e1', { imageUrl: at('/etag.png') });
    remember(l, red);
    fixture.state.setHttp(at('/etag.png'), { etag: '"v1"', hash: hashBytes(red) });
    const key = itemKey(l.source, l.externalId);
    const before = server.count('/etag.png');
    const entry = await classifyListing(fixture.run, { ...options(), recheckImages: true }, l, key);
    expect(entry).toEqual({ kind: 'seen', key, counted: true });
    expect(server.count('/etag.png')).toBe(before + 1);
    expect(server.seen.at(-1)?.headers['if-none-match']).toBe('"v1"');
  });

  it('counts a failed or refused image; a new listing is dropped, a known one kept without a count', async () => {
    fixture = openRun();
    const { run } = fixture;
    expect(await classifyListing(run, options(), listing('f1', { imageUrl: at('/gone.png') }), 'k-f1')).toBeUndefined();
    expect(await classifyListing(run, options(), listing('f2', { imageUrl: at('/page.png') }), 'k-f2')).toBeUndefined();
    const known = listing('f3', { imageUrl: at('/blue.png') });
    remember(known, blue);
    const key = itemKey(known.source, known.externalId);
    const entry = await classifyListing(run, options(), { ...known, imageUrl: at('/gone.png') }, key);
    expect(entry).toEqual({ kind: 'seen', key, counted: false });
    expect(run.summary.failed).toEqual({ 'image:http_status': 2 });
    expect(run.summary.skipped).toEqual({ wrong_content_type: 1 });
    expect(fixture.lines.filter((l) => l.msg === 'image failed').map((l) => l.externalId)).toEqual(['f1', 'f3']);
  });
});
