import type { Clock, JobHandler, ProcessOptions, Queue } from '@salesos/core';
import { createTestClock } from '@salesos/core/testing';

/**
 * Simulated time for the pipeline: weeks of outreach pass in seconds, the same way on every run.
 *
 * Time moves only in `runUntil`, and only once the queue is settled: no job handler is running
 * and every worker of the queue is waiting for its next due job. Time then jumps to the earliest
 * wake-up anyone waits for (the next due job, usually), so every job runs at exactly its due time.
 */
export interface Simulation {
  /** The clock of the engines, the storage and the simulators. */
  readonly clock: Clock;
  /** The clock to give the queue: its waits are how the simulation knows the queue is settled. */
  readonly queueClock: Clock;
  /** A view of `queue` that reports its running handlers to the simulation. Give it to everyone. */
  track(queue: Queue): Queue;
  /** Moves time to `until` (epoch ms), running every job that falls due on the way. */
  runUntil(until: number): Promise<void>;
  /** Epoch ms of the earliest wake-up anyone waits for, or `undefined`. */
  nextWakeUp(): number | undefined;
}

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Creates a simulation starting at `start` (epoch ms). */
export function createSimulation(start: number): Simulation {
  const inner = createTestClock(start);
  const pending = new Set<{ at: number }>();
  let parked = 0;
  let workers = 0;
  let active = 0;
  const waiters = new Set<() => void>();
  const changed = () => {
    for (const notify of waiters) notify();
    waiters.clear();
  };

  const sleep = (ms: number, signal?: AbortSignal) => {
    const entry = { at: inner.now() + Math.max(0, ms) };
    pending.add(entry);
    return inner.sleep(ms, signal).finally(() => pending.delete(entry));
  };

  const clock: Clock = { now: () => inner.now(), sleep };
  const queueClock: Clock = {
    now: () => inner.now(),
    sleep(ms, signal) {
      if (ms <= 0) return sleep(ms, signal);
      parked += 1;
      changed();
      return sleep(ms, signal).finally(() => {
        parked -= 1;
        changed();
      });
    },
  };

  const settled = () => active === 0 && parked >= workers;

  const settle = async () => {
    for (;;) {
      if (settled()) {
        // A worker woken by the last job may still be on its way to claim the next one.
        await nextTurn();
        await nextTurn();
        if (settled()) return;
        continue;
      }
      await new Promise<void>((resolve) => waiters.add(resolve));
    }
  };

  const nextWakeUp = () => {
    let earliest: number | undefined;
    for (const entry of pending) if (earliest === undefined || entry.at < earliest) earliest = entry.at;
    return earliest;
  };

  return {
    clock,
    queueClock,
    nextWakeUp,
    track(queue) {
      return {
        add: (name, data, options) => queue.add(name, data, options),
        process<Data>(name: string, handler: JobHandler<Data>, options?: ProcessOptions) {
          workers += 1;
          queue.process<Data>(
            name,
            async (job) => {
              active += 1;
              changed();
              try {
                await handler(job);
              } finally {
                active -= 1;
                changed();
              }
            },
            options,
          );
        },
        deadLetters: (name) => queue.deadLetters(name),
        retry: (jobId) => queue.retry(jobId),
        counts: (name) => queue.counts(name),
        onIdle: async () => {
          await settle();
        },
        close: (options) => queue.close(options),
      };
    },
    async runUntil(until) {
      for (;;) {
        await settle();
        const next = nextWakeUp();
        if (next === undefined || next > until) break;
        await inner.setTime(Math.max(next, inner.now()));
      }
      if (until > inner.now()) await inner.setTime(until);
      await settle();
    },
  };
}
