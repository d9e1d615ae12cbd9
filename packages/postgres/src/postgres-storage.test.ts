import { randomUUID } from 'node:crypto';
import { ConfigError, StorageError } from '@salesos/core';
import { createTestClock, describeStorageConformance } from '@salesos/core/testing';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectionString, uniqueSchema } from './__fixtures__/test-schema.ts';
import { createPostgresStorage } from './postgres-storage.ts';

// One schema per run, dropped at the end: runs never see each other's rows.
const schema = uniqueSchema();
const pool = new pg.Pool({ connectionString, max: 12 });

afterAll(async () => {
  await pool.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  await pool.end();
});

describeStorageConformance('createPostgresStorage', () => createPostgresStorage({ pool, schema }));

describe('createPostgresStorage', () => {
  beforeAll(async () => {
    await createPostgresStorage({ pool, schema }).migrate();
  });

  it('creates its schema, table and commit function on first use, and again safely from racing processes', async () => {
    const fresh = `${schema}_fresh`;
    const storages = Array.from({ length: 4 }, () =>
      createPostgresStorage({ connectionString, schema: fresh, maxConnections: 2 }),
    );
    try {
      const results = await Promise.all(
        storages.map((storage, index) => storage.set(['boot', index], index)),
      );
      expect(results.every((result) => result.ok)).toBe(true);
      const tables = await pool.query(
        'SELECT table_name FROM information_schema.tables WHERE table_schema = $1 ORDER BY table_name',
        [fresh],
      );
      expect(tables.rows.map((row) => row.table_name)).toEqual(['kv', 'kv_meta']);
    } finally {
      await Promise.all(storages.map((storage) => storage.close()));
      await pool.query(`DROP SCHEMA IF EXISTS ${fresh} CASCADE`);
    }
  });

  it('loses no update when writers on separate connection pools race read-check-write loops', async () => {
    const left = createPostgresStorage({ connectionString, schema, maxConnections: 4 });
    const right = createPostgresStorage({ connectionString, schema, maxConnections: 4 });
    const key = ['race', randomUUID()];
    const increment = async (storage: typeof left) => {
      for (;;) {
        const current = await storage.get<number>(key);
        const result = await storage
          .atomic()
          .check(current)
          .set(key, (current.value ?? 0) + 1)
          .commit();
        if (result.ok) return;
      }
    };
    await Promise.all(Array.from({ length: 40 }, (_, index) => increment(index % 2 === 0 ? left : right)));
    expect((await left.get(key)).value).toBe(40);
    await left.close();
    await right.close();
  });

  it('lists through a range scan of the primary key index', async () => {
    const storage = createPostgresStorage({ pool, schema });
    const prefix = ['scan', randomUUID()];
    const atomic = storage.atomic();
    for (let index = 0; index < 2000; index += 1) atomic.set([...prefix, index], index);
    await atomic.commit();
    await pool.query(`ANALYZE ${schema}.kv`);
    const entries = [];
    for await (const entry of storage.list({ prefix: [...prefix] }, { limit: 3, reverse: true }))
      entries.push(entry);
    expect(entries.map((entry) => entry.value)).toEqual([1999, 1998, 1997]);
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      const plan = await client.query(
        `EXPLAIN SELECT key, value, version FROM ${schema}.kv WHERE key >= $1 AND key < $2 ORDER BY key LIMIT 100`,
        [Buffer.from([0x20, 0x73]), Buffer.from([0x20, 0x74])],
      );
      await client.query('ROLLBACK');
      expect(plan.rows.map((row) => row['QUERY PLAN']).join('\n')).toMatch(/Index Scan using kv_pkey/);
    } finally {
      client.release();
    }
  });

  it('hides expired entries at once and deletes them on cleanup', async () => {
    const clock = createTestClock();
    const storage = createPostgresStorage({ pool, schema, clock, cleanupIntervalMs: 0 });
    const key = ['lease', randomUUID()];
    await storage.set(key, 'held', { expireIn: 1000 });
    await clock.advance(999);
    expect((await storage.get(key)).value).toBe('held');
    await clock.advance(1);
    expect((await storage.get(key)).versionstamp).toBeNull();
    const raw = async () =>
      (
        await pool.query(`SELECT count(*)::int AS count FROM ${schema}.kv WHERE expires_at <= $1`, [
          clock.now(),
        ])
      ).rows[0].count;
    expect(await raw()).toBeGreaterThanOrEqual(1);
    expect(await storage.cleanup()).toBeGreaterThanOrEqual(1);
    expect(await raw()).toBe(0);
  });

  it('keeps numbers exact when summing, as JavaScript adds them', async () => {
    const storage = createPostgresStorage({ pool, schema });
    const key = ['float', randomUUID()];
    await storage.atomic().sum(key, 0.1).sum(key, 0.2).commit();
    expect((await storage.get(key)).value).toBe(0.1 + 0.2);
    await storage.set(key, 1e21);
    await storage.atomic().sum(key, -1).commit();
    expect((await storage.get(key)).value).toBe(1e21 - 1);
  });

  it('reconnects after its connections are terminated by the server', async () => {
    const applicationName = `salesos-test-${randomUUID().slice(0, 8)}`;
    const storage = createPostgresStorage({
      connectionString: `${connectionString}?application_name=${applicationName}`,
      schema,
      maxConnections: 2,
    });
    const key = ['reconnect', randomUUID()];
    await storage.set(key, 1);
    const killed = await pool.query(
      'SELECT count(pg_terminate_backend(pid))::int AS count FROM pg_stat_activity WHERE application_name = $1',
      [applicationName],
    );
    expect(killed.rows[0].count).toBeGreaterThanOrEqual(1);
    expect((await storage.get(key)).value).toBe(1);
    await storage.atomic().sum(key, 1).commit();
    expect((await storage.get(key)).value).toBe(2);
    await storage.close();
  });

  it('fails with a StorageError that names the storage and hides the password when the server is unreachable', async () => {
    const storage = createPostgresStorage({
      connectionString: 'postgres://salesos:s3cret-password@127.0.0.1:1/test',
      maxRetries: 0,
    });
    const error = await storage.get(['x']).then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(StorageError.isInstance(error)).toBe(true);
    expect((error as Error).message).toMatch(/could not reach PostgreSQL/);
    expect(JSON.stringify((error as StorageError).toJSON())).not.toContain('s3cret');
    await storage.close();
  });

  it('leaves a pool it was given open on close', async () => {
    const storage = createPostgresStorage({ pool, schema });
    await storage.close();
    await expect(storage.get(['x'])).rejects.toSatisfy(StorageError.isInstance);
    expect((await pool.query('SELECT 1 AS one')).rows[0].one).toBe(1);
  });

  it('rejects bad options with ConfigError', () => {
    expect(() => createPostgresStorage({ pool, connectionString })).toThrow(ConfigError);
    expect(() => createPostgresStorage({ pool, schema: 'x; drop table y' })).toThrow(ConfigError);
    expect(() => createPostgresStorage({ pool, table: '' })).toThrow(ConfigError);
    expect(() => createPostgresStorage({ pool, maxRetries: -1 })).toThrow(ConfigError);
  });
});
