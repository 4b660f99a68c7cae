import { connect } from 'node:net';

/** The first bytes of each answer: enough for the status line; `null` when the socket closed without one. */
export interface RawAnswer {
  status: number | null;
  text: string;
}

/**
 * Sends bytes exactly as given over a plain TCP socket (no client library fixes them up) and reads whatever
 * comes back until the server closes or `waitMs` passes. `end` = half-close after writing (a truncated upload);
 * `destroy` = reset the connection right after writing (an aborted upload).
 */
export function rawRequest(
  port: number,
  bytes: Buffer | string,
  options: { after?: 'end' | 'destroy' | 'wait'; waitMs?: number } = {},
): Promise<RawAnswer> {
  const after = options.after ?? 'end';
  const waitMs = options.waitMs ?? 3000;
  // A HEAD answer has a Content-Length but no body: it is complete after the headers.
  const isHead = Buffer.from(bytes.slice(0, 5)).toString('latin1') === 'HEAD ';
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.destroy();
      const text = Buffer.concat(chunks).toString('latin1');
      const match = /^HTTP\/1\.[01] (\d{3})/.exec(text);
      resolve({ status: match ? Number(match[1]) : null, text });
    };
    const timer = setTimeout(finish, waitMs);
    socket.on('data', (chunk) => {
      chunks.push(chunk);
      // One full answer is all we want; keep-alive would otherwise hold the socket open.
      const text = Buffer.concat(chunks).toString('latin1');
      const head = text.indexOf('\r\n\r\n');
      if (head >= 0) {
        const headers = text.slice(0, head);
        const length = /\r\ncontent-length: *(\d+)/i.exec(headers);
        if (isHead || /^HTTP\/1\.[01] (1\d\d|204|304)/.test(headers)) finish();
        else if (length && text.length >= head + 4 + Number(length[1])) finish();
        else if (/\r\ntransfer-encoding: *chunked/i.test(headers) && text.endsWith('\r\n0\r\n\r\n')) finish();
      }
    });
    socket.on('error', finish);
    socket.on('close', finish);
    socket.on('connect', () => {
      socket.write(bytes, () => {
        if (after === 'end') socket.end();
        else if (after === 'destroy') setTimeout(() => socket.resetAndDestroy(), 20);
      });
    });
  });
}

const BOUNDARY = '----ftfboundary';

/** 201 bytes of SVG that would cost librsvg many seconds of CPU to rasterise (issue 13 used a 270-byte one). */
export const SVG_BOMB =
  '<svg xmlns="http://www.w3.org/2000/svg" width="20000" height="20000"><filter id="f"><feTurbulence baseFrequency="0.9" numOctaves="10"/></filter><rect width="100%" height="100%" filter="url(#f)"/></svg>';

/** A multipart/form-data request to /v1/search/image whose body is `body` (Content-Length = what is sent). */
export function multipartRequest(body: string | Buffer, key: string, extraHeaders = ''): Buffer {
  const payload = Buffer.isBuffer(body) ? body : Buffer.from(body, 'latin1');
  const head =
    'POST /v1/search/image HTTP/1.1\r\nHost: localhost\r\n' +
    `Authorization: Bearer ${key}\r\n` +
    `Content-Type: multipart/form-data; boundary=${BOUNDARY}\r\n` +
    `Content-Length: ${payload.length}\r\n${extraHeaders}\r\n`;
  return Buffer.concat([Buffer.from(head, 'latin1'), payload]);
}

export const part = (name: string, type = 'image/jpeg', filename = 'a.jpg') =>
  `--${BOUNDARY}\r\nContent-Disposition: form-data; name="${name}"; filename="${filename}"\r\nContent-Type: ${type}\r\n\r\n`;
export const closing = `\r\n--${BOUNDARY}--\r\n`;

/** Every request shape that has crashed (or could crash) a request stream handler. */
export function hostileRequests(
  key: string,
): Array<{ name: string; bytes: Buffer | string; after?: 'end' | 'destroy' }> {
  const jpegStart = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 16, 0x4a, 0x46, 0x49, 0x46]).toString('latin1');
  const json = (path: string, headers = '') =>
    `POST ${path} HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer ${key}\r\nContent-Type: application/json\r\n${headers}`;
  return [
    { name: 'multipart ends inside the image part', bytes: multipartRequest(`${part('image')}${jpegStart}`, key) },
    {
      name: 'multipart file part named "photo", truncated',
      bytes: multipartRequest(`${part('photo')}${jpegStart}`, key),
    },
    {
      name: 'multipart file part named "photo", complete',
      bytes: multipartRequest(`${part('photo')}${jpegStart}${closing}`, key),
    },
    {
      name: 'multipart: two file parts, second truncated',
      bytes: multipartRequest(`${part('photo')}${jpegStart}\r\n${part('image')}${jpegStart}`, key),
    },
    {
      name: 'multipart ends inside part headers',
      bytes: multipartRequest(`--${BOUNDARY}\r\nContent-Disposition: form-da`, key),
    },
    {
      name: 'multipart Content-Length larger than sent (client half-closes)',
      bytes: multipartRequest(`${part('image')}${jpegStart}`, key)
        .toString('latin1')
        .replace(/Content-Length: \d+/, 'Content-Length: 5000'),
    },
    {
      name: 'multipart upload aborted (reset)',
      bytes: multipartRequest(`${part('image')}${jpegStart}`, key)
        .toString('latin1')
        .replace(/Content-Length: \d+/, 'Content-Length: 5000'),
      after: 'destroy',
    },
    {
      name: 'multipart chunked, truncated inside a chunk',
      bytes:
        `POST /v1/search/image HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer ${key}\r\n` +
        `Content-Type: multipart/form-data; boundary=${BOUNDARY}\r\nTransfer-Encoding: chunked\r\n\r\n` +
        `${(part('image').length + jpegStart.length + 100).toString(16)}\r\n${part('image')}${jpegStart}`,
    },
    {
      name: 'JSON chunked, truncated inside a chunk',
      bytes: `${json('/v1/search', 'Transfer-Encoding: chunked\r\n')}\r\n40\r\n{"vector":[`,
    },
    {
      name: 'JSON chunked, bad chunk size',
      bytes: `${json('/v1/search', 'Transfer-Encoding: chunked\r\n')}\r\nzz\r\n{}\r\n0\r\n\r\n`,
    },
    {
      name: 'JSON Content-Length larger than sent',
      bytes: `${json('/v1/search', 'Content-Length: 500\r\n')}\r\n{"vector":[`,
    },
    {
      name: 'JSON upload aborted (reset)',
      bytes: `${json('/v1/search', 'Content-Length: 500\r\n')}\r\n{"vector":[`,
      after: 'destroy',
    },
    {
      name: 'duplicate Content-Length',
      bytes: `${json('/v1/search', 'Content-Length: 2\r\nContent-Length: 3\r\n')}\r\n{}`,
    },
    {
      name: 'Content-Length and Transfer-Encoding together',
      bytes: `${json('/v1/search', 'Content-Length: 2\r\nTransfer-Encoding: chunked\r\n')}\r\n2\r\n{}\r\n0\r\n\r\n`,
    },
    {
      name: 'unknown Transfer-Encoding',
      bytes: `${json('/v1/search', 'Transfer-Encoding: gzip, chunked\r\n')}\r\n0\r\n\r\n`,
    },
    {
      // Issue 13's CPU bomb: a tiny SVG with a turbulence filter over 20000² px, sent as image/png.
      name: 'SVG sent as image/png',
      bytes:
        `POST /v1/search/image HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer ${key}\r\nContent-Type: image/png\r\n` +
        `Content-Length: ${SVG_BOMB.length}\r\n\r\n${SVG_BOMB}`,
    },
    {
      name: 'raw image body truncated',
      bytes: `POST /v1/search/image HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer ${key}\r\nContent-Type: image/jpeg\r\nContent-Length: 9000\r\n\r\n${jpegStart}`,
    },
  ];
}
