import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createMemoryQueue,
  createMemoryStorage,
  createStorageQueue,
  type Queue,
  type Storage,
} from '@salesos/core';
import { spawnWorker, type WorkerProcess } from '@salesos/core/testing';
import { createPostgresStorage } from '@salesos/postgres';
import { createBullmqQueue } from '@salesos/redis';
import { createSqliteStorage } from '@salesos/sqlite';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import {
  deleteRedisKeys,
  dropSchema,
  TEST_POSTGRES_URL,
  TEST_REDIS_URL,
  uniquePrefix,
  uniqueSchema,
} from '../support/backends.ts';
import { applyCrashJob, type CrashJobData } from '../support/crash-work.ts';
import { recordFigures } from '../support/figures.ts';
import type { QueueWorkerMessage, QueueWorkerSettings } from '../support/workers/queue-worker.ts';

const JOBS = 150;
const CRASHES = 3;
const LEASE_MS = 600;
const script = new URL('../support/workers/queue-worker.ts', import.meta.url);
const directory = mkdtempSync(join(tmpdir(), 'salesos-queue-crash-'));
const schema = uniqueSchema('queue_crash');
const prefix = uniquePrefix('queue-crash');
const workers: WorkerProcess<QueueWorkerMessage>[] = [];

afterEach(async () => {
  await Promise.all(workers.splice(0).map((worker) => worker.kill()));
});

afterAll(async () => {
  rmSync(directory, { recursive: true, force: true });
  await dropSchema(schema);
  await deleteRedisKeys(prefix);
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Every effect entry and the effect counter: the end state both runs must reach. */
async function endState(storage: Storage) {
  const effects: Record<string, unknown> = {};
  for await (const entry of storage.list({ prefix: ['effect'] })) effects[String(entry.key[1])] = entry.value;
  const counter = (await storage.get<number>(['effect-count'])).value;
  return { effects, counter };
}

async function totalRuns(storage: Storage): Promise<number> {
  let runs = 0;
  for await (const entry of storage.list<number>({ prefix: ['runs'] })) runs += entry.value;
  return runs;
}

async function addJobs(queue: Queue, name: string) {
  for (let n = 0; n < JOBS; n += 1) {
    await queue.add<CrashJobData>(name, { n }, { jobId: `job-${n}`, attempts: 20 });
  }
}

/** The same jobs on an in-memory queue with no crash. */
async function uninterruptedRun() {
  const storage = createMemoryStorage();
  const queue = createMemoryQueue();
  queue.process<CrashJobData>('crash', (job) => applyCrashJob(storage, job), { concurrency: 8 });
  await addJobs(queue, 'crash');
  await queue.onIdle('crash');
  await queue.close();
  return endState(storage);
}

/** Starts a worker process, lets it run for a random while, and kills it with SIGKILL. */
async function crashCycles(settings: QueueWorkerSettings): Promise<number> {
  let killedWhileWorking = 0;
  for (let cycle = 0; cycle < CRASHES; cycle += 1) {
    const worker = spawnWorker<QueueWorkerMessage>(script, settings);
    workers.push(worker);
    await worker.waitFor((message) => message.type === 'ready');
    // Kill once this process has run a random number of jobs (or after a second at most).
    const runs = 3 + Math.floor(Math.random() * 25);
    await Promise.race([
      worker.waitFor((message) => message.type === 'progress' && message.runs >= runs).catch(() => undefined),
      sleep(1_000),
    ]);
    const last = worker.messages.findLast((message) => message.type === 'progress');
    if (last?.type === 'progress' && last.runs > 0) killedWhileWorking += 1;
    await worker.kill();
  }
  return killedWhileWorking;
}

async function drain(settings: QueueWorkerSettings): Promise<void> {
  const worker = spawnWorker<QueueWorkerMessage>(script, settings);
  workers.push(worker);
  await worker.waitFor((message) => message.type === 'ready');
  worker.child.send({ type: 'drain' });
  await worker.waitFor((message) => message.type === 'drained', 60_000);
  await worker.exited();
}

interface Backend {
  label: string;
  scenario: string;
  open(): { storage: Storage; queue: Queue; settings: QueueWorkerSettings };
}

const base = { concurrency: 8, leaseMs: LEASE_MS };
const backends: Backend[] = [
  {
    label: 'the storage queue on SQLite',
    scenario: 'queue-crash-sqlite',
    open() {
      const path = join(directory, 'sqlite-queue.db');
      const storage = createSqliteStorage({ path });
      const queue = createStorageQueue(storage, { leaseMs: LEASE_MS });
      return { storage, queue, settings: { ...base, name: 'crash', backend: 'sqlite', path } };
    },
  },
  {
    label: 'the storage queue on PostgreSQL',
    scenario: 'queue-crash-postgres',
    open() {
      const storage = createPostgresStorage({
        connectionString: TEST_POSTGRES_URL,
        schema,
        maxConnections: 4,
        synchronousCommit: false,
      });
      const queue = createStorageQueue(storage, { leaseMs: LEASE_MS });
      return {
        storage,
        queue,
        settings: {
          ...base,
          name: 'crash',
          backend: 'postgres',
          connectionString: TEST_POSTGRES_URL,
          schema,
        },
      };
    },
  },
  {
    label: 'BullMQ, with the effects in SQLite',
    scenario: 'queue-crash-bullmq',
    open() {
      const path = join(directory, 'bullmq-effects.db');
      const storage = createSqliteStorage({ path });
      const queue = createBullmqQueue({ connection: TEST_REDIS_URL, prefix, leaseMs: LEASE_MS });
      return {
        storage,
        queue,
        settings: { ...base, name: 'crash', backend: 'bullmq', path, redisUrl: TEST_REDIS_URL, prefix },
      };
    },
  },
];

describe('queue processing killed with SIGKILL and restarted', () => {
  for (const backend of backends) {
    it(`ends on ${backend.label} as an uninterrupted run does: every job applied once, none lost`, async () => {
      const expected = await uninterruptedRun();
      const { storage, queue, settings } = backend.open();
      await addJobs(queue, settings.name);

      const killedWhileWorking = await crashCycles(settings);
      await drain(settings);

      expect(killedWhileWorking).toBeGreaterThan(0);
      expect(await endState(storage)).toEqual(expected);
      expect(await queue.counts(settings.name)).toMatchObject({
        waiting: 0,
        active: 0,
        delayed: 0,
        completed: JOBS,
        dead: 0,
      });
      const runs = await totalRuns(storage);
      expect(runs).toBeGreaterThanOrEqual(JOBS);
      const state = await endState(storage);
      recordFigures(backend.scenario, {
        crashes: CRASHES,
        crashesWhileWorking: killedWhileWorking,
        jobs: JOBS,
        runs,
        applied: Object.keys(state.effects).length,
        appliedTwice: (state.counter ?? 0) - Object.keys(state.effects).length,
        lost: JOBS - Object.keys(state.effects).length,
      });
      await queue.close();
      await storage.close();
    }, 90_000);
  }
});
