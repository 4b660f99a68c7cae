// The test page: the real bridge adapter, a simulated WKWebView message handler that forwards every
// message to Node (page.exposeFunction('nativePostMessage')), and a small harness the tests drive.
import {
  BridgeError,
  type BridgeWindow,
  connectNativeBridge,
  type HostInit,
  type NativeBridge,
} from '../../../src/bridge/index.js';

type Outcome<T> = { value: T } | { error: { name: string; code?: string; message: string } };

declare global {
  interface Window {
    nativePostMessage?: (message: unknown) => Promise<unknown>;
    harness: typeof harness;
  }
}

let bridge: NativeBridge | null = null;
const calls: { init: HostInit[]; searchImage: unknown[] } = { init: [], searchImage: [] };
let searchBehaviour: 'ok' | 'not_found' | 'throw' | 'bad-result' = 'ok';

async function outcome<T>(run: () => Promise<T>): Promise<Outcome<T>> {
  try {
    return { value: await run() };
  } catch (e) {
    const error = e as Error;
    return {
      error: { name: error.name, message: error.message, ...(e instanceof BridgeError ? { code: e.code } : {}) },
    };
  }
}

const harness = {
  calls,
  /** Installs `window.webkit.messageHandlers.findThisFit` like WKWebView does for a handler with reply. */
  installNative() {
    const post = (message: unknown) => window.nativePostMessage!(message);
    Object.assign(window, { webkit: { messageHandlers: { findThisFit: { postMessage: post } } } });
  },
  setSearchBehaviour(b: typeof searchBehaviour) {
    searchBehaviour = b;
  },
  connect(options?: { widgetVersion?: string; timeoutMs?: number }) {
    return outcome(async () => {
      bridge = await connectNativeBridge(
        window,
        {
          init(init) {
            calls.init.push(init);
          },
          async searchImage(photo) {
            calls.searchImage.push(photo);
            if (searchBehaviour === 'not_found') throw new BridgeError('not_found', 'The photo is gone');
            if (searchBehaviour === 'throw') throw new Error('embedder crashed');
            if (searchBehaviour === 'bad-result') return { resultCount: -1, topIds: [] };
            return { resultCount: 2, topIds: ['41', '7'] };
          },
        },
        options,
      );
      return bridge ? { capabilities: [...bridge.capabilities] } : null;
    });
  },
  hasGlobal: () => '__findThisFitBridge' in window,
  pickPhoto: (source?: 'camera' | 'library') => outcome(() => bridge!.pickPhoto(source)),
  openResult: (result: { url: string; appUrl?: string | null }) => outcome(() => bridge!.openResult(result)),
  log: (level: 'debug' | 'info' | 'warn' | 'error', message: string) => bridge!.log(level, message),
  dispose: () => bridge!.dispose(),
  /** What the native side does: `callAsyncJavaScript("return await window.__findThisFitBridge.receive(message)")`. */
  receive: (message: unknown) => (window as unknown as BridgeWindow).__findThisFitBridge!.receive(message),
};

window.harness = harness;
document.title = 'ready';
