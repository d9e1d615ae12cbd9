// Storage, queue and cache throughput of the adapters next to core's memory implementations.
// PostgreSQL and Redis come from SALESOS_BENCH_POSTGRES_URL / SALESOS_BENCH_REDIS_URL
// (default: the local servers); a backend that cannot be reached is skipped with a note.
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type Cache,
  createMemoryCache,
  createMemoryQueue,
  createMemoryStorage,
  createStorageQueue,
  type Queue,
  type Storage,
} from '@salesos/core';
import { createPostgresStorage } from '@salesos/postgres';
import { createBullmqQueue, createRedisCache } from '@salesos/redis';
import { createSqliteStorage } from '@salesos/sqlite';
import type { BenchRow } from './run.ts';

const postgresUrl = process.env.SALESOS_BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const redisUrl = process.env.SALESOS_BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';

// The drivers, for setup and cleanup only, resolved from the adapters that depend on them.
const fromPackage = (name: string) =>
  createRequire(new URL(`../packages/${name}/package.json`, import.meta.url));
const pg = fromPackage('postgres')('pg') as typeof import('pg');
interface RedisClient {
  on(event: 'error', listener: (error: Error) => void): unknown;
  connect(): Promise<void>;
  scan(cursor: string, ...args: (string | number)[]): Promise<[string, string[]]>;
  unlink(...keys: string[]): Promise<number>;
  quit(): Promise<unknown>;
  disconnect(): void;
}
const { Redis } = fromPackage('redis')('ioredis') as {
  Redis: new (url: string, options: Record<string, unknown>) => RedisClient;
};

/** Operations per second of `operation`, run back to back for about `durationMs`. */
async function opsPerSecond(
  operation: (index: number) => Promise<unknown>,
  durationMs = 1000,
): Promise<number> {
  for (let index = 0; index < 50; index += 1) await operation(index);
  let count = 0;
  const started = performance.now();
  while (performance.now() - started < durationMs) await operation(count++);
  return count / ((performance.now() - started) / 1000);
}

/** Operations per second with `parallel` callers running `operation` at once. */
async function parallelOpsPerSecond(
  operation: (index: number) => Promise<unknown>,
  parallel = 16,
  durationMs = 1000,
): Promise<number> {
  let count = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: parallel }, async () => {
      while (performance.now() - started < durationMs) await operation(count++);
    }),
  );
  return count / ((performance.now() - started) / 1000);
}

async function benchStorage(label: string, storage: Storage, report: (row: BenchRow) => void): Promise<void> {
  const root = ['bench', randomUUID()];
  const record = (index: number) => ({ id: index, email: `person${index}@example.com`, score: index % 100 });
  report({
    name: `${label} set`,
    value: await opsPerSecond((index) => storage.set([...root, 'person', index % 1000], record(index))),
    unit: 'ops/s',
  });
  report({
    name: `${label} get`,
    value: await opsPerSecond((index) => storage.get([...root, 'person', index % 1000])),
    unit: 'ops/s',
  });
  report({
    name: `${label} atomic (check + set + sum)`,
    value: await opsPerSecond((index) =>
      storage
        .atomic()
        .check({ key: [...root, 'absent'], versionstamp: null })
        .set([...root, 'deal', index % 1000], record(index))
        .sum([...root, 'count'], 1)
        .commit(),
    ),
    unit: 'ops/s',
  });
  report({
    name: `${label} set, 16 callers`,
    value: await parallelOpsPerSecond((index) =>
      storage.set([...root, 'parallel', index % 1000], record(index)),
    ),
    unit: 'ops/s',
  });
}

async function benchQueue(label: string, queue: Queue, jobs: number, report: (row: BenchRow) => void) {
  const name = `bench-${randomUUID()}`;
  let started = performance.now();
  for (let index = 0; index < jobs; index += 100) {
    await Promise.all(
      Array.from({ length: Math.min(100, jobs - index) }, (_, offset) =>
        queue.add(name, { index: index + offset }),
      ),
    );
  }
  report({ name: `${label} add`, value: jobs / ((performance.now() - started) / 1000), unit: 'jobs/s' });
  let done = 0;
  const finished = new Promise<void>((resolve) => {
    started = performance.now();
    queue.process(
      name,
      () => {
        done += 1;
        if (done === jobs) resolve();
      },
      { concurrency: 16 },
    );
  });
  await finished;
  report({
    name: `${label} process (concurrency 16)`,
    value: jobs / ((performance.now() - started) / 1000),
    unit: 'jobs/s',
  });
  await queue.close();
}

async function benchCache(label: string, cache: Cache, report: (row: BenchRow) => void) {
  const scoped = cache.namespace(`bench-${randomUUID()}`);
  const value = { name: 'Acme', domain: 'acme.com', employees: 40 };
  report({
    name: `${label} set`,
    value: await opsPerSecond((index) => scoped.set(`company:${index % 1000}`, value)),
    unit: 'ops/s',
  });
  report({
    name: `${label} get`,
    value: await opsPerSecond((index) => scoped.get(`company:${index % 1000}`)),
    unit: 'ops/s',
  });
  await scoped.clear();
}

/** Runs `section`; a backend that is down is noted and skipped so the other rows still come out. */
async function section(label: string, run: () => Promise<void>): Promise<void> {
  try {
    await run();
  } catch (error) {
    process.stdout.write(`  ${label} skipped: ${error instanceof Error ? error.message : String(error)}\n`);
  }
}

export async function run(report: (row: BenchRow) => void): Promise<void> {
  const directory = mkdtempSync(join(tmpdir(), 'salesos-bench-'));
  const schema = `salesos_bench_${randomUUID().replaceAll('-', '').slice(0, 12)}`;
  const redisPrefix = `salesos-bench-${randomUUID().slice(0, 8)}`;
  try {
    await section('memory', async () => {
      const memory = createMemoryStorage();
      await benchStorage('memory storage', memory, report);
      await benchQueue('memory queue', createMemoryQueue(), 5000, report);
      await benchQueue('storage queue on memory', createStorageQueue(createMemoryStorage()), 5000, report);
      await benchCache('memory cache', createMemoryCache(), report);
      await memory.close();
    });

    await section('sqlite', async () => {
      const sqlite = createSqliteStorage({ path: join(directory, 'bench.db') });
      await benchStorage('sqlite storage', sqlite, report);
      const queueStorage = createSqliteStorage({ path: join(directory, 'queue.db') });
      await benchQueue('storage queue on sqlite', createStorageQueue(queueStorage), 2000, report);
      await queueStorage.close();
      await sqlite.close();
    });

    await section('postgres', async () => {
      const postgres = createPostgresStorage({ connectionString: postgresUrl, schema });
      await postgres.migrate();
      await benchStorage('postgres storage', postgres, report);
      await benchQueue(
        'storage queue on postgres',
        createStorageQueue(postgres, { pollIntervalMs: 50 }),
        1000,
        report,
      );
      await postgres.close();
    });

    await section('redis', async () => {
      await benchQueue(
        'bullmq queue',
        createBullmqQueue({ connection: redisUrl, prefix: redisPrefix }),
        5000,
        report,
      );
      const cache = createRedisCache({ connection: redisUrl, prefix: `${redisPrefix}:cache:` });
      await benchCache('redis cache', cache, report);
      await cache.close();
    });
  } finally {
    rmSync(directory, { recursive: true, force: true });
    await cleanUp(schema, redisPrefix);
  }
}

async function cleanUp(schema: string, redisPrefix: string): Promise<void> {
  const pool = new pg.Pool({ connectionString: postgresUrl, max: 1 });
  await pool.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`).catch(() => undefined);
  await pool.end();
  const redis = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 });
  redis.on('error', () => undefined);
  try {
    await redis.connect();
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${redisPrefix}*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length > 0) await redis.unlink(...keys);
    } while (cursor !== '0');
    await redis.quit();
  } catch {
    redis.disconnect();
  }
}
