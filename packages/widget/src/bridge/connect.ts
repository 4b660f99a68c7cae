import { BridgeError, type BridgeErrorCode } from './errors.js';
import type { BridgeWindow, HostInit, ReplyEnvelope, SearchImagePhoto, SearchImageResult } from './types.js';
import {
  check,
  checkEnvelope,
  checkHostInit,
  checkPhoto,
  checkSearchResult,
  ERROR_CODES,
  http,
  isId,
  isObject,
  text,
} from './validate.js';

/** What the widget does when the native host asks. */
export interface BridgeHandlers {
  /** host.init: configure the widget (locale, theme, server, key). */
  init(init: HostInit): void | Promise<void>;
  /** search.image: search with a photo served by the app (`app://bundle/photos/…`). */
  searchImage(photo: SearchImagePhoto): Promise<SearchImageResult>;
}

/** The native host, as the widget sees it. */
export interface NativeBridge {
  /** What the host said it supports (host.ready reply), e.g. `photo.pick`, `result.open`, `camera`. */
  readonly capabilities: readonly string[];
  /** Resolves null when the user cancelled. */
  pickPhoto(source?: 'camera' | 'library'): Promise<{ url: string } | null>;
  openResult(result: { url: string; appUrl?: string | null }): Promise<'app' | 'universal-link' | 'safari'>;
  /** Fire and forget. Never pass personal data (photos, their URLs, keys, typed text). */
  log(level: 'debug' | 'info' | 'warn' | 'error', message: string): void;
  /** Stops answering the host and removes `window.__findThisFitBridge`. */
  dispose(): void;
}

export interface ConnectOptions {
  widgetVersion?: string;
  /** How long to wait for each native reply; default 10 s. photo.pick waits for the user: no limit. */
  timeoutMs?: number;
}

/** Native → JS message types the widget handles (announced in host.ready). */
const HANDLED = ['host.init', 'search.image'];
const LEVELS = ['debug', 'info', 'warn', 'error'];
// Module-wide, so ids stay unique for the life of the page even across reconnects.
let seq = 0;
const nextId = () => `js-${++seq}`;
const usage = (why: string) => new TypeError(`findThisFit bridge: ${why}`);
const appLink = text(/^[a-z][a-z0-9+.-]*:\/\//);

/**
 * Connects to the iOS host when the page runs in the app's WKWebView (the `findThisFit` message handler
 * exists); otherwise resolves null and changes nothing. Rejects with a BridgeError (and uninstalls itself)
 * when the host does not answer host.ready properly.
 */
export async function connectNativeBridge(
  win: Window,
  handlers: BridgeHandlers,
  options: ConnectOptions = {},
): Promise<NativeBridge | null> {
  const w = win as unknown as BridgeWindow;
  const native = w.webkit?.messageHandlers?.findThisFit;
  if (typeof native?.postMessage !== 'function') return null;
  if (typeof handlers?.init !== 'function' || typeof handlers.searchImage !== 'function') {
    throw usage('handlers need init and searchImage');
  }
  const timeoutMs = options.timeoutMs ?? 10_000;
  if (!(timeoutMs > 0)) throw usage('timeoutMs must be positive');
  let disposed = false;

  const reply = (replyTo: string | null, payload: object | null, code?: string, message?: string) =>
    ({
      v: 1,
      id: nextId(),
      type: 'reply',
      replyTo,
      ...(payload ? { ok: true, payload } : { ok: false, error: { code, message: message?.slice(0, 1000) } }),
    }) as ReplyEnvelope;

  async function receive(m: unknown): Promise<ReplyEnvelope> {
    const replyTo = isObject(m) && isId(m.id) ? m.id : null;
    const bad = checkEnvelope(m);
    if (bad) return reply(replyTo, null, 'invalid_message', bad);
    const { type, payload } = m as { type: string; payload: unknown };
    if (disposed || !HANDLED.includes(type)) return reply(replyTo, null, 'unsupported', `unsupported type ${type}`);
    const init = type === 'host.init';
    const invalid = init ? checkHostInit(payload) : checkPhoto(payload);
    if (invalid) return reply(replyTo, null, 'invalid_message', `${type}: ${invalid}`);
    try {
      if (init) {
        await handlers.init(payload as HostInit);
        return reply(replyTo, {});
      }
      const result = await handlers.searchImage(payload as SearchImagePhoto);
      const wrong = checkSearchResult(result);
      if (wrong) throw new Error(`searchImage handler result: ${wrong}`);
      return reply(replyTo, { resultCount: result.resultCount, topIds: result.topIds });
    } catch (e) {
      const code = e instanceof BridgeError && e.code !== 'timeout' ? e.code : 'internal';
      return reply(replyTo, null, code, e instanceof Error ? e.message : String(e));
    }
  }

  /** Posts a request and returns its reply's payload, or throws the BridgeError it carries. */
  async function send(type: string, payload: object, limit = timeoutMs): Promise<Record<string, unknown>> {
    if (disposed) throw new BridgeError('unsupported', 'bridge disposed');
    const id = nextId();
    const fail = (code: BridgeErrorCode, why: string) => new BridgeError(code, `${type}: ${why}`);
    let timer: ReturnType<typeof setTimeout> | undefined;
    let r: unknown;
    try {
      r = await Promise.race([
        native!.postMessage({ v: 1, id, type, payload }),
        new Promise((_, reject) => {
          if (limit < Infinity) timer = setTimeout(() => reject(fail('timeout', `no reply in ${limit} ms`)), limit);
        }),
      ]);
    } catch (e) {
      throw e instanceof BridgeError ? e : fail('internal', String((e as Error)?.message ?? e));
    } finally {
      clearTimeout(timer);
    }
    if (!isObject(r) || r.v !== 1 || r.type !== 'reply' || !isId(r.id) || r.replyTo !== id)
      throw fail('invalid_message', 'bad reply');
    if (r.ok === true && isObject(r.payload) && !('error' in r)) return r.payload;
    const e = r.error;
    if (r.ok === false && isObject(e) && ERROR_CODES.includes(e.code as string) && typeof e.message === 'string') {
      throw new BridgeError(e.code as BridgeErrorCode, e.message);
    }
    throw fail('invalid_message', 'bad reply');
  }

  const dispose = () => {
    disposed = true;
    if (w.__findThisFitBridge?.receive === receive) delete w.__findThisFitBridge;
  };
  // Listening before host.ready goes out: the host may send host.init as soon as it has it.
  w.__findThisFitBridge = { receive };
  let capabilities: unknown;
  try {
    ({ capabilities } = await send('host.ready', {
      widgetVersion: options.widgetVersion ?? '0.0.0',
      protocolVersion: 1,
      capabilities: HANDLED,
    }));
    if (!Array.isArray(capabilities) || !capabilities.every(text(/./, 64))) {
      throw new BridgeError('invalid_message', 'host.ready: bad capabilities');
    }
  } catch (e) {
    dispose();
    throw e;
  }

  return {
    capabilities,
    async pickPhoto(source = 'library') {
      if (source !== 'camera' && source !== 'library') throw usage('pickPhoto: bad source');
      try {
        const r = await send('photo.pick', { source }, Infinity);
        if (checkPhoto(r)) throw new BridgeError('invalid_message', 'photo.pick: bad url');
        return { url: r.url as string };
      } catch (e) {
        if (e instanceof BridgeError && e.code === 'cancelled') return null;
        throw e;
      }
    },
    async openResult(result) {
      const appUrl = result?.appUrl ?? null;
      if (check({ url: result?.url, appUrl: appUrl ?? undefined }, { url: http }, { appUrl: appLink })) {
        throw usage('openResult: bad url or appUrl');
      }
      const { opened } = await send('result.open', { url: result.url, appUrl });
      if (!(opened === 'app' || opened === 'universal-link' || opened === 'safari')) {
        throw new BridgeError('invalid_message', 'result.open: bad reply');
      }
      return opened;
    },
    log(level, message) {
      // Fire and forget: a bad level is dropped rather than thrown from a logging call.
      if (!disposed && LEVELS.includes(level))
        send('log', { level, message: String(message).slice(0, 1000) }).catch(() => {});
    },
    dispose,
  };
}
