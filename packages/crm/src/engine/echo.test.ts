import { createAttioClient, createAttioConnector } from '@salesos/attio';
import { createAttioSimulator } from '@salesos/attio/testing';
import { createMemoryQueue, createMemoryStorage, type Person } from '@salesos/core';
import { createSalesloftClient, createSalesloftConnector } from '@salesos/salesloft';
import { createSalesloftSimulator } from '@salesos/salesloft/testing';
import { HttpResponse, http } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSyncEngine } from './sync-engine.ts';

const SALESLOFT_HOOK = 'https://hooks.test/salesloft';
const ATTIO_HOOK = 'https://hooks.test/attio';

const salesloftSimulator = createSalesloftSimulator({ seed: 11, people: 12, accounts: 3, budget: 1_000_000 });
const attioSimulator = createAttioSimulator({
  seed: 12,
  records: { people: 9, companies: 0, deals: 0 },
  rateLimits: false,
});
const salesloftClient = createSalesloftClient({ apiKey: 'ak_test', rateLimiter: false });
const attioClient = createAttioClient({ apiKey: 'test-key', rateLimiter: false });
const salesloft = createSalesloftConnector(salesloftClient);
const attio = createAttioConnector(attioClient);
const queue = createMemoryQueue();
const engine = createSyncEngine({ storage: createMemoryStorage(), queue });

// The host's webhook endpoints: hand every delivery to the engine (the vendors' signed
// deliveries are verified by their own handlers; this test is about what happens after).
const server = setupServer(
  ...salesloftSimulator.handlers,
  ...attioSimulator.handlers,
  http.post(SALESLOFT_HOOK, async ({ request }) => {
    await engine.handleWebhook('people', 'left', await request.json(), request.headers);
    return HttpResponse.json({ ok: true });
  }),
  http.post(ATTIO_HOOK, async ({ request }) => {
    await engine.handleWebhook('people', 'right', await request.json(), request.headers);
    return HttpResponse.json({ ok: true });
  }),
);

/** Writes each simulator answered (reads and webhook management left out). */
const writes = () => ({
  salesloft: salesloftSimulator.requests.filter(
    (request) => request.method !== 'GET' && request.path.startsWith('/v2/people'),
  ).length,
  attio: attioSimulator.calls.filter(
    (call) =>
      call.method !== 'GET' &&
      call.path.startsWith('/objects/people/records') &&
      !call.path.endsWith('/query'),
  ).length,
});

/** Delivers webhooks and runs their jobs until no system has anything left to say; answers the rounds taken. */
async function settle(): Promise<number> {
  for (let round = 1; round <= 10; round += 1) {
    const salesloftResults = await salesloftSimulator.webhooks.flush();
    const attioResults = await attioSimulator.webhooks.flush();
    await queue.onIdle();
    if (salesloftResults.length === 0 && attioResults.delivered === 0) return round;
  }
  throw new Error('The two systems kept sending each other changes (ping-pong).');
}

const mapped = (person: Person) => ({ title: person.title ?? null });
/** Every person a system holds now, read through a fresh connector (Attio's reports only changes). */
async function snapshot(system: 'salesloft' | 'attio'): Promise<Map<string, { title: string | null }>> {
  const connector =
    system === 'salesloft' ? createSalesloftConnector(salesloftClient) : createAttioConnector(attioClient);
  const people = new Map<string, { title: string | null }>();
  for await (const batch of connector.entities.person.listChanges()) {
    for (const change of batch.changes) {
      if (change.type === 'upsert' && change.record.email) {
        people.set(change.record.email.toLowerCase(), mapped(change.record));
      }
    }
  }
  return people;
}

beforeAll(async () => {
  server.listen();
  for (const eventType of ['person_created', 'person_updated', 'person_deleted']) {
    await salesloftClient.webhookSubscriptions.create({
      event_type: eventType,
      callback_url: SALESLOFT_HOOK,
      callback_token: 'salesloft-token',
    });
  }
  const peopleObject = attioSimulator.store.object('people').id.object_id;
  const filter = { $and: [{ field: 'id.object_id', operator: 'equals' as const, value: peopleObject }] };
  await attioClient.webhooks.create({
    target_url: ATTIO_HOOK,
    subscriptions: (['record.created', 'record.updated', 'record.deleted'] as const).map((event_type) => ({
      event_type,
      filter,
    })),
  });
  engine.define({
    id: 'people',
    tenantId: 'acme',
    left: salesloft,
    right: attio,
    entity: 'person',
    direction: 'both',
    fieldMap: [
      { left: 'email', right: 'email' },
      { left: 'title', right: 'title' },
    ],
    conflictPolicy: 'last-write-wins',
    deletePolicy: 'ignore',
  });
});

afterAll(async () => {
  await queue.close();
  server.close();
});

describe('two-way sync between the SalesLoft and Attio simulators, webhooks on', () => {
  it('backfills both ways, then the echoes of its own writes come back without being synced again', async () => {
    const summary = await engine.run('people');
    expect(summary.status, summary.error).toBe('completed');
    expect(summary.counts.failed).toBe(0);
    expect(summary.counts.created).toBe(21);
    const before = writes();
    expect(await settle()).toBeLessThanOrEqual(2);
    expect(writes()).toEqual(before);
    expect(await snapshot('attio')).toEqual(await snapshot('salesloft'));
  });

  it('carries an edit made in SalesLoft to Attio once, and Attio’s echo stops there', async () => {
    const person = salesloftSimulator.store.people.all()[0];
    salesloftSimulator.store.people.update(Number(person?.id), { title: 'Chief Scientist' });
    const before = writes();
    expect(await settle()).toBeLessThanOrEqual(3);
    expect(writes()).toEqual({ salesloft: before.salesloft, attio: before.attio + 1 });
    const email = String(person?.email_address).toLowerCase();
    expect((await snapshot('attio')).get(email)).toEqual({ title: 'Chief Scientist' });
  });

  it('carries an edit made in Attio to SalesLoft once, and SalesLoft’s echo stops there', async () => {
    const record = attioSimulator.store.records('people')[0];
    attioSimulator.store.updateRecord('people', String(record?.id.record_id), { job_title: 'Head of Data' });
    const before = writes();
    expect(await settle()).toBeLessThanOrEqual(3);
    expect(writes()).toEqual({ salesloft: before.salesloft + 1, attio: before.attio });
    expect(await snapshot('salesloft')).toEqual(await snapshot('attio'));
  });

  it('leaves nothing for the next run to do', async () => {
    const before = writes();
    const summary = await engine.run('people');
    expect(summary.counts).toMatchObject({ created: 0, updated: 0, failed: 0, conflicts: 0 });
    expect(await settle()).toBe(1);
    expect(writes()).toEqual(before);
  });
});
