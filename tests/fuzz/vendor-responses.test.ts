import * as apolloPackage from '@salesos/apollo';
import { createApolloClient } from '@salesos/apollo';
import * as attioPackage from '@salesos/attio';
import { createAttioClient } from '@salesos/attio';
import { SalesOSError } from '@salesos/core';
import * as salesloftPackage from '@salesos/salesloft';
import { createSalesloftClient } from '@salesos/salesloft';
import fc from 'fast-check';
import { HttpResponse, http } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bodyFrom, fuzzRuns, hostileValue, mutatedFrom } from '../support/arbitraries.ts';
import { recordFigures } from '../support/figures.ts';
import { vendorFixture } from '../support/fixtures.ts';

// Every response below is answered by this one handler: a status, headers and a body chosen by
// the property. Retries, rate limiters and breakers are off so each call meets exactly one answer.
let answer: () => Response = () => HttpResponse.json({});
const server = setupServer(http.all('*', () => answer()));
const tried: Record<string, number> = {};
let untyped = 0;
beforeAll(() => server.listen());
afterAll(() => {
  server.close();
  recordFigures('bad-input-vendor-responses', { inputsTried: tried, untypedFailures: untyped });
});

interface Call {
  name: string;
  /** A valid answer, as the vendor's specification shows it. */
  example: unknown;
  run: () => unknown;
}

/** Awaits a call's result; a listing is walked to its first records. */
async function settle(result: unknown): Promise<unknown> {
  const walk = result as { toArray?: (options: { limit: number }) => Promise<unknown> };
  if (typeof walk?.toArray === 'function') return walk.toArray({ limit: 4 });
  return result;
}

const salesloft = createSalesloftClient({
  apiKey: 'ak_fuzz',
  maxRetries: 0,
  rateLimiter: false,
  circuitBreaker: false,
});
const apollo = createApolloClient({
  apiKey: 'apollo-fuzz',
  maxRetries: 0,
  rateLimiter: false,
  circuitBreaker: false,
});
const attio = createAttioClient({
  apiKey: 'attio-fuzz',
  maxRetries: 0,
  rateLimiter: false,
  circuitBreaker: false,
});

const list = (record: unknown) => ({
  data: [record, record],
  metadata: { paging: { per_page: 2, current_page: 1, next_page: null, prev_page: null } },
});
const salesloftFixture = (name: string) => vendorFixture('salesloft', name);
const apolloFixture = (name: string) => vendorFixture('apollo', name);
const attioFixture = (name: string) => vendorFixture('attio', name);

const calls: Record<string, Call[]> = {
  SalesLoft: [
    { name: 'people.get', example: { data: salesloftFixture('person') }, run: () => salesloft.people.get(1) },
    {
      name: 'people.list',
      example: list(salesloftFixture('person')),
      run: () => salesloft.people.list().toArray({ limit: 4 }),
    },
    {
      name: 'people.upsert',
      example: { data: salesloftFixture('person-upsert') },
      run: () => salesloft.people.upsert({ upsert_key: 'email_address', email_address: 'a@b.co' }),
    },
    {
      name: 'accounts.get',
      example: { data: salesloftFixture('account') },
      run: () => salesloft.accounts.get(1),
    },
    {
      name: 'cadences.list',
      example: list(salesloftFixture('cadence')),
      run: () => salesloft.cadences.list().toArray({ limit: 4 }),
    },
    {
      name: 'cadenceMemberships.create',
      example: { data: salesloftFixture('cadence-membership') },
      run: () => salesloft.cadenceMemberships.create({ person_id: 1, cadence_id: 1 }),
    },
    {
      name: 'activities.emails.list',
      example: list(salesloftFixture('email')),
      run: () => salesloft.activities.emails.list().toArray({ limit: 4 }),
    },
    {
      name: 'activities.calls.get',
      example: { data: salesloftFixture('call') },
      run: () => salesloft.activities.calls.get(1),
    },
    {
      name: 'tasks.list',
      example: list(salesloftFixture('task')),
      run: () => salesloft.tasks.list().toArray({ limit: 4 }),
    },
    { name: 'users.me', example: { data: salesloftFixture('user') }, run: () => salesloft.me() },
    {
      name: 'webhookSubscriptions.list',
      example: list(salesloftFixture('webhook-subscription')),
      run: () => salesloft.webhookSubscriptions.list().toArray({ limit: 4 }),
    },
  ],
  Apollo: [
    {
      name: 'contacts.get',
      example: apolloFixture('contacts-get'),
      run: () => apollo.contacts.get('66e34b81740c50074e3d1bd4'),
    },
    {
      name: 'contacts.search',
      example: apolloFixture('contacts-search'),
      run: () => apollo.contacts.search().toArray({ limit: 4 }),
    },
    {
      name: 'contacts.create',
      example: apolloFixture('contacts-create'),
      run: () => apollo.contacts.create({ email: 'a@b.co' }),
    },
    {
      name: 'accounts.search',
      example: apolloFixture('accounts-search'),
      run: () => apollo.accounts.search().toArray({ limit: 4 }),
    },
    {
      name: 'people.search',
      example: apolloFixture('people-api-search'),
      run: () => apollo.people.search({ person_titles: ['cto'] }).toArray({ limit: 4 }),
    },
    {
      name: 'people.enrich',
      example: apolloFixture('people-match'),
      run: () => apollo.people.enrich({ email: 'a@b.co' }),
    },
    {
      name: 'people.bulkEnrich',
      example: apolloFixture('people-bulk-match'),
      run: () => apollo.people.bulkEnrich([{ email: 'a@b.co' }, { email: 'c@d.co' }]),
    },
    {
      name: 'organizations.enrich',
      example: apolloFixture('organizations-enrich'),
      run: () => apollo.organizations.enrich({ domain: 'apollo.io' }),
    },
    { name: 'deals.get', example: apolloFixture('opportunities-get'), run: () => apollo.deals.get('d1') },
    {
      name: 'usage.apiUsage',
      example: apolloFixture('usage-api-usage-stats'),
      run: () => apollo.usage.apiUsage(),
    },
  ],
  Attio: [
    {
      name: 'records.get',
      example: { data: attioFixture('record') },
      run: () => attio.records.get('people', 'bf071e1f-6035-429d-b874-d83ea64ea13b'),
    },
    {
      name: 'records.query',
      example: { data: [attioFixture('record')] },
      run: () => attio.records.query('people', { limit: 2 }).toArray({ limit: 4 }),
    },
    { name: 'objects.list', example: { data: [attioFixture('object')] }, run: () => attio.objects.list() },
    {
      name: 'attributes.list',
      example: { data: [attioFixture('attribute')] },
      run: () => attio.attributes.list('objects', 'people').toArray({ limit: 4 }),
    },
    { name: 'lists.list', example: { data: [attioFixture('list')] }, run: () => attio.lists.list() },
    { name: 'notes.get', example: { data: attioFixture('note') }, run: () => attio.notes.get('n1') },
    { name: 'tasks.get', example: { data: attioFixture('task') }, run: () => attio.tasks.get('t1') },
    { name: 'webhooks.get', example: { data: attioFixture('webhook') }, run: () => attio.webhooks.get('w1') },
    { name: 'self', example: attioFixture('self'), run: () => attio.self() },
  ],
};

const errorExamples = {
  SalesLoft: { errors: { email_address: ['is already taken'] } },
  Apollo: {
    error: 'This API key is not authorized to access api/v1/contacts',
    error_code: 'API_INACCESSIBLE',
  },
  Attio: attioFixture('error-filter'),
};

const STATUSES = [200, 201, 204, 301, 400, 401, 403, 404, 409, 422, 429, 500, 502, 503, 504];

/** Headers a vendor might send, some of them malformed. */
const headers = fc.record(
  {
    'content-type': fc.constantFrom(
      'application/json',
      'application/json; charset=utf-8',
      'text/plain',
      'text/html',
    ),
    'retry-after': fc.oneof(
      fc.constantFrom('1', '0', '-5', 'soon', 'Wed, 21 Oct 2015 07:28:00 GMT', '1e9'),
      fc.string({ maxLength: 10 }),
    ),
    'x-ratelimit-remaining-minute': fc.oneof(fc.constantFrom('0', '-1', 'NaN'), fc.nat().map(String)),
    'x-request-id': fc.string({ maxLength: 20 }).filter((value) => /^[\x21-\x7e]*$/.test(value)),
  },
  { requiredKeys: ['content-type'] },
);

const outcome = (call: Call, errorExample: unknown) =>
  fc.oneof(
    // A 2xx answer whose body is the specification example with some fields broken.
    {
      weight: 3,
      arbitrary: fc.record({ status: fc.constantFrom(200, 201), headers, body: bodyFrom(call.example) }),
    },
    // Any status, with the vendor's error body broken, random JSON or random text.
    {
      weight: 2,
      arbitrary: fc.record({
        status: fc.constantFrom(...STATUSES),
        headers,
        body: fc.oneof(
          bodyFrom(errorExample),
          hostileValue.map((value) => JSON.stringify(value) ?? ''),
        ),
      }),
    },
  );

describe('vendor clients fed broken responses', () => {
  it('resolve every call when the answer is the specification example', async () => {
    const failed: string[] = [];
    for (const [vendor, vendorCalls] of Object.entries(calls)) {
      for (const call of vendorCalls) {
        answer = () => HttpResponse.json(call.example as Record<string, unknown>);
        try {
          await settle(call.run());
        } catch (error) {
          failed.push(`${vendor}.${call.name}: ${String(error)}`);
        }
      }
    }
    expect(failed).toEqual([]);
  });

  for (const [vendor, vendorCalls] of Object.entries(calls)) {
    it(`${vendor}: every call resolves or rejects with a typed SalesOS error`, async () => {
      const errorExample = errorExamples[vendor as keyof typeof errorExamples];
      await fc.assert(
        fc.asyncProperty(
          fc
            .constantFrom(...vendorCalls)
            .chain((call) => fc.tuple(fc.constant(call), outcome(call, errorExample))),
          async ([call, reply]) => {
            tried[`${vendor}.${call.name}`] = (tried[`${vendor}.${call.name}`] ?? 0) + 1;
            answer = () =>
              new Response(reply.status === 204 ? null : reply.body, {
                status: reply.status,
                headers: reply.headers as Record<string, string>,
              });
            try {
              await settle(call.run());
            } catch (error) {
              if (!SalesOSError.isInstance(error)) {
                untyped += 1;
                throw error;
              }
              expect(error.message.length).toBeGreaterThan(0);
            }
          },
        ),
        { numRuns: fuzzRuns(250) },
      );
    });
  }
});

describe('every exported vendor schema', () => {
  it('answers a result for any input, close to valid or not, and never throws', () => {
    type Schema = { safeParse: (value: unknown) => { success: boolean } };
    const schemas = Object.entries({ ...salesloftPackage, ...apolloPackage, ...attioPackage } as Record<
      string,
      unknown
    >).filter(
      (entry): entry is [string, Schema] =>
        entry[0].endsWith('Schema') && typeof (entry[1] as Partial<Schema>)?.safeParse === 'function',
    );
    const examples = Object.values(calls).flatMap((vendorCalls) => vendorCalls.map((call) => call.example));
    expect(schemas.length).toBeGreaterThan(30);
    fc.assert(
      fc.property(
        fc.constantFrom(...schemas),
        fc.oneof(fc.constantFrom(...examples).chain(mutatedFrom), hostileValue),
        ([name, schema], input) => {
          tried[`schema.${name}`] = (tried[`schema.${name}`] ?? 0) + 1;
          expect(typeof schema.safeParse(input).success).toBe('boolean');
        },
      ),
      { numRuns: fuzzRuns(1000) },
    );
  });
});
