import {
  type AddResult,
  type CloseOptions,
  ConfigError,
  type DeadLetter,
  errorMessage,
  type Job,
  type JobCounts,
  type JobHandler,
  type JobOptions,
  type Logger,
  noopLogger,
  PermanentJobError,
  type ProcessOptions,
  type Queue,
  resolveJobOptions,
  SalesOSError,
} from '@salesos/core';
import { type Job as BullJob, Queue as BullQueue, Worker as BullWorker, UnrecoverableError } from 'bullmq';
import { bullBackoffStrategy, toBullBackoff } from './internal/backoff.ts';
import { escapeColon, fromBullId, toBullId } from './internal/bullmq-ids.ts';
import { closeClient, type OpenedClient, openClient } from './internal/connection.ts';
import { createJobIdRegistry } from './internal/job-id-registry.ts';

import type { RedisConnection } from './redis-connection.ts';

/** Options of `createBullmqQueue`. */
export interface BullmqQueueOptions {
  /** Where Redis is: an ioredis client (shared, never closed here), ioredis options, or a `redis://` URL. Required. */
  connection: RedisConnection;
  /**
   * Prefix of every Redis key the queue writes. Queues with the same prefix on the same
   * Redis are one queue, shared by every process that opens it. Default `'salesos'`.
   */
  prefix?: string;
  /**
   * How long a running job stays leased to its worker without a renewal, in milliseconds
   * (BullMQ's lock). Workers renew it every half lease while the handler runs; a worker that
   * dies stops renewing and its jobs run again elsewhere. Default `30000`.
   */
  leaseMs?: number;
  /** How often workers look for jobs whose lease expired, in milliseconds. Default `leaseMs`. */
  stalledIntervalMs?: number;
  /** How many times a job whose worker died is run again before it is dead-lettered. Default `1`. */
  maxStalledCount?: number;
  /** How long a completed job is remembered, so adding its id again is a no-op. Default 24 hours. */
  completedRetentionMs?: number;
  /** How often `onIdle` looks at the job counts, in milliseconds. Default `25`. */
  idlePollMs?: number;
  /** Where worker and connection errors are logged. Default: silent. */
  logger?: Logger;
}

interface Consumer {
  worker: BullWorker;
  running: Map<string, { controller: AbortController; done: Promise<void> }>;
}

/** The BullMQ `Queue`: core's contract plus access to the BullMQ queues it manages. */
export interface BullmqQueue extends Queue {
  /** The BullMQ queue holding jobs of `name` (for dashboards such as Bull Board). */
  bullQueue(name: string): BullQueue;
}

/**
 * Creates a `Queue` on BullMQ and Redis. Each job name is one BullMQ queue
 * (`<prefix>:<name>`); every process opening the queue with the same `prefix` shares its
 * jobs.
 *
 * - `jobId` is idempotent across every name of the queue, while the job waits, runs, is
 *   dead-lettered, and for `completedRetentionMs` after it completed. A process that dies
 *   inside `add`, after claiming the id and before BullMQ created the job, does not hold the
 *   id: the next `add` of it under the same name creates the job.
 * - `delayMs` / `runAt`, `priority`, `attempts` and `backoff` map onto BullMQ's delays,
 *   priorities, attempts and backoff; `PermanentJobError` becomes BullMQ's `UnrecoverableError`.
 * - Dead letters are BullMQ's failed set: `deadLetters(name)` lists it, `retry(jobId)`
 *   moves a job back to waiting with fresh attempts.
 * - A worker that dies stops renewing its lease; once `leaseMs` passes another worker runs the job.
 * - `close()` stops taking jobs, waits for those in flight (or aborts them after
 *   `timeoutMs`; they run again elsewhere once their lease expires) and closes the connections it opened.
 *
 * @example
 * ```ts
 * import { createBullmqQueue } from '@salesos/redis';
 *
 * const queue = createBullmqQueue({ connection: 'redis://127.0.0.1:6379' });
 * queue.process<{ personId: string }>('enrich', async (job) => {
 *   await enrich(job.data.personId, { signal: job.signal });
 * }, { concurrency: 8 });
 * await queue.add('enrich', { personId: 'p1' }, { jobId: 'enrich:p1' });
 * ```
 */
export function createBullmqQueue(options: BullmqQueueOptions): BullmqQueue {
  if (options?.connection === undefined || options.connection === null) {
    throw new ConfigError(
      'createBullmqQueue: "connection" is required (an ioredis client, options or a URL).',
    );
  }
  const prefix = options.prefix ?? 'salesos';
  if (typeof prefix !== 'string' || prefix.length === 0 || prefix.includes(':')) {
    throw new ConfigError('createBullmqQueue: "prefix" must be a non-empty string without ":".');
  }
  const leaseMs = options.leaseMs ?? 30_000;
  const stalledIntervalMs = options.stalledIntervalMs ?? leaseMs;
  const retentionMs = options.completedRetentionMs ?? 24 * 60 * 60 * 1000;
  const idlePollMs = options.idlePollMs ?? 25;
  const maxStalledCount = options.maxStalledCount ?? 1;
  for (const [label, value] of [
    ['leaseMs', leaseMs],
    ['stalledIntervalMs', stalledIntervalMs],
    ['completedRetentionMs', retentionMs],
    ['idlePollMs', idlePollMs],
  ] as const) {
    if (!(Number.isFinite(value) && value > 0)) {
      throw new ConfigError(`createBullmqQueue: "${label}" must be a number of milliseconds > 0.`);
    }
  }
  if (!(Number.isInteger(maxStalledCount) && maxStalledCount >= 0)) {
    throw new ConfigError('createBullmqQueue: "maxStalledCount" must be a whole number >= 0.');
  }
  const logger = options.logger ?? noopLogger;

  // Producer commands fail after a few reconnection attempts instead of hanging; workers wait
  // for Redis to come back (BullMQ needs maxRetriesPerRequest: null on worker connections).
  const producer: OpenedClient = openClient(options.connection);
  let workerClient: OpenedClient | undefined;
  const opened: OpenedClient[] = [producer];
  for (const { client, owned } of opened) {
    if (owned) client.on('error', (error) => logConnectionError(logger, error));
  }

  const registry = createJobIdRegistry(producer.client, prefix);
  const bullQueues = new Map<string, BullQueue>();
  const consumers = new Map<string, Consumer>();
  let closing: Promise<void> | undefined;
  let abandoned = false;

  const assertOpen = (what: string) => {
    if (closing) throw new ConfigError(`queue.${what}: the queue is closed.`);
  };

  const checkName = (name: string, what: string) => {
    if (typeof name !== 'string' || name.length === 0) {
      throw new ConfigError(`queue.${what}: name must be a non-empty string.`);
    }
  };

  /** Runs one Redis round of work, turning a Redis failure into a `SalesOSError` that says what failed. */
  const call = async <T>(what: string, work: () => Promise<T>): Promise<T> => {
    try {
      return await work();
    } catch (error) {
      if (SalesOSError.isInstance(error)) throw error;
      throw new SalesOSError(`The BullMQ queue "${prefix}" could not ${what}: ${errorMessage(error)}`, {
        cause: error,
      });
    }
  };

  const bullQueue = (name: string): BullQueue => {
    let queue = bullQueues.get(name);
    if (!queue) {
      queue = new BullQueue(escapeColon(name), { connection: producer.client, prefix });
      queue.on('error', (error) => logger.error({ err: describeError(error), name }, 'BullMQ queue error'));
      bullQueues.set(name, queue);
    }
    return queue;
  };

  const runJob = async (
    consumer: Consumer,
    name: string,
    handler: JobHandler<unknown>,
    bullJob: BullJob,
    signal: AbortSignal | undefined,
  ): Promise<void> => {
    const bullId = bullJob.id as string;
    const controller = new AbortController();
    const onLost = () => controller.abort(signal?.reason);
    signal?.addEventListener('abort', onLost, { once: true });
    let finish = () => {};
    const done = new Promise<void>((resolve) => {
      finish = resolve;
    });
    consumer.running.set(bullId, { controller, done });
    const job: Job<unknown> = {
      id: fromBullId(bullId),
      name,
      data: bullJob.data,
      attempt: bullJob.attemptsMade + 1,
      maxAttempts: bullJob.opts.attempts ?? 1,
      signal: controller.signal,
    };
    let failure: { error: unknown } | undefined;
    try {
      await handler(job);
    } catch (error) {
      failure = { error };
    } finally {
      signal?.removeEventListener('abort', onLost);
      consumer.running.delete(bullId);
      finish();
    }
    if (abandoned) {
      // close() gave up on this job: neither complete nor fail it. Its lease expires and it runs again.
      await new Promise<never>(() => {});
    }
    if (failure) {
      const { error } = failure;
      if (PermanentJobError.isInstance(error)) throw new UnrecoverableError(errorMessage(error));
      throw error instanceof Error ? error : new Error(errorMessage(error));
    }
    // The id is remembered as long as BullMQ keeps the completed job.
    registry.expire(job.id, retentionMs + 60_000).catch(() => undefined);
  };

  const queue: BullmqQueue = {
    async add<Data>(name: string, data: Data, jobOptions: JobOptions = {}): Promise<AddResult> {
      assertOpen('add');
      const now = Date.now();
      const resolved = resolveJobOptions(name, jobOptions, now);
      const claim = await call(`add a job to "${name}"`, () => registry.claim(resolved.id, name));
      if (!claim) return { id: resolved.id, added: false };
      try {
        await bullQueue(name).add(name, data, {
          jobId: toBullId(resolved.id),
          delay: Math.max(0, resolved.runAt - now),
          attempts: resolved.maxAttempts,
          backoff: toBullBackoff(resolved.backoff),
          ...(resolved.priority > 0 ? { priority: resolved.priority } : {}),
          removeOnComplete: { age: Math.ceil(retentionMs / 1000) },
          removeOnFail: false,
        });
      } catch (error) {
        // Release the id so the caller can add the job again.
        await registry.release(claim).catch(() => undefined);
        throw new SalesOSError(
          `The BullMQ queue "${prefix}" could not add a job to "${name}": ${errorMessage(error)}`,
          { cause: error },
        );
      }
      // An add that took the claim over meanwhile made (or found) the same job: it answers `added`.
      const held = await call(`add a job to "${name}"`, () => registry.held(claim));
      return { id: resolved.id, added: held };
    },

    process<Data>(name: string, handler: JobHandler<Data>, processOptions: ProcessOptions = {}): void {
      assertOpen('process');
      checkName(name, 'process');
      if (consumers.has(name)) {
        throw new ConfigError(`queue.process("${name}"): a handler is already registered for this name.`);
      }
      const concurrency = processOptions.concurrency ?? 1;
      if (!Number.isInteger(concurrency) || concurrency < 1) {
        throw new ConfigError(`queue.process("${name}"): concurrency must be an integer >= 1.`);
      }
      if (!workerClient) {
        workerClient = openClient(options.connection, { maxRetriesPerRequest: null });
        if (workerClient.owned) workerClient.client.on('error', (error) => logConnectionError(logger, error));
        opened.push(workerClient);
      }
      const consumer: Consumer = { worker: undefined as unknown as BullWorker, running: new Map() };
      // Three parameters: BullMQ then passes the signal it aborts when the job is cancelled.
      const processor = (bullJob: BullJob, _token: string | undefined, signal: AbortSignal | undefined) =>
        runJob(consumer, name, handler as JobHandler<unknown>, bullJob, signal);
      consumer.worker = new BullWorker(escapeColon(name), processor, {
        connection: workerClient.client,
        prefix,
        concurrency,
        lockDuration: leaseMs,
        stalledInterval: stalledIntervalMs,
        maxStalledCount,
        removeOnComplete: { age: Math.ceil(retentionMs / 1000) },
        settings: { backoffStrategy: bullBackoffStrategy },
      });
      consumer.worker.on('error', (error) =>
        logger.error({ err: describeError(error), name }, 'BullMQ worker error'),
      );
      // A lease that could not be renewed may be taken by another worker: tell the handler to stop.
      consumer.worker.on('lockRenewalFailed', (jobIds: string[]) => {
        for (const jobId of jobIds)
          consumer.running.get(jobId)?.controller.abort(new Error('The job lease was lost.'));
      });
      consumers.set(name, consumer);
    },

    async deadLetters<Data>(name: string): Promise<DeadLetter<Data>[]> {
      checkName(name, 'deadLetters');
      const failed = await call(`list the dead letters of "${name}"`, () =>
        bullQueue(name).getJobs(['failed'], 0, -1, true),
      );
      return failed
        .filter((job): job is BullJob => job !== undefined && job !== null)
        .map((job) => ({
          id: fromBullId(job.id as string),
          name,
          data: job.data as Data,
          attempts: job.attemptsMade,
          error: job.failedReason ?? '',
          failedAt: job.finishedOn ?? job.processedOn ?? job.timestamp,
        }));
    },

    async retry(jobId: string): Promise<boolean> {
      return call(`retry job "${jobId}"`, async () => {
        const queueName = await registry.queueOf(jobId);
        if (queueName === null) return false;
        const job = await bullQueue(queueName).getJob(toBullId(jobId));
        if (!job || !(await job.isFailed())) return false;
        await job.retry('failed', { resetAttemptsMade: true, resetAttemptsStarted: true });
        return true;
      });
    },

    async counts(name: string): Promise<JobCounts> {
      checkName(name, 'counts');
      const counts = await call(`count the jobs of "${name}"`, () =>
        bullQueue(name).getJobCounts('wait', 'prioritized', 'delayed', 'active', 'completed', 'failed'),
      );
      return {
        waiting: (counts.wait ?? 0) + (counts.prioritized ?? 0),
        delayed: counts.delayed ?? 0,
        active: counts.active ?? 0,
        completed: counts.completed ?? 0,
        dead: counts.failed ?? 0,
      };
    },

    async onIdle(name?: string): Promise<void> {
      const names = name === undefined ? [...new Set([...bullQueues.keys(), ...consumers.keys()])] : [name];
      for (;;) {
        let busy = false;
        for (const each of names) {
          const counts = await call(`count the jobs of "${each}"`, () =>
            bullQueue(each).getJobCounts('wait', 'prioritized', 'active'),
          );
          if ((counts.wait ?? 0) + (counts.prioritized ?? 0) + (counts.active ?? 0) > 0) {
            busy = true;
            break;
          }
        }
        if (!busy) return;
        await new Promise((resolve) => setTimeout(resolve, idlePollMs));
      }
    },

    bullQueue(name: string): BullQueue {
      checkName(name, 'bullQueue');
      return bullQueue(name);
    },

    close(closeOptions: CloseOptions = {}): Promise<void> {
      closing ??= (async () => {
        const all = [...consumers.values()];
        // Stop fetching at once; jobs in flight carry on.
        await Promise.all(all.map((consumer) => consumer.worker.pause(true)));
        const inFlight = Promise.all(
          all.flatMap((consumer) => [...consumer.running.values()].map((running) => running.done)),
        );
        let finished = true;
        if (closeOptions.timeoutMs === undefined) {
          await inFlight;
        } else {
          let timer: NodeJS.Timeout | undefined;
          finished = await Promise.race([
            inFlight.then(() => true),
            new Promise<boolean>((resolve) => {
              timer = setTimeout(() => resolve(false), closeOptions.timeoutMs);
            }),
          ]);
          clearTimeout(timer);
        }
        if (!finished) {
          abandoned = true;
          for (const consumer of all) {
            for (const running of consumer.running.values()) {
              running.controller.abort(new Error('The queue is closing.'));
            }
          }
        }
        // Forced when jobs were abandoned: BullMQ stops renewing their leases and completes nothing.
        await Promise.all(all.map((consumer) => consumer.worker.close(!finished)));
        await Promise.all([...bullQueues.values()].map((bull) => bull.close()));
        await Promise.all(opened.map(closeClient));
      })();
      return closing;
    },
  };
  return queue;
}

function describeError(error: unknown): Record<string, unknown> {
  return error instanceof Error ? { name: error.name, message: error.message } : { message: String(error) };
}

function logConnectionError(logger: Logger, error: unknown): void {
  logger.warn({ err: describeError(error) }, 'Redis connection error; reconnecting');
}
