export { type BridgeHandlers, type ConnectOptions, connectNativeBridge, type NativeBridge } from './connect.js';
export { BridgeError, type BridgeErrorCode } from './errors.js';
export type {
  BridgeWindow,
  HostInit,
  ReplyEnvelope,
  RequestEnvelope,
  SearchImagePhoto,
  SearchImageResult,
  Theme,
  WireErrorCode,
} from './types.js';
export { PROTOCOL_VERSION } from './types.js';
