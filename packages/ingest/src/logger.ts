import pino, { type Logger } from 'pino';

/** JSON lines (pino) to the given stream; secrets are redacted wherever they might appear. */
export function createLogger(level: string, destination: NodeJS.WritableStream = process.stdout): Logger {
  return pino(
    {
      level,
      base: { name: 'ftf-ingest' },
      redact: {
        paths: ['apiKey', 'key', 'secret', '*.apiKey', '*.secret', 'headers.authorization'],
        censor: '[redacted]',
      },
    },
    destination as pino.DestinationStream,
  );
}
