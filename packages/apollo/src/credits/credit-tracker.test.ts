import { ConfigError, createEventBus, createMemoryStorage } from '@salesos/core';
import { createTestClock } from '@salesos/core/testing';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createApolloClient } from '../client.ts';
import type { ApolloCreditsSpentEvent } from '../events.ts';
import { createApolloSimulator } from '../testing/index.ts';
import { CreditBudgetExceededError } from './credit-budget-exceeded-error.ts';
import { createCreditTracker } from './credit-tracker.ts';

const simulator = createApolloSimulator({ seed: 21, people: 80 });
const server = setupServer(...simulator.handlers);

beforeAll(() => server.listen({ onUnhandledFrame: 'error' }));
afterEach(() => simulator.clearRequests());
afterAll(() => server.close());

const people = () => Array.from(simulator.store.people.values());

const setup = (budgets?: { daily?: number; monthly?: number }) => {
  const clock = createTestClock(Date.UTC(2026, 2, 10, 12));
  const events = createEventBus();
  const storage = createMemoryStorage({ clock });
  const tracker = createCreditTracker({ storage, clock, events, ...(budgets ? { budgets } : {}) });
  const client = createApolloClient({
    apiKey: 'k',
    maxRetries: 0,
    creditTracker: tracker,
    tenantId: 'acme',
    clock,
  });
  return { clock, events, storage, tracker, client };
};

describe('createCreditTracker', () => {
  it('records the documented price of a single enrichment and nothing for a miss', async () => {
    const { tracker, client, events } = setup();
    const spent: ApolloCreditsSpentEvent[] = [];
    events.on('apollo.credits.spent', (event) => spent.push(event));
    const before = simulator.store.credits.consumed;
    await client.people.enrich({ email: people()[0]!.email });
    await client.people.enrich({ email: 'missing@nowhere.example' });
    const usage = await tracker.usage('acme');
    expect(usage.day).toMatchObject({ period: '2026-03-10', spent: 1 });
    expect(usage.month).toMatchObject({ period: '2026-03', spent: 1 });
    expect(usage.byOperation).toEqual({ 'people.enrich': 1 });
    expect(simulator.store.credits.consumed - before).toBe(1);
    expect(spent).toEqual([
      expect.objectContaining({ tenantId: 'acme', operation: 'people.enrich', credits: 1, source: 'price' }),
    ]);
  });

  it('records what a bulk enrichment reports in credits_consumed', async () => {
    const { tracker, client } = setup();
    const emails = people()
      .slice(0, 12)
      .map((person) => ({ email: person.email }));
    await client.people.bulkEnrich([...emails, { email: 'missing@nowhere.example' }]);
    const usage = await tracker.usage('acme');
    expect(usage.day.spent).toBe(12);
    expect(usage.byOperation).toEqual({ 'people.bulkEnrich': 12 });
  });

  it('raises CreditBudgetExceededError before any request when the budget is spent', async () => {
    const { tracker, client } = setup({ daily: 5 });
    const emails = people()
      .slice(20, 26)
      .map((person) => ({ email: person.email }));
    const error = await client.people.bulkEnrich(emails).catch((caught: unknown) => caught);
    expect(CreditBudgetExceededError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ tenantId: 'acme', period: 'day', budget: 5, spent: 0, requested: 6 });
    expect(simulator.requests).toHaveLength(0);

    await client.people.bulkEnrich(emails.slice(0, 5));
    expect(simulator.requests).toHaveLength(1);
    await expect(client.people.enrich({ email: people()[30]!.email })).rejects.toThrow(
      CreditBudgetExceededError,
    );
    expect(simulator.requests).toHaveLength(1);
    expect((await tracker.usage('acme')).day).toMatchObject({ spent: 5, budget: 5, remaining: 0 });
  });

  it('counts a revealed mobile at its full price when checking the budget', async () => {
    const { client } = setup({ daily: 8 });
    await expect(
      client.people.enrich(
        { email: people()[0]!.email },
        { reveal_phone_number: true, webhook_url: 'https://hooks.example/apollo' },
      ),
    ).rejects.toMatchObject({ requested: 9 });
  });

  it('answers a cached enrichment without spending anything the second time', async () => {
    const { tracker, client, events } = setup();
    const hits: boolean[] = [];
    events.on('apollo.enrichment.cache', (event) => hits.push(event.hit));
    const person = people()[40]!;
    const first = await client.people.enrich({ email: person.email });
    const second = await client.people.enrich({ email: person.email.toUpperCase() });
    expect(second.fromCache).toBe(true);
    expect(second.person).toEqual(first.person);
    expect(simulator.requests).toHaveLength(1);
    expect((await tracker.usage('acme')).day.spent).toBe(1);
    expect(hits).toEqual([false, true]);

    // Found again by another identifier of the same person, in a bulk call.
    const [again] = await client.people.bulkEnrich([{ linkedin_url: person.linkedin_url }]);
    expect(again?.id).toBe(person.id);
    expect(simulator.requests).toHaveLength(1);
  });

  it('forgets cached enrichments after the TTL', async () => {
    const clock = createTestClock(Date.UTC(2026, 2, 10));
    const tracker = createCreditTracker({
      storage: createMemoryStorage({ clock }),
      clock,
      cacheTtlMs: 60_000,
    });
    const client = createApolloClient({ apiKey: 'k', creditTracker: tracker, clock });
    const domain = Array.from(simulator.store.organizations.values())[0]!.primary_domain;
    await client.organizations.enrich({ domain });
    await expect(client.organizations.enrich({ domain })).resolves.toMatchObject({ fromCache: true });
    await clock.advance(60_001);
    await expect(client.organizations.enrich({ domain })).resolves.toMatchObject({ fromCache: false });
    expect((await tracker.usage('default')).day.spent).toBe(2);
  });

  it('keeps tenants apart: budgets, spend and cache', async () => {
    const clock = createTestClock(Date.UTC(2026, 2, 10));
    const storage = createMemoryStorage({ clock });
    const tracker = createCreditTracker({
      storage,
      clock,
      budgets: (tenantId) => (tenantId === 'small' ? { daily: 0 } : undefined),
    });
    const big = createApolloClient({ apiKey: 'k', creditTracker: tracker, tenantId: 'big', clock });
    const small = createApolloClient({ apiKey: 'k', creditTracker: tracker, tenantId: 'small', clock });
    const domain = Array.from(simulator.store.organizations.values())[1]!.primary_domain;
    await big.organizations.enrich({ domain });
    await expect(small.organizations.enrich({ domain })).rejects.toThrow(CreditBudgetExceededError);
    await tracker.setBudget('small', { daily: 1 });
    await expect(small.organizations.enrich({ domain })).resolves.toMatchObject({ fromCache: false });
    expect((await tracker.usage('big')).day.spent).toBe(1);
    expect((await tracker.usage('small')).day).toMatchObject({ spent: 1, budget: 1 });
  });

  it('enforces the monthly budget across days and starts afresh next month', async () => {
    const { clock, tracker } = setup({ monthly: 3 });
    await (await tracker.reserve('acme', 'test', 2)).settle(2, 'price');
    await clock.advance(86_400_000);
    await expect(tracker.reserve('acme', 'test', 2)).rejects.toMatchObject({ period: 'month', spent: 2 });
    await clock.setTime(Date.UTC(2026, 3, 1));
    await expect(tracker.reserve('acme', 'test', 2)).resolves.toMatchObject({ credits: 2 });
  });

  it('holds concurrent reservations against one budget', async () => {
    const { tracker } = setup({ daily: 10 });
    const outcomes = await Promise.allSettled(
      Array.from({ length: 8 }, () => tracker.reserve('acme', 'test', 2)),
    );
    expect(outcomes.filter((outcome) => outcome.status === 'fulfilled')).toHaveLength(5);
    expect((await tracker.usage('acme')).day.spent).toBe(10);
  });

  it('frees a reservation when the call fails', async () => {
    const { tracker } = setup({ daily: 2 });
    const reservation = await tracker.reserve('acme', 'test', 2);
    await reservation.release();
    expect((await tracker.usage('acme')).day.spent).toBe(0);
  });

  it('rejects bad configuration with a message naming the field', () => {
    expect(() => createCreditTracker({} as never)).toThrow(/storage/);
    expect(() => createCreditTracker({ storage: createMemoryStorage(), budgets: { daily: -1 } })).toThrow(
      ConfigError,
    );
    expect(() => createCreditTracker({ storage: createMemoryStorage(), cacheTtlMs: Number.NaN })).toThrow(
      /cacheTtlMs/,
    );
  });
});
