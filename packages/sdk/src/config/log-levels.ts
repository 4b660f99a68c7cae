/** pino's levels, the ones `FTF_LOG_LEVEL` and ingest's `logLevel` accept. */
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];
