import { createPostgresStorage } from '@salesos/postgres';
import { createBullmqQueue } from '@salesos/redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  deleteRedisKeys,
  dropSchema,
  TEST_POSTGRES_URL,
  TEST_REDIS_URL,
  uniquePrefix,
  uniqueSchema,
} from '../../../tests/support/backends.ts';
import { JOBS, SIMULATED_SALESLOFT_WEBHOOK_TOKEN } from './dependencies.ts';
import type { HealthReport } from './observability/health.ts';
import { eventually, startTestServer, type TestServer } from './testing/start-test-server.ts';

// The server as it runs scaled out: PostgreSQL storage and the BullMQ queue, each run in its own
// schema and under its own Redis key prefix (DATABASE_SCHEMA, REDIS_PREFIX), dropped afterwards.
const API_KEY = 'pg-bullmq-key-0123456789abcdef';
const schema = uniqueSchema('server');
const prefix = uniquePrefix('server');

describe('the reference server on PostgreSQL and BullMQ', () => {
  let server: TestServer;
  const processed: string[] = [];

  beforeAll(async () => {
    server = await startTestServer(
      {
        DATABASE_URL: TEST_POSTGRES_URL,
        DATABASE_SCHEMA: schema,
        REDIS_URL: TEST_REDIS_URL,
        REDIS_PREFIX: prefix,
        API_KEYS: `tests:${API_KEY}`,
      },
      { captureLogs: true },
    );
    server.deps.events.on('server.webhook_processed', ({ vendor, deliveryId }) => {
      if (vendor === 'salesloft') processed.push(deliveryId);
    });
  });

  afterAll(async () => {
    try {
      await server?.close();
    } finally {
      await dropSchema(schema);
      await deleteRedisKeys(prefix);
    }
  });

  it('reports PostgreSQL storage and the BullMQ queue healthy', async () => {
    const response = await fetch(`${server.url}/health`);
    expect(response.status).toBe(200);
    const body = (await response.json()) as HealthReport;
    expect(body.status).toBe('ok');
    expect(body.checks.storage).toEqual({ status: 'ok' });
    expect(body.checks.queue).toEqual({ status: 'ok' });
    const listening = server.logLines
      .map((line) => JSON.parse(line) as { msg: string; storage?: string; queue?: string })
      .find((line) => line.msg === 'listening');
    expect(listening).toMatchObject({ storage: 'postgres', queue: 'bullmq' });
    expect(server.deps.config.storage).toEqual({ kind: 'postgres', url: TEST_POSTGRES_URL, schema });
    expect(server.deps.config.queue).toEqual({ kind: 'bullmq', url: TEST_REDIS_URL, prefix });
  });

  it('accepts a signed SalesLoft delivery once and applies it once, however often it comes', async () => {
    const call = (path: string, json?: unknown) => server.call(API_KEY, path, json);
    // A contact in the book, for the delivery to be about.
    const search = await call('/api/leads/search', {
      seniorities: ['vp', 'c_suite', 'founder', 'head'],
      limit: 1,
    });
    expect(search.status).toBe(200);
    const { leads } = (await search.json()) as { leads: { apolloId: string }[] };
    const enrich = await call('/api/leads/enrich', { people: leads.map((lead) => ({ id: lead.apolloId })) });
    expect(enrich.status).toBe(200);
    const [contact] = ((await enrich.json()) as { contacts: { person: { id: string; email: string } }[] })
      .contacts;
    if (!contact) throw new Error('no contact enriched');
    const scoreOf = async () =>
      ((await (await call(`/api/contacts/${contact.person.id}/score`)).json()) as { engagement: number })
        .engagement;
    const before = await scoreOf();

    // SalesLoft logs the contact's reply and posts the email, signed with the callback token.
    const simulator = server.deps.simulators.salesloft;
    if (!simulator) throw new Error('the SalesLoft simulator is not running');
    const prospect = simulator.store.people.insert({ email_address: contact.person.email });
    const email = simulator.store.emails.insert({
      status: 'sent',
      sent_at: new Date().toISOString(),
      recipient_email_address: contact.person.email,
      recipient: { id: prospect.id, _href: `${simulator.baseUrl}/people/${prospect.id}` },
      counts: { views: 1, clicks: 0, replies: 1 },
    });
    const delivery = simulator.webhooks.delivery('email_updated', email, {
      token: SIMULATED_SALESLOFT_WEBHOOK_TOKEN,
    });
    const post = () =>
      fetch(`${server.url}/webhooks/salesloft`, {
        method: 'POST',
        headers: delivery.headers,
        body: delivery.body,
      });

    const accepted = await post();
    expect(accepted.status).toBe(202);
    const { id } = (await accepted.json()) as { id: string };
    expect((await post()).status).toBe(200); // a redelivery while the first is queued or running
    await eventually(() => processed.includes(id));
    await server.deps.queue.onIdle(JOBS.salesloft);
    expect((await post()).status).toBe(200); // and once it has been applied
    await server.deps.queue.onIdle(JOBS.salesloft);

    expect(processed).toEqual([id]);
    expect(await server.deps.queue.counts(JOBS.salesloft)).toMatchObject({
      waiting: 0,
      active: 0,
      delayed: 0,
      completed: 1,
      dead: 0,
    });
    expect(await scoreOf()).toBeGreaterThan(before); // the reply was applied to the contact

    // The state is where the configuration put it: read back by a second storage on the same
    // schema and a second queue on the same prefix, as another server process would.
    const storage = createPostgresStorage({ connectionString: TEST_POSTGRES_URL, schema, maxConnections: 1 });
    const queue = createBullmqQueue({ connection: TEST_REDIS_URL, prefix });
    try {
      const remembered = await storage.get(['tenant', 'default', 'webhooks', 'salesloft', id]);
      expect(remembered.versionstamp).not.toBeNull();
      expect(await queue.counts(JOBS.salesloft)).toMatchObject({ completed: 1, dead: 0 });
    } finally {
      await queue.close();
      await storage.close();
    }

    const health = await fetch(`${server.url}/health`);
    expect(health.status).toBe(200);
    expect(((await health.json()) as HealthReport).checks).toMatchObject({
      storage: { status: 'ok' },
      queue: { status: 'ok' },
    });
  });
});
