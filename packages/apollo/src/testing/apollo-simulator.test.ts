import { createTestClock } from '@salesos/core/testing';
import { describe, expect, it } from 'vitest';
import { createApolloClient } from '../client.ts';
import { createApolloSimulator } from './apollo-simulator.ts';

const apiRequest = (path: string, init: RequestInit = {}) =>
  new Request(`https://api.apollo.io/api/v1${path}`, {
    ...init,
    headers: { 'x-api-key': 'k', 'content-type': 'application/json', ...init.headers },
  });

describe('createApolloSimulator', () => {
  it('generates the same data for the same seed', () => {
    const first = createApolloSimulator({ seed: 42, people: 5 });
    const second = createApolloSimulator({ seed: 42, people: 5 });
    const third = createApolloSimulator({ seed: 43, people: 5 });
    const emails = (simulator: typeof first) =>
      Array.from(simulator.store.people.values()).map((person) => person.email);
    expect(emails(first)).toEqual(emails(second));
    expect(emails(first)).not.toEqual(emails(third));
  });

  it('serves a real local HTTP server that the client can use', async () => {
    const simulator = createApolloSimulator({ seed: 2 });
    const server = await simulator.listen();
    try {
      const client = createApolloClient({ apiKey: 'k', baseUrl: `${server.url}/api/v1`, maxRetries: 0 });
      const person = Array.from(simulator.store.people.values())[0]!;
      const { person: found } = await client.people.enrich({ email: person.email });
      expect(found?.id).toBe(person.id);
    } finally {
      await server.close();
    }
  });

  it('charges credits only for enrichment hits, and 8 more for a revealed mobile', async () => {
    const simulator = createApolloSimulator({ seed: 4 });
    const withMobile = Array.from(simulator.store.people.values()).find((person) => person.mobile_phone)!;
    await simulator.fetch(
      apiRequest(`/people/match?email=${encodeURIComponent(withMobile.email)}`, { method: 'POST' }),
    );
    await simulator.fetch(apiRequest('/people/match?email=nobody%40x.example', { method: 'POST' }));
    expect(simulator.store.credits.consumed).toBe(1);
    await simulator.fetch(
      apiRequest(
        `/people/match?email=${encodeURIComponent(withMobile.email)}&reveal_phone_number=true&webhook_url=https%3A%2F%2Fh.example`,
        {
          method: 'POST',
        },
      ),
    );
    expect(simulator.store.credits.consumed).toBe(10);
    expect(simulator.store.credits.byRoute['POST /people/match']).toBe(10);
  });

  it('answers with Apollo usage headers and its 429 body', async () => {
    const simulator = createApolloSimulator({ seed: 4, rateLimits: { minute: 2, hour: 10, day: null } });
    const first = await simulator.fetch(apiRequest('/email_accounts'));
    expect(first.headers.get('x-minute-requests-left')).toBe('1');
    expect(first.headers.get('x-hourly-requests-left')).toBe('9');
    expect(first.headers.get('x-rate-limit-24-hour')).toBe('');
    await simulator.fetch(apiRequest('/email_accounts'));
    const refused = await simulator.fetch(apiRequest('/email_accounts'));
    expect(refused.status).toBe(429);
    expect(await refused.json()).toEqual({
      message:
        'The maximum number of api calls allowed for api/v1/email_accounts/index is 2 times per minute. Please upgrade your plan from https://app.apollo.io/#/settings/plans/upgrade.',
    });
  });

  it('rejects a bearer token and a missing key like Apollo', async () => {
    const simulator = createApolloSimulator();
    const bearer = await simulator.fetch(
      new Request('https://api.apollo.io/api/v1/email_accounts', { headers: { authorization: 'Bearer k' } }),
    );
    expect(bearer.status).toBe(401);
    expect(await bearer.text()).toBe('Invalid access credentials.');
    const none = await simulator.fetch(new Request('https://api.apollo.io/api/v1/email_accounts'));
    expect(none.headers.get('content-type')).toMatch(/text\/plain/);
  });

  it('shows edits made "in Apollo\'s UI" to the client', async () => {
    const simulator = createApolloSimulator({ seed: 9 });
    const contact = Array.from(simulator.store.contacts.values())[0]!;
    simulator.store.updateContact(contact.id, { title: 'Chief Revenue Officer' });
    const response = await simulator.fetch(apiRequest(`/contacts/${contact.id}`));
    const body = (await response.json()) as { contact: { title: string } };
    expect(body.contact.title).toBe('Chief Revenue Officer');
  });

  it('injects 429 bursts with Apollo’s body and a retry-after the client honours', async () => {
    const clock = createTestClock();
    const simulator = createApolloSimulator({
      seed: 1,
      clock,
      faults: { seed: 3, rateLimitBurstRate: 0.3, burstLength: 1 },
    });
    const client = createApolloClient({
      apiKey: 'k',
      clock,
      maxRetries: 6,
      fetch: (input, init) => Promise.resolve(simulator.fetch(new Request(input, init))),
    });
    const calls = (async () => {
      for (let index = 0; index < 6; index += 1) await client.deals.stages();
    })();
    let settled = false;
    void calls.finally(() => {
      settled = true;
    });
    while (!settled) {
      await new Promise((resolve) => setImmediate(resolve));
      if (clock.pendingSleeps > 0) await clock.runNext();
    }
    await expect(calls).resolves.toBeUndefined();
    expect(simulator.faultStats.rateLimited).toBeGreaterThan(0);
    expect(simulator.requests.filter((request) => request.route === '/opportunity_stages')).toHaveLength(6);
  });
});
