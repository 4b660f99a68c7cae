// @ts-check
// Hostile images for fault injection: a decompression bomb (tiny file, huge declared size) and padding.
import { deflateSync } from 'node:zlib';

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

/** @param {Buffer} bytes */
function crc32(bytes) {
  let c = 0xffffffff;
  for (const b of bytes) c = (CRC_TABLE[(c ^ b) & 0xff] ?? 0) ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** @param {string} type @param {Buffer} data */
function chunk(type, data) {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

/**
 * A valid-looking PNG whose header claims `width`×`height` RGB pixels (default 30000², 2.7 GB decoded) with
 * the first rows of zeros deflated into a few KB: a decoder that trusts the header before checking a pixel
 * limit allocates gigabytes.
 */
export function decompressionBombPng(width = 30_000, height = 30_000) {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // RGB
  const rows = Math.min(height, 64);
  const idat = deflateSync(Buffer.alloc(rows * (width * 3 + 1)), { level: 9 });
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', idat),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** `jpeg` padded after its end marker to exactly `bytes` (or unchanged if already larger). @param {Buffer} jpeg @param {number} bytes */
export function padImage(jpeg, bytes) {
  if (jpeg.length >= bytes) return jpeg;
  return Buffer.concat([jpeg, Buffer.alloc(bytes - jpeg.length)]);
}
