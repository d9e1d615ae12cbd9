/** Options of `Cache.set` and `Cache.getOrSet`. */
export interface CacheSetOptions {
  /** Milliseconds the value lives. Default: the cache's own `ttlMs` (memory cache: none). */
  ttlMs?: number;
}

/**
 * A cache of JSON-compatible values under string keys, with TTLs, namespaces, prefix
 * invalidation and single-flight `getOrSet`.
 *
 * A cache may drop any entry at any time (size limits, restarts); never keep in it what
 * must not be lost. `undefined` cannot be cached: `get` answers `undefined` for a miss.
 *
 * Implementations: `createMemoryCache()` (lru-cache), `@salesos/redis`. Each passes
 * `describeCacheConformance` from `@salesos/core/testing`.
 *
 * @example
 * ```ts
 * const people = cache.namespace('apollo:people');
 * const person = await people.getOrSet(email, () => lookUpPerson(email), { ttlMs: 3_600_000 });
 * ```
 */
export interface Cache {
  /** The value under `key`, or `undefined` when missing or expired. */
  get<T = unknown>(key: string): Promise<T | undefined>;
  /** Stores `value` under `key`, replacing what was there. */
  set<T = unknown>(key: string, value: T, options?: CacheSetOptions): Promise<void>;
  /** Removes `key`; answers whether it was there. */
  delete(key: string): Promise<boolean>;
  /** Removes every key that starts with `prefix` (in this namespace); answers how many. */
  deletePrefix(prefix: string): Promise<number>;
  /**
   * The cached value of `key`, or the value `factory` makes, stored with `options`.
   * Single-flight: concurrent misses of one key in this process share one `factory` call.
   * A factory that throws caches nothing and the error reaches every waiting caller.
   */
  getOrSet<T>(key: string, factory: () => Promise<T> | T, options?: CacheSetOptions): Promise<T>;
  /**
   * A view whose keys live under `name` (nested namespaces add up). `clear()` and
   * `deletePrefix()` on it touch only its own keys.
   */
  namespace(name: string): Cache;
  /** Removes every key of this cache (or of this namespace). */
  clear(): Promise<void>;
}
