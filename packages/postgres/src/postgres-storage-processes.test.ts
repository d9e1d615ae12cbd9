import { randomUUID } from 'node:crypto';
import { spawnWorker, type WorkerProcess } from '@salesos/core/testing';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { CounterMessage } from './__fixtures__/counter-worker.ts';
import { connectionString, dropSchema, uniqueSchema } from './__fixtures__/test-schema.ts';
import { createPostgresStorage } from './postgres-storage.ts';

const schema = uniqueSchema();
const script = new URL('./__fixtures__/counter-worker.ts', import.meta.url);
const workers: WorkerProcess<CounterMessage>[] = [];

afterEach(async () => {
  await Promise.all(workers.splice(0).map((worker) => worker.kill()));
});

afterAll(() => dropSchema(schema));

describe('createPostgresStorage atomic() across processes', () => {
  it('loses no update when three processes race read-check-increment loops on one key', async () => {
    const key = ['counter', randomUUID()];
    const perProcess = 150;
    const settings = { connectionString, schema, key, increments: perProcess, loops: 4 };
    // The first process creates the table; the others race it on first use too.
    const started = [0, 1, 2].map(() => spawnWorker<CounterMessage>(script, settings));
    workers.push(...started);
    await Promise.all(started.map((worker) => worker.waitFor((message) => message.type === 'ready', 20_000)));

    for (const worker of started) worker.child.send({ type: 'go' });
    const results = await Promise.all(
      started.map((worker) => worker.waitFor((message) => message.type === 'done', 60_000)),
    );

    const storage = createPostgresStorage({ connectionString, schema });
    try {
      const final = await storage.get<number>(key);
      expect(final.value).toBe(perProcess * started.length);
    } finally {
      await storage.close();
    }
    for (const result of results) expect(result).toMatchObject({ type: 'done', committed: perProcess });
    // Twelve loops on one key conflict: the check is what kept every update.
    const conflicts = results.reduce(
      (sum, result) => sum + (result.type === 'done' ? result.conflicts : 0),
      0,
    );
    expect(conflicts).toBeGreaterThan(0);
  });
});
