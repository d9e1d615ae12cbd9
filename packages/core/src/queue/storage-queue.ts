import { randomUUID } from 'node:crypto';
import { type Clock, systemClock } from '../clock/clock.ts';
import { ConfigError } from '../errors/client-errors.ts';
import { errorMessage } from '../internal/error-message.ts';
import {
  backoffDelay,
  type JobFields,
  resolveConcurrency,
  resolveJobOptions,
} from '../internal/job-options.ts';
import { type Logger, noopLogger } from '../logger/logger.ts';
import type { AtomicOperation, Entry, EntryMaybe, Key, Storage } from '../storage/storage.ts';
import { validateKey } from '../storage/validate-key.ts';
import { createCommitBatcher } from './internal/commit-batcher.ts';
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

/** Options of `createStorageQueue`. */
export interface StorageQueueOptions {
  /** Key prefix of every entry the queue writes. Default `['queue']`. */
  prefix?: Key;
  /**
   * How long a claimed job stays leased to its worker without a renewal, in milliseconds
   * (the visibility timeout). Running jobs renew every `leaseMs / 3`; a worker that dies
   * stops renewing and its jobs become claimable again once the lease expires. Default 30 000.
   */
  leaseMs?: number;
  /**
   * How often workers look for what other processes did without telling them: jobs they added,
   * delayed jobs they scheduled, and leases of workers that died. In milliseconds. Default 1 000.
   */
  pollIntervalMs?: number;
  /** How long a completed job id is remembered, so adding it again is a no-op. Default 24 hours. */
  completedRetentionMs?: number;
  /** Time source. Default `systemClock`. */
  clock?: Clock;
  /** Where job failures and storage errors are logged. Default: no logging. */
  logger?: Logger;
}

/** A job as stored at `[...prefix, 'job', id]`. */
interface JobDocument extends JobFields {
  leaseOwner?: string;
  leaseUntil?: number;
}

/** A job this process is running. */
interface Lease {
  document: JobDocument;
  versionstamp: string;
  controller: AbortController;
  /** Serialises renewals and the final write of one job. */
  chain: Promise<unknown>;
  /** Aborted when the run ends, to stop the renewal loop. */
  done: AbortController;
  /** Set when close() gave up waiting: the job is handed back instead of completed. */
  released: boolean;
  lost: boolean;
  running?: Promise<void>;
}

interface Worker {
  name: string;
  handler: JobHandler<unknown>;
  concurrency: number;
  active: number;
  wakeRequested: boolean;
  /** The ready index may hold jobs this worker has not tried yet. */
  readyMaybe: boolean;
  /** When to look at the ready index again even if nothing said it changed (other processes add jobs). */
  pollAt: number;
  /** When to look at the delayed index next: the earliest known due time, or the next poll. */
  delayedAt: number;
  /** When to look for expired leases next. */
  reapAt: number;
  /** Until when claims start at a random place among the candidates, after losing races to other workers. */
  contendedUntil: number;
  sleeper?: AbortController | undefined;
  loop?: Promise<void>;
}

/** What tells a sleeping worker to look again. */
type WakeReason = { ready: true } | { dueAt: number } | { slotFreed: true };

/** Most jobs one worker claims, promotes or reclaims per round trip. */
const ROUND_SIZE = 100;
/** How many candidates per free slot a contended worker lists, to spread out from other workers. */
const CONTENDED_SPREAD = 4;
/** Claims per commit of a contended worker. */
const CONTENDED_GROUP = 4;
/** How long a worker keeps spreading its claims after it lost a race. */
const CONTENTION_MEMORY_MS = 1_000;

/**
 * Creates a durable `Queue` on any `Storage`: jobs are storage entries, so they survive
 * restarts and are shared by every process that opens a queue on the same storage (for
 * example SQLite or PostgreSQL).
 *
 * Workers claim a job with an atomic check-and-set and hold a lease they renew while the
 * handler runs; two workers never run one job at the same time while its lease holds. When
 * a worker dies its lease expires and the job is run again elsewhere (that run counts as an
 * attempt). Due jobs are found through an index ordered by priority, due time and
 * insertion; delayed jobs through an index ordered by due time.
 *
 * Each worker claims as many due jobs as it has free slots per round: one list, one read and
 * a commit that checks every job it takes. Completions and adds made at the same time share
 * commits, so a job costs well under one round trip to the storage. Workers that keep losing
 * jobs to workers of other processes spread their claims over a random window, so with
 * several processes jobs start in roughly, not strictly, priority order.
 *
 * @example
 * ```ts
 * const queue = createStorageQueue(storage, { leaseMs: 60_000 });
 * queue.process('score', async (job) => rescore(job.data), { concurrency: 4 });
 * await queue.add('score', { personId: 'p1' }, { jobId: 'score:p1' });
 * ```
 */
export function createStorageQueue(storage: Storage, options: StorageQueueOptions = {}): Queue {
  const prefix = options.prefix ?? ['queue'];
  validateKey(prefix, { allowEmpty: true, label: 'queue prefix' });
  const leaseMs = options.leaseMs ?? 30_000;
  const pollIntervalMs = options.pollIntervalMs ?? 1_000;
  const retentionMs = options.completedRetentionMs ?? 24 * 60 * 60 * 1000;
  for (const [label, value] of [
    ['leaseMs', leaseMs],
    ['pollIntervalMs', pollIntervalMs],
    ['completedRetentionMs', retentionMs],
  ] as const) {
    if (!Number.isFinite(value) || value <= 0) {
      throw new ConfigError(`createStorageQueue: ${label} must be a number of milliseconds > 0.`);
    }
  }
  const clock = options.clock ?? systemClock;
  const logger = options.logger ?? noopLogger;
  const owner = randomUUID();
  const workers = new Map<string, Worker>();
  const leases = new Set<Lease>();
  const writes = createCommitBatcher(storage);
  let counter = 0;
  let closing = false;

  const jobKey = (id: string): Key => [...prefix, 'job', id];
  const readyKey = (job: JobDocument): Key => [
    ...prefix,
    'ready',
    job.name,
    job.priority,
    job.runAt,
    job.sequence,
    job.id,
  ];
  const delayedKey = (job: JobDocument): Key => [
    ...prefix,
    'delayed',
    job.name,
    job.runAt,
    job.sequence,
    job.id,
  ];
  const activeKey = (job: JobDocument): Key => [...prefix, 'active', job.name, job.leaseUntil ?? 0, job.id];
  const deadKey = (job: JobDocument): Key => [
    ...prefix,
    'dead',
    job.name,
    job.failedAt ?? 0,
    job.sequence,
    job.id,
  ];
  const completedKey = (job: JobDocument): Key => [
    ...prefix,
    'completed',
    job.name,
    job.finishedAt ?? 0,
    job.id,
  ];
  const indexPrefix = (index: string, name?: string): Key =>
    name === undefined ? [...prefix, index] : [...prefix, index, name];

  // Orders jobs added by this process; ties across processes fall back to the job id.
  const nextSequence = () => clock.now() * 1000 + (counter++ % 1000);

  const warn = (message: string, error: unknown, fields: Record<string, unknown> = {}) =>
    logger.warn({ queue: 'storage', ...fields, error: errorMessage(error) }, message);

  const readJob = async (id: string): Promise<Entry<JobDocument> | undefined> => {
    const entry = await storage.get<JobDocument>(jobKey(id));
    return entry.versionstamp === null ? undefined : (entry as Entry<JobDocument>);
  };

  /** Reads the documents the index entries point to, in one round trip. */
  const readJobs = (indexes: readonly Entry<string>[]): Promise<EntryMaybe<JobDocument>[]> =>
    indexes.length === 0
      ? Promise.resolve([])
      : storage.getMany<JobDocument>(indexes.map((index) => jobKey(index.value)));

  const wake = (name: string, reason: WakeReason) => {
    const worker = workers.get(name);
    if (!worker) return;
    if ('ready' in reason) worker.readyMaybe = true;
    if ('dueAt' in reason) worker.delayedAt = Math.min(worker.delayedAt, reason.dueAt);
    worker.wakeRequested = true;
    worker.sleeper?.abort();
  };

  const list = async <T>(selector: Parameters<Storage['list']>[0], limit?: number): Promise<Entry<T>[]> => {
    const out: Entry<T>[] = [];
    for await (const entry of storage.list<T>(selector, limit === undefined ? {} : { limit }))
      out.push(entry);
    return out;
  };

  /** Removes an index entry whose job has moved on (a leftover of an interrupted process). */
  const dropStale = (index: Entry<string>) => storage.atomic().check(index).delete(index.key).commit();

  /**
   * Moves due delayed jobs of `name` to the ready index and notes when the next one falls due.
   * Answers whether it moved any.
   */
  const promoteDue = async (worker: Worker): Promise<boolean> => {
    const now = clock.now();
    const due: Entry<string>[] = [];
    let nextDueAt = Number.POSITIVE_INFINITY;
    for await (const entry of storage.list<string>(
      { prefix: indexPrefix('delayed', worker.name) },
      // Small batches: the walk usually stops at the first job not due yet.
      { limit: ROUND_SIZE, batchSize: 20 },
    )) {
      const runAt = entry.key[prefix.length + 2];
      if (typeof runAt === 'number' && runAt > now) {
        nextDueAt = runAt;
        break;
      }
      due.push(entry);
    }
    // Delayed jobs added by other processes are only seen by looking, so look at least every poll.
    worker.delayedAt = due.length === ROUND_SIZE ? now : Math.min(nextDueAt, now + pollIntervalMs);
    const jobs = await readJobs(due);
    const results = await Promise.all(
      due.map((index, position) => {
        const job = jobs[position];
        if (job?.versionstamp == null || job.value.state !== 'delayed') return dropStale(index);
        const document: JobDocument = { ...job.value, state: 'waiting' };
        return storage
          .atomic()
          .check(index, job)
          .delete(index.key)
          .set(jobKey(document.id), document)
          .set(readyKey(document), document.id)
          .commit();
      }),
    );
    return results.some((result) => result.ok);
  };

  /**
   * Hands the jobs of dead workers (expired leases) back to the ready index, or dead-letters
   * them. Answers whether it handed any back.
   */
  const reapExpired = async (worker: Worker): Promise<boolean> => {
    const now = clock.now();
    const expired = await list<string>(
      { prefix: indexPrefix('active', worker.name), end: [...indexPrefix('active', worker.name), now] },
      ROUND_SIZE,
    );
    worker.reapAt = expired.length === ROUND_SIZE ? now : now + pollIntervalMs;
    const jobs = await readJobs(expired);
    const results = await Promise.all(
      expired.map(async (index, position) => {
        const job = jobs[position];
        const leaseUntil = index.key[index.key.length - 2];
        if (
          job?.versionstamp == null ||
          job.value.state !== 'active' ||
          job.value.leaseUntil !== leaseUntil
        ) {
          await dropStale(index);
          return false;
        }
        const { leaseOwner: _owner, leaseUntil: _until, ...rest } = job.value;
        const operation = storage.atomic().check(index, job).delete(index.key);
        const retried = rest.attempt < rest.maxAttempts;
        if (retried) {
          const document: JobDocument = { ...rest, state: 'waiting', runAt: now };
          operation.set(jobKey(document.id), document).set(readyKey(document), document.id);
        } else {
          const document: JobDocument = {
            ...rest,
            state: 'dead',
            failedAt: now,
            error: 'The worker running the job stopped renewing its lease (it crashed or hung).',
          };
          operation.set(jobKey(document.id), document).set(deadKey(document), document.id);
        }
        const result = await operation.commit();
        if (!result.ok) return false;
        logger.info(
          { queue: 'storage', job: rest.id, name: rest.name },
          'Reclaimed a job whose lease expired.',
        );
        return retried;
      }),
    );
    return results.some(Boolean);
  };

  /** The lease a claim would give, and the writes that take it. */
  const claimOf = (index: Entry<string>, job: Entry<JobDocument>) => {
    const document: JobDocument = {
      ...job.value,
      state: 'active',
      attempt: job.value.attempt + 1,
      leaseOwner: owner,
      leaseUntil: clock.now() + leaseMs,
    };
    return {
      document,
      build: (operation: AtomicOperation) =>
        operation
          .check(index, job)
          .delete(index.key)
          .set(jobKey(document.id), document)
          .set(activeKey(document), document.id),
    };
  };

  const leaseOf = (document: JobDocument, versionstamp: string): Lease => ({
    document,
    versionstamp,
    controller: new AbortController(),
    chain: Promise.resolve(),
    done: new AbortController(),
    released: false,
    lost: false,
  });

  /**
   * Claims jobs with one commit that checks each of them, so it takes all or none. When
   * another worker took one in the meantime, each is claimed on its own instead.
   * Answers the leases won, and how many claims were lost to other workers.
   */
  const claimGroup = async (
    group: readonly { index: Entry<string>; job: Entry<JobDocument> }[],
  ): Promise<{ won: Lease[]; lost: number }> => {
    const claims = group.map(({ index, job }) => claimOf(index, job));
    if (claims.length > 1) {
      const operation = storage.atomic();
      for (const claim of claims) claim.build(operation);
      const result = await operation.commit();
      if (result.ok)
        return { won: claims.map((claim) => leaseOf(claim.document, result.versionstamp)), lost: 0 };
    }
    const results = await Promise.all(
      claims.map(async (claim) => {
        const operation = storage.atomic();
        claim.build(operation);
        const result = await operation.commit();
        return result.ok ? leaseOf(claim.document, result.versionstamp) : undefined;
      }),
    );
    const won = results.filter((lease) => lease !== undefined);
    return { won, lost: claims.length - won.length };
  };

  /**
   * Claims up to one job per free slot of `worker` from the ready index: one list, one read of
   * the job documents, then a check-and-set of each job against the versions read, so of
   * several workers racing for a job exactly one wins. The checks of a round go in one commit;
   * a worker that lost races lately commits them in small groups (one lost race then only
   * undoes its group) and starts at a random place among a wider window of candidates, so the
   * workers of several processes stop chasing the same jobs. Answers the leases won, in index
   * order, and the error of a commit that failed, if one did.
   */
  const claim = async (worker: Worker): Promise<{ leases: Lease[]; failure: unknown }> => {
    const free = Math.min(ROUND_SIZE, worker.concurrency - worker.active);
    const now = clock.now();
    const contended = now < worker.contendedUntil;
    const limit = contended ? Math.min(ROUND_SIZE, free * CONTENDED_SPREAD) : free;
    worker.pollAt = now + pollIntervalMs;
    const candidates = await list<string>({ prefix: indexPrefix('ready', worker.name) }, limit);
    let chosen = candidates;
    if (candidates.length > free) {
      const start = Math.floor(Math.random() * candidates.length);
      chosen = [...candidates.slice(start), ...candidates.slice(0, start)].slice(0, free);
    }
    const jobs = await readJobs(chosen);
    const claimable: { index: Entry<string>; job: Entry<JobDocument> }[] = [];
    const stale: Entry<string>[] = [];
    const ids = new Set<string>();
    chosen.forEach((index, position) => {
      const job = jobs[position];
      if (job?.versionstamp == null || job.value.state !== 'waiting') stale.push(index);
      // Two index entries of one job must not both pass in one commit; the other is dropped once stale.
      else if (!ids.has(job.value.id)) {
        ids.add(job.value.id);
        claimable.push({ index, job: job as Entry<JobDocument> });
      }
    });
    const groupSize = contended ? CONTENDED_GROUP : ROUND_SIZE;
    const groups: (typeof claimable)[] = [];
    for (let at = 0; at < claimable.length; at += groupSize) groups.push(claimable.slice(at, at + groupSize));
    const [claimed, dropped] = await Promise.all([
      Promise.allSettled(groups.map(claimGroup)),
      Promise.allSettled(stale.map(dropStale)),
    ]);
    const leases = claimed.flatMap((outcome) => (outcome.status === 'fulfilled' ? outcome.value.won : []));
    const lost = claimed.reduce(
      (sum, outcome) => sum + (outcome.status === 'fulfilled' ? outcome.value.lost : 0),
      0,
    );
    if (lost > 0) worker.contendedUntil = clock.now() + CONTENTION_MEMORY_MS;
    // A short list means the index held nothing more when it was read.
    worker.readyMaybe = candidates.length === limit || leases.length < candidates.length;
    const failure = [...claimed, ...dropped].find((outcome) => outcome.status === 'rejected');
    return { leases, failure: failure?.status === 'rejected' ? failure.reason : undefined };
  };

  /** Runs `step` after the lease's earlier writes; marks the lease lost when a check fails. */
  const onLease = (lease: Lease, step: () => Promise<void>): Promise<void> => {
    const next = lease.chain.then(step, step);
    lease.chain = next.catch(() => undefined);
    return next;
  };

  /**
   * Rewrites a leased job; answers false (and marks the lease lost) when someone else changed
   * it. Rewrites of different jobs that happen together share one commit.
   */
  const rewrite = async (
    lease: Lease,
    document: JobDocument,
    addIndex?: Key,
    expireIn?: number,
  ): Promise<boolean> => {
    const previous = lease.document;
    const expiry = expireIn === undefined ? {} : { expireIn };
    const result = await writes.commit(previous.id, (operation) => {
      operation
        .check({ key: jobKey(previous.id), versionstamp: lease.versionstamp })
        .delete(activeKey(previous))
        .set(jobKey(document.id), document, expiry);
      if (document.state === 'active') operation.set(activeKey(document), document.id);
      if (addIndex) operation.set(addIndex, document.id, expiry);
    });
    if (!result.ok) {
      lease.lost = true;
      lease.controller.abort(
        new ConfigError(`Job ${lease.document.id}: the lease was lost to another worker.`),
      );
      return false;
    }
    lease.document = document;
    lease.versionstamp = result.versionstamp;
    return true;
  };

  const renewLoop = async (lease: Lease) => {
    const interval = Math.max(1, Math.floor(leaseMs / 3));
    while (!lease.done.signal.aborted && !lease.lost) {
      try {
        await clock.sleep(interval, lease.done.signal);
      } catch {
        return;
      }
      if (lease.released) return;
      await onLease(lease, async () => {
        if (lease.done.signal.aborted || lease.lost) return;
        await rewrite(lease, { ...lease.document, leaseUntil: clock.now() + leaseMs });
      }).catch((error: unknown) => {
        warn('Could not renew a job lease.', error, { job: lease.document.id });
        // Without renewals the lease runs out: stop the handler before someone else starts it.
        if (clock.now() >= (lease.document.leaseUntil ?? 0)) {
          lease.lost = true;
          lease.controller.abort(new ConfigError(`Job ${lease.document.id}: the lease expired.`));
        }
      });
    }
  };

  const finish = async (lease: Lease, outcome: { ok: true } | { ok: false; error: unknown }) => {
    const base = lease.document;
    const { leaseOwner: _owner, leaseUntil: _until, ...rest } = base;
    const now = clock.now();
    if (lease.released) {
      // close() gave up waiting: hand the job back without counting this run.
      const document: JobDocument = {
        ...rest,
        state: 'waiting',
        attempt: Math.max(0, rest.attempt - 1),
        runAt: now,
      };
      await rewrite(lease, document, readyKey(document));
      return;
    }
    if (outcome.ok) {
      const document: JobDocument = { ...rest, state: 'completed', finishedAt: now };
      await rewrite(lease, document, completedKey(document), retentionMs);
      return;
    }
    const message = errorMessage(outcome.error);
    if (PermanentJobError.isInstance(outcome.error) || rest.attempt >= rest.maxAttempts) {
      const document: JobDocument = { ...rest, state: 'dead', error: message, failedAt: now };
      if (await rewrite(lease, document, deadKey(document))) {
        logger.warn(
          { queue: 'storage', job: rest.id, name: rest.name, attempt: rest.attempt },
          `Job dead-lettered: ${message}`,
        );
      }
      return;
    }
    const document: JobDocument = {
      ...rest,
      state: 'delayed',
      error: message,
      runAt: Math.ceil(now + backoffDelay(rest.backoff, rest.attempt)),
    };
    if (await rewrite(lease, document, delayedKey(document))) wake(document.name, { dueAt: document.runAt });
  };

  const run = (worker: Worker, lease: Lease) => {
    leases.add(lease);
    worker.active += 1;
    void renewLoop(lease);
    const running = (async () => {
      let outcome: { ok: true } | { ok: false; error: unknown };
      try {
        const { document } = lease;
        await worker.handler({
          id: document.id,
          name: document.name,
          data: document.data,
          attempt: document.attempt,
          maxAttempts: document.maxAttempts,
          signal: lease.controller.signal,
        });
        outcome = { ok: true };
      } catch (error) {
        outcome = { ok: false, error };
      }
      lease.done.abort();
      if (!lease.lost) {
        await onLease(lease, () => finish(lease, outcome)).catch((error: unknown) =>
          warn('Could not record the outcome of a job; it will run again once its lease expires.', error, {
            job: lease.document.id,
          }),
        );
      }
      if (lease.lost)
        logger.warn({ queue: 'storage', job: lease.document.id }, 'A job finished after losing its lease.');
    })().finally(() => {
      leases.delete(lease);
      worker.active -= 1;
      wake(worker.name, { slotFreed: true });
    });
    lease.running = running;
  };

  /** Hands jobs claimed while close() began straight back, without counting the run. */
  const release = (claimed: Lease[]) =>
    Promise.all(
      claimed.map((lease) => {
        lease.released = true;
        return finish(lease, { ok: true }).catch((error: unknown) =>
          warn(
            'Could not hand back a job claimed while closing; it runs again once its lease expires.',
            error,
            {
              job: lease.document.id,
            },
          ),
        );
      }),
    );

  const loop = async (worker: Worker) => {
    while (!closing) {
      let failed = false;
      try {
        worker.wakeRequested = false;
        const now = clock.now();
        if (now >= worker.reapAt && (await reapExpired(worker))) worker.readyMaybe = true;
        if (now >= worker.delayedAt && (await promoteDue(worker))) worker.readyMaybe = true;
        if (now >= worker.pollAt) worker.readyMaybe = true;
        while (!closing && worker.readyMaybe && worker.active < worker.concurrency) {
          const { leases: claimed, failure } = await claim(worker);
          if (closing) {
            await release(claimed);
            break;
          }
          for (const lease of claimed) run(worker, lease);
          // The jobs won run; a claim that failed was not applied, or its job runs again after its lease.
          if (failure !== undefined) throw failure;
        }
      } catch (error) {
        failed = true;
        warn('The queue worker could not reach the storage; retrying.', error, { name: worker.name });
      }
      if (closing) break;
      if (worker.wakeRequested && !failed) continue;
      const now = clock.now();
      const nextAt = failed
        ? now + pollIntervalMs
        : Math.min(
            worker.reapAt,
            worker.delayedAt,
            worker.active < worker.concurrency ? worker.pollAt : Infinity,
          );
      const sleeper = new AbortController();
      worker.sleeper = sleeper;
      await clock.sleep(Math.max(0, nextAt - now), sleeper.signal).catch(() => undefined);
      worker.sleeper = undefined;
    }
  };

  const assertOpen = (where: string) => {
    if (closing) throw new ConfigError(`${where}: the queue is closed.`);
  };

  const isBusy = async (name?: string): Promise<boolean> => {
    if ((await list({ prefix: indexPrefix('ready', name) }, 1)).length > 0) return true;
    if ((await list({ prefix: indexPrefix('active', name) }, 1)).length > 0) return true;
    const now = clock.now();
    if (name !== undefined) {
      const delayed = indexPrefix('delayed', name);
      return (await list({ prefix: delayed, end: [...delayed, now + 1] }, 1)).length > 0;
    }
    for await (const entry of storage.list<string>({ prefix: indexPrefix('delayed') })) {
      const runAt = entry.key[prefix.length + 2];
      if (typeof runAt === 'number' && runAt <= now) return true;
    }
    return false;
  };

  const count = async (index: string, name: string): Promise<number> => {
    let total = 0;
    for await (const _entry of storage.list({ prefix: indexPrefix(index, name) })) total += 1;
    return total;
  };

  return {
    async add<Data>(name: string, data: Data, jobOptions: JobOptions = {}): Promise<AddResult> {
      assertOpen('queue.add');
      const now = clock.now();
      const resolved = resolveJobOptions(name, jobOptions, now);
      const delayed = resolved.runAt > now;
      const document: JobDocument = {
        id: resolved.id,
        name,
        data,
        maxAttempts: resolved.maxAttempts,
        backoff: resolved.backoff,
        priority: resolved.priority,
        runAt: resolved.runAt,
        sequence: nextSequence(),
        attempt: 0,
        state: delayed ? 'delayed' : 'waiting',
      };
      const key = jobKey(document.id);
      const index = delayed ? delayedKey(document) : readyKey(document);
      // Checked here, so that a bad key fails this add alone and not the adds it is batched with.
      validateKey(key, { label: 'job key' });
      validateKey(index, { label: 'job index key' });
      const result = await writes.commit(document.id, (operation) =>
        operation.check({ key, versionstamp: null }).set(key, document).set(index, document.id),
      );
      if (result.ok) wake(name, delayed ? { dueAt: document.runAt } : { ready: true });
      return { id: document.id, added: result.ok };
    },

    process<Data>(name: string, handler: JobHandler<Data>, processOptions: ProcessOptions = {}) {
      assertOpen('queue.process');
      if (typeof name !== 'string' || name.length === 0)
        throw new ConfigError('queue.process: name must be a non-empty string.');
      if (typeof handler !== 'function')
        throw new ConfigError(`queue.process("${name}"): handler must be a function.`);
      if (workers.has(name))
        throw new ConfigError(`queue.process("${name}"): a handler is already registered for this name.`);
      const worker: Worker = {
        name,
        handler: handler as JobHandler<unknown>,
        concurrency: resolveConcurrency(name, processOptions.concurrency),
        active: 0,
        wakeRequested: false,
        readyMaybe: true,
        pollAt: 0,
        delayedAt: 0,
        reapAt: 0,
        contendedUntil: 0,
      };
      workers.set(name, worker);
      worker.loop = loop(worker);
    },

    async deadLetters<Data>(name: string): Promise<DeadLetter<Data>[]> {
      const index = await list<string>({ prefix: indexPrefix('dead', name) });
      const entries = await storage.getMany<JobDocument>(index.map((entry) => jobKey(entry.value)));
      return entries.flatMap((entry) => {
        const job = entry.value;
        if (job === null || job.state !== 'dead') return [];
        return [
          {
            id: job.id,
            name: job.name,
            data: job.data as Data,
            attempts: job.attempt,
            error: job.error ?? '',
            failedAt: job.failedAt ?? 0,
          },
        ];
      });
    },

    async retry(jobId: string) {
      for (let attempt = 0; attempt < 10; attempt += 1) {
        const job = await readJob(jobId);
        if (job?.value.state !== 'dead') return false;
        const { error: _error, failedAt: _failedAt, ...rest } = job.value;
        const document: JobDocument = { ...rest, state: 'waiting', attempt: 0, runAt: clock.now() };
        const result = await storage
          .atomic()
          .check(job)
          .delete(deadKey(job.value))
          .set(jobKey(jobId), document)
          .set(readyKey(document), jobId)
          .commit();
        if (result.ok) {
          wake(document.name, { ready: true });
          return true;
        }
      }
      return false;
    },

    async counts(name: string): Promise<JobCounts> {
      const now = clock.now();
      let due = 0;
      let delayed = 0;
      for await (const entry of storage.list<string>({ prefix: indexPrefix('delayed', name) })) {
        const runAt = entry.key[prefix.length + 2];
        if (typeof runAt === 'number' && runAt <= now) due += 1;
        else delayed += 1;
      }
      return {
        waiting: (await count('ready', name)) + due,
        delayed,
        active: await count('active', name),
        completed: await count('completed', name),
        dead: await count('dead', name),
      };
    },

    async onIdle(name?: string) {
      while (await isBusy(name)) await clock.sleep(Math.min(pollIntervalMs, 10));
    },

    async close(closeOptions: CloseOptions = {}) {
      if (closing) return;
      closing = true;
      for (const worker of workers.values()) worker.sleeper?.abort();
      await Promise.all([...workers.values()].map((worker) => worker.loop));
      const running = [...leases].flatMap((lease) => (lease.running ? [lease.running] : []));
      const finished = Promise.allSettled(running).then(() => 'finished' as const);
      if (closeOptions.timeoutMs === undefined) {
        await finished;
        return;
      }
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
        for (const lease of leases) {
          lease.released = true;
          lease.done.abort();
          lease.controller.abort(new ConfigError('The queue is closing.'));
        }
      }
    },
  };
}
