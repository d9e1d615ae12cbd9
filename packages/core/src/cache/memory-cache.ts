import { LRUCache } from 'lru-cache';
import { type Clock, systemClock } from '../clock/clock.ts';
import { ConfigError } from '../errors/client-errors.ts';
import type { Cache, CacheSetOptions } from './cache.ts';

/** Options of `createMemoryCache`. */
export interface MemoryCacheOptions {
  /** Most entries kept; the least recently used go first. Default `10_000`. */
  max?: number;
  /** Default time to live of an entry, in milliseconds. Default: no expiry. */
  ttlMs?: number;
  /** Time source of TTLs. Default `systemClock`; tests pass `createTestClock()`. */
  clock?: Clock;
}

// Namespaces end with NAMESPACE_END; keys start with KEY_START, so a namespace never
// collides with a key and `deletePrefix` never reaches into a child namespace.
const NAMESPACE_END = '\u001f';
const KEY_START = '\u001e';

const copy = <T>(value: T): T =>
  typeof value === 'object' && value !== null ? structuredClone(value) : value;

const checkTtl = (ttlMs: number | undefined, where: string) => {
  if (ttlMs !== undefined && !(Number.isFinite(ttlMs) && ttlMs > 0)) {
    throw new ConfigError(`${where}: ttlMs must be a number of milliseconds > 0, got ${String(ttlMs)}.`);
  }
};

/**
 * Creates an in-process `Cache` on lru-cache: bounded by `max` entries, with TTLs,
 * namespaces, prefix invalidation and single-flight `getOrSet`. Values are copied in and out.
 *
 * @example
 * ```ts
 * const cache = createMemoryCache({ max: 5_000, ttlMs: 60_000 });
 * const company = await cache.namespace('companies').getOrSet('acme.com', () => enrichCompany('acme.com'));
 * ```
 */
export function createMemoryCache(options: MemoryCacheOptions = {}): Cache {
  const max = options.max ?? 10_000;
  if (!Number.isInteger(max) || max < 1) {
    throw new ConfigError(`createMemoryCache: max must be a positive integer, got ${String(max)}.`);
  }
  checkTtl(options.ttlMs, 'createMemoryCache');
  const clock = options.clock ?? systemClock;
  const store = new LRUCache<string, { value: unknown }>({
    max,
    ...(options.ttlMs === undefined ? {} : { ttl: options.ttlMs }),
    perf: { now: () => clock.now() },
    ttlResolution: 0,
  });
  const inflight = new Map<string, Promise<unknown>>();

  const view = (scope: string): Cache => {
    const full = (key: string) => `${scope}${KEY_START}${key}`;
    const set = (key: string, value: unknown, setOptions: CacheSetOptions = {}) => {
      checkTtl(setOptions.ttlMs, 'cache.set');
      if (value === undefined) return;
      store.set(
        full(key),
        { value: copy(value) },
        setOptions.ttlMs === undefined ? {} : { ttl: setOptions.ttlMs },
      );
    };
    const removeWhere = (test: (stored: string) => boolean): number => {
      let removed = 0;
      for (const stored of [...store.keys()]) {
        if (test(stored) && store.delete(stored)) removed += 1;
      }
      return removed;
    };

    return {
      async get<T>(key: string) {
        const found = store.get(full(key));
        return found === undefined ? undefined : copy(found.value as T);
      },
      async set(key, value, setOptions) {
        set(key, value, setOptions);
      },
      async delete(key) {
        return store.delete(full(key));
      },
      async deletePrefix(prefix) {
        const start = full(prefix);
        return removeWhere((stored) => stored.startsWith(start));
      },
      async getOrSet<T>(
        key: string,
        factory: () => Promise<T> | T,
        setOptions?: CacheSetOptions,
      ): Promise<T> {
        const fullKey = full(key);
        const found = store.get(fullKey);
        if (found !== undefined) return copy(found.value as T);
        const running = inflight.get(fullKey);
        if (running) return copy((await running) as T);
        const made = (async () => {
          try {
            const value = await factory();
            set(key, value, setOptions);
            return value;
          } finally {
            inflight.delete(fullKey);
          }
        })();
        inflight.set(fullKey, made);
        return copy(await made);
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
        if (scope === '') {
          store.clear();
          return;
        }
        removeWhere((stored) => stored.startsWith(scope));
      },
    };
  };

  return view('');
}
