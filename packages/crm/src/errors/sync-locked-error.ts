import { SalesOSError, type SalesOSErrorOptions } from '@salesos/core';

const syncLockedMarker = Symbol.for('salesos.error.crm.sync_locked');

/**
 * Another run or job of the same sync holds its lease (in this process or another one sharing
 * the storage). Try again later; a lease whose holder died expires after `leaseMs`.
 */
export class SyncLockedError extends SalesOSError {
  override readonly code: string = 'sync_locked';
  /** The sync that is busy. */
  readonly syncId: string;
  /** @internal */
  readonly [syncLockedMarker] = true;

  constructor(message: string, options: SalesOSErrorOptions & { syncId: string }) {
    super(message, options);
    this.syncId = options.syncId;
  }

  static override isInstance = (value: unknown): value is SyncLockedError =>
    typeof value === 'object' &&
    value !== null &&
    (value as Record<symbol, unknown>)[syncLockedMarker] === true;

  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), syncId: this.syncId };
  }
}
