// @salesos/postgres: core's Storage on PostgreSQL.

export {
  createPostgresStorage,
  type PostgresPool,
  type PostgresQuery,
  type PostgresStorage,
  type PostgresStorageOptions,
} from './postgres-storage.ts';
export { VERSION } from './version.ts';
