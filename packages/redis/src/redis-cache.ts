import { type Cache, type CacheSetOptions, ConfigError } from '@salesos/core';
import { closeClient, escapeGlob, openClient } from './internal/connection.ts';
import type { RedisConnection } from './redis-connection.ts';

/** Options of `createRedisCache`. */
export interface RedisCacheOptions {
  /** Where Redis is: an ioredis client (shared, never closed here), ioredis options, or a `redis://` URL. Required. */
  connection: RedisConnection;
  /** Prefix of every key the cache writes. Default `'salesos:cache:'`. */
  prefix?: string;
  /** Default time to live of an entry, in milliseconds. Default: no expiry (Redis' eviction policy applies). */
  ttlMs?: number;
}

/** A `Cache` in Redis, with `close()` for the connection it opened. */
export interface RedisCache extends Cache {
  /** Closes the connection the cache opened (a client that was given stays open). Views close with it. */
  close(): Promise<void>;
}

// As in the memory cache: a namespace ends with NAMESPACE_END and a key starts with KEY_START,
// so namespaces and keys never collide and `deletePrefix` never reaches into a child namespace.
const NAMESPACE_END = '\u001f';
const KEY_START = '\u001e';

const checkTtl = (ttlMs: number | undefined, where: string) => {
  if (ttlMs !== undefined && !(Number.isFinite(ttlMs) && ttlMs > 0)) {
    throw new ConfigError(`${where}: ttlMs must be a number of milliseconds > 0, got ${String(ttlMs)}.`);
  }
};

/**
 * Creates a `Cache` in Redis on ioredis: JSON values, TTLs (`PX`), namespaces, prefix
 * invalidation (`SCAN` + `UNLINK`) and single-flight `getOrSet` within this process. Every
 * process pointing at the same Redis and `prefix` shares the entries.
 *
 * @example
 * ```ts
 * import { createRedisCache } from '@salesos/redis';
 *
 * const cache = createRedisCache({ connection: 'redis://127.0.0.1:6379', ttlMs: 3_600_000 });
 * const people = cache.namespace('apollo:people');
 * const person = await people.getOrSet('ada@example.com', () => apollo.people.match({ email: 'ada@example.com' }));
 * ```
 */
export function createRedisCache(options: RedisCacheOptions): RedisCache {
  if (options?.connection === undefined || options.connection === null) {
    throw new ConfigError(
      'createRedisCache: "connection" is required (an ioredis client, options or a URL).',
    );
  }
  const prefix = options.prefix ?? 'salesos:cache:';
  // An empty prefix would let clear() delete every key of the Redis database.
  if (typeof prefix !== 'string' || prefix.length === 0) {
    throw new ConfigError('createRedisCache: "prefix" must be a non-empty string.');
  }
  checkTtl(options.ttlMs, 'createRedisCache');
  const opened = openClient(options.connection);
  const redis = opened.client;
  if (opened.owned) redis.on('error', () => undefined);
  const inflight = new Map<string, Promise<unknown>>();

  const write = async (fullKey: string, value: unknown, ttlMs: number | undefined) => {
    if (value === undefined) return;
    const text = JSON.stringify(value);
    if (text === undefined) return;
    if (ttlMs === undefined) await redis.set(fullKey, text);
    else await redis.set(fullKey, text, 'PX', Math.ceil(ttlMs));
  };

  const read = async <T>(fullKey: string): Promise<T | undefined> => {
    const text = await redis.get(fullKey);
    return text === null ? undefined : (JSON.parse(text) as T);
  };

  const deleteMatching = async (pattern: string): Promise<number> => {
    let cursor = '0';
    let removed = 0;
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
      cursor = next;
      if (keys.length > 0) removed += await redis.unlink(...keys);
    } while (cursor !== '0');
    return removed;
  };

  const view = (scope: string): Cache => {
    const full = (key: string) => `${prefix}${scope}${KEY_START}${key}`;
    const ttlOf = (setOptions: CacheSetOptions | undefined) => setOptions?.ttlMs ?? options.ttlMs;
    return {
      get: <T>(key: string) => read<T>(full(key)),
      async set(key, value, setOptions) {
        checkTtl(setOptions?.ttlMs, 'cache.set');
        await write(full(key), value, ttlOf(setOptions));
      },
      async delete(key) {
        return (await redis.del(full(key))) > 0;
      },
      deletePrefix: (keyPrefix) => deleteMatching(`${escapeGlob(full(keyPrefix))}*`),
      async getOrSet<T>(
        key: string,
        factory: () => Promise<T> | T,
        setOptions?: CacheSetOptions,
      ): Promise<T> {
        checkTtl(setOptions?.ttlMs, 'cache.getOrSet');
        const fullKey = full(key);
        const found = await read<T>(fullKey);
        if (found !== undefined) return found;
        let running = inflight.get(fullKey) as Promise<T> | undefined;
        if (!running) {
          running = (async () => {
            try {
              const value = await factory();
              await write(fullKey, value, ttlOf(setOptions));
              return value;
            } finally {
              inflight.delete(fullKey);
            }
          })();
          inflight.set(fullKey, running);
        }
        // Every caller gets its own copy, as if it had read the value from Redis.
        const value = await running;
        return value === undefined ? value : (JSON.parse(JSON.stringify(value)) as T);
      },
      namespace(name) {
        if (
          typeof name !== 'string' ||
          name.length === 0 ||
          name.includes(NAMESPACE_END) ||
          name.includes(KEY_START)
        ) {
          throw new ConfigError(
            'cache.namespace: name must be a non-empty string without control separators.',
          );
        }
        return view(`${scope}${name}${NAMESPACE_END}`);
      },
      async clear() {
        await deleteMatching(`${escapeGlob(`${prefix}${scope}`)}*`);
      },
    };
  };

  return {
    ...view(''),
    close: () => closeClient(opened),
  };
}
