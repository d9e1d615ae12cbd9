import type { Queue } from '@salesos/core';
import type { TestClock } from '@salesos/core/testing';
import { SEQUENCE_JOB_NAMES } from '../engine/job-names.ts';

const JOB_NAMES = Object.values(SEQUENCE_JOB_NAMES);

/** A test clock that knows its pending sleeps, so it can run a queue up to a point in time. */
export interface SequenceTestClock extends TestClock {
  /** Epoch milliseconds of the earliest pending sleep, or `undefined`. */
  nextSleepAt(): number | undefined;
  /**
   * Moves time to `until` one due time at a time, letting `queue` finish every sequence job
   * that falls due on the way (and the jobs those add), so steps run at exactly their scheduled
   * times. Works with `createMemoryQueue` and `createStorageQueue` given this clock.
   */
  runUntil(until: number | Date, queue: Queue): Promise<void>;
}

/**
 * Wraps a `createTestClock()` from `@salesos/core/testing` so it can run a queue up to a point in
 * time. Pass the result as `clock` to the storage, the queue and the engine.
 *
 * @example
 * ```ts
 * const clock = createSequenceTestClock(createTestClock(new Date('2026-01-15T17:00:00Z')));
 * const queue = createMemoryQueue({ clock });
 * // … enrol …
 * await clock.runUntil(new Date('2026-01-31T00:00:00Z'), queue);
 * ```
 */
export function createSequenceTestClock(inner: TestClock): SequenceTestClock {
  const pending = new Set<{ at: number }>();
  // Lets jobs that are due run to the end. Counts are read rather than awaiting `onIdle`,
  // which may itself wait on this clock.
  const settle = async (queue: Queue) => {
    let quiet = 0;
    for (let round = 0; round < 2_000 && quiet < 3; round += 1) {
      await new Promise<void>((resolve) => setImmediate(resolve));
      const counts = await Promise.all(JOB_NAMES.map((name) => queue.counts(name)));
      quiet = counts.every((count) => count.waiting === 0 && count.active === 0) ? quiet + 1 : 0;
    }
  };
  const nextSleepAt = () => {
    let earliest: number | undefined;
    for (const entry of pending) if (earliest === undefined || entry.at < earliest) earliest = entry.at;
    return earliest;
  };
  return {
    now: () => inner.now(),
    sleep(ms, signal) {
      const entry = { at: inner.now() + Math.max(0, ms) };
      pending.add(entry);
      const sleeping = inner.sleep(ms, signal);
      sleeping.then(
        () => pending.delete(entry),
        () => pending.delete(entry),
      );
      return sleeping;
    },
    advance: (ms) => inner.advance(ms),
    setTime: (time) => inner.setTime(time),
    get pendingSleeps() {
      return inner.pendingSleeps;
    },
    runNext: () => inner.runNext(),
    nextSleepAt,
    async runUntil(until, queue) {
      const target = typeof until === 'number' ? until : until.getTime();
      for (;;) {
        await settle(queue);
        const next = nextSleepAt();
        if (next === undefined || next > target) break;
        await inner.setTime(Math.max(next, inner.now()));
      }
      if (target > inner.now()) await inner.setTime(target);
      await settle(queue);
    },
  };
}
