import { MalformedPageError } from './fetch-json.js';
import { isRecord } from './fields.js';
import { keysOf } from './keys-of.js';
import type { SourceContext } from './types.js';

/** eBay's OAuth client-credentials grant: an Application access token for the public Buy APIs. */
export const EBAY_PUBLIC_SCOPE = 'https://api.ebay.com/oauth/api_scope';

export interface EbayCredentials {
  /** The app's client id (App ID) — from `EBAY_CLIENT_ID`, never from a config file. */
  clientId: string;
  /** The app's client secret (Cert ID) — from `EBAY_CLIENT_SECRET`. Never logged. */
  clientSecret: string;
}

/**
 * Mints and caches an Application access token (`POST <apiBase>/identity/v1/oauth2/token`,
 * `grant_type=client_credentials`, Basic auth from the credentials). The token is reused until a minute before
 * `expires_in` runs out, or until `invalidate()` (a 401 from the API).
 */
export class EbayAppToken {
  readonly #tokenUrl: string;
  readonly #authorization: string;
  readonly #now: () => number;
  #token: { value: string; expiresAt: number } | undefined;

  constructor(apiBase: string, credentials: EbayCredentials, now: () => number = Date.now) {
    if (!credentials.clientId || !credentials.clientSecret)
      throw new TypeError('eBay credentials are missing: set EBAY_CLIENT_ID and EBAY_CLIENT_SECRET.');
    this.#tokenUrl = `${apiBase.replace(/\/+$/, '')}/identity/v1/oauth2/token`;
    this.#authorization = `Basic ${Buffer.from(`${credentials.clientId}:${credentials.clientSecret}`).toString('base64')}`;
    this.#now = now;
  }

  /** Minted tokens so far (tests: the cache works). */
  minted = 0;

  async get(context: SourceContext): Promise<string> {
    if (this.#token && this.#now() < this.#token.expiresAt) return this.#token.value;
    const response = await context.fetcher.fetch(this.#tokenUrl, {
      method: 'POST',
      accept: 'application/json',
      robots: false,
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: this.#authorization },
      body: new URLSearchParams({ grant_type: 'client_credentials', scope: EBAY_PUBLIC_SCOPE }).toString(),
      ...(context.signal ? { signal: context.signal } : {}),
    });
    let body: unknown;
    try {
      body = JSON.parse(response.body.toString('utf8'));
    } catch {
      throw new MalformedPageError(`${this.#tokenUrl}: the token response is not JSON`);
    }
    if (!isRecord(body) || typeof body.access_token !== 'string' || typeof body.expires_in !== 'number')
      // The body is described by its keys only: it may carry a token.
      throw new MalformedPageError(`${this.#tokenUrl}: expected { access_token, expires_in }, found ${keysOf(body)}`);
    this.minted++;
    this.#token = { value: body.access_token, expiresAt: this.#now() + Math.max(0, body.expires_in - 60) * 1000 };
    return body.access_token;
  }

  invalidate(): void {
    this.#token = undefined;
  }
}
