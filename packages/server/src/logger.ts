import pino, { type Logger } from 'pino';
import type { LogLevel } from './config.js';

/** JSON logs to stdout; key headers are redacted wherever a request object ends up in a log line. */
export function createLogger(level: LogLevel = 'info'): Logger {
  return pino({
    level,
    base: { service: 'find-this-fit' },
    redact: {
      paths: [
        'req.headers.authorization',
        'req.headers["x-api-key"]',
        'headers.authorization',
        'headers["x-api-key"]',
        'config.keys',
        'config.databaseUrl',
      ],
      censor: '[redacted]',
    },
  });
}
