import Busboy from 'busboy';
import type { Context } from 'koa';
import getRawBody from 'raw-body';
import { InvalidRequestError, PayloadTooLargeError, UnsupportedMediaTypeError } from '../errors.js';

/** raw-body's errors carry a `type`; map them to ours (the stream is already destroyed past the cap). */
function mapRawBodyError(error: unknown, limit: number): unknown {
  const type = (error as { type?: unknown }).type;
  if (type === 'entity.too.large') return new PayloadTooLargeError(`Body exceeds ${limit} bytes.`);
  if (type === 'request.aborted') return new InvalidRequestError('Request aborted by the client.');
  if (type === 'request.size.invalid') return new InvalidRequestError('Body length does not match Content-Length.');
  if (type === 'encoding.unsupported') return new UnsupportedMediaTypeError('Unsupported content encoding.');
  return error;
}

async function readCapped(ctx: Context, limit: number): Promise<Buffer> {
  const encoding = ctx.get('content-encoding');
  if (encoding && encoding !== 'identity') throw new UnsupportedMediaTypeError('Compressed bodies are not accepted.');
  try {
    const length = ctx.get('content-length');
    return await getRawBody(ctx.req, { limit, ...(length ? { length } : {}) });
  } catch (error) {
    throw mapRawBodyError(error, limit);
  }
}

/** Reads a JSON body (Content-Type application/json only) of at most `limit` bytes. */
export async function readJson(ctx: Context, limit: number): Promise<unknown> {
  if (!ctx.is('application/json')) throw new UnsupportedMediaTypeError('Content-Type must be application/json.');
  const raw = await readCapped(ctx, limit);
  if (raw.length === 0) throw new InvalidRequestError('Request body is empty; expected JSON.');
  try {
    return JSON.parse(raw.toString('utf8'));
  } catch {
    throw new InvalidRequestError('Request body is not valid JSON.');
  }
}

/** Content types documented for a raw image body (any image/* is read; the bytes decide the format). */
export const IMAGE_TYPES = ['image/jpeg', 'image/png', 'image/webp', 'image/heic', 'application/octet-stream'] as const;

/**
 * The image of `/v1/search/image`: a raw body (any image/* type or application/octet-stream), or the `image`
 * field of a multipart form. The declared type only chooses how to read the body; the format is decided from
 * the bytes afterwards (image-format.ts).
 */
export async function readImage(ctx: Context, limit: number): Promise<Buffer> {
  if (ctx.is('multipart/form-data')) return readMultipartImage(ctx, limit);
  if (ctx.is('image/*', 'application/octet-stream')) return readCapped(ctx, limit);
  throw new UnsupportedMediaTypeError(
    'Send the image as the raw body (Content-Type image/jpeg, image/png, image/webp, image/heic or application/octet-stream) or as multipart/form-data (field "image").',
  );
}

// Form overhead on top of the image itself (boundaries, part headers, small fields).
const MULTIPART_OVERHEAD = 64 * 1024;

function readMultipartImage(ctx: Context, limit: number): Promise<Buffer> {
  const cap = limit + MULTIPART_OVERHEAD;
  if (Number(ctx.get('content-length')) > cap) {
    return Promise.reject(new PayloadTooLargeError(`Image exceeds ${limit} bytes.`));
  }
  return new Promise((resolve, reject) => {
    const req = ctx.req;
    let busboy: Busboy.Busboy;
    try {
      busboy = Busboy({
        headers: req.headers,
        limits: { fileSize: limit, files: 1, fields: 10, fieldSize: 1024, parts: 20, headerPairs: 50 },
      });
    } catch {
      reject(new InvalidRequestError('Malformed multipart/form-data header.'));
      return;
    }
    let image: Buffer | undefined;
    let settled = false;
    const settle = (error: unknown, value?: Buffer) => {
      if (settled) return;
      settled = true;
      req.off('data', countBytes);
      if (error !== undefined) {
        req.unpipe(busboy);
        busboy.removeAllListeners('file');
        if (!req.destroyed) req.resume(); // drain what is left so the response can still be written
        reject(error);
      } else resolve(value as Buffer);
    };
    const malformed = () => settle(new InvalidRequestError('Malformed or truncated multipart/form-data body.'));
    busboy.on('file', (name, stream) => {
      // Every part stream gets an error listener: busboy errors the open part when the body ends inside it,
      // and an unhandled 'error' on any stream would take the whole process down.
      stream.on('error', malformed);
      if (name !== 'image' || image !== undefined || settled) {
        stream.resume();
        return;
      }
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('limit', () => settle(new PayloadTooLargeError(`Image exceeds ${limit} bytes.`)));
      stream.on('end', () => {
        if (!settled && !stream.truncated) image = Buffer.concat(chunks);
      });
    });
    busboy.on('filesLimit', () => settle(new InvalidRequestError('Send one image.')));
    busboy.on('partsLimit', () => settle(new InvalidRequestError('Too many form parts.')));
    busboy.on('fieldsLimit', () => settle(new InvalidRequestError('Too many form fields.')));
    busboy.on('error', malformed);
    busboy.on('close', () => {
      if (!image || image.length === 0) settle(InvalidRequestError.field('image', 'a file field "image" is required'));
      else settle(undefined, image);
    });
    let received = 0;
    function countBytes(chunk: Buffer) {
      received += chunk.length;
      if (received > cap) {
        settle(new PayloadTooLargeError(`Image exceeds ${limit} bytes.`));
        req.destroy();
      }
    }
    req.on('data', countBytes);
    req.on('error', () => settle(new InvalidRequestError('Request aborted by the client.')));
    req.on('aborted', () => settle(new InvalidRequestError('Request aborted by the client.')));
    req.pipe(busboy);
  });
}
