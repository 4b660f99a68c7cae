import { StoreError } from './errors.js';

const IDENTIFIER = /^[a-z_][a-z0-9_]*$/;

/** Schema names end up in SQL text (they cannot be parameters): allow plain identifiers only, quoted. */
export function quoteIdentifier(name: string): string {
  if (!IDENTIFIER.test(name) || name.length > 63) {
    throw new StoreError('invalid_config', `invalid schema name ${JSON.stringify(name)}: use [a-z_][a-z0-9_]*`);
  }
  return `"${name}"`;
}

const INT8_MAX = 9223372036854775807n;

/** Listing ids are bigint identities exposed as strings; anything else cannot match a row. */
export function isListingId(id: string): boolean {
  return /^[1-9][0-9]{0,18}$/.test(id) && BigInt(id) <= INT8_MAX;
}
