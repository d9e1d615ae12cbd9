import { describe, expect, it } from 'vitest';
import { createTestClock } from '../testing/test-clock.ts';
import { createConcurrencyLimiter } from './concurrency-limiter.ts';
import { createTokenBucketLimiter } from './token-bucket-limiter.ts';

describe('createTokenBucketLimiter', () => {
  it('lets a burst of `capacity` through, then refills at its rate', async () => {
    const clock = createTestClock();
    const limiter = createTokenBucketLimiter({ capacity: 5, refillPerSecond: 5, clock });
    const done: number[] = [];
    const runs = Array.from({ length: 10 }, (_, index) =>
      limiter.schedule(1, async () => void done.push(index)),
    );
    await clock.advance(0);
    expect(done).toHaveLength(5);
    await clock.advance(200);
    expect(done).toHaveLength(6);
    await clock.advance(800);
    await Promise.all(runs);
    expect(done).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('empties the bucket and pauses on a 429', async () => {
    const clock = createTestClock();
    const limiter = createTokenBucketLimiter({ capacity: 100, refillPerSecond: 100, clock });
    limiter.observe({ status: 429, cost: 1, headers: new Headers({ 'retry-after': '2' }) });
    let ran = false;
    const run = limiter.schedule(1, async () => {
      ran = true;
    });
    await clock.advance(1999);
    expect(ran).toBe(false);
    await clock.advance(100);
    await run;
    expect(ran).toBe(true);
  });

  it('refuses a bucket without capacity', () => {
    expect(() => createTokenBucketLimiter({ capacity: 0, refillPerSecond: 1 })).toThrow(/capacity/);
  });
});

describe('createConcurrencyLimiter', () => {
  it('never runs more than `concurrency` calls at once', async () => {
    const limiter = createConcurrencyLimiter({ concurrency: 3 });
    let running = 0;
    let peak = 0;
    await Promise.all(
      Array.from({ length: 20 }, () =>
        limiter.schedule(1, async () => {
          running += 1;
          peak = Math.max(peak, running);
          await new Promise((resolve) => setTimeout(resolve, 2));
          running -= 1;
        }),
      ),
    );
    expect(peak).toBe(3);
  });
});
