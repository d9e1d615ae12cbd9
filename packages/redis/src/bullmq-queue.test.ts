import { ConfigError, SalesOSError } from '@salesos/core';
import { describeQueueConformance } from '@salesos/core/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { createBullmqQueue } from './bullmq-queue.ts';
import { createJobIdRegistry } from './internal/job-id-registry.ts';
import { deleteKeys, killClients, TEST_REDIS_URL, testRedis, uniquePrefix } from './internal/test-redis.ts';

const redis = testRedis();
const prefix = uniquePrefix('queue');

afterAll(async () => {
  await deleteKeys(redis, prefix);
  await redis.quit();
});

// Long enough that a busy test machine never stalls a lease renewal past it.
const leaseMs = 2000;
const open = () => createBullmqQueue({ connection: TEST_REDIS_URL, prefix, leaseMs, stalledIntervalMs: 500 });

describeQueueConformance(
  'createBullmqQueue',
  () => ({
    queue: open(),
    connect: () => {
      const other = open();
      // A close that gives up at once leaves its jobs unacknowledged and their leases unrenewed, as a crash does.
      return { queue: other, crash: () => other.close({ timeoutMs: 0 }) };
    },
  }),
  { sharedBackend: true, leaseMs },
);

describe('createBullmqQueue', () => {
  it('keeps job ids unique across every name of the queue', async () => {
    const queue = open();
    const first = await queue.add('enrich', { personId: 'p1' }, { jobId: 'person:p1' });
    const second = await queue.add('score', { personId: 'p1' }, { jobId: 'person:p1' });
    expect(first).toEqual({ id: 'person:p1', added: true });
    expect(second).toEqual({ id: 'person:p1', added: false });
    expect((await queue.counts('score')).waiting).toBe(0);
    await queue.close();
  });

  it('adds the job when a process died inside add after claiming its id, before the job existed', async () => {
    // The crash point: the dead process's claim is in the registry, BullMQ has no job.
    const dead = await createJobIdRegistry(redis, prefix).claim('crashed:1', 'crashed');
    expect(dead).not.toBeNull();
    const queue = open();
    expect(await queue.bullQueue('crashed').getJob('id-crashed%3A1')).toBeUndefined();

    expect(await queue.add('crashed', { personId: 'p1' }, { jobId: 'crashed:1' })).toEqual({
      id: 'crashed:1',
      added: true,
    });
    const ran: string[] = [];
    queue.process<{ personId: string }>('crashed', (job) => {
      ran.push(`${job.id} ${job.data.personId}`);
    });
    await expect.poll(async () => (await queue.counts('crashed')).completed).toBe(1);
    expect(ran).toEqual(['crashed:1 p1']);
    expect(await queue.add('crashed', { personId: 'p1' }, { jobId: 'crashed:1' })).toEqual({
      id: 'crashed:1',
      added: false,
    });
    await queue.close();
  });

  it('keeps an id claimed under another name while that add may still create its job', async () => {
    const queue = open();
    expect(await createJobIdRegistry(redis, prefix).claim('pending-1', 'first')).not.toBeNull();
    expect(await queue.add('second', null, { jobId: 'pending-1' })).toEqual({
      id: 'pending-1',
      added: false,
    });
    expect(await queue.add('first', null, { jobId: 'pending-1' })).toEqual({ id: 'pending-1', added: true });
    expect((await queue.counts('first')).waiting).toBe(1);
    expect((await queue.counts('second')).waiting).toBe(0);
    await queue.close();
  });

  it('makes one job and answers added once when processes race to add one id', async () => {
    const queues = [open(), open(), open()];
    for (let round = 0; round < 5; round += 1) {
      const jobId = `race-${round}`;
      const results = await Promise.all(
        Array.from({ length: 12 }, (_, index) =>
          queues[index % queues.length]!.add(index % 4 === 3 ? 'race-other' : 'race', index, { jobId }),
        ),
      );
      expect(results.filter((result) => result.added)).toHaveLength(1);
    }
    const counts = await Promise.all([queues[0]!.counts('race'), queues[0]!.counts('race-other')]);
    expect(counts[0].waiting + counts[1].waiting).toBe(5);
    await Promise.all(queues.map((queue) => queue.close()));
  });

  it('accepts job ids BullMQ itself refuses (integers, colons)', async () => {
    const queue = open();
    const seen: string[] = [];
    queue.process('odd-ids', (job) => {
      seen.push(job.id);
    });
    for (const jobId of ['42', 'a:b:c', '100%']) await queue.add('odd-ids', null, { jobId });
    await queue.onIdle('odd-ids');
    expect(seen.sort()).toEqual(['100%', '42', 'a:b:c']);
    await queue.close();
  });

  it('caps exponential backoff at maxDelayMs', async () => {
    const queue = open();
    const times: number[] = [];
    queue.process('capped', () => {
      times.push(Date.now());
      throw new Error('always');
    });
    await queue.add('capped', null, {
      attempts: 3,
      backoff: { type: 'exponential', delayMs: 50, maxDelayMs: 60 },
    });
    while (times.length < 3) await new Promise((resolve) => setTimeout(resolve, 10));
    expect((times[2] ?? 0) - (times[1] ?? 0)).toBeGreaterThanOrEqual(58);
    const dead = await (async () => {
      for (;;) {
        const letters = await queue.deadLetters('capped');
        if (letters.length > 0) return letters;
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    })();
    expect(dead[0]?.attempts).toBe(3);
    await queue.close();
  });

  it('exposes the BullMQ queue of a name', async () => {
    const queue = open();
    await queue.add('inspect', { a: 1 }, { jobId: 'inspect-1' });
    const job = await queue.bullQueue('inspect').getJob('id-inspect-1');
    expect(job?.data).toEqual({ a: 1 });
    await queue.close();
  });

  it('reconnects and carries on when Redis drops its connections', async () => {
    const tag = uniquePrefix('dropped');
    const url = new URL(TEST_REDIS_URL);
    const queue = createBullmqQueue({
      connection: { host: url.hostname, port: Number(url.port || 6379), connectionName: tag },
      prefix,
    });
    const ran: number[] = [];
    queue.process<number>('dropped', (job) => {
      ran.push(job.data);
    });
    await queue.add('dropped', 1);
    await expect.poll(() => ran.length).toBe(1);
    expect(await killClients(redis, tag)).toBeGreaterThanOrEqual(2);
    await queue.add('dropped', 2);
    await expect.poll(() => ran.length, { timeout: 10_000 }).toBe(2);
    expect(ran).toEqual([1, 2]);
    await queue.close();
  });

  it('rejects add() with a SalesOSError saying what failed when Redis cannot be reached', async () => {
    const queue = createBullmqQueue({
      connection: { host: '127.0.0.1', port: 1, maxRetriesPerRequest: 0, retryStrategy: () => null },
      prefix,
    });
    const error = await queue.add('unreachable', 1).then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(SalesOSError.isInstance(error)).toBe(true);
    expect((error as Error).message).toMatch(/could not add a job to "unreachable"/);
    await queue.close();
  });

  it('rejects bad options with ConfigError', () => {
    expect(() => createBullmqQueue({ connection: TEST_REDIS_URL, prefix: 'a:b' })).toThrow(ConfigError);
    expect(() => createBullmqQueue({ connection: TEST_REDIS_URL, leaseMs: 0 })).toThrow(ConfigError);
  });
});
