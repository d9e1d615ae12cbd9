import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createHttpClient } from '../http/http-client.ts';
import { createMockApi } from '../testing/mock-api.ts';
import { createTestClock } from '../testing/test-clock.ts';
import { createCostBudgetLimiter } from './cost-budget-limiter.ts';

const baseUrl = 'https://budget.example.test/v1';
const api = createMockApi(baseUrl);
const server = setupServer(...api.handlers);

beforeAll(() => server.listen({ onUnhandledFrame: 'error' }));
afterEach(() => api.reset());
afterAll(() => server.close());

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

  it('counts calls in flight on top of the vendor remaining budget', async () => {
    const clock = createTestClock();
    const limiter = createCostBudgetLimiter({ budget: 100, clock, remainingHeader: 'x-ratelimit-remaining' });
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const calls = Array.from({ length: 4 }, () => limiter.schedule(1, () => gate));
    await clock.advance(0);
    // Four calls in flight; the first answer says the vendor has counted 40 (ours and another client's).
    limiter.observe({ status: 200, cost: 1, headers: headers({ 'x-ratelimit-remaining': '60' }) });
    // 40 counted by the vendor + 3 of ours it may not have seen yet.
    expect(limiter.available).toBe(57);
    release();
    await Promise.all(calls);
    expect(limiter.available).toBe(57);
  });

  it('learns what another client spends from the headers and never runs into a 429 with concurrent callers', async () => {
    const clock = createTestClock();
    const budget = 100;
    const windowMs = 60_000;
    // The vendor: a fixed window of `budget` cost shared by every client, counted when a
    // request arrives; the remaining budget is sent back with the answer, a little later.
    const vendor = { windowStart: clock.now(), spent: 0, refused: 0, served: [0, 0] };
    const spend = (cost: number): boolean => {
      if (clock.now() >= vendor.windowStart + windowMs) {
        vendor.windowStart = clock.now();
        vendor.spent = 0;
      }
      if (vendor.spent + cost > budget) return false;
      vendor.spent += cost;
      return true;
    };
    // Another client spends part of the budget before we start, and more while we run.
    spend(35);
    let window = 0;
    let inFlight = 0;
    api.on('GET', '/work', async () => {
      inFlight += 1;
      const admitted = spend(1);
      if (admitted && vendor.served[0] === 10) spend(20);
      const remaining = String(budget - vendor.spent);
      await new Promise((resolve) => setTimeout(resolve, 2 + Math.random() * 4));
      inFlight -= 1;
      if (!admitted) {
        vendor.refused += 1;
        return Response.json(
          { error: 'rate limited' },
          { status: 429, headers: { 'x-ratelimit-remaining': remaining, 'retry-after': '60' } },
        );
      }
      vendor.served[window] = (vendor.served[window] ?? 0) + 1;
      return Response.json({ ok: true }, { headers: { 'x-ratelimit-remaining': remaining } });
    });

    const waits: string[] = [];
    const limiter = createCostBudgetLimiter({
      budget,
      windowMs,
      clock,
      remainingHeader: 'x-ratelimit-remaining',
      onWait: (_waitMs, reason) => waits.push(reason),
    });
    const http = createHttpClient({
      vendor: 'budget',
      baseUrl,
      rateLimiter: limiter,
      clock,
      maxRetries: 0,
      circuitBreaker: false,
    });

    let toSend = 80;
    const worker = async () => {
      while (toSend > 0) {
        toSend -= 1;
        await http.get('/work');
      }
    };
    let finished = false;
    const workers = Promise.all(Array.from({ length: 8 }, worker)).finally(() => {
      finished = true;
    });
    // Once every caller waits for budget, let the window roll over.
    while (!finished) {
      await new Promise((resolve) => setTimeout(resolve, 5));
      if (!finished && inFlight === 0 && clock.pendingSleeps > 0) {
        window = 1;
        await clock.advance(windowMs);
      }
    }
    await workers;

    expect(vendor.refused).toBe(0);
    expect(waits).toContain('cost budget exhausted');
    // The first window held 45 of our calls at most (100 − 35 − 20); the rest went in the next.
    expect(vendor.served[0]).toBeLessThanOrEqual(45);
    expect(vendor.served[0]).toBeGreaterThan(30);
    expect((vendor.served[0] ?? 0) + (vendor.served[1] ?? 0)).toBe(80);
  });
});
