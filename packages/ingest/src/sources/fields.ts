import type { Money } from '@find-this-fit/sdk';
import { NormalizeError } from './types.js';

/** Small readers that throw `NormalizeError` naming the field path. Pure. */

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function objectAt(value: unknown, field: string): Record<string, unknown> {
  if (!isRecord(value)) throw new NormalizeError(field, `expected an object, got ${describe(value)}`);
  return value;
}

export function describe(value: unknown): string {
  if (value === undefined) return 'nothing (missing)';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return `"${value.length > 40 ? `${value.slice(0, 37)}...` : value}"`;
  return typeof value === 'object' ? 'an object' : `${typeof value} ${String(value)}`;
}

export function requiredString(record: Record<string, unknown>, key: string, path: string): string {
  const value = record[key];
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value !== 'string' || value.trim() === '')
    throw new NormalizeError(path, `expected a non-empty string, got ${describe(value)}`);
  return value.trim();
}

export function optionalString(record: Record<string, unknown>, key: string, path: string): string | null {
  const value = record[key];
  if (value === undefined || value === null || value === '') return null;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value !== 'string') throw new NormalizeError(path, `expected a string, got ${describe(value)}`);
  return value.trim() || null;
}

export function requiredUrl(value: unknown, path: string, base?: string): string {
  if (typeof value !== 'string' || value.trim() === '')
    throw new NormalizeError(path, `expected a URL, got ${describe(value)}`);
  try {
    const url = new URL(value.trim(), base);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error('not http(s)');
    return url.href;
  } catch {
    throw new NormalizeError(path, `expected an http(s) URL, got ${describe(value)}`);
  }
}

/** Minor units per ISO 4217 currency; 2 unless listed. */
const MINOR_DIGITS: Record<string, number> = { JPY: 0, KRW: 0, CLP: 0, ISK: 0, HUF: 2, KWD: 3, BHD: 3, TND: 3 };

/** `{ amount: 11999, currency: 'USD' }` → `119.99 USD`. */
export function formatMoney(money: Money): string {
  const digits = MINOR_DIGITS[money.currency] ?? 2;
  return `${(money.amount / 10 ** digits).toFixed(digits)} ${money.currency}`;
}

/** A decimal price (`"25.00"`, `25`, `"1,299.50"` is refused: ambiguous) → minor units. */
export function moneyFrom(amount: unknown, currency: unknown, path: string, currencyPath: string): Money {
  if (typeof currency !== 'string' || !/^[A-Za-z]{3}$/.test(currency.trim()))
    throw new NormalizeError(currencyPath, `expected an ISO 4217 code, got ${describe(currency)}`);
  const code = currency.trim().toUpperCase();
  const text = typeof amount === 'number' ? String(amount) : typeof amount === 'string' ? amount.trim() : undefined;
  if (text === undefined || !/^\d+(\.\d+)?$/.test(text))
    throw new NormalizeError(path, `expected a decimal amount like "25.00", got ${describe(amount)}`);
  const digits = MINOR_DIGITS[code] ?? 2;
  const minor = Math.round(Number(text) * 10 ** digits);
  if (!Number.isSafeInteger(minor)) throw new NormalizeError(path, `amount out of range: ${text}`);
  return { amount: minor, currency: code };
}

/** First line of a text, trimmed and capped (Depop has no title: the description's first line is it). */
export function firstLine(text: string, max = 200): string {
  const line =
    text
      .split(/\r?\n/)
      .find((l) => l.trim() !== '')
      ?.trim() ?? '';
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}
