import { DatabaseSync, type StatementSync } from 'node:sqlite';
import {
  type AtomicCheck,
  type AtomicOperation,
  type Clock,
  type CommitResult,
  type CommitSuccess,
  ConfigError,
  createAtomicOperation,
  createListIterator,
  decodeKey,
  type Entry,
  type EntryMaybe,
  encodeKey,
  expiryTime,
  formatVersionstamp,
  type Key,
  type ListIterator,
  type ListOptions,
  type ListSelector,
  parseStorageValue,
  type SetOptions,
  type Storage,
  StorageError,
  serializeStorageValue,
  systemClock,
} from '@salesos/core';

/** Options of `createSqliteStorage`. */
export interface SqliteStorageOptions {
  /**
   * The database file, created when missing. `':memory:'` keeps everything in memory (gone
   * on close). Required.
   */
  path: string;
  /** Name of the table holding the entries. Default `'salesos_kv'` (a second table `<table>_meta` holds the commit counter). */
  table?: string;
  /**
   * How long a write waits for another process holding the database's write lock before it
   * fails with `StorageError`, in milliseconds. The wait blocks the event loop. Default `5000`.
   */
  busyTimeoutMs?: number;
  /**
   * `'normal'` (default): with WAL a committed write survives a crash of the process; a power
   * loss may roll back the last commits. `'full'`: every commit is flushed to disk (slower).
   */
  synchronous?: 'normal' | 'full';
  /**
   * Overwrite deleted and replaced values with zeros in the file (SQLite's `secure_delete`), so
   * erased personal data does not linger in free space. Costs some extra writes; `false` turns it
   * off. Default `true`.
   */
  secureDelete?: boolean;
  /** How often expired entries are deleted, in milliseconds; `0` turns the sweep off. Default `60000`. */
  cleanupIntervalMs?: number;
  /** Time source of `expireIn`. Default `systemClock`; tests pass `createTestClock()`. */
  clock?: Clock;
}

/** A `Storage` on a SQLite database file. */
export interface SqliteStorage extends Storage {
  /** The database file this storage uses. */
  readonly path: string;
  /** Deletes every expired entry now (the periodic sweep does the same); answers how many. */
  cleanup(): Promise<number>;
  /**
   * Copies every committed write from the write-ahead log into the database file and empties
   * the log (`wal_checkpoint(TRUNCATE)`), so a deleted value is gone from both files. SQLite
   * also checkpoints on its own every ~1000 written pages and when the last connection closes.
   * Answers `false` when another process's open read kept part of the log (call it again later).
   * Waits up to `busyTimeoutMs` for other processes, blocking the event loop meanwhile.
   */
  checkpoint(): Promise<boolean>;
}

type Mutation =
  | { type: 'set'; key: Key; value: string; expireIn: number | undefined }
  | { type: 'delete'; key: Key }
  | { type: 'sum'; key: Key; amount: number };

interface Row {
  key: Uint8Array;
  value: string;
  version: number | bigint;
  expires_at: number | null;
}

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;

/**
 * Creates a `Storage` on a SQLite file through `node:sqlite` (built into Node.js; nothing to
 * compile or download). The embedded, durable default: one file, WAL mode, keys stored as
 * order-preserving `BLOB`s so `list` is an index range scan.
 *
 * Every call runs synchronously inside SQLite, so any number of concurrent async callers in
 * one process see each commit whole; `atomic()` is one `BEGIN IMMEDIATE` transaction that
 * checks versions before writing. Several processes may open the same file: writes take
 * turns on SQLite's write lock (see `busyTimeoutMs`). Expired entries are hidden at once and
 * deleted by a periodic sweep.
 *
 * @example
 * ```ts
 * import { createSqliteStorage } from '@salesos/sqlite';
 *
 * const storage = createSqliteStorage({ path: './salesos.db' });
 * await storage.set(['person', 'p1'], { email: 'ada@example.com' });
 * const entry = await storage.get(['person', 'p1']);
 * await storage.close();
 * ```
 */
export function createSqliteStorage(options: SqliteStorageOptions): SqliteStorage {
  if (typeof options?.path !== 'string' || options.path.length === 0) {
    throw new ConfigError('createSqliteStorage: "path" must be a file path or ":memory:".');
  }
  const table = options.table ?? 'salesos_kv';
  if (!IDENTIFIER.test(table)) {
    throw new ConfigError(
      `createSqliteStorage: "table" must be a plain SQL identifier (letters, digits, _), got ${JSON.stringify(table)}.`,
    );
  }
  const busyTimeoutMs = options.busyTimeoutMs ?? 5000;
  const cleanupIntervalMs = options.cleanupIntervalMs ?? 60_000;
  for (const [name, value] of [
    ['busyTimeoutMs', busyTimeoutMs],
    ['cleanupIntervalMs', cleanupIntervalMs],
  ] as const) {
    if (!(Number.isInteger(value) && value >= 0)) {
      throw new ConfigError(`createSqliteStorage: "${name}" must be a whole number of milliseconds >= 0.`);
    }
  }
  const synchronous = options.synchronous ?? 'normal';
  if (synchronous !== 'normal' && synchronous !== 'full') {
    throw new ConfigError('createSqliteStorage: "synchronous" must be "normal" or "full".');
  }
  const secureDelete = options.secureDelete ?? true;
  if (typeof secureDelete !== 'boolean') {
    throw new ConfigError('createSqliteStorage: "secureDelete" must be true or false.');
  }
  const clock = options.clock ?? systemClock;
  const meta = `${table}_meta`;

  const db = openDatabase(options.path, { busyTimeoutMs, synchronous, secureDelete }, table, meta);

  const live = '(expires_at IS NULL OR expires_at > ?)';
  const statements = {
    get: db.prepare(`SELECT value, version FROM ${table} WHERE key = ? AND ${live}`),
    row: db.prepare(`SELECT value, version, expires_at FROM ${table} WHERE key = ? AND ${live}`),
    listAscending: db.prepare(
      `SELECT key, value, version FROM ${table} WHERE key >= ? AND key < ? AND ${live} ORDER BY key ASC LIMIT ?`,
    ),
    listDescending: db.prepare(
      `SELECT key, value, version FROM ${table} WHERE key >= ? AND key < ? AND ${live} ORDER BY key DESC LIMIT ?`,
    ),
    upsert: db.prepare(
      `INSERT INTO ${table} (key, value, version, expires_at) VALUES (?, ?, ?, ?)
       ON CONFLICT (key) DO UPDATE SET value = excluded.value, version = excluded.version, expires_at = excluded.expires_at`,
    ),
    remove: db.prepare(`DELETE FROM ${table} WHERE key = ?`),
    nextVersion: db.prepare(`UPDATE ${meta} SET value = value + 1 WHERE name = 'version' RETURNING value`),
    sweep: db.prepare(`DELETE FROM ${table} WHERE expires_at IS NOT NULL AND expires_at <= ?`),
    checkpoint: db.prepare('PRAGMA wal_checkpoint(TRUNCATE)'),
  } satisfies Record<string, StatementSync>;

  let closed = false;
  const assertOpen = () => {
    if (closed) throw new StorageError(`The SQLite storage at ${options.path} is closed.`);
  };

  /** Runs one statement, turning a SQLite failure into a `StorageError`. */
  const guard = <T>(work: () => T, operation: string): T => {
    assertOpen();
    try {
      return work();
    } catch (error) {
      if (StorageError.isInstance(error)) throw error;
      throw new StorageError(`SQLite could not ${operation}: ${messageOf(error)}`, { cause: error });
    }
  };

  /** Runs `work` in one transaction; rolls back when it throws. */
  const transaction = <T>(mode: 'DEFERRED' | 'IMMEDIATE', work: () => T, operation: string): T => {
    assertOpen();
    try {
      db.exec(`BEGIN ${mode}`);
    } catch (error) {
      throw new StorageError(`SQLite could not ${operation}: ${messageOf(error)}`, { cause: error });
    }
    try {
      const result = work();
      db.exec('COMMIT');
      return result;
    } catch (error) {
      try {
        db.exec('ROLLBACK');
      } catch {
        // Nothing to roll back: SQLite already ended the transaction.
      }
      if (StorageError.isInstance(error)) throw error;
      throw new StorageError(`SQLite could not ${operation}: ${messageOf(error)}`, { cause: error });
    }
  };

  const commit = (checks: readonly AtomicCheck[], mutations: readonly Mutation[]): CommitResult => {
    assertOpen();
    // Encode (and validate) every key before touching the database.
    const encodedChecks = checks.map((check) => ({
      key: encodeKey(check.key),
      versionstamp: check.versionstamp,
    }));
    const encodedMutations = mutations.map((mutation) => ({ mutation, key: encodeKey(mutation.key) }));
    const now = clock.now();
    const expiries = encodedMutations.map(({ mutation }) =>
      mutation.type === 'set' ? expiryTime(mutation.expireIn, now) : null,
    );
    return transaction(
      'IMMEDIATE',
      (): CommitResult => {
        for (const check of encodedChecks) {
          const row = statements.get.get(check.key, now) as Pick<Row, 'version'> | undefined;
          const current = row === undefined ? null : formatVersionstamp(row.version);
          if (current !== check.versionstamp) return { ok: false };
        }
        const bumped = statements.nextVersion.get() as { value: number | bigint };
        const version = bumped.value;
        for (const [index, { mutation, key }] of encodedMutations.entries()) {
          if (mutation.type === 'set') {
            statements.upsert.run(key, mutation.value, version, expiries[index] ?? null);
          } else if (mutation.type === 'delete') {
            statements.remove.run(key);
          } else {
            const row = statements.row.get(key, now) as Omit<Row, 'key'> | undefined;
            const current = row === undefined ? 0 : parseStorageValue<unknown>(row.value);
            if (typeof current !== 'number') {
              throw new StorageError(
                `Cannot sum into ${JSON.stringify(mutation.key)}: the stored value is not a number.`,
              );
            }
            statements.upsert.run(
              key,
              JSON.stringify(current + mutation.amount),
              version,
              row?.expires_at ?? null,
            );
          }
        }
        return { ok: true, versionstamp: formatVersionstamp(version) };
      },
      'commit',
    );
  };

  const toEntry = <T>(key: Key, row: { value: string; version: number | bigint }): Entry<T> => ({
    key,
    value: parseStorageValue<T>(row.value),
    versionstamp: formatVersionstamp(row.version),
  });

  const readOne = <T>(key: Key, encoded: Uint8Array, now: number): EntryMaybe<T> => {
    const row = statements.get.get(encoded, now) as Pick<Row, 'value' | 'version'> | undefined;
    return row === undefined ? { key: [...key], value: null, versionstamp: null } : toEntry<T>([...key], row);
  };

  const sweep = (): number =>
    guard(() => Number(statements.sweep.run(clock.now()).changes), 'delete expired entries');

  const timer =
    cleanupIntervalMs > 0
      ? setInterval(() => {
          try {
            sweep();
          } catch {
            // A busy database is swept on the next round.
          }
        }, cleanupIntervalMs)
      : undefined;
  timer?.unref();

  const storage: SqliteStorage = {
    path: options.path,

    async get<T>(key: Key): Promise<EntryMaybe<T>> {
      assertOpen();
      const encoded = encodeKey(key);
      return guard(() => readOne<T>(key, encoded, clock.now()), 'read');
    },

    async getMany<T>(keys: readonly Key[]): Promise<EntryMaybe<T>[]> {
      assertOpen();
      const encoded = keys.map((key) => encodeKey(key));
      const now = clock.now();
      // One read transaction: a consistent snapshot even while other processes write.
      return transaction(
        'DEFERRED',
        () => encoded.map((bytes, index) => readOne<T>(keys[index] as Key, bytes, now)),
        'read',
      );
    },

    list<T>(selector: ListSelector, listOptions?: ListOptions): ListIterator<T> {
      assertOpen();
      return createListIterator<T>(
        selector,
        listOptions,
        async ({ start, end, reverse, limit }) => {
          assertOpen();
          const statement = reverse ? statements.listDescending : statements.listAscending;
          const rows = guard(
            () => statement.all(start, end, clock.now(), limit) as unknown as Omit<Row, 'expires_at'>[],
            'list',
          );
          return rows.map((row) => toEntry<T>(decodeKey(row.key), row));
        },
        { defaultBatchSize: 500 },
      );
    },

    async set(key: Key, value: unknown, setOptions: SetOptions = {}): Promise<CommitSuccess> {
      expiryTime(setOptions.expireIn, 0);
      return commit(
        [],
        [{ type: 'set', key, value: serializeStorageValue(value, key), expireIn: setOptions.expireIn }],
      ) as CommitSuccess;
    },

    async delete(key: Key): Promise<void> {
      commit([], [{ type: 'delete', key }]);
    },

    atomic(): AtomicOperation {
      return createAtomicOperation({
        prepare: (value, key, expireIn) => {
          expiryTime(expireIn, 0);
          return serializeStorageValue(value, key);
        },
        commit,
      });
    },

    async cleanup() {
      return sweep();
    },

    async checkpoint() {
      const result = guard(
        () => statements.checkpoint.get() as { busy: number; log: number; checkpointed: number },
        'checkpoint the write-ahead log',
      );
      return result.busy === 0 && result.log === result.checkpointed;
    },

    async close() {
      if (closed) return;
      closed = true;
      if (timer) clearInterval(timer);
      db.close();
    },
  };
  return storage;
}

interface Pragmas {
  busyTimeoutMs: number;
  synchronous: 'normal' | 'full';
  secureDelete: boolean;
}

function openDatabase(path: string, pragmas: Pragmas, table: string, meta: string): DatabaseSync {
  let db: DatabaseSync | undefined;
  try {
    db = new DatabaseSync(path);
    // secure_delete is per connection: every process writing the file sets it on open.
    db.exec(
      `PRAGMA busy_timeout = ${pragmas.busyTimeoutMs}; PRAGMA journal_mode = WAL; PRAGMA synchronous = ${pragmas.synchronous.toUpperCase()}; PRAGMA secure_delete = ${pragmas.secureDelete ? 'ON' : 'OFF'};`,
    );
    migrate(db, table, meta);
    return db;
  } catch (error) {
    try {
      db?.close();
    } catch {
      // Never opened.
    }
    throw new StorageError(`Cannot open the SQLite storage at ${path}: ${messageOf(error)}`, {
      cause: error,
    });
  }
}

function migrate(db: DatabaseSync, table: string, meta: string): void {
  db.exec(`
    BEGIN IMMEDIATE;
    CREATE TABLE IF NOT EXISTS ${table} (
      key BLOB PRIMARY KEY NOT NULL,
      value TEXT NOT NULL,
      version INTEGER NOT NULL,
      expires_at INTEGER
    ) WITHOUT ROWID;
    CREATE INDEX IF NOT EXISTS ${table}_expires_at ON ${table} (expires_at) WHERE expires_at IS NOT NULL;
    CREATE TABLE IF NOT EXISTS ${meta} (name TEXT PRIMARY KEY NOT NULL, value INTEGER NOT NULL);
    INSERT OR IGNORE INTO ${meta} (name, value) VALUES ('version', 0), ('schema', 1);
    COMMIT;
  `);
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
