import { type Clock, createEventBus, RateLimitError } from '@salesos/core';
import { createTestClock } from '@salesos/core/testing';
import { setupServer } from 'msw/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSalesloftClient } from '../client.ts';
import { createSalesloftSimulator } from '../testing/index.ts';
import { createSalesloftRateLimiter } from './salesloft-rate-limiter.ts';

const simulator = createSalesloftSimulator({ seed: 11, people: 600, budget: 600, windowMs: 60_000 });
const server = setupServer(...simulator.handlers);
beforeAll(() => server.listen());
afterAll(() => server.close());

/** Spends `cost` of the simulated team budget the way another integration of the team would. */
const spendElsewhere = async (target: { fetch(request: Request): Promise<Response> }, count: number) => {
  for (let index = 0; index < count; index += 1) {
    await target.fetch(
      new Request('https://api.salesloft.com/v2/me.json', {
        headers: { authorization: 'Bearer other-integration' },
      }),
    );
  }
};

describe('createSalesloftRateLimiter', () => {
  it('charges deep pages by SalesLoft cost table before sending them', async () => {
    const limiter = createSalesloftRateLimiter();
    const client = createSalesloftClient({ apiKey: 'ak', rateLimiter: limiter });
    simulator.rateLimit.reset();
    const costs: number[] = [];
    for (const page of [1, 101, 151, 251, 501]) {
      const before = limiter.available;
      const [first] = await client.people.list({ per_page: 1, page }).toArray({ limit: 1 });
      expect(first).toBeDefined();
      costs.push(before - limiter.available);
    }
    expect(costs).toEqual([1, 3, 8, 10, 30]);
    expect(simulator.requests.slice(-5).map((request) => request.cost)).toEqual([1, 3, 8, 10, 30]);
    expect(simulator.rateLimit.stats().totalCost).toBe(52);
  });

  it('has charged a deep page by the cost table before the request leaves', async () => {
    const limiter = createSalesloftRateLimiter();
    const duringRequest: number[] = [];
    const client = createSalesloftClient({
      apiKey: 'ak',
      rateLimiter: limiter,
      // What the limiter holds as the request goes out, before any response header could correct it.
      fetch: (input, init) => {
        duringRequest.push(limiter.available);
        return simulator.fetch(new Request(input, init));
      },
    });
    simulator.rateLimit.reset();
    for (const page of [1, 101, 151, 251, 501]) {
      await client.people.list({ per_page: 1, page }).toArray({ limit: 1 });
    }
    expect(duringRequest).toEqual([599, 596, 588, 578, 548]);
  });

  it('learns spending by other clients of the team from x-ratelimit-remaining-minute', async () => {
    simulator.rateLimit.reset();
    const budgetSimulator = createSalesloftSimulator({ seed: 2, people: 5, windowMs: 60_000 });
    const local = setupServer(...budgetSimulator.handlers);
    server.close();
    local.listen();
    try {
      await spendElsewhere(budgetSimulator, 200);
      const limiter = createSalesloftRateLimiter();
      const client = createSalesloftClient({ apiKey: 'ak', rateLimiter: limiter });
      await client.me();
      expect(limiter.available).toBeLessThanOrEqual(600 - 201);
    } finally {
      local.close();
      server.listen();
    }
  });

  it('is shared by clients of one team, so together they stay in the budget', async () => {
    const limiter = createSalesloftRateLimiter();
    const first = createSalesloftClient({ apiKey: 'ak', rateLimiter: limiter });
    const second = createSalesloftClient({ apiKey: 'ak', rateLimiter: limiter });
    await first.people.list({ per_page: 1, page: 260 }).toArray({ limit: 1 });
    await second.people.list({ per_page: 1, page: 260 }).toArray({ limit: 1 });
    expect(limiter.available).toBe(580);
    expect(first.rateLimiter).toBe(second.rateLimiter);
  });

  it('reports waits as ratelimit.wait events', async () => {
    const events = createEventBus();
    const waits: string[] = [];
    events.on('ratelimit.wait', ({ vendor, reason }) => waits.push(`${vendor}: ${reason}`));
    const limiter = createSalesloftRateLimiter({ budget: 2, windowMs: 50, events });
    const client = createSalesloftClient({ apiKey: 'ak', rateLimiter: limiter });
    await Promise.all([client.me(), client.me(), client.me()]);
    expect(waits[0]).toBe('salesloft: cost budget exhausted');
  });
});

describe('SalesLoft 429 answers', () => {
  // A stopped clock keeps the spent window from resetting under a slow machine; the retry test
  // needs the window to pass, so it runs on the system clock.
  const exhausted = (retryAfter: boolean, clock?: Clock) =>
    createSalesloftSimulator({
      seed: 4,
      people: 5,
      budget: 3,
      windowMs: 400,
      retryAfter,
      ...(clock ? { clock } : {}),
    });

  it('carry SalesLoft body and headers, with Retry-After when the simulator sends it', async () => {
    const local = exhausted(true, createTestClock());
    await spendElsewhere(local, 3);
    const response = await local.fetch(
      new Request('https://api.salesloft.com/v2/me.json', { headers: { authorization: 'Bearer ak' } }),
    );
    expect(response.status).toBe(429);
    expect(await response.json()).toEqual({ error: 'API rate limit exceeded' });
    expect(response.headers.get('x-ratelimit-remaining-minute')).toBe('0');
    expect(response.headers.get('x-ratelimit-endpoint-cost')).toBe('1');
    expect(response.headers.get('retry-after')).toBe('1');
  });

  it('become RateLimitError with retryAfterMs from Retry-After, and without it when absent', async () => {
    for (const retryAfter of [true, false]) {
      const local = exhausted(retryAfter, createTestClock());
      const mock = setupServer(...local.handlers);
      server.close();
      mock.listen();
      try {
        await spendElsewhere(local, 3);
        const client = createSalesloftClient({ apiKey: 'ak', rateLimiter: false, maxRetries: 0 });
        const error = await client.me().catch((caught) => caught);
        expect(error).toBeInstanceOf(RateLimitError);
        expect(error.message).toContain('API rate limit exceeded');
        expect(error.retryable).toBe(true);
        expect(error.retryAfterMs).toBe(retryAfter ? 1000 : undefined);
      } finally {
        mock.close();
        server.listen();
      }
    }
  });

  it('are retried until the window resets, honouring Retry-After when present', async () => {
    for (const retryAfter of [true, false]) {
      const local = exhausted(retryAfter);
      const mock = setupServer(...local.handlers);
      server.close();
      mock.listen();
      try {
        await spendElsewhere(local, 3);
        const events = createEventBus();
        const delays: number[] = [];
        events.on('http.retry', ({ status, delayMs }) => {
          if (status === 429) delays.push(delayMs);
        });
        const client = createSalesloftClient({
          apiKey: 'ak',
          events,
          maxRetries: 8,
          rateLimiter: createSalesloftRateLimiter({ budget: 3, windowMs: 400 }),
        });
        const me = await client.me();
        expect(me.id).toBe(local.store.me.id);
        expect(local.requests.some((request) => request.status === 429)).toBe(true);
        expect(delays.length).toBeGreaterThan(0);
        if (retryAfter) expect(delays[0]).toBe(1000);
      } finally {
        mock.close();
        server.listen();
      }
    }
  });
});
