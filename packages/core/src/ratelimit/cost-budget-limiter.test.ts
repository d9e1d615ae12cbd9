import { describe, expect, it } from 'vitest';
import { createTestClock } from '../testing/test-clock.ts';
import { createCostBudgetLimiter } from './cost-budget-limiter.ts';

const headers = (values: Record<string, string>) => new Headers(values);

describe('createCostBudgetLimiter', () => {
  it('never spends more than its budget in any window under 50 concurrent callers', async () => {
    const windowMs = 200;
    const budget = 20;
    const limiter = createCostBudgetLimiter({ budget, windowMs });
    const started: { at: number; cost: number }[] = [];
    await Promise.all(
      Array.from({ length: 50 }, (_, index) => {
        const cost = (index % 3) + 1;
        return limiter.schedule(cost, async () => {
          started.push({ at: performance.now(), cost });
        });
      }),
    );
    expect(started).toHaveLength(50);
    // Every window of windowMs starting at a call's start holds at most `budget` cost.
    // 2 ms of slack for timer granularity, measured on the conservative side.
    for (const first of started) {
      const inWindow = started.filter((call) => call.at >= first.at && call.at < first.at + windowMs - 2);
      expect(inWindow.reduce((sum, call) => sum + call.cost, 0)).toBeLessThanOrEqual(budget);
    }
  });

  it('admits callers first-come, first-served once the window frees up', async () => {
    const clock = createTestClock();
    const limiter = createCostBudgetLimiter({ budget: 2, windowMs: 1000, clock });
    const order: number[] = [];
    const runs = [1, 2, 3, 4].map((id) => limiter.schedule(1, async () => void order.push(id)));
    await clock.advance(0);
    expect(order).toEqual([1, 2]);
    await clock.advance(1000);
    await Promise.all(runs);
    expect(order).toEqual([1, 2, 3, 4]);
  });

  it('prices requests with costOf', () => {
    const limiter = createCostBudgetLimiter({
      budget: 600,
      costOf: ({ query }) => (Number(query?.page ?? 1) > 100 ? 3 : 1),
    });
    expect(limiter.costOf({ method: 'GET', path: '/people', query: { page: 101 } })).toBe(3);
    expect(limiter.costOf({ method: 'GET', path: '/people', query: { page: 2 } })).toBe(1);
  });

  it('trusts the vendor remaining budget when it is lower than its own count', async () => {
    const clock = createTestClock();
    const limiter = createCostBudgetLimiter({
      budget: 600,
      windowMs: 60_000,
      clock,
      remainingHeader: 'x-ratelimit-remaining-minute',
    });
    await limiter.schedule(1, async () => {});
    limiter.observe({ status: 200, cost: 1, headers: headers({ 'x-ratelimit-remaining-minute': '10' }) });
    expect(limiter.available).toBe(10);
  });

  it('corrects a charge from the actual endpoint cost', async () => {
    const clock = createTestClock();
    const limiter = createCostBudgetLimiter({ budget: 100, clock, costHeader: 'x-ratelimit-endpoint-cost' });
    await limiter.schedule(1, async () => {});
    limiter.observe({ status: 200, cost: 1, headers: headers({ 'x-ratelimit-endpoint-cost': '8' }) });
    expect(limiter.available).toBe(92);
  });

  it('pauses after a 429 for its Retry-After', async () => {
    const clock = createTestClock();
    const limiter = createCostBudgetLimiter({ budget: 100, clock });
    limiter.observe({ status: 429, cost: 1, headers: headers({ 'retry-after': '5' }) });
    let ran = false;
    const run = limiter.schedule(1, async () => {
      ran = true;
    });
    await clock.advance(4999);
    expect(ran).toBe(false);
    await clock.advance(1);
    await run;
    expect(ran).toBe(true);
  });
});
