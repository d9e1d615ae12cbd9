import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { kitArguments } from '../internal/kit-arguments.ts';
import { PermanentJobError } from '../queue/permanent-job-error.ts';
import type { Job, Queue } from '../queue/queue.ts';

/** Another handle on the same queue backend, as a second process would open it. */
export interface QueueHandle {
  queue: Queue;
  /**
   * Stops this handle the way a killed process stops: no more lease renewals, no
   * acknowledgements, nothing written. Jobs it was running must be picked up elsewhere
   * once their lease expires.
   */
  crash(): Promise<void> | void;
}

/** A queue under test and how to dispose of it. */
export interface QueueUnderTest {
  queue: Queue;
  /** Runs after each test, after `queue.close()`. */
  cleanup?: () => Promise<void> | void;
  /** Opens another handle on the same backend. Required with `sharedBackend: true`. */
  connect?: () => QueueHandle | Promise<QueueHandle>;
}

/** Makes the queue for one test. Every test uses its own random job names. */
export type QueueFactory = () => Queue | QueueUnderTest | Promise<Queue | QueueUnderTest>;

/** Tuning and capabilities of `describeQueueConformance`. */
export interface QueueConformanceOptions {
  /**
   * The backend is shared between handles (`connect`), as with a database or Redis: adds
   * tests of several workers on one queue and of recovery after a worker dies. Default `false`.
   */
  sharedBackend?: boolean;
  /**
   * How long a job's lease lasts without renewal (the implementation's lease or visibility
   * timeout). The recovery tests wait a few times this. Default `300`.
   */
  leaseMs?: number;
  /** Delay used by the delay and backoff tests, in milliseconds. Default `60`. */
  delayMs?: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function make(
  factory: QueueFactory,
): Promise<QueueUnderTest & { cleanup: () => Promise<void> | void }> {
  const made = await factory();
  if ('queue' in made && typeof made.queue === 'object' && made.queue !== null) {
    return { ...made, cleanup: made.cleanup ?? (() => undefined) };
  }
  return { queue: made as Queue, cleanup: () => undefined };
}

async function waitFor(
  condition: () => boolean | Promise<boolean>,
  timeoutMs: number,
  what: string,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}.`);
    await sleep(5);
  }
}

/**
 * Registers a vitest suite that checks a `Queue` implementation against the contract:
 * running jobs with their data, idempotent `jobId`s (also after completion), delays and
 * `runAt`, priorities, concurrency, retries with fixed and exponential backoff, dead
 * letters and `retry`, `PermanentJobError`, `onIdle`, and `close()` waiting for jobs in
 * flight. With `sharedBackend`, also several workers sharing the work without running a
 * job twice, a long job keeping its lease, and recovery after a worker dies.
 *
 * The suite is named `Queue conformance`, or `<name> (Queue conformance)` when you pass a
 * `name` first (useful when one file runs the kit against several setups).
 *
 * @example
 * ```ts
 * import { createMemoryQueue } from '@salesos/core';
 * import { describeQueueConformance } from '@salesos/core/testing';
 *
 * describeQueueConformance(() => createMemoryQueue());
 * ```
 *
 * @example Named, on a shared backend
 * ```ts
 * describeQueueConformance('createBullMqQueue', () => {
 *   const queue = createBullMqQueue({ connection });
 *   return { queue, connect: () => { const other = createBullMqQueue({ connection }); return { queue: other, crash: () => other.kill() }; } };
 * }, { sharedBackend: true, leaseMs: 500 });
 * ```
 */
export function describeQueueConformance(factory: QueueFactory, options?: QueueConformanceOptions): void;
/**
 * The same suite as `describeQueueConformance(factory, options?)`, registered under
 * `<name> (Queue conformance)`.
 *
 * @example
 * ```ts
 * describeQueueConformance('createMemoryQueue', () => createMemoryQueue());
 * ```
 */
export function describeQueueConformance(
  name: string,
  factory: QueueFactory,
  options?: QueueConformanceOptions,
): void;
export function describeQueueConformance(
  nameOrFactory: string | QueueFactory,
  factoryOrOptions?: QueueFactory | QueueConformanceOptions,
  namedOptions?: QueueConformanceOptions,
): void {
  const { title, factory, options } = kitArguments<QueueFactory, QueueConformanceOptions>(
    'Queue',
    nameOrFactory,
    factoryOrOptions,
    namedOptions,
  );
  const leaseMs = options.leaseMs ?? 300;
  const delayMs = options.delayMs ?? 60;
  const waitMs = Math.max(5_000, leaseMs * 10);

  describe(title, () => {
    let made: QueueUnderTest & { cleanup: () => Promise<void> | void };
    let queue: Queue;
    let jobName: string;
    const handles: QueueHandle[] = [];

    beforeEach(async () => {
      made = await make(factory);
      queue = made.queue;
      jobName = `conformance-${randomUUID()}`;
    });

    afterEach(async () => {
      await Promise.all(handles.splice(0).map((handle) => handle.queue.close({ timeoutMs: 1_000 })));
      await queue.close({ timeoutMs: 1_000 });
      await made.cleanup();
    });

    it('runs an added job once, with its id, data and attempt numbers', async () => {
      const runs: Job<{ personId: string }>[] = [];
      queue.process<{ personId: string }>(jobName, (job) => {
        runs.push(job);
      });
      const added = await queue.add(jobName, { personId: 'p1' });
      expect(added.added).toBe(true);
      await waitFor(() => runs.length === 1, waitMs, 'the job to run');
      await queue.onIdle(jobName);
      const [run] = runs;
      expect(run?.id).toBe(added.id);
      expect(run?.name).toBe(jobName);
      expect(run?.data).toEqual({ personId: 'p1' });
      expect(run?.attempt).toBe(1);
      expect(run?.maxAttempts).toBe(3);
      expect(run?.signal).toBeInstanceOf(AbortSignal);
      expect((await queue.counts(jobName)).completed).toBe(1);
    });

    it('gives jobs without a jobId distinct ids', async () => {
      const first = await queue.add(jobName, 1);
      const second = await queue.add(jobName, 2);
      expect(first.id).not.toBe(second.id);
      expect((await queue.counts(jobName)).waiting).toBe(2);
    });

    it('treats adding a known jobId again as a no-op, before and after it ran', async () => {
      const seen: unknown[] = [];
      const first = await queue.add(jobName, 'first', { jobId: 'same' });
      const second = await queue.add(jobName, 'second', { jobId: 'same' });
      expect(first).toEqual({ id: 'same', added: true });
      expect(second).toEqual({ id: 'same', added: false });
      queue.process(jobName, (job) => {
        seen.push(job.data);
      });
      await waitFor(() => seen.length === 1, waitMs, 'the job to run');
      await queue.onIdle(jobName);
      expect(await queue.add(jobName, 'third', { jobId: 'same' })).toEqual({ id: 'same', added: false });
      await sleep(delayMs);
      await queue.onIdle(jobName);
      expect(seen).toEqual(['first']);
    });

    it('runs a delayed job no earlier than delayMs', async () => {
      let ranAt = 0;
      queue.process(jobName, () => {
        ranAt = Date.now();
      });
      const addedAt = Date.now();
      await queue.add(jobName, null, { delayMs: delayMs * 2 });
      expect((await queue.counts(jobName)).delayed).toBe(1);
      await waitFor(() => ranAt > 0, waitMs, 'the delayed job');
      expect(ranAt - addedAt).toBeGreaterThanOrEqual(delayMs * 2 - 2);
    });

    it('runs a job no earlier than runAt', async () => {
      let ranAt = 0;
      queue.process(jobName, () => {
        ranAt = Date.now();
      });
      const runAt = new Date(Date.now() + delayMs * 2);
      await queue.add(jobName, null, { runAt });
      await waitFor(() => ranAt > 0, waitMs, 'the scheduled job');
      expect(ranAt).toBeGreaterThanOrEqual(runAt.getTime() - 2);
    });

    it('runs due jobs by priority, then in the order they were added', async () => {
      const order: string[] = [];
      await queue.add(jobName, 'low-1', { priority: 5 });
      await queue.add(jobName, 'high', { priority: 1 });
      await queue.add(jobName, 'low-2', { priority: 5 });
      await queue.add(jobName, 'default-1');
      await queue.add(jobName, 'default-2');
      queue.process<string>(jobName, (job) => {
        order.push(job.data);
      });
      await waitFor(() => order.length === 5, waitMs, 'all jobs');
      expect(order).toEqual(['default-1', 'default-2', 'high', 'low-1', 'low-2']);
    });

    it('runs at most `concurrency` jobs at the same time', async () => {
      let running = 0;
      let peak = 0;
      let done = 0;
      queue.process(
        jobName,
        async () => {
          running += 1;
          peak = Math.max(peak, running);
          await sleep(30);
          running -= 1;
          done += 1;
        },
        { concurrency: 3 },
      );
      for (let index = 0; index < 9; index += 1) await queue.add(jobName, index);
      await waitFor(() => done === 9, waitMs, 'nine jobs');
      expect(peak).toBe(3);
    });

    it('retries a failing job with fixed backoff until it succeeds', async () => {
      const attempts: { attempt: number; at: number }[] = [];
      queue.process(jobName, (job) => {
        attempts.push({ attempt: job.attempt, at: Date.now() });
        if (job.attempt < 3) throw new Error(`flaky ${job.attempt}`);
      });
      await queue.add(jobName, null, { attempts: 3, backoff: { type: 'fixed', delayMs } });
      await waitFor(() => attempts.length === 3, waitMs, 'three attempts');
      await queue.onIdle(jobName);
      expect(attempts.map((entry) => entry.attempt)).toEqual([1, 2, 3]);
      for (let index = 1; index < attempts.length; index += 1) {
        const gap = (attempts[index]?.at ?? 0) - (attempts[index - 1]?.at ?? 0);
        expect(gap).toBeGreaterThanOrEqual(delayMs - 2);
      }
      const counts = await queue.counts(jobName);
      expect(counts.completed).toBe(1);
      expect(counts.dead).toBe(0);
    });

    it('doubles the wait between attempts with exponential backoff', async () => {
      const times: number[] = [];
      queue.process(jobName, () => {
        times.push(Date.now());
        throw new Error('always');
      });
      await queue.add(jobName, null, { attempts: 3, backoff: { type: 'exponential', delayMs } });
      await waitFor(() => times.length === 3, waitMs, 'three attempts');
      const first = (times[1] ?? 0) - (times[0] ?? 0);
      const second = (times[2] ?? 0) - (times[1] ?? 0);
      expect(first).toBeGreaterThanOrEqual(delayMs - 2);
      expect(second).toBeGreaterThanOrEqual(delayMs * 2 - 2);
    });

    it('dead-letters a job once its attempts are used up, with the last error', async () => {
      let calls = 0;
      queue.process(jobName, () => {
        calls += 1;
        throw new Error(`bad record ${calls}`);
      });
      const { id } = await queue.add(
        jobName,
        { email: 'x' },
        { attempts: 2, backoff: { type: 'fixed', delayMs: 1 } },
      );
      await waitFor(async () => (await queue.counts(jobName)).dead === 1, waitMs, 'the dead letter');
      const dead = await queue.deadLetters<{ email: string }>(jobName);
      expect(dead).toHaveLength(1);
      expect(dead[0]).toMatchObject({
        id,
        name: jobName,
        data: { email: 'x' },
        attempts: 2,
        error: 'bad record 2',
      });
      expect(typeof dead[0]?.failedAt).toBe('number');
      await sleep(delayMs);
      expect(calls).toBe(2);
    });

    it('dead-letters at once when the handler throws PermanentJobError', async () => {
      let calls = 0;
      queue.process(jobName, () => {
        calls += 1;
        throw new PermanentJobError('not a person record');
      });
      await queue.add(jobName, null, { attempts: 5, backoff: { type: 'fixed', delayMs: 1 } });
      await waitFor(async () => (await queue.counts(jobName)).dead === 1, waitMs, 'the dead letter');
      expect(calls).toBe(1);
      expect((await queue.deadLetters(jobName))[0]?.error).toBe('not a person record');
    });

    it('runs a dead letter again after retry(jobId), with fresh attempts', async () => {
      let broken = true;
      const attempts: number[] = [];
      queue.process(jobName, (job) => {
        attempts.push(job.attempt);
        if (broken) throw new PermanentJobError('downstream rejected it');
      });
      const { id } = await queue.add(jobName, 'payload');
      await waitFor(async () => (await queue.counts(jobName)).dead === 1, waitMs, 'the dead letter');
      broken = false;
      expect(await queue.retry(id)).toBe(true);
      await waitFor(async () => (await queue.counts(jobName)).completed === 1, waitMs, 'the retried job');
      expect(attempts).toEqual([1, 1]);
      expect(await queue.deadLetters(jobName)).toEqual([]);
      expect(await queue.retry(id)).toBe(false);
      expect(await queue.retry('no-such-job')).toBe(false);
    });

    it('resolves onIdle once every due job has run', async () => {
      let done = 0;
      queue.process(
        jobName,
        async () => {
          await sleep(5);
          done += 1;
        },
        { concurrency: 2 },
      );
      for (let index = 0; index < 6; index += 1) await queue.add(jobName, index);
      await waitFor(() => done > 0, waitMs, 'the first job');
      await queue.onIdle(jobName);
      expect(done).toBe(6);
    });

    it('waits in close() for jobs in flight, and starts no new ones', async () => {
      const started: number[] = [];
      let finished = false;
      queue.process<number>(jobName, async (job) => {
        started.push(job.data);
        await sleep(delayMs * 2);
        finished = true;
      });
      await queue.add(jobName, 1);
      await queue.add(jobName, 2);
      await waitFor(() => started.length === 1, waitMs, 'the first job to start');
      await queue.close();
      expect(finished).toBe(true);
      await sleep(delayMs);
      expect(started).toEqual([1]);
      await expect(queue.add(jobName, 3)).rejects.toThrow();
    });

    it('refuses a second handler for the same name', () => {
      queue.process(jobName, () => undefined);
      expect(() => queue.process(jobName, () => undefined)).toThrow();
    });

    it('rejects invalid job options', async () => {
      await expect(queue.add(jobName, null, { attempts: 0 })).rejects.toThrow(/attempts/);
      await expect(queue.add(jobName, null, { delayMs: 10, runAt: Date.now() })).rejects.toThrow(
        /delayMs or runAt/,
      );
      await expect(queue.add(jobName, null, { priority: -1 })).rejects.toThrow(/priority/);
    });

    if (options.sharedBackend === true) {
      const connect = async (): Promise<QueueHandle> => {
        if (!made.connect) throw new Error('sharedBackend: true needs the factory to return connect().');
        const handle = await made.connect();
        handles.push(handle);
        return handle;
      };

      it('shares jobs between workers of one backend without running any twice', async () => {
        const other = await connect();
        const runs = new Map<string, number>();
        let active = new Set<string>();
        let overlap = false;
        const handler = async (job: Job) => {
          if (active.has(job.id)) overlap = true;
          active = new Set(active).add(job.id);
          runs.set(job.id, (runs.get(job.id) ?? 0) + 1);
          await sleep(5);
          active.delete(job.id);
        };
        queue.process(jobName, handler, { concurrency: 3 });
        other.queue.process(jobName, handler, { concurrency: 3 });
        for (let index = 0; index < 30; index += 1)
          await queue.add(jobName, index, { jobId: `job-${index}` });
        await waitFor(() => runs.size === 30, waitMs, 'thirty jobs');
        await sleep(delayMs);
        expect(overlap).toBe(false);
        expect([...runs.values()].every((count) => count === 1)).toBe(true);
      });

      it('keeps the lease of a job that runs longer than the lease, so no one else runs it', async () => {
        const other = await connect();
        let runs = 0;
        const handler = async () => {
          runs += 1;
          await sleep(leaseMs * 3);
        };
        queue.process(jobName, handler);
        await queue.add(jobName, 'long', { jobId: 'long' });
        await waitFor(() => runs === 1, waitMs, 'the job to start');
        other.queue.process(jobName, handler);
        await waitFor(async () => (await queue.counts(jobName)).completed === 1, waitMs * 2, 'the long job');
        expect(runs).toBe(1);
      });

      it('runs the job of a worker that died again elsewhere once its lease expires', async () => {
        const doomed = await connect();
        const attempts: { worker: string; attempt: number }[] = [];
        doomed.queue.process(jobName, (job) => {
          attempts.push({ worker: 'doomed', attempt: job.attempt });
          return new Promise<void>((resolve) => job.signal.addEventListener('abort', () => resolve()));
        });
        await queue.add(jobName, 'orphan', {
          jobId: 'orphan',
          attempts: 3,
          backoff: { type: 'fixed', delayMs: 1 },
        });
        await waitFor(() => attempts.length === 1, waitMs, 'the doomed worker to start the job');
        await doomed.crash();
        queue.process(jobName, (job) => {
          attempts.push({ worker: 'survivor', attempt: job.attempt });
        });
        await waitFor(() => attempts.length === 2, waitMs * 2, 'the survivor to pick the job up');
        expect(attempts[1]?.worker).toBe('survivor');
        await waitFor(
          async () => (await queue.counts(jobName)).completed === 1,
          waitMs,
          'the job to complete',
        );
      });
    }
  });
}
