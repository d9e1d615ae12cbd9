import {
  createMemoryQueue,
  createMemoryStorage,
  createStorageQueue,
  encodeKey,
  type Key,
  type Queue,
  type Storage,
} from '@salesos/core';
import { createRandom } from '@salesos/core/testing';
import type { BenchRow } from './run.ts';

/** A storage that counts the atomic commits made through it. */
function countCommits(inner: Storage): { storage: Storage; commits: () => number } {
  let commits = 0;
  const storage: Storage = {
    ...inner,
    atomic() {
      commits += 1;
      return inner.atomic();
    },
  };
  return { storage, commits: () => commits };
}

/**
 * Adds `count` jobs in parallel groups of 100 to the first queue, runs them on all `queues`
 * with a no-op handler, and answers jobs per second end to end.
 */
async function sharedQueueThroughput(queues: Queue[], count: number, concurrency: number): Promise<number> {
  let done = 0;
  let finish: () => void = () => undefined;
  const finished = new Promise<void>((resolve) => {
    finish = resolve;
  });
  for (const queue of queues) {
    queue.process(
      'bench',
      () => {
        done += 1;
        if (done === count) finish();
      },
      { concurrency },
    );
  }
  const [producer] = queues as [Queue];
  const started = performance.now();
  for (let index = 0; index < count; index += 100) {
    await Promise.all(
      Array.from({ length: Math.min(100, count - index) }, (_, offset) =>
        producer.add('bench', { index: index + offset }, { jobId: `job-${index + offset}` }),
      ),
    );
  }
  await finished;
  const seconds = (performance.now() - started) / 1000;
  await Promise.all(queues.map((queue) => queue.close()));
  return count / seconds;
}

/** Adds `count` jobs, processes them with a no-op handler, and answers jobs per second end to end. */
async function queueThroughput(queue: Queue, count: number, concurrency: number): Promise<number> {
  let done = 0;
  let finish: () => void = () => undefined;
  const finished = new Promise<void>((resolve) => {
    finish = resolve;
  });
  queue.process(
    'bench',
    () => {
      done += 1;
      if (done === count) finish();
    },
    { concurrency },
  );
  const started = performance.now();
  for (let index = 0; index < count; index += 1)
    await queue.add('bench', { index }, { jobId: `job-${index}` });
  await finished;
  const seconds = (performance.now() - started) / 1000;
  await queue.close();
  return count / seconds;
}

export async function run(report: (row: BenchRow) => void): Promise<void> {
  const memoryRate = await queueThroughput(createMemoryQueue(), 50_000, 16);
  report({
    name: 'memory queue throughput (add + run, no-op handler)',
    value: Math.round(memoryRate),
    unit: 'jobs/s',
    target: '>= 20000',
    ok: memoryRate >= 20_000,
  });

  const storage = createMemoryStorage();
  const storageRate = await queueThroughput(createStorageQueue(storage, { pollIntervalMs: 5 }), 5_000, 16);
  await storage.close();
  report({
    name: 'storage queue on memory storage throughput (add + claim + run + complete)',
    value: Math.round(storageRate),
    unit: 'jobs/s',
    target: '>= 3000',
    ok: storageRate >= 3_000,
  });

  const counted = countCommits(createMemoryStorage());
  const jobs = 5_000;
  const batchedRate = await sharedQueueThroughput(
    [createStorageQueue(counted.storage, { pollIntervalMs: 5 })],
    jobs,
    16,
  );
  await counted.storage.close();
  report({
    name: 'storage queue on memory storage, adds in groups of 100: throughput',
    value: Math.round(batchedRate),
    unit: 'jobs/s',
    target: '>= 5000',
    ok: batchedRate >= 5_000,
  });
  // One commit per add, per claim and per completion would be 3: each is a round trip on SQLite or PostgreSQL.
  const commitsPerJob = counted.commits() / jobs;
  report({
    name: 'storage queue storage commits per job (add + claim + complete)',
    value: Number(commitsPerJob.toFixed(3)),
    unit: 'commits/job',
    target: '<= 0.5',
    ok: commitsPerJob <= 0.5,
  });

  const shared = createMemoryStorage();
  const sharedRate = await sharedQueueThroughput(
    [0, 1, 2].map(() => createStorageQueue(shared, { pollIntervalMs: 5 })),
    jobs,
    16,
  );
  await shared.close();
  report({
    name: 'storage queue, 3 queues sharing one memory storage (contended claims): throughput',
    value: Math.round(sharedRate),
    unit: 'jobs/s',
    target: '>= 3000',
    ok: sharedRate >= 3_000,
  });

  const counters = createMemoryStorage();
  const commits = 100_000;
  let started = performance.now();
  for (let index = 0; index < commits; index += 1) {
    const key = ['counter', index % 1_000];
    const current = await counters.get<number>(key);
    await counters
      .atomic()
      .check(current)
      .set(key, (current.value ?? 0) + 1)
      .commit();
  }
  const atomicRate = commits / ((performance.now() - started) / 1000);
  report({
    name: 'memory storage atomic() read-check-set commits (1 writer)',
    value: Math.round(atomicRate),
    unit: 'commits/s',
    target: '>= 50000',
    ok: atomicRate >= 50_000,
  });

  await counters.set(['race'], 0);
  let conflicts = 0;
  started = performance.now();
  await Promise.all(
    Array.from({ length: 100 }, async () => {
      for (let round = 0; round < 100; round += 1) {
        for (;;) {
          const current = await counters.get<number>(['race']);
          const result = await counters
            .atomic()
            .check(current)
            .set(['race'], (current.value ?? 0) + 1)
            .commit();
          if (result.ok) break;
          conflicts += 1;
        }
      }
    }),
  );
  const racedSeconds = (performance.now() - started) / 1000;
  const final = (await counters.get<number>(['race'])).value;
  report({
    name: 'memory storage atomic() commits, 100 racing writers on one key',
    value: Math.round(10_000 / racedSeconds),
    unit: 'commits/s',
    target: 'final count exactly 10000',
    ok: final === 10_000,
  });
  report({ name: 'conflicts retried by the 100 racing writers', value: conflicts, unit: 'retries' });
  await counters.close();

  await memoryStorageScale(report);
  encodeKeySpeed(report);
}

/** Encodes 1 000 distinct six-part keys over and over: the median of seven rounds, per key. */
function encodeKeySpeed(report: (row: BenchRow) => void): void {
  const measure = (keys: Key[]): number => {
    const rounds: number[] = [];
    for (let round = 0; round < 8; round += 1) {
      const started = performance.now();
      for (let pass = 0; pass < 100; pass += 1) for (const key of keys) encodeKey(key);
      // The first round warms up.
      if (round > 0) rounds.push(((performance.now() - started) * 1000) / (100 * keys.length));
    }
    return rounds.sort((left, right) => left - right)[3] as number;
  };
  const ascii = Array.from(
    { length: 1_000 },
    (_, index): Key => ['tenant', 'acme', 'crm', 'people', 'left', `person${index}@example.com`],
  );
  const asciiMicros = measure(ascii);
  report({
    name: 'encodeKey, six-part ASCII key',
    value: Number(asciiMicros.toFixed(3)),
    unit: 'µs/key',
    target: '<= 1',
    ok: asciiMicros <= 1,
  });
  const mixed = Array.from(
    { length: 1_000 },
    (_, index): Key => ['tenant', 'acme', index, 'people', 'Zoë Åström', `名前-${index}`],
  );
  const mixedMicros = measure(mixed);
  report({
    name: 'encodeKey, six-part key with a number and non-ASCII strings',
    value: Number(mixedMicros.toFixed(3)),
    unit: 'µs/key',
    target: '<= 1.5',
    ok: mixedMicros <= 1.5,
  });
}

/** Writes 100 000 keys in shuffled order, then lists pages of 1 000 from random places in them. */
async function memoryStorageScale(report: (row: BenchRow) => void): Promise<void> {
  const count = 100_000;
  const random = createRandom(11);
  const ids = Array.from({ length: count }, (_, index) => index);
  for (let index = count - 1; index > 0; index -= 1) {
    const other = random.int(0, index);
    [ids[index], ids[other]] = [ids[other] as number, ids[index] as number];
  }
  const keyOf = (id: number) => ['person', `p${String(id).padStart(6, '0')}`];
  const storage = createMemoryStorage();
  let started = performance.now();
  for (const id of ids) await storage.set(keyOf(id), { id, email: `person${id}@example.com` });
  const setSeconds = (performance.now() - started) / 1000;
  report({
    name: 'memory storage: 100 000 sets (shuffled keys)',
    value: Math.round(count / setSeconds),
    unit: 'sets/s',
    target: '>= 40000',
    ok: count / setSeconds >= 40_000,
  });

  const lists = 200;
  let listed = 0;
  started = performance.now();
  for (let round = 0; round < lists; round += 1) {
    const from = random.int(0, count - 1_000);
    const options = { limit: 1_000, reverse: round % 2 === 1 };
    const selector =
      round % 2 === 1
        ? { prefix: ['person'], end: keyOf(from + 1_000) }
        : { prefix: ['person'], start: keyOf(from) };
    for await (const _entry of storage.list(selector, options)) listed += 1;
  }
  const listMs = (performance.now() - started) / lists;
  report({
    name: 'memory storage: list 1 000 of 100 000 (half reversed)',
    value: Number(listMs.toFixed(2)),
    unit: 'ms/list',
    target: '<= 10, all 1 000 listed',
    ok: listMs <= 10 && listed === lists * 1_000,
  });
  await storage.close();
}
