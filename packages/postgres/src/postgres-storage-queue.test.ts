import { randomUUID } from 'node:crypto';
import { createStorageQueue } from '@salesos/core';
import { spawnWorker, type WorkerProcess } from '@salesos/core/testing';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { WorkerMessage } from './__fixtures__/queue-worker.ts';
import { connectionString, dropSchema, uniqueSchema } from './__fixtures__/test-schema.ts';
import { createPostgresStorage } from './postgres-storage.ts';

const schema = uniqueSchema();
const script = new URL('./__fixtures__/queue-worker.ts', import.meta.url);
const workers: WorkerProcess<WorkerMessage>[] = [];

const start = (settings: { name: string; mode: 'work' | 'hang'; concurrency: number; leaseMs: number }) => {
  const worker = spawnWorker<WorkerMessage>(script, { connectionString, schema, ...settings });
  workers.push(worker);
  return worker;
};

const stop = async (worker: WorkerProcess<WorkerMessage>) => {
  worker.child.send({ type: 'stop' });
  const stopped = await worker.waitFor((message) => message.type === 'stopped');
  return stopped.type === 'stopped' ? stopped.ran : [];
};

const completedSoFar = (worker: WorkerProcess<WorkerMessage>) => {
  const last = worker.messages.findLast((message) => message.type === 'progress');
  return last?.type === 'progress' ? last.completed : 0;
};

afterEach(async () => {
  await Promise.all(workers.splice(0).map((worker) => worker.kill()));
});

afterAll(() => dropSchema(schema));

// These tests are about concurrency, not disk latency: the processes share one disk with the rest of
// the suite, so commits do not wait for the WAL flush (synchronousCommit: false). Atomicity and
// isolation are the same either way.
describe('createStorageQueue on createPostgresStorage, across processes', () => {
  it('runs 10 000 jobs on two worker processes with none lost and none run twice', async () => {
    const storage = createPostgresStorage({
      connectionString,
      schema,
      maxConnections: 8,
      synchronousCommit: false,
    });
    const queue = createStorageQueue(storage);
    const name = `bulk-${randomUUID()}`;
    const total = 10_000;
    const left = start({ name, mode: 'work', concurrency: 16, leaseMs: 30_000 });
    const right = start({ name, mode: 'work', concurrency: 16, leaseMs: 30_000 });
    await Promise.all([left, right].map((worker) => worker.waitFor((message) => message.type === 'ready')));

    for (let index = 0; index < total; index += 100) {
      await Promise.all(
        Array.from({ length: 100 }, (_, offset) =>
          queue.add(name, { index: index + offset }, { jobId: `job-${index + offset}` }),
        ),
      );
    }
    while (completedSoFar(left) + completedSoFar(right) < total) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    await queue.onIdle(name);
    const [ranLeft, ranRight] = await Promise.all([stop(left), stop(right)]);

    const runs = [...ranLeft, ...ranRight];
    expect(new Set(runs).size).toBe(total);
    expect(runs).toHaveLength(total);
    expect(ranLeft.length).toBeGreaterThan(0);
    expect(ranRight.length).toBeGreaterThan(0);
    const counts = await queue.counts(name);
    expect(counts).toMatchObject({ waiting: 0, active: 0, completed: total, dead: 0 });
    await queue.close();
    await storage.close();
  }, 180_000);

  it('finishes on another process the job of a worker killed mid-job', async () => {
    const storage = createPostgresStorage({
      connectionString,
      schema,
      maxConnections: 2,
      synchronousCommit: false,
    });
    const queue = createStorageQueue(storage);
    const name = `orphan-${randomUUID()}`;
    const leaseMs = 1_000;
    const doomed = start({ name, mode: 'hang', concurrency: 1, leaseMs });
    await doomed.waitFor((message) => message.type === 'ready');
    await queue.add(name, { personId: 'p1' }, { jobId: 'orphan' });
    await doomed.waitFor((message) => message.type === 'started');
    await doomed.kill();

    const survivor = start({ name, mode: 'work', concurrency: 1, leaseMs });
    while (completedSoFar(survivor) < 1) await new Promise((resolve) => setTimeout(resolve, 50));
    await queue.onIdle(name);
    expect(await stop(survivor)).toEqual(['orphan']);
    expect(await queue.counts(name)).toMatchObject({ completed: 1, active: 0, dead: 0 });
    await queue.close();
    await storage.close();
  }, 60_000);
});
