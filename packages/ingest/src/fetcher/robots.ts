import * as robotsModule from 'robots-parser';
import { BlockedAddressError } from './errors.js';

interface Robot {
  isAllowed(url: string, ua?: string): boolean | undefined;
  getCrawlDelay(ua?: string): number | undefined;
}
// A CommonJS function export whose typings declare a default: take whichever the loader gives.
const robotsParser = ((robotsModule as unknown as { default?: unknown }).default ?? robotsModule) as (
  url: string,
  contents: string,
) => Robot;

/** What robots.txt says for one origin. */
export interface RobotsRules {
  isAllowed(url: string): boolean;
  /** Crawl-delay for our agent in ms, if the file sets one. */
  crawlDelayMs: number | undefined;
  /** Why everything is disallowed, when the file could not be read. */
  unreadable?: string;
}

/** Fetches robots.txt for an origin; resolves `{ status, body }`, or rejects on a network failure. */
export type RobotsLoader = (robotsUrl: string) => Promise<{ status: number; body: string }>;

/**
 * Interprets a robots.txt answer (RFC 9309): 2xx → the rules; 404/410 → no rules ("nothing is disallowed");
 * any other status, a network error or a body we cannot read → everything disallowed (unreadable = disallow).
 */
export function rulesFrom(
  robotsUrl: string,
  userAgent: string,
  answer: { status: number; body: string } | { error: string },
): RobotsRules {
  const disallowAll = (why: string): RobotsRules => ({
    isAllowed: () => false,
    crawlDelayMs: undefined,
    unreadable: why,
  });
  if ('error' in answer) return disallowAll(`robots.txt unreadable: ${answer.error}`);
  if (answer.status === 404 || answer.status === 410) return { isAllowed: () => true, crawlDelayMs: undefined };
  if (answer.status < 200 || answer.status >= 300) return disallowAll(`robots.txt answered HTTP ${answer.status}`);
  const robot = robotsParser(robotsUrl, answer.body);
  const delay = robot.getCrawlDelay(userAgent);
  return {
    // robots-parser answers undefined for URLs of another origin; we only ask about our own.
    isAllowed: (url) => robot.isAllowed(url, userAgent) !== false,
    crawlDelayMs: typeof delay === 'number' && Number.isFinite(delay) && delay > 0 ? delay * 1000 : undefined,
  };
}

/** One robots.txt per origin, fetched once per run and shared by concurrent callers. */
export class RobotsCache {
  readonly #rules = new Map<string, Promise<RobotsRules>>();
  readonly #load: RobotsLoader;
  readonly #userAgent: string;

  constructor(userAgent: string, load: RobotsLoader) {
    this.#userAgent = userAgent;
    this.#load = load;
  }

  rulesFor(url: URL): Promise<RobotsRules> {
    const origin = url.origin;
    let rules = this.#rules.get(origin);
    if (!rules) {
      const robotsUrl = `${origin}/robots.txt`;
      rules = this.#load(robotsUrl).then(
        (answer) => rulesFrom(robotsUrl, this.#userAgent, answer),
        (error: unknown) => {
          // A host we may not connect to at all is that error, not a robots question.
          if (error instanceof BlockedAddressError) throw error;
          return rulesFrom(robotsUrl, this.#userAgent, { error: (error as Error).message ?? String(error) });
        },
      );
      this.#rules.set(origin, rules);
    }
    return rules;
  }

  /** Crawl-delay already known for an origin (0 when none or not fetched yet). */
  async knownDelayMs(origin: string): Promise<number | undefined> {
    return (await this.#rules.get(origin))?.crawlDelayMs;
  }
}
