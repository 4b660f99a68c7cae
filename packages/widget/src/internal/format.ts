import type { Money } from '@find-this-fit/sdk';

/** ISO 4217 minor-unit digits, as Intl knows them (JPY 0, EUR 2, BHD 3). */
function minorDigits(currency: string): number {
  try {
    return new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
  } catch {
    return 2;
  }
}

/** A price in minor units, formatted for the shopper's locale (`£12.50`, `12,50 €`). */
export function formatPrice(price: Money, locale: string): string {
  const digits = minorDigits(price.currency);
  const amount = price.amount / 10 ** digits;
  try {
    return new Intl.NumberFormat(locale, { style: 'currency', currency: price.currency }).format(amount);
  } catch {
    return `${amount.toFixed(digits)} ${price.currency}`;
  }
}

/** Major units typed by a shopper (e.g. "12.5") → minor units for the API. */
export function toMinorUnits(major: number, currency: string): number {
  return Math.round(major * 10 ** minorDigits(currency));
}

/** Bytes for people: 12.3 MB. */
export function formatBytes(bytes: number, locale: string): string {
  const units = ['B', 'kB', 'MB', 'GB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  const digits = unit === 0 || value >= 100 ? 0 : 1;
  return `${new Intl.NumberFormat(locale, { maximumFractionDigits: digits, minimumFractionDigits: digits }).format(value)} ${units[unit]}`;
}
