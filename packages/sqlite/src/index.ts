// @salesos/sqlite: core's Storage on a SQLite file through node:sqlite.

export { createSqliteStorage, type SqliteStorage, type SqliteStorageOptions } from './sqlite-storage.ts';
export { VERSION } from './version.ts';
