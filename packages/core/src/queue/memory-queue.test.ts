import { describe, expect, it } from 'vitest';
import { ConfigError } from '../errors/client-errors.ts';
import { describeQueueConformance } from '../testing/queue-conformance.ts';
import { createTestClock } from '../testing/test-clock.ts';
import { createMemoryQueue } from './memory-queue.ts';

// The one-argument form: the suite is named "Queue conformance".
describeQueueConformance(() => createMemoryQueue());

describe('describeQueueConformance', () => {
  it('rejects a call without a factory with ConfigError naming it', () => {
    for (const args of [[], ['named only'], [{ queue: 'not a factory' }]]) {
      const call = () => (describeQueueConformance as (...input: unknown[]) => void)(...args);
      expect(call).toThrow(ConfigError);
      expect(call).toThrow('"factory" must be a function');
    }
  });
});

describe('createMemoryQueue', () => {
  it('runs delayed jobs and retries on the injected clock', async () => {
    const clock = createTestClock();
    const queue = createMemoryQueue({ clock });
    const attempts: number[] = [];
    queue.process('sync', (job) => {
      attempts.push(job.attempt);
      if (job.attempt === 1) throw new Error('first try fails');
    });
    await queue.add('sync', null, { delayMs: 60_000, backoff: { type: 'fixed', delayMs: 30_000 } });
    await clock.advance(59_999);
    expect(attempts).toEqual([]);
    await clock.advance(1);
    expect(attempts).toEqual([1]);
    await clock.advance(29_999);
    expect(attempts).toEqual([1]);
    await clock.advance(1);
    expect(attempts).toEqual([1, 2]);
    await queue.close();
  });

  it('forgets completed job ids after the retention window', async () => {
    const clock = createTestClock();
    const queue = createMemoryQueue({ clock, completedRetentionMs: 1_000 });
    let runs = 0;
    queue.process('once', () => {
      runs += 1;
    });
    await queue.add('once', null, { jobId: 'x' });
    await queue.onIdle('once');
    await clock.advance(999);
    expect((await queue.add('once', null, { jobId: 'x' })).added).toBe(false);
    await clock.advance(1);
    expect((await queue.add('once', null, { jobId: 'x' })).added).toBe(true);
    await queue.onIdle('once');
    expect(runs).toBe(2);
    await queue.close();
  });

  it('aborts the signal of jobs still running when close() times out', async () => {
    const queue = createMemoryQueue();
    let aborted = false;
    queue.process('hang', (job) => {
      return new Promise<void>((resolve) =>
        job.signal.addEventListener('abort', () => {
          aborted = true;
          resolve();
        }),
      );
    });
    await queue.add('hang', null);
    while ((await queue.counts('hang')).active === 0) await new Promise((resolve) => setTimeout(resolve, 1));
    await queue.close({ timeoutMs: 10 });
    expect(aborted).toBe(true);
  });
});
