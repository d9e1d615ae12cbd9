import { randomUUID } from 'node:crypto';
import { ConfigError } from '../errors/client-errors.ts';
import type { Backoff, JobOptions } from '../queue/queue.ts';

/** Defaults of `JobOptions`. */
export const DEFAULT_ATTEMPTS = 3;
export const DEFAULT_BACKOFF: Backoff = { type: 'exponential', delayMs: 1000 };
export const MAX_PRIORITY = 2_097_151;

/** `JobOptions` checked and filled in. */
export interface ResolvedJobOptions {
  id: string;
  runAt: number;
  maxAttempts: number;
  backoff: Backoff;
  priority: number;
}

/** Validates `add` arguments and applies defaults; throws `ConfigError` naming the bad option. */
export function resolveJobOptions(name: string, options: JobOptions, now: number): ResolvedJobOptions {
  if (typeof name !== 'string' || name.length === 0) {
    throw new ConfigError('queue.add: name must be a non-empty string.');
  }
  const where = `queue.add("${name}")`;
  const id = options.jobId ?? randomUUID();
  if (typeof id !== 'string' || id.length === 0)
    throw new ConfigError(`${where}: jobId must be a non-empty string.`);
  if (options.delayMs !== undefined && options.runAt !== undefined) {
    throw new ConfigError(`${where}: give delayMs or runAt, not both.`);
  }
  let runAt = now;
  if (options.delayMs !== undefined) {
    if (!Number.isFinite(options.delayMs) || options.delayMs < 0) {
      throw new ConfigError(`${where}: delayMs must be a number of milliseconds >= 0.`);
    }
    runAt = now + options.delayMs;
  } else if (options.runAt !== undefined) {
    const at = options.runAt instanceof Date ? options.runAt.getTime() : options.runAt;
    if (!Number.isFinite(at)) throw new ConfigError(`${where}: runAt must be a Date or epoch milliseconds.`);
    runAt = Math.max(now, at);
  }
  const maxAttempts = options.attempts ?? DEFAULT_ATTEMPTS;
  if (!Number.isInteger(maxAttempts) || maxAttempts < 1) {
    throw new ConfigError(`${where}: attempts must be an integer >= 1.`);
  }
  const backoff = options.backoff ?? DEFAULT_BACKOFF;
  if (
    (backoff.type !== 'fixed' && backoff.type !== 'exponential') ||
    !Number.isFinite(backoff.delayMs) ||
    backoff.delayMs < 0 ||
    (backoff.maxDelayMs !== undefined && !(backoff.maxDelayMs >= 0))
  ) {
    throw new ConfigError(`${where}: backoff must be { type: 'fixed' | 'exponential', delayMs >= 0 }.`);
  }
  const priority = options.priority ?? 0;
  if (!Number.isInteger(priority) || priority < 0 || priority > MAX_PRIORITY) {
    throw new ConfigError(`${where}: priority must be an integer from 0 to ${MAX_PRIORITY}.`);
  }
  return { id, runAt: Math.ceil(runAt), maxAttempts, backoff: { ...backoff }, priority };
}

/** Milliseconds to wait after failed attempt number `attempt` (1-based). */
export function backoffDelay(backoff: Backoff, attempt: number): number {
  const base = backoff.type === 'fixed' ? backoff.delayMs : backoff.delayMs * 2 ** Math.max(0, attempt - 1);
  return Math.min(base, backoff.maxDelayMs ?? Number.POSITIVE_INFINITY);
}

/** Validates `process` arguments. */
export function resolveConcurrency(name: string, concurrency: number | undefined): number {
  const value = concurrency ?? 1;
  if (!Number.isInteger(value) || value < 1) {
    throw new ConfigError(`queue.process("${name}"): concurrency must be an integer >= 1.`);
  }
  return value;
}

/** Where a job is in its life, in every in-repo queue. */
export type JobState = 'waiting' | 'delayed' | 'active' | 'completed' | 'dead';

/** What every in-repo queue keeps about a job, whatever holds it. */
export interface JobFields {
  id: string;
  name: string;
  data: unknown;
  maxAttempts: number;
  backoff: Backoff;
  priority: number;
  runAt: number;
  sequence: number;
  attempt: number;
  state: JobState;
  error?: string;
  failedAt?: number;
  finishedAt?: number;
}
