import { signAttioBody } from '@salesos/attio/testing';
import { signSalesloftPayload } from '@salesos/salesloft/testing';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JOBS, SIMULATED_SALESLOFT_WEBHOOK_TOKEN } from '../../examples/reference-server/src/dependencies.ts';
import {
  eventually,
  startTestServer,
  type TestServer,
} from '../../examples/reference-server/src/testing/start-test-server.ts';
import { bodyFrom, fuzzRuns, hostileValue } from '../support/arbitraries.ts';
import { recordFigures } from '../support/figures.ts';

const KEY = 'sk_fuzz_0123456789abcdef';
/** Runs per route; the routes that call a vendor get fewer. */
const RUNS = 60;
const VENDOR_RUNS = 25;

/** Answers by route and status. */
const answers: Record<string, Record<number, number>> = {};

const contentTypes = fc.constantFrom(
  'application/json',
  'application/json; charset=utf-8',
  'text/plain',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  null,
);

// The server is started once; every property drives it over HTTP on loopback.
describe('the reference server API fed random and mutated requests', () => {
  let server: TestServer;
  let apolloId: string;
  let personId: string;
  let unsubscribeUrl: URL;

  /** Sends a request and checks the answer: a 2xx or a 4xx with a JSON body for errors. */
  const send = async (
    route: string,
    path: string,
    init: { method?: string; body?: string; headers?: Record<string, string> } = {},
  ): Promise<number> => {
    const response = await fetch(`${server.url}${path}`, {
      method: init.method ?? 'POST',
      headers: init.headers ?? {},
      ...(init.body === undefined ? {} : { body: init.body }),
    });
    answers[route] ??= {};
    const tally = answers[route];
    tally[response.status] = (tally[response.status] ?? 0) + 1;
    const text = await response.text();
    expect(response.status, `${route} answered ${response.status}: ${text.slice(0, 300)}`).toBeLessThan(500);
    expect(response.status).toBeGreaterThanOrEqual(200);
    // Errors of the API are JSON; one-click unsubscribe answers mail clients in plain text.
    const jsonErrors =
      path.startsWith('/api') && !path.startsWith('/api/unsubscribe') && init.method !== 'HEAD';
    if (response.status >= 400 && jsonErrors) {
      const body = JSON.parse(text) as { error?: { code?: unknown } };
      expect(typeof body.error?.code).toBe('string');
    }
    return response.status;
  };

  /** Random and mutated bodies, with random content types, to one API route. */
  const fuzzBody = async (route: string, path: string, example: unknown, runs = RUNS) => {
    await fc.assert(
      fc.asyncProperty(bodyFrom(example), contentTypes, async (body, contentType) => {
        await send(route, path, {
          body,
          headers: { 'x-api-key': KEY, ...(contentType ? { 'content-type': contentType } : {}) },
        });
      }),
      { numRuns: fuzzRuns(runs) },
    );
  };

  beforeAll(async () => {
    server = await startTestServer({
      API_KEYS: `fuzz:${KEY}`,
      RATE_LIMIT_PER_MINUTE: '1000000',
    });
    const search = await server.call(KEY, '/api/leads/search', { limit: 2 });
    const { leads } = (await search.json()) as { leads: { apolloId: string }[] };
    apolloId = leads[0]?.apolloId as string;
    const enrich = await server.call(KEY, '/api/leads/enrich', { people: [{ id: apolloId }] });
    personId = ((await enrich.json()) as { contacts: { person: { id: string } }[] }).contacts[0]?.person
      .id as string;
    expect((await server.call(KEY, '/api/sequences', SEQUENCE)).status).toBe(201);
    const enrolment = await server.call(KEY, '/api/enrollments', {
      sequenceId: 'intro',
      personId,
      mailbox: { email: 'rep@salesos.example' },
    });
    expect(enrolment.status).toBe(201);
    const email = await eventually(async () => {
      for await (const recorded of server.deps.sender.emails('default')) return recorded;
      return undefined;
    }, 20_000);
    unsubscribeUrl = new URL(email.unsubscribeUrl as string);
  });

  afterAll(async () => {
    if (server) {
      // Sync runs started by the fuzz finish before the server closes.
      for (const name of ['people', 'deals']) {
        await eventually(async () => {
          const status = (await (await server.call(KEY, `/api/sync/${name}`)).json()) as { state: string };
          return status.state !== 'running';
        }, 20_000);
      }
      await server.close();
    }
    const tried = Object.values(answers)
      .flatMap((tally) => Object.values(tally))
      .reduce((sum, count) => sum + count, 0);
    recordFigures('bad-input-reference-server', { requests: tried, answers, serverErrors: 0 });
  });

  it('POST /api/leads/search', () =>
    fuzzBody(
      'leads.search',
      '/api/leads/search',
      {
        titles: ['VP Sales'],
        seniorities: ['vp', 'director'],
        locations: ['United States'],
        employeeRanges: ['51,200'],
        keywords: 'saas',
        limit: 3,
      },
      VENDOR_RUNS,
    ));

  it('POST /api/leads/enrich', () =>
    fuzzBody(
      'leads.enrich',
      '/api/leads/enrich',
      {
        people: [
          { id: 'placeholder' },
          { email: 'ada@analytical.example' },
          { linkedinUrl: 'https://www.linkedin.com/in/ada' },
          { firstName: 'Ada', lastName: 'Lovelace', domain: 'analytical.example' },
        ],
      },
      VENDOR_RUNS,
    ));

  it('POST /api/sequences', () => fuzzBody('sequences', '/api/sequences', SEQUENCE));

  it('POST /api/enrollments', () =>
    fuzzBody('enrollments', '/api/enrollments', {
      sequenceId: 'intro',
      personId,
      mailbox: { email: 'rep@salesos.example', name: 'Rep', timeZone: 'Europe/Paris' },
      variables: { first_name: 'Ada' },
    }));

  it('POST /api/deals', () =>
    fuzzBody('deals', '/api/deals', {
      name: 'Pilot',
      amount: 1200,
      currency: 'USD',
      stage: 'Lead',
      companyId: 'co_1',
      personIds: [personId],
    }));

  it('POST /api/privacy/export and /api/privacy/forget', async () => {
    await fuzzBody('privacy.export', '/api/privacy/export', { email: 'someone@example.com' });
    await fuzzBody('privacy.forget', '/api/privacy/forget', { email: 'someone@example.com' });
  });

  it('POST /api/sync/:id/run with random ids and bodies', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(fc.constantFrom('people', 'deals', 'default/people', 'other'), fc.webSegment()),
        bodyFrom({ mode: 'incremental' }),
        async (id, body) => {
          await send('sync.run', `/api/sync/${encodeURIComponent(id)}/run`, {
            body,
            headers: { 'x-api-key': KEY, 'content-type': 'application/json' },
          });
        },
      ),
      { numRuns: fuzzRuns(RUNS) },
    );
  });

  it('POST /api/unsubscribe with forged, broken and replayed tokens and bodies', async () => {
    const token = unsubscribeUrl.searchParams.get('token') ?? '';
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.constant(token),
          fc.string({ maxLength: 200 }),
          fc.nat({ max: token.length }).map((cut) => token.slice(0, cut)),
          fc.nat({ max: token.length - 1 }).map((at) => `${token.slice(0, at)}A${token.slice(at + 1)}`),
        ),
        fc.oneof(fc.constant('List-Unsubscribe=One-Click'), fc.string({ maxLength: 100 })),
        contentTypes,
        async (candidate, body, contentType) => {
          await send('unsubscribe', `/api/unsubscribe?token=${encodeURIComponent(candidate)}`, {
            body,
            headers: contentType ? { 'content-type': contentType } : {},
          });
        },
      ),
      { numRuns: fuzzRuns(RUNS) },
    );
  });

  it('POST /webhooks/salesloft and /webhooks/attio with validly signed mutated deliveries', async () => {
    const salesloft = server.deps.simulators.salesloft;
    const attio = server.deps.simulators.attio;
    if (!salesloft || !attio) throw new Error('the simulators are not running');
    const salesloftExample = JSON.parse(
      salesloft.webhooks.delivery('email_updated', salesloft.store.emails.all()[0], {
        token: SIMULATED_SALESLOFT_WEBHOOK_TOKEN,
      }).body,
    );
    const record = attio.store.records('people')[0];
    const attioExample = JSON.parse(
      attio.webhooks.delivery('record.updated', {
        id: { object_id: record?.id.object_id, record_id: record?.id.record_id, attribute_id: 'a' },
      }).body,
    );
    await fc.assert(
      fc.asyncProperty(
        bodyFrom(salesloftExample),
        fc.constantFrom('email_updated', 'person_updated', 'person_deleted', 'meeting_booked', 'x'),
        async (body, eventType) => {
          await send('webhooks.salesloft', '/webhooks/salesloft', {
            body,
            headers: {
              'content-type': 'application/json',
              'x-salesloft-event': eventType,
              'x-salesloft-signature': signSalesloftPayload(body, SIMULATED_SALESLOFT_WEBHOOK_TOKEN),
            },
          });
        },
      ),
      { numRuns: fuzzRuns(RUNS) },
    );
    await fc.assert(
      fc.asyncProperty(bodyFrom(attioExample), fc.uuid(), async (body, idempotencyKey) => {
        await send('webhooks.attio', '/webhooks/attio', {
          body,
          headers: {
            'content-type': 'application/json',
            'attio-signature': signAttioBody(body, attio.webhooks.secret),
            'idempotency-key': idempotencyKey,
          },
        });
      }),
      { numRuns: fuzzRuns(RUNS) },
    );

    // The workers kept running: the hostile deliveries were completed or dead-lettered, and a
    // genuine delivery after them is still applied.
    await server.deps.queue.onIdle(JOBS.salesloft);
    await server.deps.queue.onIdle(JOBS.attio);
    const applied = new Promise<string>((resolve) => {
      const off = server.deps.events.on('server.webhook_processed', (event) => {
        if (event.vendor === 'salesloft') {
          off();
          resolve(event.deliveryId);
        }
      });
    });
    const genuine = salesloft.webhooks.delivery('email_updated', salesloft.store.emails.all()[1], {
      token: SIMULATED_SALESLOFT_WEBHOOK_TOKEN,
    });
    const accepted = await fetch(`${server.url}/webhooks/salesloft`, {
      method: 'POST',
      headers: genuine.headers,
      body: genuine.body,
    });
    expect(accepted.status).toBe(202);
    expect(await applied).toBe(((await accepted.json()) as { id: string }).id);
  });

  it('GET routes with random ids, random paths and random methods', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.webSegment(),
          fc.string({ maxLength: 40 }),
          hostileValue.map((value) => JSON.stringify(value) ?? ''),
          fc.constantFrom('%ED%A0%80', '%FF%FE', '%', '%E0%A4', '%C0%AF', '%00'),
        ),
        async (id) => {
          // Percent-escapes that decode to no valid UTF-8 go in as they are.
          const segment = /^(%[0-9A-Fa-f]{0,2})+$/.test(id) ? id : encodeURIComponent(id.slice(0, 2000));
          await send('contacts.score', `/api/contacts/${segment}/score`, {
            method: 'GET',
            headers: { 'x-api-key': KEY },
          });
          await send('sync.status', `/api/sync/${segment}`, { method: 'GET', headers: { 'x-api-key': KEY } });
        },
      ),
      { numRuns: fuzzRuns(RUNS) },
    );
    await fc.assert(
      fc.asyncProperty(
        fc.webPath(),
        fc.webQueryParameters(),
        fc.constantFrom('GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'HEAD'),
        fc.boolean(),
        fc.boolean(),
        async (path, query, method, underApi, withKey) => {
          const target = `${underApi ? '/api' : ''}${path.startsWith('/') ? path : `/${path}`}${query ? `?${query}` : ''}`;
          await send('random', target, {
            method,
            headers: withKey ? { 'x-api-key': KEY } : {},
            ...(method === 'GET' || method === 'HEAD' ? {} : { body: '{}' }),
          });
        },
      ),
      { numRuns: fuzzRuns(RUNS * 2) },
    );
  });

  it('still answers its health check after all of it', async () => {
    const health = await fetch(`${server.url}/health`);
    const dead = await Promise.all(Object.values(JOBS).map((name) => server.deps.queue.deadLetters(name)));
    expect(health.status, JSON.stringify({ health: await health.json(), dead })).toBe(200);
  });
});

const SEQUENCE = {
  id: 'intro',
  name: 'Intro',
  settings: {
    sendWindow: { days: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'], start: '00:00', end: '24:00' },
  },
  steps: [
    { type: 'email', subject: 'Hello {{first_name|there}}', body: '<p>Hi!</p>' },
    { type: 'wait', delay: { days: 2 } },
    { type: 'email', delay: { businessDays: 2 }, replyInThread: true, body: '<p>Any thoughts?</p>' },
  ],
};
