import { LOG_LEVELS } from '@find-this-fit/sdk/config';
import { z } from 'zod';

// The parsers of the server's settings table (config.ts): each takes the raw variable (undefined when unset),
// applies the default and says what was expected, never echoing a secret.

/** A publishable key and, when it carries any, the only browser origins allowed to use it. */
export interface PublishableKey {
  key: string;
  origins: string[];
}

export const int = (min: number, max: number, fallback: number) =>
  z
    .string()
    .trim()
    .optional()
    .transform((value, ctx) => {
      if (value === undefined || value === '') return fallback;
      const n = Number(value);
      if (!Number.isInteger(n) || n < min || n > max) {
        ctx.addIssue({ code: 'custom', message: `expected an integer ${min}..${max}, got "${value}"` });
        return z.NEVER;
      }
      return n;
    });

export const optionalInt = (min: number, max: number) =>
  int(min, max, Number.NaN).transform((n) => (Number.isNaN(n) ? undefined : n));

export const bool = z
  .string()
  .trim()
  .toLowerCase()
  .optional()
  .transform((value, ctx) => {
    if (value === undefined || value === '' || ['0', 'false', 'no', 'off'].includes(value)) return false;
    if (['1', 'true', 'yes', 'on'].includes(value)) return true;
    ctx.addIssue({ code: 'custom', message: `expected true/false, got "${value}"` });
    return z.NEVER;
  });

/** false/0 = off, true = one hop, N = N trusted hops (Koa's maxIpsCount). */
export const trustProxy = z
  .string()
  .trim()
  .toLowerCase()
  .optional()
  .transform((value, ctx) => {
    if (value === undefined || value === '' || ['0', 'false', 'no', 'off'].includes(value)) return 0;
    if (['true', 'yes', 'on'].includes(value)) return 1;
    const n = Number(value);
    if (Number.isInteger(n) && n >= 1 && n <= 10) return n;
    ctx.addIssue({ code: 'custom', message: `expected false, true or a hop count 1..10, got "${value}"` });
    return z.NEVER;
  });

// Schemes that run code or embed content in a page; never an app link.
const REFUSED_APP_SCHEMES = ['javascript', 'data', 'vbscript', 'file', 'blob', 'about', 'http', 'https'];

export const appUrlSchemes = z
  .string()
  .optional()
  .default('depop')
  .transform((value, ctx) => {
    if (value.trim().toLowerCase() === 'none') return [];
    const schemes = value
      .split(',')
      .map((s) =>
        s
          .trim()
          .toLowerCase()
          .replace(/:(\/\/)?$/, ''),
      )
      .filter(Boolean);
    for (const scheme of schemes) {
      if (!/^[a-z][a-z0-9+.-]*$/.test(scheme) || REFUSED_APP_SCHEMES.includes(scheme)) {
        ctx.addIssue({ code: 'custom', message: `"${scheme}" is not an allowed app scheme` });
        return z.NEVER;
      }
    }
    return schemes;
  });

export const list = (value: string | undefined) =>
  (value ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);

// Keys land in Authorization headers: printable, no separators we parse (`,` `=` `|`), not trivially short.
const KEY_PATTERN = /^[A-Za-z0-9_\-.~+/]{8,256}$/;

export const keyList = z
  .string()
  .optional()
  .transform((value, ctx) => {
    const keys = list(value);
    if (keys.some((k) => !KEY_PATTERN.test(k))) {
      ctx.addIssue({ code: 'custom', message: 'each key must be 8-256 characters of [A-Za-z0-9_-.~+/]' });
      return z.NEVER;
    }
    return keys;
  });

/** Schemes that can never be a page's origin (or must not be allowed as one). */
const NOT_ORIGIN_SCHEMES = new Set(['javascript:', 'data:', 'file:', 'blob:', 'about:', 'vbscript:']);

/**
 * An allowed browser origin: http(s) (`https://shop.example`), or an app's custom-scheme origin such as the iOS
 * Mini App's `app://bundle` (WKWebView pages served by a scheme handler send `Origin: app://bundle`). URL's own
 * `.origin` is "null" for custom schemes, so those are rebuilt as scheme://host, with no path, query or port games.
 */
export function parseOrigin(origin: string): string | undefined {
  try {
    const url = new URL(origin);
    if (url.protocol === 'http:' || url.protocol === 'https:') return url.origin;
    if (NOT_ORIGIN_SCHEMES.has(url.protocol) || !/^[a-z][a-z0-9+.-]*:$/.test(url.protocol)) return undefined;
    if (!url.host || url.username || url.password || (url.pathname !== '' && url.pathname !== '/')) return undefined;
    if (url.search || url.hash) return undefined;
    return `${url.protocol}//${url.host.toLowerCase()}`;
  } catch {
    return undefined;
  }
}

export const publishableList = z
  .string()
  .optional()
  .transform((value, ctx) => {
    const out: PublishableKey[] = [];
    for (const entry of list(value)) {
      const [key = '', origins = ''] = entry.split('=', 2);
      if (!KEY_PATTERN.test(key)) {
        ctx.addIssue({ code: 'custom', message: 'each key must be 8-256 characters of [A-Za-z0-9_-.~+/]' });
        return z.NEVER;
      }
      const parsed = origins ? origins.split('|').map((o) => parseOrigin(o.trim())) : [];
      if (parsed.some((o) => o === undefined)) {
        ctx.addIssue({
          code: 'custom',
          message: `key ${key.slice(0, 6)}…: origins must be http(s) origins or an app origin like app://bundle`,
        });
        return z.NEVER;
      }
      out.push({ key, origins: parsed as string[] });
    }
    return out;
  });

export const corsList = z
  .string()
  .optional()
  .transform((value, ctx) => {
    const out: string[] = [];
    for (const entry of list(value)) {
      const origin = entry === '*' ? '*' : parseOrigin(entry);
      if (!origin) {
        ctx.addIssue({
          code: 'custom',
          message: `"${entry}" is not an http(s) origin, an app origin like app://bundle, or *`,
        });
        return z.NEVER;
      }
      out.push(origin);
    }
    return out;
  });

/** Non-blank text, trimmed, with a default. */
export const text = (fallback: string) => z.string().trim().min(1).optional().default(fallback);

/** Optional text, trimmed. */
export const optionalText = z.string().trim().optional();

const POSTGRES_URL = /^postgres(ql)?:\/\//;

export const postgresUrl = z
  .string()
  .trim()
  .optional()
  .refine((v) => !v || POSTGRES_URL.test(v), 'expected a postgres:// or postgresql:// URL');

export const postgresUrlList = z
  .string()
  .optional()
  .transform((value, ctx) => {
    const urls = list(value);
    // Never echo a URL: it may carry a password.
    const bad = urls.findIndex((u) => !POSTGRES_URL.test(u));
    if (bad >= 0) {
      ctx.addIssue({ code: 'custom', message: `entry ${bad + 1}: expected a postgres:// or postgresql:// URL` });
      return z.NEVER;
    }
    return urls;
  });

export const logLevel = z.string().trim().optional().default('info').pipe(z.enum(LOG_LEVELS));

/** One of a fixed list of words, case-insensitive. */
export const oneOf = <const T extends readonly [string, ...string[]]>(values: T, fallback: T[number]) =>
  z.string().trim().toLowerCase().optional().default(fallback).pipe(z.enum(values));
