// @ts-check
// The fixture's eBay OAuth: client-credentials tokens (as eBay's token endpoint mints them) and the Bearer check
// on the Browse API routes.
import { randomBytes } from 'node:crypto';
import { jsonError, reply } from './http-util.js';

const SCOPE = 'https://api.ebay.com/oauth/api_scope';
const LIFETIME_S = 7200;

export class EbayAuth {
  /** @param {{ clientId: string, clientSecret: string }} credentials */
  constructor(credentials) {
    this.credentials = credentials;
    /** @type {Map<string, number>} token → expiry (epoch ms) */
    this.tokens = new Map();
    /** Tokens minted so far. */
    this.minted = 0;
  }

  /**
   * `POST /identity/v1/oauth2/token`: Basic auth with the app keys, `grant_type=client_credentials`, the public
   * scope. Errors as eBay words them (`invalid_client`, `unsupported_grant_type`, `invalid_scope`).
   * @param {import('node:http').IncomingHttpHeaders} headers @param {string} body
   */
  mint(headers, body) {
    const { clientId, clientSecret } = this.credentials;
    const expected = `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString('base64')}`;
    const oauthError = (/** @type {number} */ status, /** @type {string} */ error, /** @type {string} */ text) =>
      reply(status, 'application/json', { error, error_description: text });
    if (headers.authorization !== expected) return oauthError(401, 'invalid_client', 'client authentication failed');
    if (!String(headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded'))
      return oauthError(400, 'invalid_request', 'request is missing a required parameter or malformed');
    const form = new URLSearchParams(body);
    if (form.get('grant_type') !== 'client_credentials')
      return oauthError(
        400,
        'unsupported_grant_type',
        'grant type in request is not supported by the authorization server',
      );
    const scopes = (form.get('scope') ?? '').split(/\s+/).filter(Boolean);
    if (scopes.length === 0 || scopes.some((s) => s !== SCOPE))
      return oauthError(
        400,
        'invalid_scope',
        'the requested scope is invalid, unknown, malformed, or exceeds the scope granted',
      );
    const token = `v^1.1#i^1#p^1#r^0#I^3#f^0#t^${randomBytes(24).toString('base64url')}`;
    this.tokens.set(token, Date.now() + LIFETIME_S * 1000);
    this.minted++;
    return reply(200, 'application/json', {
      access_token: token,
      expires_in: LIFETIME_S,
      token_type: 'Application Access Token',
    });
  }

  /** A 401 reply unless the request carries a live Bearer token. @param {import('node:http').IncomingHttpHeaders} headers */
  check(headers) {
    const token = /^Bearer (.+)$/.exec(String(headers.authorization ?? ''))?.[1];
    const expiry = token ? this.tokens.get(token) : undefined;
    if (expiry === undefined || expiry < Date.now()) return jsonError(401, 'Invalid access token');
    return undefined;
  }

  /** Revokes every token (tests: the client must mint a new one). */
  revokeAll() {
    this.tokens.clear();
  }
}
