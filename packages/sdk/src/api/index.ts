export {
  API_ERROR_CODES,
  type ApiErrorCode,
  CONDITIONS,
  type Condition,
  isCondition,
  isListingStatus,
  LISTING_STATUSES,
  type ListingStatus,
} from './enums.js';
export { itemKey } from './item-key.js';
export type {
  ErrorBody,
  InfoResponse,
  Listing,
  ListingUpsert,
  ModelInfo,
  Money,
  SearchFilters,
  SearchRequest,
  SearchResponse,
  SearchResult,
  StatusRequest,
  UpsertRequest,
  UpsertResponse,
  VectorInput,
} from './types.js';
export { base64ToBytes, bytesToBase64, decodeVector, encodeVector, VectorFormatError } from './vector-codec.js';
