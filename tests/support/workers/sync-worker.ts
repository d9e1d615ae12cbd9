// A worker process of the sync crash test: runs the Attio ⇄ SalesLoft people sync against
// simulators served by the test process, until a run completes, on SQLite with the storage queue or
// on PostgreSQL with BullMQ.
import '../workspace-hooks.ts';
import type { Queue, Storage } from '@salesos/core';

/** Where the worker keeps the sync's state, and its queue. */
export type SyncWorkerBackend =
  | { backend: 'sqlite'; path: string }
  | {
      backend: 'postgres-bullmq';
      connectionString: string;
      schema: string;
      redisUrl: string;
      prefix: string;
    };

/** What the test tells the worker, as JSON in argv[2]. */
export type SyncWorkerSettings = SyncWorkerBackend & {
  salesloftUrl: string;
  attioUrl: string;
  leaseMs: number;
};

/** Messages the worker sends. */
export type SyncWorkerMessage =
  | { type: 'ready' }
  | { type: 'progress'; processed: number }
  | { type: 'completed'; runs: number; resumed: boolean };

const settings = JSON.parse(process.argv[2] ?? '{}') as SyncWorkerSettings;
const send = (message: SyncWorkerMessage) => process.send?.(message);
// Imported once the hooks are registered: the scenario imports the packages, and a static import
// would resolve them before the hooks exist, to whatever build is in `dist/`.
const { peopleSync } = await import('../sync-scenario.ts');
const { createEventBus, createStorageQueue } = await import('@salesos/core');
const { createSyncEngine, SyncLockedError } = await import('@salesos/crm');
const { createAttioClient } = await import('@salesos/attio');
const { createSalesloftClient } = await import('@salesos/salesloft');

// The engine's queue only carries webhook-driven record jobs; a run keeps its checkpoints, id
// maps and lease in the storage. The queue is the one the deployment would use all the same.
let storage: Storage;
let queue: Queue;
if (settings.backend === 'sqlite') {
  const { createSqliteStorage } = await import('@salesos/sqlite');
  storage = createSqliteStorage({ path: settings.path });
  queue = createStorageQueue(storage, { pollIntervalMs: 50 });
} else {
  const { createPostgresStorage } = await import('@salesos/postgres');
  const { createBullmqQueue } = await import('@salesos/redis');
  storage = createPostgresStorage({
    connectionString: settings.connectionString,
    schema: settings.schema,
    maxConnections: 4,
    synchronousCommit: false,
  });
  queue = createBullmqQueue({ connection: settings.redisUrl, prefix: settings.prefix });
}
const events = createEventBus();
let processed = 0;
events.on('crm.progress', () => {
  processed += 1;
  send({ type: 'progress', processed });
});
const engine = createSyncEngine({
  storage,
  queue,
  events,
  leaseMs: settings.leaseMs,
  retry: { attempts: 2, delayMs: 20 },
});
engine.define(
  peopleSync(
    createAttioClient({ apiKey: 'attio', baseUrl: settings.attioUrl, rateLimiter: false }),
    createSalesloftClient({ apiKey: 'ak', baseUrl: settings.salesloftUrl }),
    storage,
  ),
);
send({ type: 'ready' });
let resumed = false;
for (let run = 1; run <= 50; run += 1) {
  let summary: Awaited<ReturnType<typeof engine.run>>;
  try {
    summary = await engine.run('people');
  } catch (error) {
    // The process killed before this one still holds the sync's lease: wait until it lapses.
    if (!SyncLockedError.isInstance(error)) throw error;
    await new Promise((resolve) => setTimeout(resolve, settings.leaseMs));
    continue;
  }
  resumed ||= summary.resumed;
  if (summary.status === 'completed') {
    send({ type: 'completed', runs: run, resumed });
    break;
  }
  await new Promise((resolve) => setTimeout(resolve, settings.leaseMs));
}
await queue.close();
await storage.close();
process.disconnect();
