import { markerCheck, SalesOSError, type SalesOSErrorOptions } from './salesos-error.ts';

const checkpointExpiredMarker = Symbol.for('salesos.error.checkpoint_expired');

/** Options of `CheckpointExpiredError`. */
export interface CheckpointExpiredErrorOptions extends SalesOSErrorOptions {
  /** The checkpoint (`since`) the system can no longer resume from. */
  checkpoint?: string | undefined;
  /** The oldest point the system still covers, ISO-8601, when it says. */
  oldestAvailable?: string | undefined;
}

/**
 * A connector cannot resume `listChanges` from the checkpoint it was given: the checkpoint
 * is older than the system keeps changes or deletions for (Salesforce `getDeleted` reaches
 * 15 days back), or the system's cursor expired. Nothing was skipped: the consumer must walk
 * from the beginning (no `since`) instead, as `@salesos/crm` does for that side.
 *
 * @example
 * ```ts
 * if (Date.parse(since) < Date.now() - 15 * DAY_MS) {
 *   throw new CheckpointExpiredError(`Acme keeps deletions for 15 days; checkpoint ${since} is older`, {
 *     checkpoint: since,
 *   });
 * }
 * ```
 */
export class CheckpointExpiredError extends SalesOSError {
  override readonly code: string = 'checkpoint_expired';
  /** The checkpoint that expired, when the connector gave it. */
  readonly checkpoint: string | undefined;
  /** The oldest point the system still covers, ISO-8601, when known. */
  readonly oldestAvailable: string | undefined;
  /** @internal */
  readonly [checkpointExpiredMarker] = true;

  constructor(message: string, options: CheckpointExpiredErrorOptions = {}) {
    super(message, options);
    this.checkpoint = options.checkpoint;
    this.oldestAvailable = options.oldestAvailable;
  }

  static override isInstance = markerCheck<CheckpointExpiredError>(checkpointExpiredMarker);

  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), checkpoint: this.checkpoint, oldestAvailable: this.oldestAvailable };
  }
}
