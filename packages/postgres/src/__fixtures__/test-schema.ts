import { randomUUID } from 'node:crypto';
import pg from 'pg';

/** The test database: PostgreSQL on this machine unless `SALESOS_TEST_POSTGRES_URL` says otherwise. */
export const connectionString =
  process.env.SALESOS_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/** A schema name of its own for one test file, so runs never see each other's rows. */
export const uniqueSchema = (): string => `salesos_test_${randomUUID().replaceAll('-', '').slice(0, 16)}`;

/** Drops a test schema and everything in it. */
export async function dropSchema(schema: string): Promise<void> {
  const pool = new pg.Pool({ connectionString, max: 1 });
  try {
    await pool.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  } finally {
    await pool.end();
  }
}
