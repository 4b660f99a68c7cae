import type { SearchResult } from '@find-this-fit/sdk';
import type { QueryKind } from '../../events.js';
import { type CropRect, FULL_PHOTO, type PreparedPhoto } from '../../internal/photo.js';
import type { ShopperError } from '../../internal/shopper-error.js';
import { type Facets, type FilterForm, NO_FACETS, NO_FILTERS } from './filters.js';

export type Device = 'auto' | 'webgpu' | 'wasm' | 'server';
export type Phase = 'idle' | 'preparing' | 'loading-model' | 'embedding' | 'searching' | 'done' | 'error';

/** What the search shows: the query (photo, crop, words, filters), where it stands, and its results. */
export interface SearchState {
  phase: Phase;
  /** The status line (an ARIA live region). */
  status: string;
  error: ShopperError | undefined;
  /** Runs the failed step again; set only when the error is worth retrying. */
  retry: (() => void) | undefined;
  /** Model download, over every file. */
  progress: { loaded: number; total: number } | undefined;
  photo: PreparedPhoto | undefined;
  crop: CropRect;
  /** The crop on screen is not the one searched yet. */
  cropDirty: boolean;
  refine: string;
  filters: FilterForm;
  facets: Facets;
  results: SearchResult[];
  kind: QueryKind;
  similarOf: SearchResult | undefined;
  hasMore: boolean;
  loadingMore: boolean;
}

/** The element's settings, read when a search starts. */
export interface SearchSettings {
  apiBase: string;
  apiKey: string;
  /** Results per page, already clamped to 1–100. */
  pageSize: number;
  model: string | undefined;
  modelUrl: string | undefined;
  device: Device;
  minScore: number;
  assetsBase: string | undefined;
}

/** Before the first photo. */
export function initialSearchState(): SearchState {
  return {
    phase: 'idle',
    status: '',
    error: undefined,
    retry: undefined,
    progress: undefined,
    photo: undefined,
    crop: FULL_PHOTO,
    cropDirty: false,
    refine: '',
    filters: NO_FILTERS,
    facets: NO_FACETS,
    results: [],
    kind: 'photo',
    similarOf: undefined,
    hasMore: false,
    loadingMore: false,
  };
}
