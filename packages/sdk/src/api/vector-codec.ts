import type { VectorInput } from './types.js';

/** Raised for a vector payload that cannot be decoded; `field` names the offending part. */
export class VectorFormatError extends Error {
  override name = 'VectorFormatError';
  readonly field: string;
  constructor(field: string, message: string) {
    super(message);
    this.field = field;
  }
}

const BASE64_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const BASE64_LOOKUP = new Int16Array(128).fill(-1);
for (let i = 0; i < BASE64_ALPHABET.length; i++) BASE64_LOOKUP[BASE64_ALPHABET.charCodeAt(i)] = i;

/** Standard base64 (with or without padding), no dependencies, same in every runtime. */
export function base64ToBytes(text: string): Uint8Array {
  const clean = text.replace(/=+$/, '');
  if (clean.length % 4 === 1) throw new VectorFormatError('vector.base64', 'base64 has an impossible length');
  const out = new Uint8Array(Math.floor((clean.length * 3) / 4));
  let buffer = 0;
  let bits = 0;
  let index = 0;
  for (let i = 0; i < clean.length; i++) {
    const code = clean.charCodeAt(i);
    const value = code < 128 ? (BASE64_LOOKUP[code] as number) : -1;
    if (value < 0) throw new VectorFormatError('vector.base64', `invalid base64 character at ${i}`);
    buffer = (buffer << 6) | value;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[index++] = (buffer >> bits) & 0xff;
    }
  }
  return out;
}

export function bytesToBase64(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; i += 3) {
    const a = bytes[i] as number;
    const b = bytes[i + 1];
    const c = bytes[i + 2];
    const triple = (a << 16) | ((b ?? 0) << 8) | (c ?? 0);
    out += BASE64_ALPHABET[(triple >> 18) & 63];
    out += BASE64_ALPHABET[(triple >> 12) & 63];
    out += b === undefined ? '=' : BASE64_ALPHABET[(triple >> 6) & 63];
    out += c === undefined ? '=' : BASE64_ALPHABET[triple & 63];
  }
  return out;
}

/** IEEE 754 half → float (subnormals, infinities and NaN included). */
function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exponent = (h >> 10) & 0x1f;
  const fraction = h & 0x3ff;
  if (exponent === 0) return sign * 2 ** -14 * (fraction / 1024);
  if (exponent === 31) return fraction ? Number.NaN : sign * Number.POSITIVE_INFINITY;
  return sign * 2 ** (exponent - 15) * (1 + fraction / 1024);
}

const scratch = new DataView(new ArrayBuffer(4));
/** float → IEEE 754 half, round to nearest even. Values beyond ±65504 become ±Infinity. */
function floatToHalf(value: number): number {
  scratch.setFloat32(0, value);
  const x = scratch.getUint32(0);
  const sign = (x >>> 16) & 0x8000;
  const exponent = (x >>> 23) & 0xff;
  let mantissa = x & 0x7fffff;
  if (exponent === 0xff) return sign | 0x7c00 | (mantissa ? 0x200 : 0);
  const e = exponent - 127 + 15;
  if (e >= 31) return sign | 0x7c00;
  if (e <= 0) {
    if (e < -10) return sign;
    mantissa |= 0x800000;
    const shift = 14 - e;
    const half = mantissa >> shift;
    const rest = mantissa & ((1 << shift) - 1);
    const midpoint = 1 << (shift - 1);
    return sign | (half + (rest > midpoint || (rest === midpoint && half & 1) ? 1 : 0));
  }
  const half = (e << 10) | (mantissa >> 13);
  const rest = mantissa & 0x1fff;
  return sign | (half + (rest > 0x1000 || (rest === 0x1000 && half & 1) ? 1 : 0));
}

/**
 * Encodes a vector in the compact wire form: little-endian float16 (default; ~3 decimal digits, plenty
 * for unit vectors compared by cosine) or float32, as base64.
 */
export function encodeVector(vector: ArrayLike<number>, dtype: 'float16' | 'float32' = 'float16'): VectorInput {
  const width = dtype === 'float16' ? 2 : 4;
  const view = new DataView(new ArrayBuffer(vector.length * width));
  for (let i = 0; i < vector.length; i++) {
    const value = vector[i] as number;
    if (dtype === 'float16') view.setUint16(i * 2, floatToHalf(value), true);
    else view.setFloat32(i * 4, value, true);
  }
  return { dtype, base64: bytesToBase64(new Uint8Array(view.buffer)) };
}

/**
 * Decodes either wire form into a Float32Array. Does not check the dimension or finiteness: the
 * caller knows the model and reports those with the field name.
 * @throws {VectorFormatError} for an unknown dtype, bad base64 or a byte length that is not whole values.
 */
export function decodeVector(input: VectorInput): Float32Array {
  if (Array.isArray(input)) return Float32Array.from(input);
  const { dtype, base64 } = input;
  if (dtype !== 'float16' && dtype !== 'float32') {
    throw new VectorFormatError('vector.dtype', `dtype must be "float16" or "float32", got ${JSON.stringify(dtype)}`);
  }
  if (typeof base64 !== 'string') throw new VectorFormatError('vector.base64', 'base64 must be a string');
  const bytes = base64ToBytes(base64);
  const width = dtype === 'float16' ? 2 : 4;
  if (bytes.length % width !== 0) {
    throw new VectorFormatError('vector.base64', `${bytes.length} bytes is not a whole number of ${dtype} values`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = new Float32Array(bytes.length / width);
  if (dtype === 'float16') {
    const table = halfTable();
    for (let i = 0; i < out.length; i++) out[i] = table[view.getUint16(i * 2, true)] as number;
  } else {
    for (let i = 0; i < out.length; i++) out[i] = view.getFloat32(i * 4, true);
  }
  return out;
}

let halves: Float32Array | undefined;
/** Every float16 value as float32 (256 KB, built on first use): a server decodes one vector per search. */
function halfTable(): Float32Array {
  if (!halves) {
    halves = new Float32Array(65_536);
    for (let h = 0; h < 65_536; h++) halves[h] = halfToFloat(h);
  }
  return halves;
}
