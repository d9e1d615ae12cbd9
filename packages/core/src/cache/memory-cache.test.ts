import { describe, expect, it } from 'vitest';
import { ConfigError } from '../errors/client-errors.ts';
import { describeCacheConformance } from '../testing/cache-conformance.ts';
import { createTestClock } from '../testing/test-clock.ts';
import { createMemoryCache } from './memory-cache.ts';

// The one-argument form (suite "Cache conformance"), and the named form with options.
describeCacheConformance(() => createMemoryCache());
describeCacheConformance(
  'createMemoryCache with a default ttlMs',
  () => createMemoryCache({ ttlMs: 60_000 }),
  {
    ttlMs: 50,
  },
);

describe('describeCacheConformance', () => {
  it('rejects a call without a factory with ConfigError naming it', () => {
    for (const args of [[], ['named only'], [{ cache: 'not a factory' }]]) {
      const call = () => (describeCacheConformance as (...input: unknown[]) => void)(...args);
      expect(call).toThrow(ConfigError);
      expect(call).toThrow('"factory" must be a function');
    }
  });
});

describe('createMemoryCache', () => {
  it('expires values on the injected clock, using the default ttlMs', async () => {
    const clock = createTestClock();
    const cache = createMemoryCache({ clock, ttlMs: 1_000 });
    await cache.set('a', 1);
    await cache.set('b', 2, { ttlMs: 5_000 });
    await clock.advance(999);
    expect(await cache.get('a')).toBe(1);
    await clock.advance(2);
    expect(await cache.get('a')).toBeUndefined();
    expect(await cache.get('b')).toBe(2);
  });

  it('evicts the least recently used entry beyond max', async () => {
    const cache = createMemoryCache({ max: 2 });
    await cache.set('a', 1);
    await cache.set('b', 2);
    await cache.get('a');
    await cache.set('c', 3);
    expect(await cache.get('b')).toBeUndefined();
    expect(await cache.get('a')).toBe(1);
    expect(await cache.get('c')).toBe(3);
  });

  it('rejects bad options with ConfigError', () => {
    expect(() => createMemoryCache({ max: 0 })).toThrow(ConfigError);
    expect(() => createMemoryCache({ ttlMs: -1 })).toThrow(/ttlMs/);
    expect(() => createMemoryCache().namespace('')).toThrow(ConfigError);
  });
});
