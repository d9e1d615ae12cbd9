// A worker process of the queue crash test: processes `crash` jobs on a storage queue (SQLite or
// PostgreSQL) or on BullMQ, with the job effects in SQLite or PostgreSQL.
import '../workspace-hooks.ts';
import type { Queue, Storage } from '@salesos/core';
import { applyCrashJob, type CrashJobData } from '../crash-work.ts';

/** What the test tells the worker, as JSON in argv[2]. */
export type QueueWorkerSettings = {
  name: string;
  concurrency: number;
  leaseMs: number;
} & (
  | { backend: 'sqlite'; path: string }
  | { backend: 'postgres'; connectionString: string; schema: string }
  | { backend: 'bullmq'; path: string; redisUrl: string; prefix: string }
);

/** Messages the worker sends. */
export type QueueWorkerMessage = { type: 'ready' } | { type: 'progress'; runs: number } | { type: 'drained' };

const settings = JSON.parse(process.argv[2] ?? '{}') as QueueWorkerSettings;
const send = (message: QueueWorkerMessage) => process.send?.(message);
const { createStorageQueue } = await import('@salesos/core');

let storage: Storage;
let queue: Queue;
if (settings.backend === 'postgres') {
  const { createPostgresStorage } = await import('@salesos/postgres');
  storage = createPostgresStorage({
    connectionString: settings.connectionString,
    schema: settings.schema,
    maxConnections: 6,
    synchronousCommit: false,
  });
  queue = createStorageQueue(storage, { leaseMs: settings.leaseMs, pollIntervalMs: 25 });
} else {
  const { createSqliteStorage } = await import('@salesos/sqlite');
  storage = createSqliteStorage({ path: settings.path });
  if (settings.backend === 'sqlite') {
    queue = createStorageQueue(storage, { leaseMs: settings.leaseMs, pollIntervalMs: 25 });
  } else {
    const { createBullmqQueue } = await import('@salesos/redis');
    queue = createBullmqQueue({
      connection: settings.redisUrl,
      prefix: settings.prefix,
      leaseMs: settings.leaseMs,
      stalledIntervalMs: Math.max(100, Math.floor(settings.leaseMs / 2)),
      maxStalledCount: 20,
    });
  }
}

let runs = 0;
queue.process<CrashJobData>(
  settings.name,
  async (job) => {
    await applyCrashJob(storage, job);
    runs += 1;
  },
  { concurrency: settings.concurrency },
);
const progress = setInterval(() => send({ type: 'progress', runs }), 20);

process.on('message', async (message: { type: string }) => {
  if (message.type !== 'drain') return;
  // onIdle does not wait for retries that are not due yet (a job failed under load waits out
  // its backoff): drain until no job is waiting, active or delayed.
  for (;;) {
    await queue.onIdle(settings.name);
    const counts = await queue.counts(settings.name);
    if (counts.waiting + counts.active + counts.delayed === 0) break;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  clearInterval(progress);
  await queue.close();
  await storage.close();
  send({ type: 'drained' });
  process.disconnect();
});
send({ type: 'ready' });
