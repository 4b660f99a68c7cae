import type { SearchResult } from '@find-this-fit/sdk';
import type { ModelProgress } from '@find-this-fit/sdk/embedder';
import type { CropRect } from './internal/photo.js';

/** Where a result list came from. */
export type QueryKind = 'photo' | 'similar';

/** Milliseconds spent in each stage of a search (absent stages were skipped, e.g. no embed on "more like this"). */
export interface SearchTimings {
  decodeMs?: number;
  modelLoadMs?: number;
  embedMs?: number;
  searchMs: number;
  renderMs: number;
  totalMs: number;
}

export interface FtfResultsDetail {
  /** Every result shown, in rank order (best first), including earlier pages after "load more". */
  results: SearchResult[];
  /** Results added by this event (the new page). */
  added: SearchResult[];
  kind: QueryKind;
  /** Where the embedding ran: in this browser (`webgpu`/`wasm`) or on the server. */
  device: 'webgpu' | 'wasm' | 'server' | 'none';
  /**
   * The dtype that actually ran in this browser: `fp16` (WebGPU with `shader-f16`) or `fp32` on WebGPU, the
   * index dtype (`q8`) on WASM. Absent when the server embedded or nothing was embedded.
   */
  dtype?: string;
  hasMore: boolean;
  timings: SearchTimings;
}

export interface FtfSelectDetail {
  result: SearchResult;
  /** The link about to open: the app link when allowed, else the web page. Cancel the event to handle it yourself. */
  href: string;
}

export interface FtfErrorDetail {
  code: string;
  /** The words shown to the shopper. */
  message: string;
  /** Technical detail for logs. */
  detail: string;
  status?: number;
}

/** The model does not run on WebGPU (any more): where it runs instead, and why. */
export interface FtfModelFallback {
  status: 'fallback';
  from: { device: 'webgpu'; dtype?: string };
  to: { device: 'wasm'; dtype: string };
  /** What WebGPU reported (device lost, out of memory, a shader that did not compile) or why it was not used. */
  reason: string;
}

export type FtfModelProgressDetail = (ModelProgress | FtfModelFallback) & {
  /** Bytes over every model file so far, for one overall bar (0 on a `fallback` event). */
  totalLoaded: number;
  totalBytes: number;
};

export type FtfResultsEvent = CustomEvent<FtfResultsDetail>;
export type FtfSelectEvent = CustomEvent<FtfSelectDetail>;
export type FtfErrorEvent = CustomEvent<FtfErrorDetail>;
export type FtfModelProgressEvent = CustomEvent<FtfModelProgressDetail>;
/** From the internal `<ftf-cropper>`: the crop box moved (fractions of the photo). */
export type FtfCropChangeEvent = CustomEvent<CropRect>;

/** Every event the widget's elements fire, by name: what `emit` is keyed by and what `addEventListener` sees. */
export interface FtfEventMap {
  'ftf-results': FtfResultsEvent;
  'ftf-select': FtfSelectEvent;
  'ftf-error': FtfErrorEvent;
  'ftf-model-progress': FtfModelProgressEvent;
  'ftf-crop-change': FtfCropChangeEvent;
}

/** The `detail` an event of the map carries. */
export type FtfEventDetail<K extends keyof FtfEventMap> = FtfEventMap[K] extends CustomEvent<infer D> ? D : never;

declare global {
  interface HTMLElementEventMap extends FtfEventMap {}
}
