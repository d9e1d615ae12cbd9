import { createEventBus, RateLimitError } from '@salesos/core';
import { createTestClock, type TestClock } from '@salesos/core/testing';
import { setupServer } from 'msw/node';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createApolloClient } from '../client.ts';
import { ApolloRateLimitExceededError } from '../errors.ts';
import type { ApolloRateLimitEvent } from '../events.ts';
import { type ApolloSimulator, createApolloSimulator } from '../testing/index.ts';
import { type ApolloRateLimiter, createApolloRateLimiter } from './apollo-rate-limiter.ts';
import { readRateLimitHeaders } from './rate-limit-headers.ts';

let clock: TestClock;
let simulator: ApolloSimulator;
const server = setupServer();

beforeAll(() => server.listen({ onUnhandledFrame: 'error' }));
afterAll(() => server.close());
beforeEach(() => {
  clock = createTestClock();
  simulator = createApolloSimulator({
    seed: 5,
    clock,
    routeRateLimits: { 'POST /people/match': { minute: 100, hour: 3, day: 1000 } },
  });
  server.resetHandlers(...simulator.handlers);
});

const email = (index: number) => Array.from(simulator.store.people.values())[index]!.email;

/** Lets pending promise chains run until the client is asleep on the clock. */
const untilAsleep = async () => {
  for (let turn = 0; turn < 200 && clock.pendingSleeps === 0; turn += 1) {
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
  expect(clock.pendingSleeps).toBeGreaterThan(0);
};

describe('createApolloRateLimiter', () => {
  it('waits for an exhausted hourly window on the clock, emits an event, then sends the call', async () => {
    const events = createEventBus();
    const seen: ApolloRateLimitEvent[] = [];
    events.on('apollo.ratelimit.exhausted', (event) => seen.push(event));
    const client = createApolloClient({ apiKey: 'k', clock, events, maxRetries: 0 });
    for (let index = 0; index < 3; index += 1) await client.people.enrich({ email: email(index) });
    expect(simulator.requests).toHaveLength(3);

    let settled = false;
    const fourth = client.people.enrich({ email: email(3) }).then((result) => {
      settled = true;
      return result;
    });
    await untilAsleep();
    expect(settled).toBe(false);
    expect(simulator.requests).toHaveLength(3);
    expect(seen).toEqual([
      expect.objectContaining({
        route: 'POST /people/match',
        window: 'hour',
        limit: 3,
        waitMs: 3_600_000,
        action: 'wait',
      }),
    ]);

    await clock.advance(3_599_000);
    expect(settled).toBe(false);
    await clock.advance(1_000);
    const result = await fourth;
    expect(result.person?.email).toBe(email(3));
    expect(simulator.requests).toHaveLength(4);
  });

  it('fails fast with a typed error when asked to, without sending the call', async () => {
    const client = createApolloClient({ apiKey: 'k', clock, maxRetries: 0, rateLimit: { failFast: true } });
    for (let index = 0; index < 3; index += 1) await client.people.enrich({ email: email(index) });
    const error = await client.people.enrich({ email: email(3) }).catch((caught: unknown) => caught);
    expect(ApolloRateLimitExceededError.isInstance(error)).toBe(true);
    expect(RateLimitError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({
      window: 'hour',
      route: 'POST /people/match',
      retryAfterMs: 3_600_000,
      limit: 3,
    });
    expect(simulator.requests).toHaveLength(3);
    expect(clock.pendingSleeps).toBe(0);
  });

  it('waits up to maxWaitMs and fails beyond it', async () => {
    simulator.setRateLimits({ minute: 1, hour: null, day: null }, 'GET /opportunity_stages');
    const client = createApolloClient({
      apiKey: 'k',
      clock,
      maxRetries: 0,
      rateLimit: { maxWaitMs: 120_000 },
    });
    await client.deals.stages();
    const second = client.deals.stages();
    await untilAsleep();
    await clock.advance(60_000);
    await expect(second).resolves.toHaveLength(6);

    for (let index = 0; index < 3; index += 1) await client.people.enrich({ email: email(index) });
    await expect(client.people.enrich({ email: email(3) })).rejects.toMatchObject({ window: 'hour' });
  });

  it('keeps each route’s windows apart', async () => {
    const client = createApolloClient({ apiKey: 'k', clock, maxRetries: 0, rateLimit: { failFast: true } });
    for (let index = 0; index < 3; index += 1) await client.people.enrich({ email: email(index) });
    await expect(client.deals.stages()).resolves.toHaveLength(6);
    const limiter = client.rateLimiter as ApolloRateLimiter;
    const routes = new Set(limiter.windows().map((state) => state.route));
    expect(routes).toEqual(new Set(['POST /people/match', 'GET /opportunity_stages']));
  });

  it('learns the older x-daily-* header names', async () => {
    simulator = createApolloSimulator({
      seed: 5,
      clock,
      rateLimitHeaders: 'legacy',
      routeRateLimits: { 'POST /people/match': { minute: null, hour: null, day: 2 } },
    });
    server.resetHandlers(...simulator.handlers);
    const limiter = createApolloRateLimiter({ clock, failFast: true });
    const client = createApolloClient({ apiKey: 'k', clock, maxRetries: 0, rateLimiter: limiter });
    await client.people.enrich({ email: email(0) });
    await client.people.enrich({ email: email(1) });
    expect(limiter.windows()).toEqual([expect.objectContaining({ window: 'day', limit: 2, remaining: 0 })]);
    await expect(client.people.enrich({ email: email(2) })).rejects.toMatchObject({
      window: 'day',
      retryAfterMs: 86_400_000,
    });
  });

  it('learns the window from a 429 body that carries no usage headers', async () => {
    simulator.setRateLimits({ minute: null, hour: 0, day: null }, 'GET /opportunity_stages');
    const client = createApolloClient({ apiKey: 'k', clock, maxRetries: 2, rateLimit: { failFast: true } });
    const attempt = client.deals.stages().catch((caught: unknown) => caught);
    // The 429 is retried after a backoff on the clock; the retry then meets the learned window.
    for (let turn = 0; turn < 5 && clock.pendingSleeps === 0; turn += 1)
      await new Promise((resolve) => setImmediate(resolve));
    while (clock.pendingSleeps > 0) await clock.runNext();
    const error = await attempt;
    expect(ApolloRateLimitExceededError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ window: 'hour' });
    expect(simulator.requests.filter((request) => request.status === 429)).toHaveLength(1);
  });
});

describe('readRateLimitHeaders', () => {
  it('reads both naming families and treats an empty limit as unlimited', () => {
    const current = new Headers({
      'x-rate-limit-minute': '200',
      'x-minute-usage': '10',
      'x-minute-requests-left': '190',
      'x-rate-limit-hourly': '400',
      'x-hourly-usage': '400',
      'x-hourly-requests-left': '0',
      'x-rate-limit-24-hour': '',
      'x-24-hour-usage': '20',
    });
    expect(readRateLimitHeaders(current)).toEqual({
      minute: { limit: 200, used: 10, remaining: 190 },
      hour: { limit: 400, used: 400, remaining: 0 },
      day: null,
    });
    const legacy = new Headers({ 'x-rate-limit-daily': '600', 'x-daily-usage': '599' });
    expect(readRateLimitHeaders(legacy)).toEqual({ day: { limit: 600, used: 599, remaining: 1 } });
    expect(readRateLimitHeaders(new Headers())).toEqual({});
  });
});
