// A worker process for the multi-process tests: a BullMQ queue or a rate limiter on Redis, run
// with Node's type stripping. The workspace packages are loaded from source, as the tests load them.
// Resolves @salesos/* to the packages' source before the dynamic imports below.
import '../../../../tests/support/workspace-hooks.ts';

const { createBullmqQueue, createRedisRateLimiter } = await import('@salesos/redis');

/** What the test tells the worker, as JSON in argv[2]. */
export type WorkerSettings =
  | {
      /** `work` completes every job; `hang` reports the job it started and never finishes it. */
      mode: 'work' | 'hang';
      url: string;
      prefix: string;
      name: string;
      concurrency: number;
      leaseMs: number;
    }
  | {
      mode: 'limit';
      url: string;
      prefix: string;
      key: string;
      budget: number;
      windowMs: number;
      calls: number;
    };

/** Messages the worker sends to the test. */
export type WorkerMessage =
  | { type: 'ready' }
  | { type: 'progress'; completed: number }
  | { type: 'started'; id: string }
  | { type: 'stopped'; ran: string[] }
  | { type: 'admitted'; at: number[] };

const settings = JSON.parse(process.argv[2] ?? '{}') as WorkerSettings;
const send = (message: WorkerMessage) => process.send?.(message);

if (settings.mode === 'limit') {
  const limiter = createRedisRateLimiter({
    connection: settings.url,
    prefix: settings.prefix,
    key: settings.key,
    budget: settings.budget,
    windowMs: settings.windowMs,
  });
  send({ type: 'ready' });
  await new Promise<void>((resolve) => process.once('message', () => resolve()));
  const at: number[] = [];
  await Promise.all(
    Array.from({ length: settings.calls }, () =>
      limiter.schedule(1, async () => {
        at.push(Date.now());
      }),
    ),
  );
  await limiter.close();
  send({ type: 'admitted', at });
  process.disconnect();
} else {
  const queue = createBullmqQueue({
    connection: settings.url,
    prefix: settings.prefix,
    leaseMs: settings.leaseMs,
    stalledIntervalMs: Math.max(100, Math.floor(settings.leaseMs / 2)),
  });
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
    send({ type: 'stopped', ran });
    process.disconnect();
  });
  send({ type: 'ready' });
}
