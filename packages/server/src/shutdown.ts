import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { Server as NetServer, type Socket } from 'node:net';

/** How long a keep-alive connection with no request in flight may still bring one after shutdown begins. */
export const IDLE_LINGER_MS = 1_000;

export interface DrainResult {
  /** Requests whose connection was cut at the hard timeout (0 on a clean drain). */
  cut: number;
  timedOut: boolean;
}

/**
 * Graceful HTTP shutdown that answers every request the server has accepted.
 *
 * Node's `server.close()` destroys every connection it thinks idle at once, and a keep-alive connection
 * whose next request is still in the socket buffer looks idle: the client gets a reset for a request it
 * already sent. Instead: stop listening; answer in-flight and late-arriving requests with
 * `Connection: close` (the client then stops reusing the connection); close connections only once they
 * have been idle for IDLE_LINGER_MS; cut what is left at the hard timeout.
 */
export class HttpDrainer {
  #active = new Map<Socket, Set<ServerResponse>>();
  /** Responses this drainer switched to Connection: close (switched back if a pipelined request follows). */
  #forcedClose = new WeakSet<ServerResponse>();
  #closing = false;

  constructor(private readonly server: Server) {
    server.on('connection', (socket: Socket) => {
      this.#active.set(socket, new Set());
      socket.once('close', () => this.#active.delete(socket));
    });
    // Before the app's own handler: its response carries Connection: close once shutdown has begun.
    server.prependListener('request', (req: IncomingMessage, res: ServerResponse) => {
      const socket = req.socket;
      const inFlight = this.#active.get(socket);
      if (!inFlight) return;
      inFlight.add(res);
      if (this.#closing) this.#closeAfterLast(inFlight);
      res.once('close', () => {
        inFlight.delete(res);
        if (this.#closing) this.#lingerThenClose(socket);
      });
    });
  }

  get inFlight(): number {
    let n = 0;
    for (const set of this.#active.values()) n += set.size;
    return n;
  }

  async drain(timeoutMs: number): Promise<DrainResult> {
    this.#closing = true;
    // Responses still being written say Connection: close from now on (later requests get it on arrival).
    for (const responses of this.#active.values()) this.#closeAfterLast(responses);
    // A connection the kernel has completed but Node has not accepted yet is reset when the listener
    // closes, though its client may already have sent a request. Let one more poll phase accept those
    // (an immediate queued from an immediate runs after the next poll).
    await new Promise<void>((resolve) => setImmediate(() => setImmediate(resolve)));
    // Stop accepting without http.Server#close's sweep of "idle" connections (see above).
    const closed = new Promise<void>((resolve) => NetServer.prototype.close.call(this.server, () => resolve()));
    for (const [socket, responses] of this.#active) {
      this.#closeAfterLast(responses);
      if (responses.size === 0) this.#lingerThenClose(socket);
    }
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), timeoutMs);
    });
    const outcome = await Promise.race([closed, timedOut]);
    clearTimeout(timer);
    if (outcome !== 'timeout') return { cut: 0, timedOut: false };
    const cut = this.inFlight;
    for (const socket of this.#active.keys()) socket.destroy();
    await closed;
    return { cut, timedOut: true };
  }

  /**
   * Connection: close on the newest response of a connection only. Node ends the socket after a response
   * that says close, so saying it on an earlier one would drop the pipelined requests queued behind it.
   */
  #closeAfterLast(responses: Set<ServerResponse>): void {
    let last: ServerResponse | undefined;
    for (const res of responses) last = res;
    for (const res of responses) {
      if (res.headersSent) continue;
      if (res === last) {
        if (res.shouldKeepAlive) {
          res.shouldKeepAlive = false;
          this.#forcedClose.add(res);
        }
      } else if (this.#forcedClose.delete(res)) {
        res.shouldKeepAlive = true;
      }
    }
  }

  #lingerThenClose(socket: Socket): void {
    const timer = setTimeout(() => {
      const responses = this.#active.get(socket);
      if (responses && responses.size === 0) socket.destroy();
    }, IDLE_LINGER_MS);
    timer.unref();
    socket.once('close', () => clearTimeout(timer));
  }
}
