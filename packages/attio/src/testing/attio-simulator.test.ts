import { createTestClock } from '@salesos/core/testing';
import { HttpResponse, http, passthrough } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createAttioClient } from '../client.ts';
import { decodeRecord } from '../codec/value-codec.ts';
import { parseAttioDelivery } from '../webhooks/attio-webhook-events.ts';
import { verifyAttioSignature } from '../webhooks/verify-attio-signature.ts';
import { createAttioSimulator } from './attio-simulator.ts';

const server = setupServer();
beforeAll(() => server.listen({ onUnhandledFrame: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

const BASE = 'https://api.attio.com/v2';
const call = (
  simulator: ReturnType<typeof createAttioSimulator>,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = { authorization: 'Bearer test-key' },
) =>
  simulator.fetch(
    new Request(`${BASE}${path}`, {
      method,
      headers: { 'content-type': 'application/json', ...headers },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    }),
  );

describe('createAttioSimulator', () => {
  it('seeds the same workspace for the same seed', () => {
    const one = createAttioSimulator({ seed: 3, clock: createTestClock() });
    const two = createAttioSimulator({ seed: 3, clock: createTestClock() });
    expect(one.store.records('people').map((record) => decodeRecord(record))).toEqual(
      two.store.records('people').map((record) => decodeRecord(record)),
    );
    expect(one.store.countRecords('people')).toBe(25);
    expect(
      createAttioSimulator({ seed: 4 })
        .store.records('people')
        .map((record) => decodeRecord(record)),
    ).not.toEqual(one.store.records('people').map((record) => decodeRecord(record)));
  });

  it('answers over the limit with Attio’s 429 body and an HTTP-date Retry-After at a whole second', async () => {
    const simulator = createAttioSimulator({ rateLimits: { reads: 1, writes: 1 } });
    expect((await call(simulator, 'GET', '/objects')).status).toBe(200);
    const limited = await call(simulator, 'GET', '/objects');
    expect(limited.status).toBe(429);
    expect(await limited.json()).toEqual({
      status_code: 429,
      type: 'rate_limit_error',
      code: 'rate_limit_exceeded',
      message: expect.any(String),
    });
    const retryAfter = limited.headers.get('retry-after') ?? '';
    expect(retryAfter).toMatch(/^[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT$/);
    expect(Date.parse(retryAfter) % 1000).toBe(0);
    expect(Date.parse(retryAfter)).toBeGreaterThan(Date.now() - 1000);
    // Writes have their own bucket.
    expect((await call(simulator, 'POST', '/objects/people/records', { data: { values: {} } })).status).toBe(
      200,
    );
    expect(simulator.stats.rateLimited).toBe(1);
  });

  it('answers a bad value with validation_errors pointing at it, and an unknown token with 401', async () => {
    const simulator = createAttioSimulator();
    const response = await call(simulator, 'POST', '/objects/people/records', {
      data: { values: { email_addresses: [42] } },
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({
      status_code: 400,
      type: 'invalid_request_error',
      code: 'validation_type',
      validation_errors: [
        { path: ['data', 'values', 'email_addresses', 0], expected: 'email address', received: 'number' },
      ],
    });
    const unauthorised = await call(simulator, 'GET', '/objects', undefined, {});
    expect(unauthorised.status).toBe(401);
    expect(await unauthorised.json()).toMatchObject({ status_code: 401, type: 'auth_error' });
    expect((await call(simulator, 'GET', '/nowhere')).status).toBe(404);
    expect((await call(simulator, 'GET', '/notes?limit=51')).status).toBe(400);
  });

  it('asserts like Attio: the matching multiselect gains values, other multiselects are replaced', async () => {
    const simulator = createAttioSimulator({ records: { companies: 0, people: 0, deals: 0 } });
    const created = simulator.store.createRecord('people', {
      email_addresses: ['one@example.com'],
      phone_numbers: ['+14155550100', '+14155550101'],
    });
    const response = await call(
      simulator,
      'PUT',
      '/objects/people/records?matching_attribute=email_addresses',
      {
        data: {
          values: {
            email_addresses: ['one@example.com', 'two@example.com'],
            phone_numbers: ['+14155550199'],
          },
        },
      },
    );
    const asserted = (
      (await response.json()) as { data: Parameters<typeof decodeRecord>[0] & { id: { record_id: string } } }
    ).data;
    expect(asserted.id.record_id).toBe(created.id.record_id);
    expect(decodeRecord(asserted)).toMatchObject({
      email_addresses: ['one@example.com', 'two@example.com'],
      phone_numbers: ['+14155550199'],
    });

    simulator.store.createRecord('people', { email_addresses: ['three@example.com'] });
    const ambiguous = await call(
      simulator,
      'PUT',
      '/objects/people/records?matching_attribute=email_addresses',
      {
        data: { values: { email_addresses: ['two@example.com', 'three@example.com'] } },
      },
    );
    expect(await ambiguous.json()).toMatchObject({ status_code: 400, code: 'multiple_match_results' });
    const notUnique = await call(simulator, 'PUT', '/objects/people/records?matching_attribute=job_title', {
      data: { values: { job_title: 'CEO' } },
    });
    expect(await notUnique.json()).toMatchObject({ code: 'matching_attribute_definition_not_unique' });
  });

  it('filters, sorts and pages a records query with limit and offset', async () => {
    const simulator = createAttioSimulator({ seed: 8, records: { companies: 12, people: 0, deals: 0 } });
    const query = async (body: unknown) =>
      (
        (await (await call(simulator, 'POST', '/objects/companies/records/query', body)).json()) as {
          data: Parameters<typeof decodeRecord>[0][];
        }
      ).data.map((record) => decodeRecord(record));
    const sorted = await query({ sorts: [{ direction: 'asc', attribute: 'name' }] });
    const names = sorted.map((company) => company.name as string);
    expect(names).toEqual([...names].sort());
    const page = await query({ sorts: [{ direction: 'asc', attribute: 'name' }], limit: 4, offset: 4 });
    expect(page.map((company) => company.name)).toEqual(names.slice(4, 8));
    const small = await query({ filter: { $not: { employee_count: { $gte: 1000 } } } });
    expect(small.every((company) => (company.employee_count as number) < 1000)).toBe(true);
    const firstDomain = String((sorted[0]?.domains as string[] | undefined)?.[0]);
    const byDomain = await query({ filter: { domains: firstDomain } });
    expect(byDomain.map((company) => company.domains)).toEqual([[firstDomain]]);
  });

  it('pages the attributes of an object with limit and offset, archived ones only with show_archived', async () => {
    const simulator = createAttioSimulator({ records: { companies: 0, people: 0, deals: 0 } });
    for (let index = 0; index < 30; index += 1) {
      simulator.store.addAttribute('objects', 'deals', { api_slug: `extra_${index}`, type: 'text' });
    }
    const slugs = async (query: string) =>
      (
        (await (await call(simulator, 'GET', `/objects/deals/attributes${query}`)).json()) as {
          data: { api_slug: string }[];
        }
      ).data.map((attribute) => attribute.api_slug);
    const all = await slugs('');
    expect(all.length).toBeGreaterThan(30);
    expect(await slugs('?limit=10')).toEqual(all.slice(0, 10));
    expect(await slugs('?limit=10&offset=25')).toEqual(all.slice(25, 35));
    expect(await slugs(`?offset=${all.length}`)).toEqual([]);
    expect((await call(simulator, 'GET', '/objects/deals/attributes?limit=-1')).status).toBe(400);

    await call(simulator, 'PATCH', '/objects/deals/attributes/extra_0', { data: { is_archived: true } });
    expect(await slugs('')).not.toContain('extra_0');
    expect(await slugs('?show_archived=true')).toContain('extra_0');
  });

  it('serves the same API on a real local HTTP server', async () => {
    const simulator = createAttioSimulator({ records: { companies: 2, people: 3, deals: 0 } });
    const running = await simulator.listen();
    try {
      expect(running.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v2$/);
      // Let this test's requests leave msw for the real server.
      server.use(http.all(`${running.url}/*`, () => passthrough()));
      const client = createAttioClient({ apiKey: 'test-key', baseUrl: running.url });
      expect(await client.records.query('people').toArray()).toHaveLength(3);
    } finally {
      await running.close();
    }
  });

  it('injects faults the client recovers from', async () => {
    const simulator = createAttioSimulator({ faults: { seed: 4, errorRate: 0.3 } });
    server.use(...simulator.handlers);
    const client = createAttioClient({
      apiKey: 'test-key',
      rateLimiter: false,
      maxRetries: 6,
      circuitBreaker: false,
    });
    const objects = await Promise.all(Array.from({ length: 10 }, () => client.objects.get('people')));
    expect(objects.every((object) => object.api_slug === 'people')).toBe(true);
    expect(simulator.stats.faults?.errors).toBeGreaterThan(0);
  });

  it('delivers signed webhooks with an Idempotency-Key for changes, and flushes them to the target', async () => {
    const simulator = createAttioSimulator({ records: { companies: 0, people: 1, deals: 0 } });
    const received: Request[] = [];
    server.use(
      ...simulator.handlers,
      http.post('https://hooks.example.com/attio', async ({ request }) => {
        received.push(request.clone());
        return HttpResponse.json({ ok: true });
      }),
    );
    const client = createAttioClient({ apiKey: 'test-key', rateLimiter: false });
    const webhook = await client.webhooks.create({
      target_url: 'https://hooks.example.com/attio',
      subscriptions: [
        {
          event_type: 'record.updated',
          filter: {
            $and: [
              {
                field: 'id.object_id',
                operator: 'equals',
                value: simulator.store.object('people').id.object_id,
              },
            ],
          },
        },
      ],
    });
    const person = simulator.store.records('people')[0];
    simulator.store.updateRecord('people', person?.id.record_id ?? '', { job_title: 'Director' });
    simulator.store.createRecord('companies', { name: 'Not subscribed' });
    expect(simulator.webhooks.outbox).toHaveLength(1);
    const [delivery] = simulator.webhooks.outbox;
    expect(
      verifyAttioSignature({
        payload: delivery?.body ?? '',
        signature: delivery?.headers['attio-signature'],
        secret: webhook.secret,
      }),
    ).toBe(true);
    expect(delivery?.headers['idempotency-key']).toMatch(/^[0-9a-f-]{36}$/);
    expect(parseAttioDelivery(delivery?.body ?? '').events[0]).toMatchObject({
      event_type: 'record.updated',
      id: { record_id: person?.id.record_id },
    });

    expect(await simulator.webhooks.flush()).toEqual({ delivered: 1, failed: 0 });
    expect(simulator.webhooks.outbox).toHaveLength(0);
    expect(received).toHaveLength(1);
    expect(received[0]?.headers.get('idempotency-key')).toBe(delivery?.idempotencyKey);
  });
});
