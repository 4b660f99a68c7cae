const ERROR_BRAND = Symbol.for('find-this-fit.error');

/**
 * The root of every error this SDK throws. Brand-checked so `isFindThisFitError(e)` works across
 * bundles and realms where `instanceof` does not (two copies of the SDK, a worker boundary).
 */
export class FindThisFitError extends Error {
  // Subclasses set their name explicitly: minifiers rename classes, and `name` is what users log and match.
  override name = 'FindThisFitError';
  /** Stable, machine-readable error code (e.g. `unknown_preset`). */
  readonly code: string;
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    // Brand for cross-realm checks; a registered symbol is the same in every copy of the SDK.
    Object.defineProperty(this, ERROR_BRAND, { value: true });
  }
}

/** True for any error thrown by this SDK, even from another copy of it. */
export function isFindThisFitError(value: unknown): value is FindThisFitError {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[ERROR_BRAND] === true;
}
