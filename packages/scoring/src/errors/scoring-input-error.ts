import { SalesOSError, type SalesOSErrorOptions } from '@salesos/core';

const marker = Symbol.for('salesos.error.scoring_input');

/**
 * An activity, signal or profile handed to the scorer is not usable: the message and
 * `path` name the field (`occurredAt`, `strength`, `person.id`…).
 */
export class ScoringInputError extends SalesOSError {
  override readonly code: string = 'scoring_input';
  /** The offending field. */
  readonly path: string;
  /** @internal */
  readonly [marker] = true;

  constructor(message: string, options: SalesOSErrorOptions & { path: string }) {
    super(message, options);
    this.path = options.path;
  }

  /** True when `value` is a `ScoringInputError`, whichever installed copy created it. */
  static override isInstance(value: unknown): value is ScoringInputError {
    return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[marker] === true;
  }

  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), path: this.path };
  }
}
