const marker = Symbol.for('salesos.error');

/** Options every SalesOS error accepts. */
export interface SalesOSErrorOptions {
  /** The underlying error, if any. */
  cause?: unknown;
}

/**
 * The root of every error SalesOS throws. Catch it to catch them all; use
 * `SalesOSError.isInstance(error)` rather than `instanceof` when two copies of
 * `@salesos/core` may be installed side by side.
 *
 * @example
 * ```ts
 * try {
 *   await client.people.get(42);
 * } catch (error) {
 *   if (NotFoundError.isInstance(error)) return undefined;
 *   throw error;
 * }
 * ```
 */
export class SalesOSError extends Error {
  /** A stable, machine-readable identifier of the error class. */
  readonly code: string = 'salesos_error';
  /** @internal */
  readonly [marker] = true;

  constructor(message: string, options: SalesOSErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
  }

  /** True when `value` is a SalesOS error, whichever installed copy of core created it. */
  static isInstance(value: unknown): value is SalesOSError {
    return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[marker] === true;
  }

  /** A plain, secret-free representation for logs and JSON responses. */
  toJSON(): Record<string, unknown> {
    return { name: this.name, code: this.code, message: this.message };
  }
}

/**
 * Builds the `isInstance` check of a subclass from its `Symbol.for` marker.
 * @internal
 */
export function markerCheck<T>(symbol: symbol): (value: unknown) => value is T {
  return (value: unknown): value is T =>
    typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[symbol] === true;
}
