// A worker process for the multi-process tests: a storage queue on PostgreSQL, run with Node's
// type stripping. The workspace packages are loaded from source, as the tests load them.
// Resolves @salesos/* to the packages' source before the dynamic imports below.
import '../../../../tests/support/workspace-hooks.ts';

const { createStorageQueue } = await import('@salesos/core');
const { createPostgresStorage } = await import('@salesos/postgres');

/** What the test tells the worker, as JSON in argv[2]. */
interface WorkerSettings {
  connectionString: string;
  schema: string;
  name: string;
  /** `work` completes every job; `hang` reports the job it started and never finishes it. */
  mode: 'work' | 'hang';
  concurrency: number;
  leaseMs: number;
}

/** Messages the worker sends to the test. */
export type WorkerMessage =
  | { type: 'ready' }
  | { type: 'progress'; completed: number }
  | { type: 'started'; id: string }
  | { type: 'stopped'; ran: string[] };

const settings = JSON.parse(process.argv[2] ?? '{}') as WorkerSettings;
const send = (message: WorkerMessage) => process.send?.(message);

const storage = createPostgresStorage({
  connectionString: settings.connectionString,
  schema: settings.schema,
  maxConnections: 10,
  synchronousCommit: false,
});
const queue = createStorageQueue(storage, { leaseMs: settings.leaseMs, pollIntervalMs: 50 });
const ran: string[] = [];

queue.process(
  settings.name,
  async (job) => {
    if (settings.mode === 'hang') {
      send({ type: 'started', id: job.id });
      await new Promise<never>(() => {});
    }
    ran.push(job.id);
  },
  { concurrency: settings.concurrency },
);

const progress = setInterval(() => send({ type: 'progress', completed: ran.length }), 100);
process.on('message', async (message: { type: string }) => {
  if (message.type !== 'stop') return;
  clearInterval(progress);
  await queue.close();
  await storage.close();
  send({ type: 'stopped', ran });
  process.disconnect();
});
send({ type: 'ready' });
