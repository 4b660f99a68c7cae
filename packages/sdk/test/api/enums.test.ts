import { describe, expect, it } from 'vitest';
import {
  API_ERROR_CODES,
  CONDITIONS,
  isCondition,
  isListingStatus,
  itemKey,
  LISTING_STATUSES,
} from '../../src/index.js';

describe('API vocabularies', () => {
  it('lists the conditions best first and the listing statuses', () => {
    expect(CONDITIONS).toEqual(['new', 'like_new', 'excellent', 'good', 'fair', 'poor']);
    expect(LISTING_STATUSES).toEqual(['active', 'sold', 'removed']);
  });

  it('recognises members only', () => {
    expect(CONDITIONS.every(isCondition)).toBe(true);
    expect(LISTING_STATUSES.every(isListingStatus)).toBe(true);
    for (const other of ['New', 'used', '', null, undefined, 3, 'active']) expect(isCondition(other)).toBe(false);
    for (const other of ['Active', 'deleted', '', null, {}, 'new']) expect(isListingStatus(other)).toBe(false);
  });

  it('lists each API error code once, in the snake_case the server sends', () => {
    expect(new Set(API_ERROR_CODES).size).toBe(API_ERROR_CODES.length);
    for (const code of API_ERROR_CODES) expect(code).toMatch(/^[a-z]+(_[a-z]+)*$/);
  });

  it('keys a listing by source and external id without collisions between pairs', () => {
    expect(itemKey('shop', 'a')).toBe(itemKey('shop', 'a'));
    expect(itemKey('shop', 'ab')).not.toBe(itemKey('shopa', 'b'));
    expect(itemKey('a', 'b:c')).not.toBe(itemKey('a:b', 'c'));
  });
});
