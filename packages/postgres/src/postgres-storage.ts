import { createHash } from 'node:crypto';
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
  type Logger,
  noopLogger,
  parseStorageValue,
  type SetOptions,
  type Storage,
  StorageError,
  serializeStorageValue,
  systemClock,
} from '@salesos/core';
import { Pool } from 'pg';
import { migrationSql, schemaNames } from './internal/schema.ts';

/** A query as the storage sends it: parameterised, and named so the server keeps its plan. */
export interface PostgresQuery {
  name?: string;
  text: string;
  values?: unknown[];
}

/** What the storage needs of a connection pool. A `pg.Pool` fits as it is. */
export interface PostgresPool {
  query(query: PostgresQuery): Promise<{ rows: unknown[] }>;
}

/** Options of `createPostgresStorage`. Give `connectionString` or `pool`. */
export interface PostgresStorageOptions {
  /**
   * `postgres://user:password@host:5432/database`: the storage opens its own `pg.Pool` and
   * ends it on `close()`. Default: the `PG*` environment variables, as `pg` reads them.
   */
  connectionString?: string;
  /** A pool of your own (`new pg.Pool(...)`), shared with the rest of the application. Never ended by the storage. */
  pool?: PostgresPool;
  /** Connections of the pool the storage opens itself. Default `10`. */
  maxConnections?: number;
  /**
   * `false` sets `synchronous_commit = off` on the connections the storage opens itself: a
   * commit returns before PostgreSQL has flushed it to disk, which is several times faster
   * on slow disks. Atomicity and isolation are unchanged; a crash of the database server
   * (not of your process) can lose the last few hundred milliseconds of commits. For a pool
   * of your own, set it on the pool. Default `true`.
   */
  synchronousCommit?: boolean;
  /** Schema holding the storage's table, created on first use. Default `'salesos'`. */
  schema?: string;
  /** Name of the table (its companions are `<table>_meta` and `<table>_commit`). Default `'kv'`. */
  table?: string;
  /** How often expired entries are deleted, in milliseconds; `0` turns the sweep off. Default `60000`. */
  cleanupIntervalMs?: number;
  /**
   * How many times a call that failed before reaching the database (connection refused or
   * dropped, server restarting, serialization conflict) is tried again. Default `2`.
   */
  maxRetries?: number;
  /** Time source of `expireIn`. Default `systemClock`. */
  clock?: Clock;
  /** Where connection errors of an idle pooled client and sweep failures are logged. Default: silent. */
  logger?: Logger;
}

/** A `Storage` on a PostgreSQL table. */
export interface PostgresStorage extends Storage {
  /** Creates the schema, table and commit function now instead of on first use. */
  migrate(): Promise<void>;
  /** Deletes every expired entry now (the periodic sweep does the same); answers how many. */
  cleanup(): Promise<number>;
}

type Mutation =
  | { type: 'set'; key: Key; value: string; expireIn: number | undefined }
  | { type: 'delete'; key: Key }
  | { type: 'sum'; key: Key; amount: number };

interface Row {
  key: Buffer;
  value: string;
  version: string;
}

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]{0,47}$/;
const VERSIONSTAMP = /^[0-9a-f]{20}$/;
const NOT_A_NUMBER = 'SO001';

/**
 * Creates a `Storage` on PostgreSQL through `pg`. Its schema, table and commit function are
 * created on first use. Keys are stored as order-preserving `bytea`, so `list` is a range
 * scan of the primary key index; values are JSON text; `expireIn` sets `expires_at`, expired
 * rows are hidden at once and deleted by a periodic sweep.
 *
 * `atomic()` runs as one server-side function call, one transaction: it takes the storage's
 * commit lock, evaluates the checks against the latest committed state and applies the
 * mutations. Commits from any number of processes therefore never lose an update, and
 * versionstamps rise in commit order.
 *
 * @example
 * ```ts
 * import { createPostgresStorage } from '@salesos/postgres';
 *
 * const storage = createPostgresStorage({ connectionString: process.env.DATABASE_URL, schema: 'salesos' });
 * await storage.set(['person', 'p1'], { email: 'ada@example.com' });
 * for await (const entry of storage.list({ prefix: ['person'] })) console.log(entry.key, entry.value);
 * await storage.close();
 * ```
 */
export function createPostgresStorage(options: PostgresStorageOptions = {}): PostgresStorage {
  if (options.pool !== undefined && options.connectionString !== undefined) {
    throw new ConfigError('createPostgresStorage: give "connectionString" or "pool", not both.');
  }
  if (options.pool !== undefined && options.synchronousCommit !== undefined) {
    throw new ConfigError(
      'createPostgresStorage: "synchronousCommit" applies to the pool the storage opens; set it on your own pool instead.',
    );
  }
  if (options.pool !== undefined && typeof options.pool?.query !== 'function') {
    throw new ConfigError('createPostgresStorage: "pool" must be a pg.Pool (an object with query()).');
  }
  const schema = options.schema ?? 'salesos';
  const table = options.table ?? 'kv';
  for (const [label, value] of [
    ['schema', schema],
    ['table', table],
  ] as const) {
    if (typeof value !== 'string' || !IDENTIFIER.test(value)) {
      throw new ConfigError(
        `createPostgresStorage: "${label}" must be a plain identifier (letters, digits, _; at most 48), got ${JSON.stringify(value)}.`,
      );
    }
  }
  const cleanupIntervalMs = options.cleanupIntervalMs ?? 60_000;
  const maxRetries = options.maxRetries ?? 2;
  for (const [label, value] of [
    ['cleanupIntervalMs', cleanupIntervalMs],
    ['maxRetries', maxRetries],
  ] as const) {
    if (!(Number.isInteger(value) && value >= 0)) {
      throw new ConfigError(`createPostgresStorage: "${label}" must be a whole number >= 0.`);
    }
  }
  const clock = options.clock ?? systemClock;
  const logger = options.logger ?? noopLogger;
  const names = schemaNames(schema, table);
  const where = `PostgreSQL storage ${schema}.${table}`;

  let ownPool: Pool | undefined;
  let pool: PostgresPool;
  if (options.pool) {
    pool = options.pool;
  } else {
    ownPool = new Pool({
      ...(options.connectionString === undefined ? {} : { connectionString: options.connectionString }),
      max: options.maxConnections ?? 10,
      application_name: 'salesos-storage',
      ...(options.synchronousCommit === false ? { options: '-c synchronous_commit=off' } : {}),
    });
    // An idle client whose server went away: pg drops it from the pool; without a listener the process would crash.
    ownPool.on('error', (error) => {
      logger.warn(
        { err: describe(error) },
        `${where}: an idle connection failed; it was dropped from the pool`,
      );
    });
    pool = ownPool;
  }

  // Statement names are per connection; the hash keeps storages on other tables apart.
  const statementPrefix = `salesos_${createHash('sha1').update(`${schema}.${table}`).digest('hex').slice(0, 12)}`;
  const live = '(expires_at IS NULL OR expires_at > $2)';
  const sql = {
    get: {
      name: `${statementPrefix}_get`,
      text: `SELECT value, version FROM ${names.table} WHERE key = $1 AND ${live}`,
    },
    getMany: {
      name: `${statementPrefix}_get_many`,
      text: `SELECT key, value, version FROM ${names.table} WHERE key = ANY($1::bytea[]) AND ${live}`,
    },
    listAscending: {
      name: `${statementPrefix}_list_asc`,
      text: `SELECT key, value, version FROM ${names.table}
        WHERE key >= $1 AND key < $3 AND ${live} ORDER BY key ASC LIMIT $4`,
    },
    listDescending: {
      name: `${statementPrefix}_list_desc`,
      text: `SELECT key, value, version FROM ${names.table}
        WHERE key >= $1 AND key < $3 AND ${live} ORDER BY key DESC LIMIT $4`,
    },
    commit: {
      name: `${statementPrefix}_commit`,
      text: `SELECT ${names.commit}($1::bytea[], $2::bigint[], $3::text[], $4::bytea[], $5::text[], $6::bigint[], $7::float8[], $8::bigint) AS version`,
    },
    sweep: {
      name: `${statementPrefix}_sweep`,
      text: `DELETE FROM ${names.table} WHERE expires_at IS NOT NULL AND expires_at <= $1`,
    },
  };

  let closed = false;
  let migration: Promise<void> | undefined;

  const assertOpen = () => {
    if (closed) throw new StorageError(`The ${where} is closed.`);
  };

  const migrate = (): Promise<void> => {
    migration ??= run({ text: migrationSql(schema, table) }, 'create its table', 'safe').then(
      () => undefined,
      (error: unknown) => {
        // Try again on the next call: the server may be back by then.
        migration = undefined;
        throw error;
      },
    );
    return migration;
  };

  /**
   * Sends one query, retrying failures that happened before the query could take effect.
   * `safe` queries (reads) are also retried when the connection dropped mid-way.
   */
  const run = async (query: PostgresQuery, operation: string, retry: 'safe' | 'commit') => {
    for (let attempt = 0; ; attempt += 1) {
      assertOpen();
      try {
        return await pool.query(query);
      } catch (error) {
        const kind = classify(error);
        const retryable = kind === 'not-applied' || (kind === 'connection-lost' && retry === 'safe');
        if (retryable && attempt < maxRetries && !closed) {
          await clock.sleep(50 * 4 ** attempt);
          continue;
        }
        if (StorageError.isInstance(error)) throw error;
        if ((error as { code?: unknown }).code === NOT_A_NUMBER) throw error;
        throw new StorageError(failureMessage(where, operation, kind, retry, error), { cause: error });
      }
    }
  };

  const read = async (query: PostgresQuery, operation: string) => {
    assertOpen();
    await migrate();
    return (await run(query, operation, 'safe')).rows as Row[];
  };

  const commit = async (
    checks: readonly AtomicCheck[],
    mutations: readonly Mutation[],
  ): Promise<CommitResult> => {
    assertOpen();
    // Encode (and validate) every key before touching the database.
    const checkKeys = checks.map((check) => Buffer.from(encodeKey(check.key)));
    const checkVersions = checks.map((check) =>
      check.versionstamp === null
        ? null
        : // A versionstamp this storage never gave matches no row: -1 makes the check fail.
          typeof check.versionstamp === 'string' && VERSIONSTAMP.test(check.versionstamp)
          ? BigInt(`0x${check.versionstamp}`).toString()
          : '-1',
    );
    const keys = mutations.map((mutation) => Buffer.from(encodeKey(mutation.key)));
    const now = clock.now();
    const values = {
      kinds: mutations.map((mutation) => mutation.type),
      vals: mutations.map((mutation) => (mutation.type === 'set' ? mutation.value : null)),
      expires: mutations.map((mutation) =>
        mutation.type === 'set' ? expiryTime(mutation.expireIn, now) : null,
      ),
      amounts: mutations.map((mutation) => (mutation.type === 'sum' ? mutation.amount : null)),
    };
    await migrate();
    let rows: unknown[];
    try {
      ({ rows } = await run(
        {
          ...sql.commit,
          values: [
            checkKeys,
            checkVersions,
            values.kinds,
            keys,
            values.vals,
            values.expires,
            values.amounts,
            now,
          ],
        },
        'commit',
        'commit',
      ));
    } catch (error) {
      if ((error as { code?: unknown }).code === NOT_A_NUMBER) {
        const position = Number((error as { detail?: unknown }).detail) - 1;
        const key = mutations[position]?.key;
        throw new StorageError(
          `Cannot sum into ${JSON.stringify(key ?? null)}: the stored value is not a number.`,
          { cause: error },
        );
      }
      throw error;
    }
    const version = (rows[0] as { version: string | null } | undefined)?.version ?? null;
    return version === null ? { ok: false } : { ok: true, versionstamp: formatVersionstamp(BigInt(version)) };
  };

  const toEntry = <T>(key: Key, row: Pick<Row, 'value' | 'version'>): Entry<T> => ({
    key,
    value: parseStorageValue<T>(row.value),
    versionstamp: formatVersionstamp(BigInt(row.version)),
  });

  const sweep = async (): Promise<number> => {
    assertOpen();
    await migrate();
    const result = (await run({ ...sql.sweep, values: [clock.now()] }, 'delete expired entries', 'safe')) as {
      rowCount?: number | null;
    };
    return result.rowCount ?? 0;
  };

  const timer =
    cleanupIntervalMs > 0
      ? setInterval(() => {
          if (closed) return;
          sweep().catch((error: unknown) => {
            logger.warn(
              { err: describe(error) },
              `${where}: deleting expired entries failed; retrying next round`,
            );
          });
        }, cleanupIntervalMs)
      : undefined;
  timer?.unref();

  const storage: PostgresStorage = {
    async get<T>(key: Key): Promise<EntryMaybe<T>> {
      const encoded = Buffer.from(encodeKey(key));
      const [row] = await read({ ...sql.get, values: [encoded, clock.now()] }, 'read');
      return row === undefined
        ? { key: [...key], value: null, versionstamp: null }
        : toEntry<T>([...key], row);
    },

    async getMany<T>(keys: readonly Key[]): Promise<EntryMaybe<T>[]> {
      const encoded = keys.map((key) => Buffer.from(encodeKey(key)));
      if (encoded.length === 0) {
        assertOpen();
        return [];
      }
      // One statement: one snapshot.
      const rows = await read({ ...sql.getMany, values: [encoded, clock.now()] }, 'read');
      const found = new Map(rows.map((row) => [row.key.toString('hex'), row]));
      return encoded.map((bytes, index) => {
        const key = [...(keys[index] as Key)];
        const row = found.get(bytes.toString('hex'));
        return row === undefined ? { key, value: null, versionstamp: null } : toEntry<T>(key, row);
      });
    },

    list<T>(selector: ListSelector, listOptions?: ListOptions): ListIterator<T> {
      assertOpen();
      return createListIterator<T>(
        selector,
        listOptions,
        async ({ start, end, reverse, limit }) => {
          const statement = reverse ? sql.listDescending : sql.listAscending;
          const rows = await read(
            { ...statement, values: [Buffer.from(start), clock.now(), Buffer.from(end), limit] },
            'list',
          );
          // A plain Uint8Array copy: pg hands out Buffers that are views into a shared pool.
          return rows.map((row) => toEntry<T>(decodeKey(new Uint8Array(row.key)), row));
        },
        { defaultBatchSize: 500 },
      );
    },

    async set(key: Key, value: unknown, setOptions: SetOptions = {}): Promise<CommitSuccess> {
      expiryTime(setOptions.expireIn, 0);
      return (await commit(
        [],
        [{ type: 'set', key, value: serializeStorageValue(value, key), expireIn: setOptions.expireIn }],
      )) as CommitSuccess;
    },

    async delete(key: Key): Promise<void> {
      await commit([], [{ type: 'delete', key }]);
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

    async migrate() {
      assertOpen();
      await migrate();
    },

    cleanup: sweep,

    async close() {
      if (closed) return;
      closed = true;
      if (timer) clearInterval(timer);
      await ownPool?.end();
    },
  };
  return storage;
}

type FailureKind = 'not-applied' | 'connection-lost' | 'other';

/**
 * Sorts a failure by what it says about the query: `not-applied` when it certainly had no
 * effect (no connection, server shutting down or starting, serialization conflict),
 * `connection-lost` when the connection dropped while the query was under way.
 */
function classify(error: unknown): FailureKind {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string') {
    if (['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT'].includes(code)) return 'not-applied';
    // 40001 serialization failure, 40P01 deadlock, 57P01-03 shutdown / restart, 08xxx connection exceptions.
    if (['40001', '40P01', '57P01', '57P02', '57P03'].includes(code) || code.startsWith('08'))
      return 'not-applied';
    if (['ECONNRESET', 'EPIPE'].includes(code)) return 'connection-lost';
  }
  const message = error instanceof Error ? error.message : '';
  if (/Connection terminated|connection timeout|Client has encountered a connection error/i.test(message)) {
    return 'connection-lost';
  }
  return 'other';
}

function failureMessage(
  where: string,
  operation: string,
  kind: FailureKind,
  retry: 'safe' | 'commit',
  error: unknown,
): string {
  const reason = error instanceof Error ? error.message : String(error);
  if (kind === 'connection-lost' && retry === 'commit') {
    return `The ${where} lost its connection during a commit; the commit may or may not have been applied (${reason}). Read the keys again before retrying.`;
  }
  if (kind !== 'other') return `The ${where} could not reach PostgreSQL to ${operation}: ${reason}`;
  return `The ${where} could not ${operation}: ${reason}`;
}

function describe(error: unknown): Record<string, unknown> {
  return error instanceof Error
    ? { name: error.name, message: error.message, code: (error as { code?: unknown }).code }
    : { message: String(error) };
}
