/**
 * How long to wait before the next attempt of a failed job.
 *
 * - `fixed`: `delayMs` before every retry.
 * - `exponential`: `delayMs * 2 ** (attempt - 1)` after failed attempt number `attempt`
 *   (1000, 2000, 4000… for `delayMs: 1000`), capped at `maxDelayMs`.
 */
export interface Backoff {
  type: 'fixed' | 'exponential';
  /** Base delay in milliseconds. */
  delayMs: number;
  /** Upper bound of an exponential delay, in milliseconds. Default: no bound. */
  maxDelayMs?: number;
}

/** Options of `Queue.add`. Give at most one of `delayMs` and `runAt`. */
export interface JobOptions {
  /**
   * Idempotency key. Adding a job whose id the queue already holds (waiting, delayed,
   * active, dead-lettered, or completed and still remembered) is a no-op answering
   * `added: false`. Ids are unique across every name of one queue. Default: a random UUID.
   */
  jobId?: string;
  /** Run no earlier than this many milliseconds from now. Default `0`. */
  delayMs?: number;
  /** Run no earlier than this time (epoch milliseconds or a `Date`). */
  runAt?: number | Date;
  /** Total attempts, the first included, before the job is dead-lettered. Default `3`. */
  attempts?: number;
  /** Delay between attempts. Default `{ type: 'exponential', delayMs: 1000 }`. */
  backoff?: Backoff;
  /**
   * Among due jobs of one name, a lower number runs first; equal priorities run in order of
   * due time, then of addition. An integer from `0` (default) to `2_097_151`.
   */
  priority?: number;
}

/** What `Queue.add` answers. */
export interface AddResult {
  /** The job id (the given `jobId`, or the generated one). */
  id: string;
  /** `false` when a job with this id already existed and nothing was added. */
  added: boolean;
}

/** One run of a job, as its handler receives it. */
export interface Job<Data = unknown> {
  /** The job id. */
  readonly id: string;
  /** The name it was added under. */
  readonly name: string;
  /** A copy of the data given to `add`. */
  readonly data: Data;
  /** 1 for the first run, 2 for the first retry… */
  readonly attempt: number;
  /** The job's `attempts` option. */
  readonly maxAttempts: number;
  /**
   * Aborted when this run should stop early: the worker lost its lease on the job (the job
   * may run again elsewhere) or the queue is closing and asked jobs to stop. Long handlers
   * should pass it on to the calls they make.
   */
  readonly signal: AbortSignal;
}

/**
 * Runs one job. Resolving completes the job; throwing schedules a retry with the job's
 * backoff, or dead-letters it once `maxAttempts` runs failed. Throw `PermanentJobError`
 * to dead-letter at once (bad data that no retry can fix).
 */
export type JobHandler<Data = unknown> = (job: Job<Data>) => Promise<void> | void;

/** Options of `Queue.process`. */
export interface ProcessOptions {
  /** How many jobs of this name run at the same time in this process. Default `1`. */
  concurrency?: number;
}

/** A job that failed for good. */
export interface DeadLetter<Data = unknown> {
  id: string;
  name: string;
  data: Data;
  /** Runs made. */
  attempts: number;
  /** Message of the last error. */
  error: string;
  /** When it was dead-lettered, epoch milliseconds. */
  failedAt: number;
}

/** How many jobs of one name are in each state. */
export interface JobCounts {
  /** Due and waiting for a worker. */
  waiting: number;
  /** Not due yet (delayed, or waiting for a retry). */
  delayed: number;
  /** Running now. */
  active: number;
  /** Finished and still remembered for idempotency. */
  completed: number;
  /** Dead-lettered. */
  dead: number;
}

/** Options of `Queue.close`. */
export interface CloseOptions {
  /**
   * How long to wait for jobs in flight before aborting their `signal` and returning.
   * Jobs aborted this way run again later (they are not completed). Default: wait for them.
   */
  timeoutMs?: number;
}

/**
 * A job queue: named jobs, idempotent by id, retried with backoff, dead-lettered when they
 * keep failing, processed with bounded concurrency.
 *
 * Delivery is at least once: a job may run again after a crash, so handlers should be
 * idempotent. Two runs of one job never overlap in time while the job's lease holds.
 *
 * Implementations: `createMemoryQueue()` (in-process), `createStorageQueue(storage)`
 * (durable on any `Storage`), `@salesos/redis` (BullMQ). Each passes
 * `describeQueueConformance` from `@salesos/core/testing`.
 *
 * @example
 * ```ts
 * queue.process<{ personId: string }>('enrich', async (job) => {
 *   await enrich(job.data.personId, { signal: job.signal });
 * }, { concurrency: 4 });
 * await queue.add('enrich', { personId: 'p1' }, { jobId: 'enrich:p1' });
 * ```
 */
export interface Queue {
  /** Adds a job; a no-op answering `added: false` when `jobId` is already known. */
  add<Data = unknown>(name: string, data: Data, options?: JobOptions): Promise<AddResult>;
  /**
   * Starts running jobs of `name` with `handler`. One handler per name per queue; a second
   * `process` for the same name throws `ConfigError`.
   */
  process<Data = unknown>(name: string, handler: JobHandler<Data>, options?: ProcessOptions): void;
  /** Jobs of `name` that failed for good, oldest first. */
  deadLetters<Data = unknown>(name: string): Promise<DeadLetter<Data>[]>;
  /**
   * Moves a dead-lettered job back to waiting, with its attempts reset. Answers `false`
   * when no dead letter has this id.
   */
  retry(jobId: string): Promise<boolean>;
  /** Job counts of `name`. */
  counts(name: string): Promise<JobCounts>;
  /**
   * Resolves once no job of `name` (of any name when omitted) is waiting or active in this
   * queue. Delayed jobs that are not due yet do not count. For tests and benchmarks.
   */
  onIdle(name?: string): Promise<void>;
  /**
   * Stops taking new work and resolves once the jobs in flight have finished. `add` after
   * `close` rejects with `ConfigError`.
   */
  close(options?: CloseOptions): Promise<void>;
}
