import { ConfigError } from '@salesos/core';
import { describeCacheConformance } from '@salesos/core/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { deleteKeys, killClients, TEST_REDIS_URL, testRedis, uniquePrefix } from './internal/test-redis.ts';
import { createRedisCache } from './redis-cache.ts';

const redis = testRedis();
const prefix = `${uniquePrefix('cache')}:`;

afterAll(async () => {
  await deleteKeys(redis, prefix);
  await redis.quit();
});

describeCacheConformance('createRedisCache', () => {
  const cache = createRedisCache({ connection: TEST_REDIS_URL, prefix });
  return { cache, cleanup: () => cache.close() };
});

describeCacheConformance('createRedisCache on a shared client', () => ({
  cache: createRedisCache({ connection: redis, prefix }),
}));

describe('createRedisCache', () => {
  it('shares entries between caches on the same prefix, as between processes', async () => {
    const left = createRedisCache({ connection: TEST_REDIS_URL, prefix });
    const right = createRedisCache({ connection: TEST_REDIS_URL, prefix });
    await left.namespace('shared').set('acme.com', { employees: 40 });
    expect(await right.namespace('shared').get('acme.com')).toEqual({ employees: 40 });
    await right.namespace('shared').clear();
    expect(await left.namespace('shared').get('acme.com')).toBeUndefined();
    await left.close();
    await right.close();
  });

  it('applies the default ttlMs in Redis, and a per-call ttlMs over it', async () => {
    const cache = createRedisCache({ connection: redis, prefix, ttlMs: 60_000 });
    const scoped = cache.namespace('ttl');
    await scoped.set('default', 1);
    await scoped.set('own', 1, { ttlMs: 5_000 });
    const ttl = async (key: string) => redis.pttl(`${prefix}ttl\u001f\u001e${key}`);
    expect(await ttl('default')).toBeGreaterThan(5_000);
    expect(await ttl('own')).toBeLessThanOrEqual(5_000);
    await scoped.clear();
  });

  it('treats glob characters in prefixes literally', async () => {
    const cache = createRedisCache({ connection: redis, prefix }).namespace('globs');
    await cache.set('a*1', 1);
    await cache.set('ab', 2);
    await cache.set('a?', 3);
    expect(await cache.deletePrefix('a*')).toBe(1);
    expect(await cache.deletePrefix('a?')).toBe(1);
    expect(await cache.get('ab')).toBe(2);
    await cache.clear();
  });

  it('reconnects when Redis drops its connection', async () => {
    const tag = uniquePrefix('dropped');
    const url = new URL(TEST_REDIS_URL);
    const cache = createRedisCache({
      connection: { host: url.hostname, port: Number(url.port || 6379), connectionName: tag },
      prefix,
    });
    await cache.set('kept', { ok: true });
    expect(await killClients(redis, tag)).toBe(1);
    expect(await cache.get('kept')).toEqual({ ok: true });
    await cache.delete('kept');
    await cache.close();
  });

  it('leaves a client it was given open on close', async () => {
    const cache = createRedisCache({ connection: redis, prefix });
    await cache.close();
    expect(await redis.ping()).toBe('PONG');
  });

  it('rejects bad options with ConfigError', () => {
    expect(() => createRedisCache({ connection: redis, prefix: '' })).toThrow(ConfigError);
    expect(() => createRedisCache({ connection: redis, ttlMs: 0 })).toThrow(ConfigError);
  });
});
