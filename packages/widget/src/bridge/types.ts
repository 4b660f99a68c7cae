// TypeScript mirror of ios-bridge/protocol/bridge-protocol.schema.json (protocol v1).

export const PROTOCOL_VERSION = 1;

export type Theme = 'light' | 'dark' | 'auto';

/** host.init payload: how the native host configures the widget. */
export interface HostInit {
  /** BCP 47, e.g. `en-GB`. */
  locale: string;
  theme: Theme;
  apiBase: string;
  /** A publishable key (never a secret key). */
  apiKey: string;
  k?: number;
  model?: string;
  device?: 'auto' | 'webgpu' | 'wasm';
}

/** search.image payload: a photo served by the app's scheme handler (`app://bundle/photos/…`). */
export interface SearchImagePhoto {
  url: string;
  mimeType?: string;
}

export interface SearchImageResult {
  resultCount: number;
  topIds: string[];
}

export type WireErrorCode =
  | 'unsupported'
  | 'invalid_message'
  | 'cancelled'
  | 'not_found'
  | 'permission_denied'
  | 'internal';

export interface RequestEnvelope {
  v: 1;
  id: string;
  type: string;
  payload: Record<string, unknown>;
}

export type ReplyEnvelope =
  | { v: 1; id: string; type: 'reply'; replyTo: string; ok: true; payload: object }
  | {
      v: 1;
      id: string;
      type: 'reply';
      replyTo: string | null;
      ok: false;
      error: { code: WireErrorCode; message: string };
    };

/** What the native host injects into the page (WKScriptMessageHandlerWithReply → postMessage returns a Promise). */
export interface NativeMessageHandler {
  postMessage(message: unknown): Promise<unknown>;
}

/** The globals the bridge reads and writes on the window. */
export interface BridgeWindow {
  webkit?: { messageHandlers?: { findThisFit?: NativeMessageHandler } };
  __findThisFitBridge?: { receive(message: unknown): Promise<ReplyEnvelope> };
}
