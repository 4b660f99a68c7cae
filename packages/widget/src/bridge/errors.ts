import type { WireErrorCode } from './types.js';

/** `timeout` (no reply in time) is local to the widget; every other code travels in error replies. */
export type BridgeErrorCode = WireErrorCode | 'timeout';

/** A failed bridge call: the native host's error reply, a malformed reply, or a time-out. */
export class BridgeError extends Error {
  override readonly name = 'BridgeError';
  constructor(
    readonly code: BridgeErrorCode,
    message: string,
  ) {
    super(message);
  }
}
