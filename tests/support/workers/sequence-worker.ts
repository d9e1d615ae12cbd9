// A worker process of the sequence crash test: runs due steps of a sequence engine on SQLite with
// the storage queue, or on PostgreSQL with BullMQ, sending through a durable mail provider kept in
// the same database.
import '../workspace-hooks.ts';
import { writeFileSync } from 'node:fs';
import type { Queue, Storage } from '@salesos/core';
import { CRASH_UNSUBSCRIBE, createDurableMailProvider } from '../crash-work.ts';

/** What the test tells the worker, as JSON in argv[2]. */
export type SequenceWorkerSettings = {
  leaseMs: number;
  /** Hold on after the first email leaves, before the engine records it (so a kill lands there). */
  holdAfterFirstDelivery: boolean;
  /**
   * Write this file and freeze after an enrolment's next step is committed and before its job is
   * queued (so a kill lands between the two).
   */
  freezeAfterCommit?: string;
} & (
  | { backend: 'sqlite'; path: string }
  | { backend: 'postgres-bullmq'; connectionString: string; schema: string; redisUrl: string; prefix: string }
);

/** Messages the worker sends. */
export type SequenceWorkerMessage =
  | { type: 'ready' }
  | { type: 'delivered'; idempotencyKey: string }
  | { type: 'drained'; recoveries: number; waitedMs: number };

const settings = JSON.parse(process.argv[2] ?? '{}') as SequenceWorkerSettings;
const send = (message: SequenceWorkerMessage) => process.send?.(message);
const { createEventBus, createStorageQueue } = await import('@salesos/core');
const { createSequenceEngine, SEQUENCE_JOB_NAMES } = await import('@salesos/sequences');

let storage: Storage;
let queue: Queue;
if (settings.backend === 'sqlite') {
  const { createSqliteStorage } = await import('@salesos/sqlite');
  storage = createSqliteStorage({ path: settings.path });
  queue = createStorageQueue(storage, { leaseMs: settings.leaseMs, pollIntervalMs: 20 });
} else {
  const { createPostgresStorage } = await import('@salesos/postgres');
  const { createBullmqQueue } = await import('@salesos/redis');
  storage = createPostgresStorage({
    connectionString: settings.connectionString,
    schema: settings.schema,
    maxConnections: 6,
    synchronousCommit: false,
  });
  queue = createBullmqQueue({
    connection: settings.redisUrl,
    prefix: settings.prefix,
    leaseMs: settings.leaseMs,
    stalledIntervalMs: Math.max(100, Math.floor(settings.leaseMs / 2)),
    maxStalledCount: 20,
  });
}

let held = false;
const sender = createDurableMailProvider(storage, async (delivery) => {
  send({ type: 'delivered', idempotencyKey: delivery.idempotencyKey });
  if (settings.holdAfterFirstDelivery && !held) {
    held = true;
    await new Promise((resolve) => setTimeout(resolve, 2_000));
  }
});
const events = createEventBus();
let frozen = false;
events.on('sequences.enrollment.transition', (transition) => {
  // Transitions are emitted after the commit and before the next job is queued. Freezing the whole
  // process here (no timers, no I/O) leaves the test to kill it exactly in that gap.
  if (!settings.freezeAfterCommit || frozen || transition.to !== 'active') return;
  frozen = true;
  writeFileSync(settings.freezeAfterCommit, transition.enrollmentId);
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 5_000);
});
const engine = createSequenceEngine({
  storage,
  queue,
  sender,
  events,
  unsubscribe: CRASH_UNSUBSCRIBE,
  worker: { concurrency: 4 },
  stepAttempts: 20,
  stepBackoff: { type: 'fixed', delayMs: 50 },
});

const liveEnrollments = async () => {
  let live = 0;
  for await (const entry of storage.list<{ status: string }>({
    prefix: ['sequences', 'acme', 'enrollment'],
  })) {
    if (!['finished', 'bounced', 'opted_out', 'failed'].includes(entry.value.status)) live += 1;
  }
  return live;
};

process.on('message', async (message: { type: string }) => {
  if (message.type !== 'drain') return;
  // Idle is not enough: a step waiting out its retry backoff is delayed, and a delayed job does not
  // keep a queue busy. Wait until every enrolment has ended, for at most 90 s. An enrolment still
  // live after 5 s idle has lost its job: `recover` queues it again. BullMQ used to need that after a
  // process died inside `add` having claimed the job id (the id was refused for a minute); the next
  // add under the same name now takes such a claim over, so none should be needed. RELIABILITY.md
  // counts them, so a regression shows.
  const started = Date.now();
  let recoveries = 0;
  let lastRecovery = started;
  for (;;) {
    await queue.onIdle(SEQUENCE_JOB_NAMES.step);
    if ((await liveEnrollments()) === 0 || Date.now() - started > 90_000) break;
    if (Date.now() - lastRecovery > 5_000) {
      recoveries += 1;
      lastRecovery = Date.now();
      await engine.recover({ tenantId: 'acme' });
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  await queue.close();
  await storage.close();
  send({ type: 'drained', recoveries, waitedMs: Date.now() - started });
  process.disconnect();
});
send({ type: 'ready' });
