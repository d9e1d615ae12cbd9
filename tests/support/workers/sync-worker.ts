// A worker process of the sync crash test: runs the Attio ⇄ SalesLoft people sync on SQLite against
// simulators served by the test process, until a run completes.
import '../workspace-hooks.ts';
import { peopleSync } from '../sync-scenario.ts';

/** What the test tells the worker, as JSON in argv[2]. */
export interface SyncWorkerSettings {
  path: string;
  salesloftUrl: string;
  attioUrl: string;
  leaseMs: number;
}

/** Messages the worker sends. */
export type SyncWorkerMessage =
  | { type: 'ready' }
  | { type: 'progress'; processed: number }
  | { type: 'completed'; runs: number; resumed: boolean };

const settings = JSON.parse(process.argv[2] ?? '{}') as SyncWorkerSettings;
const send = (message: SyncWorkerMessage) => process.send?.(message);
const { createEventBus, createStorageQueue } = await import('@salesos/core');
const { createSqliteStorage } = await import('@salesos/sqlite');
const { createSyncEngine, SyncLockedError } = await import('@salesos/crm');
const { createAttioClient } = await import('@salesos/attio');
const { createSalesloftClient } = await import('@salesos/salesloft');

const storage = createSqliteStorage({ path: settings.path });
const queue = createStorageQueue(storage, { pollIntervalMs: 50 });
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
