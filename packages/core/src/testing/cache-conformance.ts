import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Cache } from '../cache/cache.ts';
import { kitArguments } from '../internal/kit-arguments.ts';

/** A cache under test and how to dispose of it. */
export interface CacheUnderTest {
  cache: Cache;
  /** Runs after each test. */
  cleanup?: () => Promise<void> | void;
}

/**
 * Makes the cache for one test. It may share a server with other tests: every test works
 * in its own random namespace.
 */
export type CacheFactory = () => Cache | CacheUnderTest | Promise<Cache | CacheUnderTest>;

/** Tuning of `describeCacheConformance`. */
export interface CacheConformanceOptions {
  /** TTL used by the expiry tests, in milliseconds; the tests wait about 2.5× this. Default `100`. */
  ttlMs?: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function make(factory: CacheFactory): Promise<Required<CacheUnderTest>> {
  const made = await factory();
  if ('cache' in made && typeof made.cache === 'object' && made.cache !== null) {
    return { cache: made.cache, cleanup: made.cleanup ?? (() => undefined) };
  }
  return { cache: made as Cache, cleanup: () => undefined };
}

/**
 * Registers a vitest suite that checks a `Cache` implementation against the contract:
 * get/set/delete, copies, TTL expiry, `deletePrefix`, namespace isolation and `clear()`,
 * and single-flight `getOrSet` (ten concurrent misses call the factory once; a failing
 * factory caches nothing).
 *
 * The suite is named `Cache conformance`, or `<name> (Cache conformance)` when you pass a
 * `name` first (useful when one file runs the kit against several setups).
 *
 * @example
 * ```ts
 * import { createMemoryCache } from '@salesos/core';
 * import { describeCacheConformance } from '@salesos/core/testing';
 *
 * describeCacheConformance(() => createMemoryCache());
 * ```
 *
 * @example Named, with a cleanup and options
 * ```ts
 * describeCacheConformance('createRedisCache', () => {
 *   const redis = new Redis();
 *   return { cache: createRedisCache({ redis }), cleanup: () => redis.quit() };
 * }, { ttlMs: 200 });
 * ```
 */
export function describeCacheConformance(factory: CacheFactory, options?: CacheConformanceOptions): void;
/**
 * The same suite as `describeCacheConformance(factory, options?)`, registered under
 * `<name> (Cache conformance)`.
 *
 * @example
 * ```ts
 * describeCacheConformance('createMemoryCache', () => createMemoryCache());
 * ```
 */
export function describeCacheConformance(
  name: string,
  factory: CacheFactory,
  options?: CacheConformanceOptions,
): void;
export function describeCacheConformance(
  nameOrFactory: string | CacheFactory,
  factoryOrOptions?: CacheFactory | CacheConformanceOptions,
  namedOptions?: CacheConformanceOptions,
): void {
  const { title, factory, options } = kitArguments<CacheFactory, CacheConformanceOptions>(
    'Cache',
    nameOrFactory,
    factoryOrOptions,
    namedOptions,
  );
  const ttlMs = options.ttlMs ?? 100;

  describe(title, () => {
    let cache: Cache;
    let cleanup: () => Promise<void> | void;

    beforeEach(async () => {
      const made = await make(factory);
      cache = made.cache.namespace(`conformance-${randomUUID()}`);
      cleanup = made.cleanup;
    });

    afterEach(async () => {
      await cache.clear();
      await cleanup();
    });

    it('answers undefined for a key never set', async () => {
      expect(await cache.get('missing')).toBeUndefined();
    });

    it('stores JSON values and replaces them', async () => {
      const value = { name: 'Acme', domains: ['acme.com'], employees: 40, public: false, parent: null };
      await cache.set('company', value);
      expect(await cache.get('company')).toEqual(value);
      await cache.set('company', 'replaced');
      expect(await cache.get('company')).toBe('replaced');
      for (const scalar of [0, '', false, null, [1, 2]]) {
        await cache.set('scalar', scalar);
        expect(await cache.get('scalar')).toEqual(scalar);
      }
    });

    it('copies values: changing an object after set or get changes nothing cached', async () => {
      const value = { list: [1] };
      await cache.set('copy', value);
      value.list.push(2);
      const read = await cache.get<{ list: number[] }>('copy');
      read?.list.push(3);
      expect(await cache.get('copy')).toEqual({ list: [1] });
    });

    it('deletes a key and says whether it was there', async () => {
      await cache.set('gone', 1);
      expect(await cache.delete('gone')).toBe(true);
      expect(await cache.get('gone')).toBeUndefined();
      expect(await cache.delete('gone')).toBe(false);
    });

    it('expires a value after its ttlMs', async () => {
      await cache.set('short', 'soon gone', { ttlMs });
      await cache.set('long', 'stays');
      expect(await cache.get('short')).toBe('soon gone');
      await sleep(ttlMs * 2.5);
      expect(await cache.get('short')).toBeUndefined();
      expect(await cache.get('long')).toBe('stays');
    });

    it('deletes every key with a prefix, and only those', async () => {
      await cache.set('person:1', 1);
      await cache.set('person:2', 2);
      await cache.set('company:1', 3);
      await cache.namespace('person:').set('x', 4);
      expect(await cache.deletePrefix('person:')).toBe(2);
      expect(await cache.get('person:1')).toBeUndefined();
      expect(await cache.get('company:1')).toBe(3);
      expect(await cache.namespace('person:').get('x')).toBe(4);
    });

    it('keeps namespaces apart, and clear() empties only its own namespace', async () => {
      const left = cache.namespace('left');
      const right = cache.namespace('right');
      const nested = left.namespace('inner');
      await cache.set('key', 'root');
      await left.set('key', 'left');
      await right.set('key', 'right');
      await nested.set('key', 'nested');
      expect([
        await cache.get('key'),
        await left.get('key'),
        await right.get('key'),
        await nested.get('key'),
      ]).toEqual(['root', 'left', 'right', 'nested']);
      await left.clear();
      expect(await left.get('key')).toBeUndefined();
      expect(await nested.get('key')).toBeUndefined();
      expect(await right.get('key')).toBe('right');
      expect(await cache.get('key')).toBe('root');
      await cache.clear();
      expect(await right.get('key')).toBeUndefined();
      expect(await cache.get('key')).toBeUndefined();
    });

    it('calls the factory once for ten concurrent misses of one key', async () => {
      let calls = 0;
      const factory = async () => {
        calls += 1;
        await sleep(20);
        return { made: calls };
      };
      const values = await Promise.all(Array.from({ length: 10 }, () => cache.getOrSet('single', factory)));
      expect(calls).toBe(1);
      for (const value of values) expect(value).toEqual({ made: 1 });
      expect(await cache.getOrSet('single', factory)).toEqual({ made: 1 });
      expect(calls).toBe(1);
    });

    it('caches nothing when the factory throws, and hands the error to every caller', async () => {
      let calls = 0;
      const failing = async (): Promise<string> => {
        calls += 1;
        await sleep(10);
        throw new Error('enrichment failed');
      };
      const results = await Promise.allSettled(
        Array.from({ length: 5 }, () => cache.getOrSet('flaky', failing)),
      );
      expect(calls).toBe(1);
      for (const result of results) expect(result.status).toBe('rejected');
      expect(await cache.get('flaky')).toBeUndefined();
      expect(await cache.getOrSet('flaky', () => 'recovered')).toBe('recovered');
      expect(await cache.get('flaky')).toBe('recovered');
    });

    it('expires a value made by getOrSet after its ttlMs', async () => {
      let calls = 0;
      const factory = () => {
        calls += 1;
        return calls;
      };
      expect(await cache.getOrSet('ttl', factory, { ttlMs })).toBe(1);
      expect(await cache.getOrSet('ttl', factory, { ttlMs })).toBe(1);
      await sleep(ttlMs * 2.5);
      expect(await cache.getOrSet('ttl', factory, { ttlMs })).toBe(2);
    });
  });
}
