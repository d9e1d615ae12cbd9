import { describe, expect, it } from 'vitest';
import { createMemoryStorage } from '../storage/memory-storage.ts';
import type { Storage } from '../storage/storage.ts';
import { StorageError } from '../storage/storage-error.ts';
import { describeQueueConformance } from '../testing/queue-conformance.ts';
import { severableStorage } from '../testing/severable-storage.ts';
import { createTestClock } from '../testing/test-clock.ts';
import { createStorageQueue } from './storage-queue.ts';

const timing = { leaseMs: 300, pollIntervalMs: 10 };

/** A storage that counts the commits and the lists of each queue index made through it. */
function countingStorage(inner: Storage) {
  const counts = { commits: 0, lists: new Map<string, number>() };
  const storage: Storage = {
    ...inner,
    get: (key) => inner.get(key),
    getMany: (keys) => inner.getMany(keys),
    list(selector, options) {
      const index = String('prefix' in selector ? selector.prefix[1] : selector.start[1]);
      counts.lists.set(index, (counts.lists.get(index) ?? 0) + 1);
      return inner.list(selector, options);
    },
    atomic() {
      counts.commits += 1;
      return inner.atomic();
    },
  };
  return { storage, counts };
}

/** Resolves once `count` calls of the returned handler were made. */
function countdown(count: number) {
  let done = 0;
  let resolve: () => void = () => undefined;
  const finished = new Promise<void>((settle) => {
    resolve = settle;
  });
  return {
    finished,
    handler: () => {
      done += 1;
      if (done === count) resolve();
    },
  };
}

describeQueueConformance(
  'createStorageQueue on createMemoryStorage',
  () => {
    const storage = createMemoryStorage();
    return {
      queue: createStorageQueue(storage, timing),
      cleanup: () => storage.close(),
      connect: () => {
        const link = severableStorage(storage);
        const queue = createStorageQueue(link.storage, timing);
        return {
          queue,
          crash: async () => {
            link.sever();
            await queue.close({ timeoutMs: 0 });
          },
        };
      },
    };
  },
  { sharedBackend: true, leaseMs: timing.leaseMs },
);

describe('createStorageQueue', () => {
  it('keeps jobs in the storage, so a new queue on it runs them', async () => {
    const storage = createMemoryStorage();
    const first = createStorageQueue(storage, timing);
    await first.add('import', { row: 1 }, { jobId: 'row-1' });
    await first.close();
    const second = createStorageQueue(storage, timing);
    const seen: unknown[] = [];
    second.process('import', (job) => {
      seen.push(job.data);
    });
    await second.onIdle('import');
    expect(seen).toEqual([{ row: 1 }]);
    expect((await second.add('import', { row: 1 }, { jobId: 'row-1' })).added).toBe(false);
    await second.close();
  });

  it('writes under its prefix only', async () => {
    const storage = createMemoryStorage();
    const queue = createStorageQueue(storage, { ...timing, prefix: ['tenant-a', 'jobs'] });
    await queue.add('x', 1, { jobId: 'j1' });
    const keys: unknown[] = [];
    for await (const entry of storage.list({ prefix: [] })) keys.push(entry.key.slice(0, 2));
    expect(keys.every((key) => JSON.stringify(key) === JSON.stringify(['tenant-a', 'jobs']))).toBe(true);
    await queue.close();
  });

  it('dead-letters a job whose worker keeps dying once its attempts are used up', async () => {
    const clock = createTestClock();
    const storage = createMemoryStorage({ clock });
    const options = { clock, leaseMs: 1_000, pollIntervalMs: 100 };
    const link = severableStorage(storage);
    const doomed = createStorageQueue(link.storage, options);
    let started = 0;
    doomed.process('fragile', () => {
      started += 1;
      return new Promise<void>(() => undefined);
    });
    const survivor = createStorageQueue(storage, options);
    await survivor.add('fragile', null, { jobId: 'f', attempts: 1 });
    await clock.advance(100);
    expect(started).toBe(1);
    link.sever();
    await clock.advance(2_000);
    survivor.process('fragile', () => undefined);
    await clock.advance(500);
    const dead = await survivor.deadLetters('fragile');
    expect(dead.map((letter) => letter.id)).toEqual(['f']);
    expect(dead[0]?.error).toMatch(/lease/);
    await survivor.close();
  });

  it('runs a burst of jobs with fewer storage commits than jobs', async () => {
    const { storage, counts } = countingStorage(createMemoryStorage());
    const queue = createStorageQueue(storage, timing);
    await Promise.all(Array.from({ length: 40 }, (_, index) => queue.add('burst', index)));
    const run = countdown(40);
    queue.process('burst', run.handler, { concurrency: 10 });
    await run.finished;
    await queue.onIdle('burst');
    expect((await queue.counts('burst')).completed).toBe(40);
    // One by one this takes 120 commits: an add, a claim and a completion per job.
    expect(counts.commits).toBeLessThan(40);
    await queue.close();
  });

  it('looks at the delayed and active indexes once per poll, not after every job', async () => {
    const clock = createTestClock();
    const { storage, counts } = countingStorage(createMemoryStorage({ clock }));
    const queue = createStorageQueue(storage, { clock, leaseMs: 1_000, pollIntervalMs: 1_000 });
    for (let index = 0; index < 30; index += 1) await queue.add('steady', index);
    const run = countdown(30);
    queue.process('steady', run.handler);
    await run.finished;
    expect(counts.lists.get('delayed')).toBe(1);
    expect(counts.lists.get('active')).toBe(1);
    await clock.advance(1_000);
    expect(counts.lists.get('delayed')).toBe(2);
    await queue.close();
  });

  it('runs a delayed job added by another process once it is due', async () => {
    const clock = createTestClock();
    const storage = createMemoryStorage({ clock });
    const options = { clock, leaseMs: 1_000, pollIntervalMs: 100 };
    const worker = createStorageQueue(storage, options);
    const producer = createStorageQueue(storage, options);
    const ranAt: number[] = [];
    worker.process('later', () => {
      ranAt.push(clock.now());
    });
    await clock.advance(0);
    const addedAt = clock.now();
    await producer.add('later', null, { delayMs: 450 });
    await clock.advance(400);
    expect(ranAt).toEqual([]);
    await clock.advance(200);
    expect(ranAt).toHaveLength(1);
    expect(ranAt[0]).toBeGreaterThanOrEqual(addedAt + 450);
    await Promise.all([worker.close(), producer.close()]);
  });

  it('runs a job once when two index entries point to it', async () => {
    const storage = createMemoryStorage();
    const queue = createStorageQueue(storage, timing);
    await queue.add('twice', null, { jobId: 'only-once' });
    const ready: { key: readonly (string | number)[] }[] = [];
    for await (const entry of storage.list({ prefix: ['queue', 'ready', 'twice'] })) ready.push(entry);
    const [entry] = ready;
    if (!entry) throw new Error('The job has no ready index entry.');
    // An extra entry for the same job, sorting right before the real one.
    await storage.set([...entry.key.slice(0, -2), -1, 'only-once'], 'only-once');
    let runs = 0;
    queue.process(
      'twice',
      () => {
        runs += 1;
      },
      { concurrency: 4 },
    );
    await queue.onIdle('twice');
    await new Promise((resolve) => setTimeout(resolve, 50));
    await queue.onIdle('twice');
    expect(runs).toBe(1);
    expect(await queue.counts('twice')).toMatchObject({ waiting: 0, active: 0, completed: 1 });
    await queue.close();
  });

  it('shares a stream of jobs between several queues on one storage, running each once at a time', async () => {
    const storage = createMemoryStorage();
    const queues = Array.from({ length: 3 }, () => createStorageQueue(storage, timing));
    const total = 300;
    const runs = new Map<string, number>();
    const running = new Set<string>();
    let overlap = false;
    const run = countdown(total);
    for (const queue of queues) {
      queue.process(
        'shared',
        async (job) => {
          if (running.has(job.id)) overlap = true;
          running.add(job.id);
          runs.set(job.id, (runs.get(job.id) ?? 0) + 1);
          await new Promise((resolve) => setTimeout(resolve, job.attempt % 2));
          running.delete(job.id);
          run.handler();
        },
        { concurrency: 8 },
      );
    }
    const [producer] = queues;
    for (let index = 0; index < total; index += 50) {
      await Promise.all(
        Array.from({ length: 50 }, (_, offset) =>
          producer?.add('shared', index + offset, { jobId: `s-${index + offset}` }),
        ),
      );
    }
    await run.finished;
    await producer?.onIdle('shared');
    expect(overlap).toBe(false);
    expect(runs.size).toBe(total);
    expect([...runs.values()].every((count) => count === 1)).toBe(true);
    expect(await producer?.counts('shared')).toMatchObject({ waiting: 0, active: 0, completed: total });
    await Promise.all(queues.map((queue) => queue.close()));
  });

  it('waits a poll interval before claiming again when claim commits fail', async () => {
    const clock = createTestClock();
    const inner = createMemoryStorage({ clock });
    let failing = false;
    let attempts = 0;
    const storage: Storage = {
      ...inner,
      atomic() {
        const operation = inner.atomic();
        const commit = operation.commit.bind(operation);
        operation.commit = async () => {
          if (!failing) return commit();
          attempts += 1;
          throw new StorageError('The disk is full.');
        };
        return operation;
      },
    };
    const queue = createStorageQueue(storage, { clock, leaseMs: 1_000, pollIntervalMs: 100 });
    await queue.add('stuck', 1);
    failing = true;
    queue.process('stuck', () => undefined);
    await clock.advance(0);
    expect(attempts).toBe(1);
    await clock.advance(100);
    expect(attempts).toBe(2);
    failing = false;
    await clock.advance(100);
    expect((await queue.counts('stuck')).completed).toBe(1);
    await queue.close();
  });

  it('rejects invalid options with ConfigError', () => {
    expect(() => createStorageQueue(createMemoryStorage(), { leaseMs: 0 })).toThrow(/leaseMs/);
  });
});
