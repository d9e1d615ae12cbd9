import { type Change, ConfigError, createMemoryStorage, type Person } from '@salesos/core';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createAttioClient } from '../client.ts';
import { decodeRecord } from '../codec/value-codec.ts';
import { createAttioSimulator } from '../testing/index.ts';
import { createAttioConnector } from './attio-connector.ts';

const server = setupServer();
beforeAll(() => server.listen({ onUnhandledFrame: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

const start = (records = { companies: 3, people: 5, deals: 2 }) => {
  const simulator = createAttioSimulator({ seed: 17, records });
  server.use(...simulator.handlers);
  const client = createAttioClient({ apiKey: 'test-key', rateLimiter: false });
  return { simulator, client };
};

const collect = async <T>(
  batches: AsyncIterable<{ changes: readonly Change<T>[]; checkpoint: string; complete?: boolean }>,
) => {
  const changes: Change<T>[] = [];
  let checkpoint = '';
  let complete = false;
  for await (const batch of batches) {
    changes.push(...batch.changes);
    checkpoint = batch.checkpoint;
    complete = batch.complete === true;
  }
  return { changes, checkpoint, complete };
};

describe('createAttioConnector', () => {
  it('maps people to canonical persons with externalIds.attio', async () => {
    const { simulator, client } = start();
    const connector = createAttioConnector(client);
    const record = simulator.store.records('people')[0];
    const person = await connector.entities.person.get(record?.id.record_id ?? '');
    const email = (record ? decodeRecord(record).email_addresses : [])?.toString();
    const company = record?.values.company?.[0] as { target_record_id: string } | undefined;
    expect(person).toMatchObject({
      id: record?.id.record_id,
      email,
      companyId: company?.target_record_id ?? null,
      externalIds: { attio: record?.id.record_id },
    });
    expect(person?.firstName).toEqual(expect.any(String));
    expect(person?.updatedAt).toMatch(/Z$/);
    expect(await connector.entities.person.get('00000000-0000-4000-8000-000000000000')).toBeNull();
    // Ids that cannot be Attio record ids (another system's, or not even well-formed text) name no record.
    for (const id of ['lead-1', 'a\ud800b', '../../objects']) {
      expect(await connector.entities.person.get(id)).toBeNull();
    }
  });

  it('upserts a person by email through assert: twice gives one record, created then updated', async () => {
    const { simulator, client } = start({ companies: 1, people: 0, deals: 0 });
    const people = createAttioConnector(client).entities.person;
    const first = await people.upsert(
      { id: 'lead-1', email: 'Ada@Example.com', firstName: 'Ada', lastName: 'Lovelace', title: 'Analyst' },
      { matchBy: ['email'] },
    );
    const second = await people.upsert(
      { email: 'ada@example.com', title: 'Countess' },
      { matchBy: ['email'] },
    );
    expect(first.created).toBe(true);
    expect(second.created).toBe(false);
    expect(second.record.id).toBe(first.record.id);
    expect(second.record).toMatchObject({ firstName: 'Ada', lastName: 'Lovelace', title: 'Countess' });
    expect(simulator.store.countRecords('people')).toBe(1);
  });

  it('keeps the other part of a name when an upsert changes only one', async () => {
    const { client } = start({ companies: 0, people: 0, deals: 0 });
    const people = createAttioConnector(client).entities.person;
    const first = await people.upsert(
      { email: 'grace@example.com', firstName: 'Grace', lastName: 'Hopper' },
      { matchBy: ['email'] },
    );
    const byEmail = await people.upsert(
      { email: 'grace@example.com', firstName: 'Amazing' },
      { matchBy: ['email'] },
    );
    expect(byEmail.record).toMatchObject({ firstName: 'Amazing', lastName: 'Hopper' });
    const byId = await people.upsert({ id: first.record.id, lastName: 'Murray Hopper' }, { matchBy: ['id'] });
    expect(byId.record).toMatchObject({ firstName: 'Amazing', lastName: 'Murray Hopper' });
  });

  it('upserts companies by domain and deals by id, and refuses a field it cannot match by', async () => {
    const { simulator, client } = start({ companies: 0, people: 0, deals: 0 });
    const connector = createAttioConnector(client);
    const company = await connector.entities.company.upsert(
      { name: 'Acme', domain: 'ACME.com', employeeCount: 40 },
      { matchBy: ['id', 'domain'] },
    );
    const again = await connector.entities.company.upsert(
      { domain: 'acme.com', name: 'Acme Inc' },
      { matchBy: ['domain'] },
    );
    expect(again.record).toMatchObject({
      id: company.record.id,
      name: 'Acme Inc',
      domain: 'acme.com',
      employeeCount: 40,
    });
    expect(simulator.store.countRecords('companies')).toBe(1);

    const deal = await connector.entities.deal.upsert(
      { name: 'Pilot', amount: 12000, stage: 'Lead', companyId: company.record.id },
      { matchBy: ['id'] },
    );
    expect(deal.created).toBe(true);
    expect(deal.record).toMatchObject({
      name: 'Pilot',
      amount: 12000,
      currency: 'USD',
      stage: 'Lead',
      companyId: company.record.id,
    });
    const moved = await connector.entities.deal.upsert(
      { id: deal.record.id, stage: 'In Progress' },
      { matchBy: ['id'] },
    );
    expect(moved).toMatchObject({ created: false, record: { id: deal.record.id, stage: 'In Progress' } });
    await expect(
      connector.entities.person.upsert({ email: 'x@example.com' }, { matchBy: ['phone' as never] }),
    ).rejects.toBeInstanceOf(ConfigError);
  });

  it('deletes a record and answers false when there was nothing to delete', async () => {
    const { simulator, client } = start();
    const companies = createAttioConnector(client).entities.company;
    const id = simulator.store.records('companies')[0]?.id.record_id ?? '';
    expect(await companies.delete(id)).toBe(true);
    expect(await companies.delete(id)).toBe(false);
  });

  it('lists every record on a first scan, then only what changed, then deletions', async () => {
    const { simulator, client } = start({ companies: 2, people: 7, deals: 0 });
    const people = createAttioConnector(client, { pageSize: 3, storage: createMemoryStorage() }).entities
      .person;
    const first = await collect(people.listChanges());
    expect(first.complete).toBe(true);
    expect(first.changes.map((change) => change.id).sort()).toEqual(
      simulator.store
        .records('people')
        .map((record) => record.id.record_id)
        .sort(),
    );

    const [changed, removed] = simulator.store.records('people');
    simulator.store.updateRecord('people', changed?.id.record_id ?? '', { job_title: 'Chief Scientist' });
    simulator.store.deleteRecord('people', removed?.id.record_id ?? '');
    const second = await collect(people.listChanges({ since: first.checkpoint }));
    expect(second.changes).toEqual([
      expect.objectContaining({
        type: 'upsert',
        id: changed?.id.record_id,
        record: expect.objectContaining({ title: 'Chief Scientist' }),
      }),
      expect.objectContaining({ type: 'delete', id: removed?.id.record_id }),
    ]);

    const third = await collect(people.listChanges({ since: second.checkpoint }));
    expect(third.changes).toEqual([]);
  });

  it('lists every record again on a later full walk, and still finds deletions after it', async () => {
    const { simulator, client } = start({ companies: 1, people: 6, deals: 0 });
    const people = createAttioConnector(client, { pageSize: 4, storage: createMemoryStorage() }).entities
      .person;
    const ids = () =>
      simulator.store
        .records('people')
        .map((record) => record.id.record_id)
        .sort();
    const first = await collect(people.listChanges());
    await collect(people.listChanges({ since: first.checkpoint }));

    // A full walk (no checkpoint) is what a sync engine infers deletions from: nothing unchanged
    // may be left out of it.
    const again = await collect(people.listChanges());
    expect(again.complete).toBe(true);
    expect(again.changes.map((change) => change.id).sort()).toEqual(ids());

    const [removed] = simulator.store.records('people');
    simulator.store.deleteRecord('people', removed?.id.record_id ?? '');
    const after = await collect(people.listChanges({ since: again.checkpoint }));
    expect(after.changes).toEqual([expect.objectContaining({ type: 'delete', id: removed?.id.record_id })]);
  });

  it('resumes a scan from a mid-walk checkpoint, repeating at most the unconfirmed batch', async () => {
    const { simulator, client } = start({ companies: 1, people: 10, deals: 0 });
    const people = createAttioConnector(client, { pageSize: 4 }).entities.person;
    const seen: string[] = [];
    let saved = '';
    for await (const batch of people.listChanges()) {
      seen.push(...batch.changes.map((change) => change.id));
      saved = batch.checkpoint;
      break;
    }
    const rest = await collect(people.listChanges({ since: saved }));
    const all = new Set([...seen, ...rest.changes.map((change) => change.id)]);
    expect(all.size).toBe(simulator.store.countRecords('people'));
  });

  it('walks by an updated-at attribute when one is configured', async () => {
    const { simulator, client } = start({ companies: 0, people: 0, deals: 0 });
    simulator.store.addAttribute('objects', 'people', { api_slug: 'updated_at', type: 'timestamp' });
    for (const [index, email] of ['a@example.com', 'b@example.com', 'c@example.com'].entries()) {
      simulator.store.createRecord('people', {
        email_addresses: [email],
        updated_at: `2026-01-0${index + 1}T00:00:00Z`,
      });
    }
    const people = createAttioConnector(client, { updatedAtAttribute: { person: 'updated_at' } }).entities
      .person;
    const first = await collect(people.listChanges());
    expect(first.changes.map((change) => (change.type === 'upsert' ? change.record.email : null))).toEqual([
      'a@example.com',
      'b@example.com',
      'c@example.com',
    ]);
    const later = await collect(people.listChanges({ since: first.checkpoint }));
    // The boundary record comes again; nothing older does.
    expect(later.changes.map((change) => change.id)).toEqual([first.changes[2]?.id]);
  });

  it('turns record webhooks of its object into changes with the current record', async () => {
    const { simulator, client } = start();
    const people = createAttioConnector(client).entities.person;
    const [kept, gone] = simulator.store.records('people');
    const objectId = simulator.store.object('people').id.object_id;
    simulator.store.deleteRecord('people', gone?.id.record_id ?? '');
    const delivery = simulator.webhooks.delivery([
      {
        event_type: 'record.updated',
        id: { object_id: objectId, record_id: kept?.id.record_id, attribute_id: 'a1' },
      },
      {
        event_type: 'record.updated',
        id: { object_id: objectId, record_id: kept?.id.record_id, attribute_id: 'a2' },
      },
      { event_type: 'record.deleted', id: { object_id: objectId, record_id: gone?.id.record_id } },
      { event_type: 'record.created', id: { object_id: 'another-object', record_id: 'r9' } },
    ]);
    const changes = await people.parseWebhook(JSON.parse(delivery.body));
    expect(changes).toEqual([
      expect.objectContaining({
        type: 'upsert',
        id: kept?.id.record_id,
        record: expect.objectContaining({ id: kept?.id.record_id }),
      }),
      expect.objectContaining({ type: 'delete', id: gone?.id.record_id }),
    ]);
    const person = (changes[0] as { record: Person }).record;
    expect(person.externalIds).toEqual({ attio: kept?.id.record_id });
  });
});
