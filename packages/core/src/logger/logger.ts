/** One log method in pino's call shape: `log('message')` or `log({ fields }, 'message')`. */
export interface LogFunction {
  (message: string): void;
  (fields: Record<string, unknown>, message?: string): void;
}

/**
 * The logger SalesOS writes to. A pino logger fits as it is; so does anything with
 * these four methods.
 */
export interface Logger {
  debug: LogFunction;
  info: LogFunction;
  warn: LogFunction;
  error: LogFunction;
}

const ignore: LogFunction = () => {};

/** The default logger: drops everything. */
export const noopLogger: Logger = { debug: ignore, info: ignore, warn: ignore, error: ignore };
