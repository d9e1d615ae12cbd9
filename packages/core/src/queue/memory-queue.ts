import PQueue from 'p-queue';
import { type Clock, systemClock } from '../clock/clock.ts';
import { ConfigError } from '../errors/client-errors.ts';
import { errorMessage } from '../internal/error-message.ts';
import {
  backoffDelay,
  type JobFields,
  type JobState,
  resolveConcurrency,
  resolveJobOptions,
} from '../internal/job-options.ts';
import { type Logger, noopLogger } from '../logger/logger.ts';
import { PermanentJobError } from './permanent-job-error.ts';
import type {
  AddResult,
  CloseOptions,
  DeadLetter,
  JobCounts,
  JobHandler,
  JobOptions,
  ProcessOptions,
  Queue,
} from './queue.ts';

/** Options of `createMemoryQueue`. */
export interface MemoryQueueOptions {
  /** Time source for delays and backoff. Default `systemClock`; tests pass `createTestClock()`. */
  clock?: Clock;
  /** How long a completed job id is remembered, so adding it again is a no-op. Default 24 hours. */
  completedRetentionMs?: number;
  /** Where job failures are logged. Default: no logging. */
  logger?: Logger;
}

interface JobRecord extends JobFields {
  controller?: AbortController;
  running?: Promise<void>;
}

interface Worker {
  handler: JobHandler<unknown>;
  pool: PQueue;
}

const copy = <T>(value: T): T =>
  typeof value === 'object' && value !== null ? structuredClone(value) : value;

/**
 * Creates an in-process `Queue` on p-queue: jobs live in memory and are lost when the
 * process exits. Suited to tests, scripts and single-process apps; use
 * `createStorageQueue` or `@salesos/redis` when jobs must survive a restart.
 *
 * @example
 * ```ts
 * const queue = createMemoryQueue();
 * queue.process<{ email: string }>('welcome', async (job) => send(job.data.email), { concurrency: 2 });
 * await queue.add('welcome', { email: 'ada@example.com' }, { jobId: 'welcome:ada@example.com' });
 * ```
 */
export function createMemoryQueue(options: MemoryQueueOptions = {}): Queue {
  const clock = options.clock ?? systemClock;
  const logger = options.logger ?? noopLogger;
  const retentionMs = options.completedRetentionMs ?? 24 * 60 * 60 * 1000;
  const jobs = new Map<string, JobRecord>();
  const workers = new Map<string, Worker>();
  const delayed: JobRecord[] = [];
  const completedOrder: JobRecord[] = [];
  const idleWaiters: { name: string | undefined; resolve: () => void }[] = [];
  let sequence = 0;
  let closed = false;
  let timer: { at: number; controller: AbortController } | undefined;
  const tallies = new Map<string, JobCounts>();

  const tally = (name: string): JobCounts => {
    let counts = tallies.get(name);
    if (!counts) {
      counts = { waiting: 0, delayed: 0, active: 0, completed: 0, dead: 0 };
      tallies.set(name, counts);
    }
    return counts;
  };

  const setState = (job: JobRecord, state: JobState | undefined) => {
    const counts = tally(job.name);
    if (jobs.get(job.id) === job) counts[job.state] -= 1;
    if (state === undefined) {
      jobs.delete(job.id);
      return;
    }
    job.state = state;
    counts[state] += 1;
  };

  const forget = (now: number) => {
    while (completedOrder.length > 0) {
      const oldest = completedOrder[0] as JobRecord;
      if (oldest.state === 'completed' && (oldest.finishedAt ?? 0) + retentionMs > now) break;
      completedOrder.shift();
      if (oldest.state === 'completed' && jobs.get(oldest.id) === oldest) setState(oldest, undefined);
    }
  };

  const isBusy = (name: string | undefined) => {
    for (const [jobName, counts] of tallies) {
      if (name !== undefined && jobName !== name) continue;
      if (counts.active > 0 || counts.waiting > 0) return true;
    }
    return false;
  };

  const notifyIdle = () => {
    if (idleWaiters.length === 0) return;
    for (const waiter of [...idleWaiters]) {
      if (isBusy(waiter.name)) continue;
      idleWaiters.splice(idleWaiters.indexOf(waiter), 1);
      waiter.resolve();
    }
  };

  const dispatch = (job: JobRecord) => {
    const worker = workers.get(job.name);
    if (!worker || closed) return;
    void worker.pool.add(() => run(job, worker), { priority: -job.priority });
  };

  const makeReady = (job: JobRecord) => {
    setState(job, 'waiting');
    dispatch(job);
  };

  const insertDelayed = (job: JobRecord) => {
    setState(job, 'delayed');
    let low = 0;
    let high = delayed.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      const other = delayed[middle] as JobRecord;
      if (other.runAt < job.runAt || (other.runAt === job.runAt && other.sequence < job.sequence))
        low = middle + 1;
      else high = middle;
    }
    delayed.splice(low, 0, job);
    arm();
  };

  const promote = () => {
    const now = clock.now();
    while (delayed.length > 0 && (delayed[0] as JobRecord).runAt <= now) {
      const job = delayed.shift() as JobRecord;
      if (job.state === 'delayed') makeReady(job);
    }
    notifyIdle();
  };

  const arm = () => {
    if (closed) return;
    const next = delayed[0];
    if (!next) return;
    if (timer && timer.at <= next.runAt) return;
    timer?.controller.abort();
    const controller = new AbortController();
    const current = { at: next.runAt, controller };
    timer = current;
    clock.sleep(Math.max(0, next.runAt - clock.now()), controller.signal).then(
      () => {
        if (timer === current) timer = undefined;
        promote();
        arm();
      },
      () => undefined,
    );
  };

  const run = async (job: JobRecord, worker: Worker): Promise<void> => {
    if (closed || job.state !== 'waiting') return;
    setState(job, 'active');
    job.attempt += 1;
    const controller = new AbortController();
    job.controller = controller;
    const execution = (async () => {
      try {
        await worker.handler({
          id: job.id,
          name: job.name,
          data: copy(job.data),
          attempt: job.attempt,
          maxAttempts: job.maxAttempts,
          signal: controller.signal,
        });
        if (controller.signal.aborted && closed) {
          setState(job, 'waiting');
          return;
        }
        setState(job, 'completed');
        job.finishedAt = clock.now();
        completedOrder.push(job);
      } catch (error) {
        if (controller.signal.aborted && closed) {
          setState(job, 'waiting');
          return;
        }
        const message = errorMessage(error);
        const permanent = PermanentJobError.isInstance(error);
        if (permanent || job.attempt >= job.maxAttempts) {
          setState(job, 'dead');
          job.error = message;
          job.failedAt = clock.now();
          logger.warn(
            { queue: 'memory', job: job.id, name: job.name, attempt: job.attempt },
            `Job dead-lettered: ${message}`,
          );
        } else {
          job.error = message;
          job.runAt = clock.now() + backoffDelay(job.backoff, job.attempt);
          logger.debug(
            { queue: 'memory', job: job.id, name: job.name, attempt: job.attempt },
            `Job failed, will retry: ${message}`,
          );
          insertDelayed(job);
        }
      } finally {
        delete job.controller;
        delete job.running;
      }
    })();
    job.running = execution;
    await execution;
    forget(clock.now());
    notifyIdle();
  };

  const assertOpen = (where: string) => {
    if (closed) throw new ConfigError(`${where}: the queue is closed.`);
  };

  return {
    async add<Data>(name: string, data: Data, jobOptions: JobOptions = {}): Promise<AddResult> {
      assertOpen('queue.add');
      const now = clock.now();
      const resolved = resolveJobOptions(name, jobOptions, now);
      forget(now);
      if (jobs.has(resolved.id)) return { id: resolved.id, added: false };
      const job: JobRecord = {
        id: resolved.id,
        name,
        data: copy(data),
        maxAttempts: resolved.maxAttempts,
        backoff: resolved.backoff,
        priority: resolved.priority,
        runAt: resolved.runAt,
        sequence: sequence++,
        attempt: 0,
        state: 'waiting',
      };
      jobs.set(job.id, job);
      tally(name).waiting += 1;
      if (job.runAt > now) insertDelayed(job);
      else makeReady(job);
      return { id: job.id, added: true };
    },

    process<Data>(name: string, handler: JobHandler<Data>, processOptions: ProcessOptions = {}) {
      assertOpen('queue.process');
      if (typeof handler !== 'function')
        throw new ConfigError(`queue.process("${name}"): handler must be a function.`);
      if (workers.has(name))
        throw new ConfigError(`queue.process("${name}"): a handler is already registered for this name.`);
      const concurrency = resolveConcurrency(name, processOptions.concurrency);
      workers.set(name, { handler: handler as JobHandler<unknown>, pool: new PQueue({ concurrency }) });
      const ready = [...jobs.values()]
        .filter((job) => job.name === name && job.state === 'waiting')
        .sort(
          (left, right) =>
            left.priority - right.priority || left.runAt - right.runAt || left.sequence - right.sequence,
        );
      for (const job of ready) dispatch(job);
    },

    async deadLetters<Data>(name: string): Promise<DeadLetter<Data>[]> {
      return [...jobs.values()]
        .filter((job) => job.name === name && job.state === 'dead')
        .sort((left, right) => (left.failedAt ?? 0) - (right.failedAt ?? 0) || left.sequence - right.sequence)
        .map((job) => ({
          id: job.id,
          name: job.name,
          data: copy(job.data) as Data,
          attempts: job.attempt,
          error: job.error ?? '',
          failedAt: job.failedAt ?? 0,
        }));
    },

    async retry(jobId: string) {
      const job = jobs.get(jobId);
      if (job?.state !== 'dead') return false;
      job.attempt = 0;
      delete job.error;
      delete job.failedAt;
      job.runAt = clock.now();
      makeReady(job);
      return true;
    },

    async counts(name: string): Promise<JobCounts> {
      forget(clock.now());
      return { ...tally(name) };
    },

    onIdle(name?: string) {
      if (!isBusy(name)) return Promise.resolve();
      return new Promise<void>((resolve) => idleWaiters.push({ name, resolve }));
    },

    async close(closeOptions: CloseOptions = {}) {
      if (closed) return;
      closed = true;
      timer?.controller.abort();
      timer = undefined;
      for (const worker of workers.values()) worker.pool.clear();
      const running = [...jobs.values()].flatMap((job) => (job.running ? [job.running] : []));
      const finished = Promise.allSettled(running).then(() => 'finished' as const);
      if (closeOptions.timeoutMs === undefined) {
        await finished;
      } else {
        const stop = new AbortController();
        const outcome = await Promise.race([
          finished,
          clock.sleep(closeOptions.timeoutMs, stop.signal).then(
            () => 'timeout' as const,
            () => 'finished' as const,
          ),
        ]);
        stop.abort();
        if (outcome === 'timeout') {
          for (const job of jobs.values()) job.controller?.abort(new ConfigError('The queue is closing.'));
        }
      }
      for (const waiter of idleWaiters.splice(0)) waiter.resolve();
    },
  };
}
