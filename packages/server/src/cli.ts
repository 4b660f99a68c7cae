import { parseArgs } from 'node:util';
import { formatSettingsHelp } from '@find-this-fit/sdk/config';
import { ConfigError, loadConfig, SETTINGS } from './config.js';
import { createLogger } from './logger.js';
import { startServer } from './main.js';

const USAGE = `Usage: find-this-fit serve [--help]

Runs the Find This Fit search server, configured by environment variables:

${formatSettingsHelp(SETTINGS)}

Exit codes: 0 clean shutdown, 1 start-up failure (store locked, model mismatch, port in use), 2 bad configuration.`;

/** Exit codes the docs promise. */
const EXIT_STARTUP = 1;
const EXIT_CONFIG = 2;

async function serve(): Promise<void> {
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`find-this-fit: ${error.message}\n`);
      process.exit(EXIT_CONFIG);
    }
    throw error;
  }
  const logger = createLogger(config.logLevel);
  let running: Awaited<ReturnType<typeof startServer>>;
  try {
    running = await startServer(config, logger);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const code = (error as { code?: unknown }).code;
    logger.fatal({ code }, `cannot start: ${message}`);
    process.stderr.write(`find-this-fit: cannot start: ${message}\n`);
    process.exit(EXIT_STARTUP);
  }
  const stop = (signal: NodeJS.Signals) => {
    logger.info({ signal }, 'shutting down');
    running.close().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, 'error while shutting down');
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

async function main(argv: string[]): Promise<void> {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    strict: false,
    options: { help: { type: 'boolean', short: 'h' } },
  });
  const command = positionals[0];
  if (values.help || command === 'help' || command === undefined) {
    process.stdout.write(`${USAGE}\n`);
    process.exit(command === undefined && !values.help ? EXIT_CONFIG : 0);
  }
  if (command !== 'serve') {
    process.stderr.write(`find-this-fit: unknown command "${command}"\n\n${USAGE}\n`);
    process.exit(EXIT_CONFIG);
  }
  await serve();
}

void main(process.argv.slice(2));
