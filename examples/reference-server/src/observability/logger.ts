import { type DestinationStream, type Logger, pino } from 'pino';

/** Paths pino blanks out wherever they appear in a log line. */
export const REDACTED_PATHS = [
  'apiKey',
  'secret',
  'token',
  'password',
  'authorization',
  'headers.authorization',
  'headers["x-api-key"]',
  'headers.cookie',
  '*.apiKey',
  '*.secret',
  '*.webhookSecret',
  '*.token',
  '*.password',
  '*.authorization',
  '*.headers.authorization',
  '*.headers["x-api-key"]',
  '*.headers.cookie',
];

/**
 * Creates the server's structured JSON logger (pino): one line per event, with the request id on
 * request lines, and API keys, tokens, secrets and auth headers replaced by `[redacted]`.
 */
export function createLogger(options: { level: string; destination?: DestinationStream }): Logger {
  return pino(
    {
      level: options.level,
      base: { service: 'salesos-reference-server' },
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
    },
    options.destination,
  );
}
