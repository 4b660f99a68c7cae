import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';

const base = { FTF_OPEN: 'true' };
const problems = (env: Record<string, string>): string[] => {
  try {
    loadConfig({ ...base, ...env });
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
};

describe('request-safety settings', () => {
  it('defaults: socket address as client IP, depop as the only app scheme, a per-key ceiling of 200/s', () => {
    const c = loadConfig(base);
    expect(c.trustProxy).toBe(0);
    expect(c.appUrlSchemes).toEqual(['depop']);
    expect(c.rateLimit).toEqual({ rps: 20, burst: 40, keyRps: 200, keyBurst: 400 });
  });

  it('FTF_TRUST_PROXY: false/0 off, true one hop, N hops', () => {
    expect(loadConfig({ ...base, FTF_TRUST_PROXY: 'false' }).trustProxy).toBe(0);
    expect(loadConfig({ ...base, FTF_TRUST_PROXY: '0' }).trustProxy).toBe(0);
    expect(loadConfig({ ...base, FTF_TRUST_PROXY: 'TRUE' }).trustProxy).toBe(1);
    expect(loadConfig({ ...base, FTF_TRUST_PROXY: '2' }).trustProxy).toBe(2);
    for (const bad of ['-1', '11', '1.5', 'maybe']) {
      expect(problems({ FTF_TRUST_PROXY: bad })[0], bad).toMatch(
        /^FTF_TRUST_PROXY: expected false, true or a hop count/,
      );
    }
  });

  it('FTF_APP_URL_SCHEMES: lowercased, `:` or `://` tolerated, script schemes refused', () => {
    expect(loadConfig({ ...base, FTF_APP_URL_SCHEMES: ' Depop, vinted://, fb: ' }).appUrlSchemes).toEqual([
      'depop',
      'vinted',
      'fb',
    ]);
    for (const bad of ['javascript', 'depop,data', 'VBScript', 'https', 'file', 'bad scheme', '1app']) {
      expect(problems({ FTF_APP_URL_SCHEMES: bad })[0], bad).toMatch(
        /^FTF_APP_URL_SCHEMES: .* is not an allowed app scheme/,
      );
    }
  });

  it('FTF_APP_URL_SCHEMES=none: web links only', () => {
    expect(loadConfig({ ...base, FTF_APP_URL_SCHEMES: 'none' }).appUrlSchemes).toEqual([]);
  });

  it('FTF_RATE_LIMIT_KEY_RPS=0 turns the per-key ceiling off', () => {
    expect(loadConfig({ ...base, FTF_RATE_LIMIT_KEY_RPS: '0' }).rateLimit.keyRps).toBe(0);
  });
});
