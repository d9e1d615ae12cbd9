import type { Clock } from '../clock/clock.ts';

/** A clock that only moves when told to: for tests of time-dependent code. */
export interface TestClock extends Clock {
  /** Moves time forward by `ms`, resolving every sleep that falls due, in order. */
  advance(ms: number): Promise<void>;
  /** Moves time to `epochMs` (never backwards). */
  setTime(epochMs: number | Date): Promise<void>;
  /** Number of sleeps waiting to fall due. */
  readonly pendingSleeps: number;
  /** Advances to the next pending sleep's due time, if any; answers whether one was due. */
  runNext(): Promise<boolean>;
}

interface Sleeper {
  dueAt: number;
  sequence: number;
  resolve: () => void;
}

/**
 * Creates a controllable clock starting at `start` (default 2026-01-01T00:00:00Z).
 *
 * @example
 * ```ts
 * const clock = createTestClock();
 * const done = clock.sleep(1000).then(() => 'woke');
 * await clock.advance(1000);
 * expect(await done).toBe('woke');
 * ```
 */
export function createTestClock(start: number | Date = Date.UTC(2026, 0, 1)): TestClock {
  let current = typeof start === 'number' ? start : start.getTime();
  let sequence = 0;
  const sleepers: Sleeper[] = [];

  // Let promise chains that react to a wake-up run before time moves on.
  const flush = async () => {
    for (let index = 0; index < 5; index += 1) await new Promise<void>((resolve) => setImmediate(resolve));
  };

  const moveTo = async (target: number) => {
    for (;;) {
      sleepers.sort((left, right) => left.dueAt - right.dueAt || left.sequence - right.sequence);
      const next = sleepers[0];
      if (!next || next.dueAt > target) break;
      sleepers.shift();
      current = Math.max(current, next.dueAt);
      next.resolve();
      await flush();
    }
    current = Math.max(current, target);
    await flush();
  };

  return {
    now: () => current,
    sleep(ms, signal) {
      return new Promise<void>((resolve, reject) => {
        if (signal?.aborted) {
          reject(signal.reason);
          return;
        }
        const sleeper: Sleeper = { dueAt: current + Math.max(0, ms), sequence: sequence++, resolve };
        if (ms <= 0) {
          resolve();
          return;
        }
        sleepers.push(sleeper);
        signal?.addEventListener(
          'abort',
          () => {
            const index = sleepers.indexOf(sleeper);
            if (index >= 0) sleepers.splice(index, 1);
            reject(signal.reason);
          },
          { once: true },
        );
      });
    },
    advance: (ms) => moveTo(current + ms),
    setTime: (time) => moveTo(typeof time === 'number' ? time : time.getTime()),
    get pendingSleeps() {
      return sleepers.length;
    },
    async runNext() {
      sleepers.sort((left, right) => left.dueAt - right.dueAt || left.sequence - right.sequence);
      const next = sleepers[0];
      if (!next) return false;
      await moveTo(next.dueAt);
      return true;
    },
  };
}
