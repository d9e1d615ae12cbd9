import { CircuitOpenError, type Clock, SalesOSError } from '@salesos/core';

/** How often the application had to step in. */
export interface ConvergeTally {
  /** Calls that failed for good inside the client and were tried again by the application. */
  retried: number;
  /** Walks resumed from their cursor or checkpoint after a failure. */
  resumed: number;
}

/**
 * Runs `work` until it succeeds, as an application does with an idempotent operation: every
 * failure must be a typed `SalesOSError` (anything else fails the test at once); an open
 * circuit is waited out.
 */
export async function untilDone<T>(
  work: () => Promise<T>,
  clock: Clock,
  tally: ConvergeTally,
  attempts = 40,
): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await work();
    } catch (error) {
      if (!SalesOSError.isInstance(error) || attempt >= attempts) throw error;
      tally.retried += 1;
      if (CircuitOpenError.isInstance(error)) await clock.sleep(error.retryAfterMs);
    }
  }
}

/** Walks a resumable listing to its end, resuming from its cursor after each typed failure. */
export async function walkToEnd<T>(
  open: (cursor: string | undefined) => AsyncIterable<T> & { readonly cursor: string | undefined },
  clock: Clock,
  tally: ConvergeTally,
  attempts = 40,
): Promise<T[]> {
  const items: T[] = [];
  let cursor: string | undefined;
  for (let attempt = 1; ; attempt += 1) {
    const walk = open(cursor);
    try {
      for await (const item of walk) {
        items.push(item);
        cursor = walk.cursor ?? cursor;
      }
      return items;
    } catch (error) {
      if (!SalesOSError.isInstance(error) || attempt >= attempts) throw error;
      tally.resumed += 1;
      if (CircuitOpenError.isInstance(error)) await clock.sleep(error.retryAfterMs);
    }
  }
}

/** Collects every change of a connector walk, resuming from the last checkpoint after each failure. */
export async function changesToEnd<T>(
  listChanges: (since: string | undefined) => AsyncIterable<{
    changes: readonly ({ type: 'upsert'; id: string; record: T } | { type: 'delete'; id: string })[];
    checkpoint: string;
  }>,
  clock: Clock,
  tally: ConvergeTally,
  attempts = 40,
): Promise<Map<string, T | null>> {
  const state = new Map<string, T | null>();
  let since: string | undefined;
  for (let attempt = 1; ; attempt += 1) {
    try {
      for await (const batch of listChanges(since)) {
        for (const change of batch.changes)
          state.set(change.id, change.type === 'upsert' ? change.record : null);
        since = batch.checkpoint;
      }
      return state;
    } catch (error) {
      if (!SalesOSError.isInstance(error) || attempt >= attempts) throw error;
      tally.resumed += 1;
      if (CircuitOpenError.isInstance(error)) await clock.sleep(error.retryAfterMs);
    }
  }
}
