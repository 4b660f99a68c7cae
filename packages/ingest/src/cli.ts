import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { formatSettingsHelp, LOG_LEVELS } from '@find-this-fit/sdk/config';
import { ConfigError, type ConfigOverrides, DEFAULTS, ENV_SETTINGS, loadConfig } from './config.js';
import { createLogger } from './logger.js';
import { EXIT_CODES, formatSummary } from './pipeline/summary.js';
import { createProgress } from './progress.js';
import { startScheduler } from './scheduler.js';
import { StateLockedError } from './state/lock.js';
import { StateStore } from './state/state-store.js';

const COMMON_FLAGS = `
  -c, --config <file>        JSON config file (see the README for every option)
      --server-url <url>     search server (default: config server.url, FTF_BASE_URL, http://127.0.0.1:8787)
      --state-dir <dir>      crawl state folder (default: config stateDir, ${DEFAULTS.stateDir})
      --model-dir <dir>      model files for the preset the server announces
      --crawl-delay-ms <n>   pause between two requests to one host (default ${DEFAULTS.fetch.crawlDelayMs})
      --allow-loopback       let the fetcher reach 127.0.0.1/::1 (local fixture marketplace)
      --log-level <level>    ${LOG_LEVELS.join('|')} (default ${DEFAULTS.logLevel})
      --no-progress          no progress bar even on a terminal
  -h, --help                 this help

Environment (keys are never logged):
${formatSettingsHelp(ENV_SETTINGS, 20)}`;

const HELP: Record<string, string> = {
  main: `ftf-ingest — keep a Find This Fit catalogue fresh from marketplaces, politely.

Usage: ftf-ingest <command> [options]

Commands:
  run        crawl every configured source once (resumes an interrupted run)
  schedule   run on a cron schedule, never two runs at once
  reembed    re-embed every stored listing after a model change (resumable)
  status     what the state folder knows: last run, listings by status and source, cursors
  inspect    fetch one product page, Shopify products.json or sitemap and show what ingest would extract

ftf-ingest <command> --help shows the options of a command.`,
  run: `ftf-ingest run — crawl every configured source once, embed new/changed images, upsert, mark sold/removed.

A run killed half-way (Ctrl-C, kill -9, crash) resumes from its saved cursors on the next run, with no
duplicates and nothing lost. Ends with a summary: fetched, new, updated, unchanged, skipped (with reasons),
failed, and every source that stopped with its reason. Exit status: 0 every source completed, 4 some sources
stopped (the others completed), 1 failed (no source completed, or an error), 2 bad configuration, 3 another run
holds the state, 130 interrupted.
${COMMON_FLAGS}`,
  schedule: `ftf-ingest schedule — run on a cron schedule (default "${DEFAULTS.schedule.cron}", every 3 hours).

A tick that comes while the previous run is still going is skipped (logged), never overlapped. Each run
starts after a random jitter (default up to ${DEFAULTS.schedule.jitterMs / 1000} s). SIGINT/SIGTERM stop after the current batch.

      --cron <expr>          cron expression (5 fields, or 6 with seconds)
      --jitter-ms <n>        random delay before each run, 0..n ms
      --run-now              also run once right away
${COMMON_FLAGS}`,
  reembed: `ftf-ingest reembed — after the server's model changed, re-embed every stored listing with the new model.

Listings already embedded with the server's model are skipped, so a killed reembed resumes where it stopped.
${COMMON_FLAGS}`,
  status: `ftf-ingest status — print what the state folder knows (JSON with --json or when not on a terminal).

  -c, --config <file>        JSON config file (for stateDir)
      --state-dir <dir>      crawl state folder
      --json                 JSON output
  -h, --help                 this help`,
  inspect: `ftf-ingest inspect <url> — check a shop before adding it: fetch one URL politely (robots.txt first) and
print what ingest would extract, writing nothing (no state, no server, no API key).

A product page: its JSON-LD blocks and microdata items, the listing (or why it would be skipped). A Shopify
/products.json: each product's listing or skip reason. A sitemap or sitemap index (gzipped or not): the entry
count, a <lastmod> sample, and each child sitemap with its status. Exit status 0 when something was extracted,
1 when the URL could not be fetched or nothing in it is usable, 2 bad arguments.

      --currency <code>      ISO 4217 currency of a Shopify store's prices (products.json does not say)
      --contact-url <url>    the contact URL our User-Agent carries (default: config userAgent.contactUrl)
      --json                 JSON output
  -c, --config <file>        JSON config file (fetch and userAgent settings)
      --crawl-delay-ms <n>   pause between two requests to one host
      --allow-loopback       let the fetcher reach 127.0.0.1/::1 (local fixture marketplace)
  -h, --help                 this help`,
};

const OPTIONS = {
  config: { type: 'string', short: 'c' },
  'server-url': { type: 'string' },
  'state-dir': { type: 'string' },
  'model-dir': { type: 'string' },
  'crawl-delay-ms': { type: 'string' },
  'allow-loopback': { type: 'boolean' },
  'log-level': { type: 'string' },
  'no-progress': { type: 'boolean' },
  cron: { type: 'string' },
  'jitter-ms': { type: 'string' },
  'run-now': { type: 'boolean' },
  json: { type: 'boolean' },
  currency: { type: 'string' },
  'contact-url': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** The flags of every command that crawls (run, reembed, schedule). */
const RUN_FLAGS = [
  'config',
  'server-url',
  'state-dir',
  'model-dir',
  'crawl-delay-ms',
  'allow-loopback',
  'log-level',
  'no-progress',
  'help',
];

const ALLOWED: Record<string, string[]> = {
  run: RUN_FLAGS,
  reembed: RUN_FLAGS,
  schedule: [...RUN_FLAGS, 'cron', 'jitter-ms', 'run-now'],
  status: ['config', 'state-dir', 'json', 'help'],
  inspect: ['config', 'crawl-delay-ms', 'allow-loopback', 'log-level', 'json', 'currency', 'contact-url', 'help'],
};

class UsageError extends Error {}

function integer(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value)) throw new UsageError(`--${flag} expects a non-negative integer, got "${value}"`);
  return Number(value);
}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (!command || command === '--help' || command === '-h' || command === 'help') {
    process.stdout.write(`${HELP.main}\n`);
    return command ? 0 : 2;
  }
  const allowed = ALLOWED[command];
  if (!allowed) throw new UsageError(`unknown command "${command}" (run, schedule, reembed, status, inspect)`);
  const { values, positionals } = parseArgs({ args: rest, options: OPTIONS, allowPositionals: true, strict: true });
  const wanted = command === 'inspect' && !values.help ? 1 : 0;
  if (positionals.length > wanted) throw new UsageError(`unexpected argument "${positionals[wanted]}"`);
  if (positionals.length < wanted) throw new UsageError('inspect needs a URL: ftf-ingest inspect <url>');
  for (const key of Object.keys(values))
    if (!allowed.includes(key)) throw new UsageError(`--${key} is not an option of ${command}`);
  if (values.help) {
    process.stdout.write(`${HELP[command]}\n`);
    return 0;
  }
  const overrides: ConfigOverrides = {
    serverUrl: values['server-url'],
    stateDir: values['state-dir'],
    modelDir: values['model-dir'],
    crawlDelayMs: integer(values['crawl-delay-ms'], 'crawl-delay-ms'),
    allowLoopback: values['allow-loopback'] ? true : undefined,
    cron: values.cron,
    jitterMs: integer(values['jitter-ms'], 'jitter-ms'),
    logLevel: values['log-level'],
  };

  if (command === 'status') return status(values.config, overrides, values.json === true || !process.stdout.isTTY);
  if (command === 'inspect') {
    const { inspectCommand } = await import('./inspect-command.js');
    return inspectCommand(positionals[0] as string, loadConfig(values.config, overrides, process.env, true), {
      json: values.json === true,
      currency: values.currency,
      contactUrl: values['contact-url'],
    });
  }

  const config = loadConfig(values.config, overrides);
  // Loaded only now: the heavy modules (embedder, sharp, undici) stay out of --help and status.
  const { ingestOnce, reembedOnce } = await import('./wiring.js');
  const tty = process.stderr.isTTY === true && !values['no-progress'];
  // On a terminal the bar owns the screen: only warnings and errors are logged (to stderr) beside it.
  const logger = createLogger(
    tty && config.logLevel === 'info' ? 'warn' : config.logLevel,
    tty ? process.stderr : process.stdout,
  );
  const controller = new AbortController();
  let signals = 0;
  const onSignal = (name: string) => {
    signals++;
    if (signals > 1) process.exit(130);
    logger.warn(
      { signal: name },
      'stopping after the current batch (the run resumes next time); send again to quit now',
    );
    controller.abort(new Error(`${name} received`));
  };
  process.on('SIGINT', () => onSignal('SIGINT'));
  process.on('SIGTERM', () => onSignal('SIGTERM'));

  if (command === 'run') {
    const progress = createProgress({ tty, logger, label: 'ingest' });
    try {
      const summary = await ingestOnce(config, {
        logger,
        onProgress: (p) => progress.update(p),
        signal: controller.signal,
      });
      progress.stop();
      // A human line on a terminal; a JSON line (for log collectors and scripts) otherwise.
      if (tty) process.stderr.write(`${formatSummary(summary)}\n`);
      else createLogger('info', process.stdout).info({ summary }, formatSummary(summary));
      return controller.signal.aborted ? 130 : EXIT_CODES[summary.outcome];
    } finally {
      progress.stop();
    }
  }
  if (command === 'reembed') {
    const progress = createProgress({ tty, logger, label: 'reembed' });
    try {
      const summary = await reembedOnce(config, {
        logger,
        onProgress: (p) => progress.update(p),
        signal: controller.signal,
      });
      progress.stop();
      createLogger('info', process.stdout).info({ summary }, `re-embedded ${summary.reembedded} listings`);
      return controller.signal.aborted ? 130 : 0;
    } finally {
      progress.stop();
    }
  }
  // schedule
  const scheduler = startScheduler({
    cron: config.schedule.cron,
    jitterMs: config.schedule.jitterMs,
    ...(config.schedule.timezone ? { timezone: config.schedule.timezone } : {}),
    logger,
    task: async (signal) => {
      const summary = await ingestOnce(config, { logger, signal });
      // A run where sources stopped is worth a warning: the scheduler keeps going either way.
      const level = summary.outcome === 'completed' ? 'info' : 'warn';
      logger[level]({ summary, next: scheduler.nextRun()?.toISOString() }, formatSummary(summary));
    },
  });
  if (values['run-now']) {
    await ingestOnce(config, { logger, signal: controller.signal }).then(
      (summary) => logger.info({ summary }, formatSummary(summary)),
      (error: unknown) => logger.error({ err: (error as Error).message }, 'run failed'),
    );
  }
  await new Promise<void>((resolve) => controller.signal.addEventListener('abort', () => resolve(), { once: true }));
  await scheduler.stop();
  return 0;
}

function status(configFile: string | undefined, overrides: ConfigOverrides, json: boolean): number {
  const config = loadConfig(configFile, overrides, process.env, true);
  const dir = config.stateDir;
  if (!existsSync(join(dir, 'state.json')) && !existsSync(join(dir, 'journal.jsonl'))) {
    process.stdout.write(
      json ? `${JSON.stringify({ stateDir: dir, empty: true })}\n` : `No state in ${dir} yet (no run so far).\n`,
    );
    return 0;
  }
  const data = StateStore.peek(dir);
  const bySource: Record<string, Record<string, number>> = {};
  const byStatus: Record<string, number> = {};
  const byModel: Record<string, number> = {};
  for (const item of Object.values(data.items)) {
    const s = bySource[item.listing.source] ?? {};
    bySource[item.listing.source] = s;
    s[item.status] = (s[item.status] ?? 0) + 1;
    byStatus[item.status] = (byStatus[item.status] ?? 0) + 1;
    byModel[item.fingerprint] = (byModel[item.fingerprint] ?? 0) + 1;
  }
  const report = {
    stateDir: dir,
    locked: existsSync(join(dir, 'lock')),
    lastRun: data.run,
    items: { total: Object.keys(data.items).length, byStatus, bySource, byModel },
    cursors: data.cursors,
  };
  if (json) {
    process.stdout.write(`${JSON.stringify(report)}\n`);
    return 0;
  }
  const run = data.run;
  const lines = [
    `state: ${dir}${report.locked ? ' (a run holds the lock)' : ''}`,
    run
      ? `last run: #${run.id} started ${run.startedAt}, ${run.completed ? `finished ${run.finishedAt ?? ''}${run.outcome ? ` (${run.outcome}${run.stopped?.length ? `: stopped ${run.stopped.join(', ')}` : ''})` : ''}` : 'NOT completed (the next run resumes it)'}`
      : 'last run: none',
    `listings: ${report.items.total} (${
      Object.entries(byStatus)
        .map(([k, v]) => `${k} ${v}`)
        .join(', ') || 'none'
    })`,
    ...Object.entries(bySource).map(
      ([source, counts]) =>
        `  ${source}: ${Object.entries(counts)
          .map(([k, v]) => `${k} ${v}`)
          .join(', ')}`,
    ),
    `models: ${
      Object.entries(byModel)
        .map(([k, v]) => `${k} (${v})`)
        .join(', ') || 'none'
    }`,
    `cursors: ${Object.keys(data.cursors).length === 0 ? 'none (next run starts from the beginning)' : ''}`,
    ...Object.entries(data.cursors).map(([k, v]) => `  ${k} → ${v}`),
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (error instanceof ConfigError || error instanceof UsageError) {
      process.stderr.write(`ftf-ingest: ${error.message}\n`);
      process.exit(2);
    }
    if (error instanceof StateLockedError) {
      process.stderr.write(`ftf-ingest: ${error.message}\n`);
      process.exit(3);
    }
    if ((error as { code?: string }).code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
      process.stderr.write(`ftf-ingest: ${(error as Error).message}\n`);
      process.exit(2);
    }
    process.stderr.write(`ftf-ingest: ${(error as Error).message}\n`);
    process.exit(1);
  },
);
