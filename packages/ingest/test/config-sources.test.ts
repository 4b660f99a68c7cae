import { describe, expect, it } from 'vitest';
import { buildConfig, ConfigError } from '../src/config.js';

const base = (sources: unknown[]) => ({
  userAgent: { contactUrl: 'https://find-this-fit.example/bot' },
  sources,
});
const env = { FTF_INGEST_API_KEY: 'sk_test', EBAY_CLIENT_ID: 'app-id', EBAY_CLIENT_SECRET: 'cert-secret' };
const problems = (file: unknown, e: Record<string, string> = env) => {
  try {
    buildConfig(file, { baseDir: '/tmp', env: e });
  } catch (error) {
    if (error instanceof ConfigError) return error.message;
    throw error;
  }
  return '';
};

describe('config: the marketplace sources', () => {
  it('woocommerce and ebay with their defaults; eBay keys come from the environment', () => {
    const config = buildConfig(
      base([
        { type: 'woocommerce', storeUrl: 'https://vintage.example' },
        { type: 'ebay', query: 'levis jacket' },
        { type: 'depop', shopId: '3510911', apiBase: 'https://webapi.depop.com/api/v1' },
      ]),
      { baseDir: '/tmp', env },
    );
    expect(config.sources).toEqual([
      { type: 'woocommerce', storeUrl: 'https://vintage.example' },
      {
        type: 'ebay',
        apiBase: 'https://api.ebay.com',
        marketplaceId: 'EBAY_US',
        query: 'levis jacket',
        categoryIds: '11450',
        credentials: { clientId: 'app-id', clientSecret: 'cert-secret' },
      },
      { type: 'depop', apiBase: 'https://webapi.depop.com/api/v1', shopId: '3510911' },
    ]);
  });

  it('refuses eBay keys in the file, missing keys in the environment, bad ids and unknown options', () => {
    const message = problems(
      base([
        {
          type: 'ebay',
          query: 'x',
          clientSecret: 'in-the-file',
          marketplaceId: 'US',
          categoryIds: 'clothing',
          conditionIds: [3000],
        },
        { type: 'woocommerce', storeUrl: 'not a url', perPage: 50 },
      ]),
      { FTF_INGEST_API_KEY: 'sk_test' },
    );
    expect(message).toContain('sources[0].clientSecret: secrets do not belong in the config file');
    expect(message).toContain('sources[0]: EBAY_CLIENT_ID and EBAY_CLIENT_SECRET must be set');
    expect(message).toContain('sources[0].marketplaceId: expected an eBay marketplace id');
    expect(message).toContain('sources[0].categoryIds: expected comma-separated category ids');
    expect(message).toContain('sources[0].conditionIds: expected an array of condition id strings');
    expect(message).toContain('sources[1].storeUrl: expected an http(s) URL');
    expect(message).toContain('sources[1].perPage: unknown option');
    expect(message).not.toContain('in-the-file');
  });
});
