import {
  ApiError,
  AuthenticationError,
  CircuitOpenError,
  type Clock,
  ConflictError,
  InvalidRequestError,
  NetworkError,
  NotFoundError,
  PermissionError,
  RateLimitError,
  ResponseValidationError,
  SalesOSError,
  ServerError,
  TimeoutError,
} from '@salesos/core';
import type { FailureReason, PlannedWrite } from '../engine/types.ts';
import type { CompiledSide } from './compile-definition.ts';
import type { Values } from './values.ts';

/** Retry settings of writes within a run. */
export interface RetrySettings {
  attempts: number;
  delayMs: number;
  maxDelayMs: number;
}

/** What a write answers. */
export interface WriteResult {
  record: Record<string, unknown>;
  created: boolean;
}

/** Writes records to the sides, retrying transient failures; a dry run only plans them. */
export interface RecordWriter {
  upsert(
    side: CompiledSide,
    values: Values,
    id: string | null,
    matchBy: readonly string[],
  ): Promise<WriteResult>;
  remove(side: CompiledSide, id: string): Promise<void>;
  /** The writes a dry run planned. */
  readonly plan: PlannedWrite[];
}

/** A failure that no record-level handling can absorb: the run stops (and resumes later). */
export class RunAbort extends Error {}

/** A record-level failure with its reason. */
export class RecordFailure extends Error {
  readonly reason: FailureReason;
  constructor(reason: FailureReason, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.reason = reason;
  }
}

export function isTransient(error: unknown): boolean {
  if (RateLimitError.isInstance(error) || ServerError.isInstance(error)) return true;
  if (TimeoutError.isInstance(error) || NetworkError.isInstance(error)) return true;
  return ApiError.isInstance(error) && error.retryable;
}

/** Maps an error of a write to a record failure, or a run abort when the whole side is unusable. */
export function classifyFailure(error: unknown): RecordFailure | RunAbort {
  if (error instanceof RecordFailure || error instanceof RunAbort) return error;
  const message = error instanceof Error ? error.message : String(error);
  // The credentials, the vendor or the quota are gone for every record alike: stop the run and
  // resume it from its checkpoint next time.
  if (
    AuthenticationError.isInstance(error) ||
    CircuitOpenError.isInstance(error) ||
    RateLimitError.isInstance(error)
  ) {
    return new RunAbort(message, { cause: error });
  }
  if (InvalidRequestError.isInstance(error) || ResponseValidationError.isInstance(error)) {
    return new RecordFailure('validation', message, { cause: error });
  }
  if (NotFoundError.isInstance(error)) return new RecordFailure('not_found', message, { cause: error });
  if (ConflictError.isInstance(error)) return new RecordFailure('conflict', message, { cause: error });
  if (PermissionError.isInstance(error)) return new RecordFailure('permission', message, { cause: error });
  if (isTransient(error)) return new RecordFailure('transient', message, { cause: error });
  if (SalesOSError.isInstance(error)) return new RecordFailure('error', message, { cause: error });
  return new RecordFailure('error', message, { cause: error });
}

function delayFor(error: unknown, attempt: number, retry: RetrySettings): number {
  if (RateLimitError.isInstance(error) && error.retryAfterMs !== undefined)
    return Math.min(error.retryAfterMs, retry.maxDelayMs);
  return Math.min(retry.delayMs * 2 ** (attempt - 1), retry.maxDelayMs);
}

async function withRetry<T>(clock: Clock, retry: RetrySettings, action: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await action();
    } catch (error) {
      if (!isTransient(error) || attempt >= retry.attempts) throw error;
      await clock.sleep(delayFor(error, attempt, retry));
    }
  }
}

/** Creates the writer of one run or job. */
export function createRecordWriter(options: {
  clock: Clock;
  retry: RetrySettings;
  dryRun: boolean;
}): RecordWriter {
  const plan: PlannedWrite[] = [];
  let dryRunIds = 0;
  return {
    plan,
    async upsert(side, values, id, matchBy) {
      if (options.dryRun) {
        plan.push({
          side: side.name,
          action: id === null ? 'create' : 'update',
          ...(id === null ? {} : { id }),
          values,
        });
        dryRunIds += 1;
        return { record: { ...values, id: id ?? `dry-run-${dryRunIds}` }, created: id === null };
      }
      const record = id === null ? values : { ...values, id };
      const result = await withRetry(options.clock, options.retry, () =>
        side.connector.upsert(record, { matchBy }),
      );
      return { record: result.record as Record<string, unknown>, created: result.created };
    },
    async remove(side, id) {
      if (options.dryRun) {
        plan.push({ side: side.name, action: 'delete', id });
        return;
      }
      await withRetry(options.clock, options.retry, () => side.connector.delete(id));
    },
  };
}
