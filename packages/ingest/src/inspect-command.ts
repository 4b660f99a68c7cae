import type { IngestConfig } from './config.js';
import { PoliteFetcher } from './fetcher/polite-fetcher.js';
import { formatInspectReport, type InspectReport, InspectUsageError, inspectUrl } from './inspect.js';
import { createLogger } from './logger.js';

/** The contact URL `loadConfig` fills in when only reading state without a config: never sent as if it were ours. */
const PLACEHOLDER_CONTACT = 'https://unused.invalid/';

/** Whether the report shows something ingest could use. */
export function extracted(report: InspectReport): boolean {
  if (report.error) return false;
  if (report.page) return report.page.listing !== null;
  if (report.shopify) return report.shopify.listings.length > 0;
  if (report.sitemap) return report.sitemap.entries > 0;
  return false;
}

/** `ftf-ingest inspect <url>`: one polite fetch with the config's fetch settings, a report, nothing written. */
export async function inspectCommand(
  url: string,
  config: IngestConfig,
  options: { json: boolean; currency?: string | undefined; contactUrl?: string | undefined },
): Promise<number> {
  const { allowPrivateAddresses, allowLoopback, ...fetch } = config.fetch;
  const { product } = config.userAgent;
  const contactUrl =
    options.contactUrl ??
    (config.userAgent.contactUrl === PLACEHOLDER_CONTACT ? undefined : config.userAgent.contactUrl);
  if (!contactUrl || !/^https?:\/\/\S+$/.test(contactUrl)) {
    process.stderr.write(
      'ftf-ingest: inspect sends real requests, and they carry a contact URL: give userAgent.contactUrl in a config (-c) or --contact-url <url>\n',
    );
    return 2;
  }
  const fetcher = new PoliteFetcher({
    ...fetch,
    userAgent: `${product} (+${contactUrl})`,
    robotsAgent: product.split('/')[0] ?? product,
    addressPolicy: { allowPrivateAddresses, allowLoopback },
    logger: createLogger(config.logLevel === 'info' ? 'warn' : config.logLevel, process.stderr),
  });
  try {
    const report = await inspectUrl(fetcher, url, options.currency ? { currency: options.currency } : {});
    process.stdout.write(`${options.json ? JSON.stringify(report) : formatInspectReport(report)}\n`);
    return extracted(report) ? 0 : 1;
  } catch (error) {
    if (error instanceof InspectUsageError) {
      process.stderr.write(`ftf-ingest: ${error.message}\n`);
      return 2;
    }
    throw error;
  } finally {
    await fetcher.close();
  }
}
