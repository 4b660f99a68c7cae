import type { SearchResult } from '@find-this-fit/sdk';
import { describe, expect, it } from 'vitest';
import { facetsOf, isEmpty, NO_FILTERS, toSearchFilters } from '../../src/components/find-this-fit/filters.js';
import { marketplaceName, resultHref } from '../../src/components/find-this-fit/result-card.js';

const result = (fields: Partial<SearchResult>): SearchResult =>
  ({ id: 'x', score: 0.5, title: 't', source: 'depop', url: 'https://m.example/x', ...fields }) as SearchResult;

describe('filters (pure)', () => {
  it('offers the sizes and brands seen, in human order, and the most common currency', () => {
    const facets = facetsOf([
      result({ size: '10', brand: 'zara', price: { amount: 1, currency: 'EUR' } }),
      result({ size: '9', brand: 'Acne', price: { amount: 1, currency: 'GBP' } }),
      result({ size: '10', brand: 'acne', price: { amount: 1, currency: 'GBP' } }),
      result({}),
    ]);
    expect(facets.sizes).toEqual(['9', '10']);
    expect(facets.brands).toEqual(['Acne', 'acne', 'zara']);
    expect(facets.currency).toBe('GBP');
    expect(facetsOf([])).toEqual({ sizes: [], brands: [], currency: undefined });
  });

  it('turns the form into API filters: prices in minor units of the results currency, nothing when empty', () => {
    expect(isEmpty(NO_FILTERS)).toBe(true);
    expect(toSearchFilters(NO_FILTERS, 'EUR')).toEqual({});
    const form = { min: '10', max: '25.5', size: 'M', brand: 'Zara', condition: 'good' };
    expect(isEmpty(form)).toBe(false);
    expect(toSearchFilters(form, 'EUR')).toEqual({
      filters: {
        price: { currency: 'EUR', min: 1000, max: 2550 },
        sizes: ['M'],
        brands: ['Zara'],
        conditions: ['good'],
      },
    });
    // Yen has no minor unit; without a currency a price cannot be asked for at all.
    expect(toSearchFilters({ ...NO_FILTERS, max: '3000' }, 'JPY')).toEqual({
      filters: { price: { currency: 'JPY', max: 3000 } },
    });
    expect(toSearchFilters({ ...NO_FILTERS, max: '30' }, undefined)).toEqual({});
    expect(toSearchFilters({ ...NO_FILTERS, min: 'abc' }, 'EUR')).toEqual({});
  });
});

describe('result card (pure)', () => {
  it('opens the app link only when allowed and safe, else the web page, and nothing unsafe', () => {
    const withApp = result({ appUrl: 'depop://product/x' });
    expect(resultHref(withApp, false)).toBe('https://m.example/x');
    expect(resultHref(withApp, true)).toBe('depop://product/x');
    expect(resultHref(result({ appUrl: 'javascript:alert(1)' }), true)).toBe('https://m.example/x');
    expect(resultHref(result({ url: 'javascript:alert(1)' }), false)).toBeUndefined();
  });

  it('names the marketplace', () => {
    expect(marketplaceName('depop')).toBe('Depop');
    expect(marketplaceName('shopify:shop.example')).toBe('shop.example');
    expect(marketplaceName('jsonld:vintage.example')).toBe('vintage.example');
  });
});
