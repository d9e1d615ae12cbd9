import { markerCheck, SalesOSError, type SalesOSErrorOptions } from '../errors/salesos-error.ts';

const storageMarker = Symbol.for('salesos.error.storage');

/**
 * A storage operation could not be carried out: the storage is closed, `sum` met a value
 * that is not a number, a cursor is not one `list` gave, or the underlying store failed.
 */
export class StorageError extends SalesOSError {
  override readonly code: string = 'storage_error';
  /** @internal */
  readonly [storageMarker] = true;
  static override isInstance = markerCheck<StorageError>(storageMarker);
}

const invalidKeyMarker = Symbol.for('salesos.error.invalid_key');

/** Options of `InvalidKeyError`. */
export interface InvalidKeyErrorOptions extends SalesOSErrorOptions {
  /** Index of the offending part, or `undefined` when the key as a whole is wrong (empty, not an array). */
  partIndex?: number | undefined;
}

/**
 * A key is not valid: empty, not an array, or with a part that is not a string or a finite
 * number, or a string that is not well-formed Unicode. `partIndex` names the bad part.
 */
export class InvalidKeyError extends StorageError {
  override readonly code: string = 'invalid_key';
  /** Index of the offending part, when one part is to blame. */
  readonly partIndex: number | undefined;
  /** @internal */
  readonly [invalidKeyMarker] = true;

  constructor(message: string, options: InvalidKeyErrorOptions = {}) {
    super(message, options);
    this.partIndex = options.partIndex;
  }

  static override isInstance = markerCheck<InvalidKeyError>(invalidKeyMarker);

  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), partIndex: this.partIndex };
  }
}
