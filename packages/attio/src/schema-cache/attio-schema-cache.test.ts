import { createMemoryCache } from '@salesos/core';
import { createTestClock } from '@salesos/core/testing';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createAttioClient } from '../client.ts';
import { createAttioSimulator } from '../testing/index.ts';

const server = setupServer();
beforeAll(() => server.listen({ onUnhandledFrame: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

const attributeCalls = (simulator: ReturnType<typeof createAttioSimulator>) =>
  simulator.calls.filter((call) => call.method === 'GET' && call.path.endsWith('/attributes')).length;

describe('client.schema', () => {
  it('fetches the attributes of an object once, whether named by slug or by id', async () => {
    const simulator = createAttioSimulator({ records: { companies: 0, people: 0, deals: 0 } });
    server.use(...simulator.handlers);
    const client = createAttioClient({ apiKey: 'test-key', rateLimiter: false });
    const bySlug = await client.schema.attributes('objects', 'people');
    const objectId = simulator.store.object('people').id.object_id;
    const byId = await client.schema.attributes('objects', objectId);
    expect(byId).toEqual(bySlug);
    expect(bySlug.map((attribute) => attribute.api_slug)).toContain('email_addresses');
    expect(attributeCalls(simulator)).toBe(1);
  });

  it('keeps attributes for 30 minutes by default and fetches them again after', async () => {
    const clock = createTestClock();
    const simulator = createAttioSimulator({ records: { companies: 0, people: 0, deals: 0 } });
    server.use(...simulator.handlers);
    const client = createAttioClient({
      apiKey: 'test-key',
      rateLimiter: false,
      cache: createMemoryCache({ clock }),
    });
    await client.schema.attributes('objects', 'deals');
    await clock.advance(29 * 60 * 1000);
    await client.schema.attributes('objects', 'deals');
    expect(attributeCalls(simulator)).toBe(1);
    await clock.advance(2 * 60 * 1000);
    await client.schema.attributes('objects', 'deals');
    expect(attributeCalls(simulator)).toBe(2);
  });

  it('drops exactly the attributes an object-attribute or list-attribute event names', async () => {
    const simulator = createAttioSimulator({ records: { companies: 0, people: 0, deals: 0 } });
    server.use(...simulator.handlers);
    const client = createAttioClient({ apiKey: 'test-key', rateLimiter: false });
    await client.schema.attributes('objects', 'people');
    await client.schema.attributes('objects', 'companies');
    await client.schema.attributes('lists', 'sales');
    simulator.store.addAttribute('objects', 'people', { api_slug: 'nickname', type: 'text' });
    simulator.store.addAttribute('lists', 'sales', { api_slug: 'probability', type: 'number' });
    for (const event of simulator.webhooks.events.filter((item) => item.event_type.includes('-attribute.'))) {
      expect(await client.schema.handleEvent(event)).toBe(true);
    }
    expect((await client.schema.attributes('objects', 'people')).map((item) => item.api_slug)).toContain(
      'nickname',
    );
    expect((await client.schema.attributes('lists', 'sales')).map((item) => item.api_slug)).toContain(
      'probability',
    );
    await client.schema.attributes('objects', 'companies');
    // people and sales again, companies still cached.
    expect(attributeCalls(simulator)).toBe(5);
    expect(await client.schema.handleEvent({ event_type: 'record.created', id: {} })).toBe(false);
  });

  it('leaves archived attributes out and refreshes after attributes.update', async () => {
    const simulator = createAttioSimulator({ records: { companies: 0, people: 0, deals: 0 } });
    server.use(...simulator.handlers);
    const client = createAttioClient({ apiKey: 'test-key', rateLimiter: false });
    expect((await client.schema.attributes('objects', 'people')).map((item) => item.api_slug)).toContain(
      'twitter',
    );
    await client.attributes.update('objects', 'people', 'twitter', { is_archived: true });
    expect((await client.schema.attributes('objects', 'people')).map((item) => item.api_slug)).not.toContain(
      'twitter',
    );
  });

  it('walks every page of a wide object, so no attribute past the first page is lost', async () => {
    const simulator = createAttioSimulator({ records: { companies: 0, people: 0, deals: 0 } });
    server.use(...simulator.handlers);
    const client = createAttioClient({ apiKey: 'test-key', rateLimiter: false });
    for (let index = 0; index < 240; index += 1) {
      simulator.store.addAttribute('objects', 'companies', { api_slug: `signal_${index}`, type: 'text' });
    }
    const expected = simulator.store.attributes('objects', 'companies').map((item) => item.api_slug);
    expect(expected.length).toBeGreaterThan(240);

    const cached = await client.schema.attributes('objects', 'companies');
    expect(cached.map((item) => item.api_slug)).toEqual(expected);
    expect(cached.map((item) => item.api_slug)).toContain('signal_239');
    const pages = simulator.calls.filter(
      (call) => call.method === 'GET' && call.path.endsWith('/attributes'),
    );
    expect(pages.map((call) => [call.query.limit, call.query.offset])).toEqual(
      Array.from({ length: Math.ceil(expected.length / 100) }, (_, page) => [['100'], [String(page * 100)]]),
    );

    // The codec sees the last page too: a value of an attribute from it decodes.
    const company = await client.records.create('companies', {
      values: { name: 'Wide Co', signal_239: 'seen' },
    });
    const decoded = await client.codec.decodeRecord('companies', company);
    expect(decoded.signal_239).toBe('seen');
  });
});
