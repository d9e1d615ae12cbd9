import { randomUUID } from 'node:crypto';
import { ConfigError, SalesOSError } from '@salesos/core';
import { afterAll, describe, expect, it } from 'vitest';
import { deleteKeys, TEST_REDIS_URL, testRedis, uniquePrefix } from './internal/test-redis.ts';
import { createRedisRateLimiter, type RedisRateLimiterOptions } from './redis-rate-limiter.ts';

const redis = testRedis();
const prefix = `${uniquePrefix('ratelimit')}:`;

afterAll(async () => {
  await deleteKeys(redis, prefix);
  await redis.quit();
});

const pair = (settings: Omit<RedisRateLimiterOptions, 'connection' | 'key' | 'prefix'>) => {
  const key = `tenant-${randomUUID()}`;
  const waits: string[] = [];
  // Two connections, as two worker processes of one tenant would have.
  const make = () =>
    createRedisRateLimiter({
      connection: TEST_REDIS_URL,
      key,
      prefix,
      ...settings,
      onWait: (_ms, reason) => waits.push(reason),
    });
  return { left: make(), right: make(), waits, key };
};

describe('createRedisRateLimiter', () => {
  it('spends one budget across limiters sharing a key, and makes the next call wait for the window', async () => {
    const { left, right, waits } = pair({ budget: 5, windowMs: 500 });
    const ran: string[] = [];
    await Promise.all([
      left.schedule(2, async () => ran.push('left-2')),
      right.schedule(3, async () => ran.push('right-3')),
    ]);
    expect(await left.available()).toBe(0);
    expect(await right.available()).toBe(0);
    expect(waits).toEqual([]);
    await right.schedule(1, async () => ran.push('right-1'));
    expect(waits[0]).toBe('cost budget exhausted');
    expect(ran).toHaveLength(3);
    await left.close();
    await right.close();
  });

  it('admits calls of one process in the order they were scheduled', async () => {
    const { left, right } = pair({ budget: 2, windowMs: 200 });
    const order: number[] = [];
    await Promise.all(
      Array.from({ length: 5 }, (_, index) => left.schedule(1, async () => order.push(index))),
    );
    expect(order).toEqual([0, 1, 2, 3, 4]);
    await left.close();
    await right.close();
  });

  it('pauses every limiter of the key after a 429 with Retry-After', async () => {
    const { left, right, waits, key } = pair({ budget: 100, windowMs: 60_000 });
    left.observe({ status: 429, headers: new Headers({ 'retry-after': '1' }), cost: 1 });
    await expect.poll(() => redis.exists(`${prefix}${key}:paused`)).toBe(1);
    let ran = false;
    await right.schedule(1, async () => {
      ran = true;
    });
    expect(ran).toBe(true);
    expect(waits).toContain('rate limited by the vendor');
    await left.close();
    await right.close();
  });

  it("trusts the vendor's remaining budget and actual cost from the response headers", async () => {
    const { left, right } = pair({
      budget: 600,
      remainingHeader: 'x-ratelimit-remaining-minute',
      costHeader: 'x-ratelimit-endpoint-cost',
    });
    await left.schedule(1, async () => undefined);
    left.observe({ status: 200, headers: new Headers({ 'x-ratelimit-endpoint-cost': '4' }), cost: 1 });
    await expect.poll(() => right.available()).toBe(596);
    right.observe({ status: 200, headers: new Headers({ 'x-ratelimit-remaining-minute': '100' }), cost: 1 });
    await expect.poll(() => left.available()).toBe(100);
    await left.close();
    await right.close();
  });

  it('rejects with SalesOSError when Redis cannot be reached, instead of letting calls through', async () => {
    const limiter = createRedisRateLimiter({
      connection: { port: 1, host: '127.0.0.1', maxRetriesPerRequest: 0, retryStrategy: () => null },
      key: 'unreachable',
      budget: 10,
    });
    let ran = false;
    const outcome = await limiter
      .schedule(1, async () => {
        ran = true;
      })
      .then(
        () => undefined,
        (error: unknown) => error,
      );
    expect(SalesOSError.isInstance(outcome)).toBe(true);
    expect(ran).toBe(false);
    await limiter.close();
  });

  it('rejects bad options with ConfigError', () => {
    expect(() => createRedisRateLimiter({ connection: redis, key: '', budget: 1 })).toThrow(ConfigError);
    expect(() => createRedisRateLimiter({ connection: redis, key: 'k', budget: 0 })).toThrow(ConfigError);
    expect(() => createRedisRateLimiter({ connection: redis, key: 'k', budget: 1, windowMs: 0.5 })).toThrow(
      ConfigError,
    );
  });
});
