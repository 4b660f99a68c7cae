import { ConfigError, readSettings, type SettingsTable } from '@find-this-fit/sdk/config';
import { fail, failAll, httpUrl, isPlainObject, matching, optionalHttpUrl, optionalText, rule } from './parsers.js';

export type SourceConfig =
  | { type: 'depop'; apiBase: string; webBase?: string; query?: Record<string, string>; shopId?: string }
  | { type: 'shopify'; storeUrl: string; currency: string; name?: string }
  | { type: 'jsonld'; sitemapUrl: string; include?: string; name?: string }
  | { type: 'woocommerce'; storeUrl: string; name?: string }
  | {
      type: 'ebay';
      apiBase: string;
      marketplaceId: string;
      query?: string;
      categoryIds: string;
      conditionIds?: string[];
      name?: string;
      /** From `EBAY_CLIENT_ID` / `EBAY_CLIENT_SECRET` only (a key in the file is refused); never logged. */
      credentials: { clientId: string; clientSecret: string };
    };

const name = { schema: optionalText(), doc: '`source` of the listings' };

const stringRecord = rule((value) => {
  if (value === undefined) return undefined;
  if (!isPlainObject(value)) return fail('expected an object');
  const bad = Object.keys(value).filter((k) => typeof value[k] !== 'string');
  if (bad.length > 0) failAll(bad.map((k) => ({ message: 'expected a string', path: [k] })));
  return value as Record<string, string>;
});

const regexText = optionalText((text) => {
  try {
    new RegExp(text);
  } catch (error) {
    fail(`not a regular expression (${(error as Error).message})`);
  }
});

const conditionIds = rule((value) => {
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || !value.every((c) => typeof c === 'string' && /^\d+$/.test(c)))
    return fail('expected an array of condition id strings like ["3000", "2990"]');
  return value as string[];
});

/** The options of each source type, one table each (eBay's is the README's eBay table). */
export const SOURCE_SETTINGS = {
  depop: {
    apiBase: { schema: httpUrl('https://webapi.depop.com/api/v3'), doc: 'Depop web API base' },
    webBase: { schema: optionalHttpUrl, doc: 'site the listing URLs point at' },
    query: { schema: stringRecord, doc: 'search parameters (string values)' },
    shopId: { schema: optionalText(), doc: "a seller's shop id: reads that shop instead of a search" },
  },
  shopify: {
    storeUrl: { schema: httpUrl(), doc: 'the store' },
    currency: {
      schema: matching(undefined, /^[A-Z]{3}$/, () => 'expected an ISO 4217 code like "EUR"'),
      doc: "the store's currency",
    },
    name,
  },
  jsonld: {
    sitemapUrl: { schema: httpUrl(), doc: 'sitemap or sitemap index' },
    include: { schema: regexText, doc: 'only product-page URLs matching this regular expression' },
    name,
  },
  woocommerce: { storeUrl: { schema: httpUrl(), doc: 'the store' }, name },
  ebay: {
    apiBase: {
      schema: httpUrl('https://api.ebay.com'),
      defaultDoc: '`https://api.ebay.com`',
      doc: '`https://api.sandbox.ebay.com` for the sandbox; the token endpoint is `<apiBase>/identity/v1/oauth2/token`',
    },
    marketplaceId: {
      schema: matching(
        'EBAY_US',
        /^EBAY_[A-Z_]{2,}$/,
        (t) => `expected an eBay marketplace id like "EBAY_US", got "${t}"`,
      ),
      defaultDoc: '`EBAY_US`',
      doc: 'sent as `X-EBAY-C-MARKETPLACE-ID`',
    },
    query: {
      schema: optionalText(),
      defaultDoc: '(none)',
      doc: 'keywords, `q`; without it the whole category is read',
    },
    categoryIds: {
      schema: matching('11450', /^\d+(,\d+)*$/, () => 'expected comma-separated category ids like "11450"'),
      defaultDoc: '`11450`',
      doc: '`category_ids` (11450: Clothing, Shoes & Accessories)',
    },
    conditionIds: {
      schema: conditionIds,
      defaultDoc: '(none)',
      doc: 'e.g. `["2990", "3000", "3010"]` → `filter=conditionIds:{2990\\|3000\\|3010}`; default `filter=conditions:{USED}` (every used condition)',
    },
    name: { schema: optionalText(), defaultDoc: '`ebay:<marketplaceId>`', doc: '`source` of the listings' },
  },
} satisfies Record<SourceConfig['type'], SettingsTable>;

const TYPES = Object.keys(SOURCE_SETTINGS) as Array<SourceConfig['type']>;
const EBAY_SECRETS = ['clientId', 'clientSecret', 'credentials'];

/** Values without the options left unset (a source config has no `key: undefined`). */
const defined = (values: Record<string, unknown>) =>
  Object.fromEntries(Object.entries(values).filter(([, v]) => v !== undefined));

/**
 * Reads `sources[i]`: its type's table, unknown options refused, eBay keys from the environment only. Problems
 * go to `problems` (all of them, named `sources[i].option`); returns undefined for an unknown type.
 */
export function readSource(
  value: unknown,
  path: string,
  env: { EBAY_CLIENT_ID?: string | undefined; EBAY_CLIENT_SECRET?: string | undefined },
  inspectOnly: boolean,
  problems: string[],
): SourceConfig | undefined {
  if (value !== undefined && !isPlainObject(value)) problems.push(`${path}: expected an object`);
  const raw = isPlainObject(value) ? value : {};
  const type = TYPES.find((t) => t === raw.type);
  if (!type) {
    problems.push(
      `${path}.type: expected "depop", "shopify", "jsonld", "woocommerce" or "ebay", got ${JSON.stringify(raw.type)}`,
    );
    return undefined;
  }
  const table: SettingsTable = SOURCE_SETTINGS[type];
  for (const key of Object.keys(raw))
    if (key !== 'type' && !(key in table)) problems.push(`${path}.${key}: unknown option`);
  let values: Record<string, unknown> = {};
  try {
    values = defined(readSettings(table, (option) => raw[option]));
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    problems.push(...error.problems.map((p) => `${path}.${p}`));
  }
  if (type !== 'ebay') return { type, ...values } as SourceConfig;
  for (const secret of EBAY_SECRETS)
    if (raw[secret] !== undefined)
      problems.push(
        `${path}.${secret}: secrets do not belong in the config file; set EBAY_CLIENT_ID and EBAY_CLIENT_SECRET`,
      );
  const clientId = (env.EBAY_CLIENT_ID ?? '').trim();
  const clientSecret = (env.EBAY_CLIENT_SECRET ?? '').trim();
  if ((!clientId || !clientSecret) && !inspectOnly)
    problems.push(
      `${path}: EBAY_CLIENT_ID and EBAY_CLIENT_SECRET must be set (eBay app keys, from the environment only)`,
    );
  return { type, ...values, credentials: { clientId, clientSecret } } as SourceConfig;
}
