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

export const IMAGE_TYPES = ['image/jpeg', 'image/png', 'image/webp', 'image/gif'] as const;

/** The image of `/v1/search/image`: a raw image body, or the `image` field of a multipart form. */
export async function readImage(ctx: Context, limit: number): Promise<Buffer> {
  if (ctx.is(...IMAGE_TYPES)) return readCapped(ctx, limit);
  if (ctx.is('multipart/form-data')) return readMultipartImage(ctx, limit);
  throw new UnsupportedMediaTypeError(
    `Send the image as ${IMAGE_TYPES.join(', ')} or multipart/form-data (field "image").`,
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
    let busboy: Busboy.Busboy;
    try {
      busboy = Busboy({
        headers: ctx.req.headers,
        limits: { fileSize: limit, files: 1, fields: 10, fieldSize: 1024, parts: 20, headerPairs: 50 },
      });
    } catch {
      reject(new InvalidRequestError('Malformed multipart/form-data header.'));
      return;
    }
    let image: Buffer | undefined;
    let failed = false;
    const fail = (error: unknown) => {
      if (failed) return;
      failed = true;
      ctx.req.unpipe(busboy);
      ctx.req.resume(); // drain what is left so the response can still be written
      reject(error);
    };
    busboy.on('file', (name, stream, info) => {
      if (name !== 'image' || image !== undefined) {
        stream.resume();
        return;
      }
      if (!(IMAGE_TYPES as readonly string[]).includes(info.mimeType)) {
        stream.resume();
        fail(new UnsupportedMediaTypeError(`Field "image" must be one of ${IMAGE_TYPES.join(', ')}.`));
        return;
      }
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('limit', () => fail(new PayloadTooLargeError(`Image exceeds ${limit} bytes.`)));
      stream.on('end', () => {
        if (!failed) image = Buffer.concat(chunks);
      });
    });
    busboy.on('filesLimit', () => fail(new InvalidRequestError('Send one image.')));
    busboy.on('partsLimit', () => fail(new InvalidRequestError('Too many form parts.')));
    busboy.on('error', () => fail(new InvalidRequestError('Malformed multipart/form-data body.')));
    busboy.on('close', () => {
      if (failed) return;
      if (!image || image.length === 0) reject(InvalidRequestError.field('image', 'a file field "image" is required'));
      else resolve(image);
    });
    let received = 0;
    ctx.req.on('data', (chunk: Buffer) => {
      received += chunk.length;
      if (received > cap) {
        fail(new PayloadTooLargeError(`Image exceeds ${limit} bytes.`));
        ctx.req.destroy();
      }
    });
    ctx.req.on('error', fail);
    ctx.req.pipe(busboy);
  });
}
