import pino from 'pino';
import { DEFAULT_FETCHER_OPTIONS, type FetcherOptions, PoliteFetcher } from '../../src/fetcher/polite-fetcher.js';

/** Collects log lines so tests can assert on what was logged (e.g. the circuit-breaker line). */
export function memoryLogger() {
  const lines: Array<Record<string, unknown>> = [];
  const logger = pino(
    { level: 'debug' },
    {
      write(line: string) {
        lines.push(JSON.parse(line) as Record<string, unknown>);
      },
    },
  );
  return { logger, lines };
}

/** A fetcher as tests use it: loopback allowed (and nothing else private), fast timings. */
export function testFetcher(overrides: Partial<FetcherOptions> = {}) {
  const { logger, lines } = memoryLogger();
  const fetcher = new PoliteFetcher({
    ...DEFAULT_FETCHER_OPTIONS,
    userAgent: 'FindThisFitBot/0.1 (+https://find-this-fit.example/bot)',
    robotsAgent: 'FindThisFitBot',
    crawlDelayMs: 0,
    timeoutMs: 2000,
    backoffBaseMs: 10,
    backoffCapMs: 50,
    addressPolicy: { allowPrivateAddresses: false, allowLoopback: true },
    logger,
    ...overrides,
  });
  return { fetcher, lines };
}
