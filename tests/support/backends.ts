import { randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';

/** The PostgreSQL the tests run against. */
export const TEST_POSTGRES_URL =
  process.env.SALESOS_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
/** The Redis the tests run against. */
export const TEST_REDIS_URL = process.env.SALESOS_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

// The drivers, for clean-up only, resolved from the adapters that depend on them.
const fromPackage = (name: string) =>
  createRequire(new URL(`../../packages/${name}/package.json`, import.meta.url));

/** A schema name no other test run uses. */
export const uniqueSchema = (label: string) =>
  `salesos_${label}_${randomUUID().replaceAll('-', '').slice(0, 12)}`;

/** A Redis key prefix no other test run uses. */
export const uniquePrefix = (label: string) => `salesos-${label}-${randomUUID().slice(0, 8)}`;

/** Drops a PostgreSQL schema and everything in it. */
export async function dropSchema(schema: string): Promise<void> {
  const pg = fromPackage('postgres')('pg') as {
    Pool: new (options: {
      connectionString: string;
      max: number;
    }) => {
      query(sql: string): Promise<unknown>;
      end(): Promise<void>;
    };
  };
  const pool = new pg.Pool({ connectionString: TEST_POSTGRES_URL, max: 1 });
  try {
    await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  } finally {
    await pool.end();
  }
}

/** Deletes every Redis key starting with `prefix`. */
export async function deleteRedisKeys(prefix: string): Promise<void> {
  const { Redis } = fromPackage('redis')('ioredis') as {
    Redis: new (
      url: string,
    ) => {
      scan(cursor: string, ...args: (string | number)[]): Promise<[string, string[]]>;
      unlink(...keys: string[]): Promise<number>;
      quit(): Promise<unknown>;
    };
  };
  const redis = new Redis(TEST_REDIS_URL);
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length > 0) await redis.unlink(...keys);
    } while (cursor !== '0');
  } finally {
    await redis.quit();
  }
}
