export type {
  Condition,
  ErrorBody,
  InfoResponse,
  Listing,
  ListingStatus,
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
