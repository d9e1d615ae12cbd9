import { type Change, CompanySchema, ConfigError, type Person, PersonSchema } from '@salesos/core';
import { setupServer } from 'msw/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSalesloftClient } from '../client.ts';
import { createSalesloftSimulator } from '../testing/index.ts';
import { salesloftAccountToCompany } from './map-company.ts';
import { personToSalesloftInput, salesloftPersonToPerson } from './map-person.ts';
import { createSalesloftConnector } from './salesloft-connector.ts';

const simulator = createSalesloftSimulator({ seed: 21, people: 230, accounts: 12 });
const server = setupServer(...simulator.handlers);
beforeAll(() => server.listen());
afterAll(() => server.close());

const client = createSalesloftClient({ apiKey: 'ak', rateLimiter: false });
const connector = createSalesloftConnector(client, { perPage: 50 });
const people = connector.entities.person;
const companies = connector.entities.company;

describe('salesloftPersonToPerson', () => {
  it('maps a SalesLoft person onto a valid canonical Person with the SalesLoft id', () => {
    const person = salesloftPersonToPerson({
      id: 42,
      email_address: 'pat@example.com',
      first_name: 'Pat',
      last_name: 'Johnson',
      title: 'VP Sales',
      job_seniority: 'vice_president',
      phone: '',
      mobile_phone: '+1 555 0100',
      locale: 'US/Eastern',
      account: { id: 7, _href: 'https://api.salesloft.com/v2/accounts/7' },
      updated_at: '2022-01-01T00:00:00.000000-05:00',
    });
    expect(PersonSchema.parse(person)).toEqual(person);
    expect(person).toMatchObject({
      id: '42',
      email: 'pat@example.com',
      seniority: 'vp',
      phone: '+1 555 0100',
      companyId: '7',
      timeZone: 'US/Eastern',
      updatedAt: '2022-01-01T05:00:00.000000Z',
      externalIds: { salesloft: '42' },
    });
  });

  it('writes back only the fields given, in SalesLoft spelling', () => {
    expect(personToSalesloftInput({ email: 'a@b.test', seniority: 'c_suite', companyId: '9' })).toEqual({
      email_address: 'a@b.test',
      job_seniority: 'executive',
      account_id: 9,
    });
    expect(personToSalesloftInput({ companyId: 'attio-uuid' })).toEqual({});
  });
});

describe('salesloftAccountToCompany', () => {
  it('maps an account onto a valid canonical Company', () => {
    const company = salesloftAccountToCompany({
      id: 3,
      name: 'Hogwarts',
      domain: 'https://www.Hogwarts.test/',
      size: '1,500',
      revenue_range: '1,000,000-2,000,000',
      updated_at: '2022-01-01T00:00:00.000000Z',
    });
    expect(CompanySchema.parse(company)).toEqual(company);
    expect(company).toMatchObject({
      id: '3',
      domain: 'hogwarts.test',
      employeeCount: 1500,
      annualRevenue: 1_000_000,
      externalIds: { salesloft: '3' },
    });
  });
});

describe('createSalesloftConnector', () => {
  it('lists every person as changes in batches, the last one complete', async () => {
    const seen = new Set<string>();
    let batches = 0;
    let complete = false;
    for await (const batch of people.listChanges()) {
      batches += 1;
      for (const change of batch.changes) if (change.type === 'upsert') seen.add(change.id);
      complete = batch.complete === true;
    }
    expect(seen.size).toBe(simulator.store.people.size);
    expect(batches).toBeGreaterThanOrEqual(5);
    expect(complete).toBe(true);
  });

  it('resumes from a checkpoint without skipping a change', async () => {
    let checkpoint: string | undefined;
    const firstRun = new Set<string>();
    for await (const batch of people.listChanges()) {
      for (const change of batch.changes) firstRun.add(change.id);
      checkpoint = batch.checkpoint;
      if (firstRun.size >= 100) break;
    }
    const secondRun = new Set<string>();
    for await (const batch of people.listChanges({ since: checkpoint })) {
      for (const change of batch.changes) secondRun.add(change.id);
    }
    const union = new Set([...firstRun, ...secondRun]);
    expect(union.size).toBe(simulator.store.people.size);
    expect(secondRun.size).toBeLessThan(simulator.store.people.size);
  });

  it('picks up only what changed since the last checkpoint', async () => {
    let checkpoint: string | undefined;
    for await (const batch of people.listChanges()) checkpoint = batch.checkpoint;
    simulator.store.people.update(9, { title: 'Changed in SalesLoft' });
    const changes: Change<Person>[] = [];
    for await (const batch of people.listChanges({ since: checkpoint })) changes.push(...batch.changes);
    const changed = changes.find((change) => change.id === '9');
    expect(changed?.type === 'upsert' && changed.record.title).toBe('Changed in SalesLoft');
    expect(changes.length).toBeLessThan(5);
  });

  it('rejects a checkpoint it did not write', async () => {
    const walk = people.listChanges({ since: 'garbage' });
    await expect(walk[Symbol.asyncIterator]().next()).rejects.toBeInstanceOf(ConfigError);
  });

  it('upserts people matched by email: update when found, create when not', async () => {
    const existing = simulator.store.people.get(15);
    const updated = await people.upsert(
      { email: String(existing?.email_address).toUpperCase(), title: 'Matched' },
      { matchBy: ['email'] },
    );
    expect(updated.created).toBe(false);
    expect(updated.record).toMatchObject({ id: '15', title: 'Matched' });

    const created = await people.upsert(
      { email: 'new.person@nowhere.test', firstName: 'New' },
      { matchBy: ['email'] },
    );
    expect(created.created).toBe(true);
    expect(created.record.externalIds.salesloft).toBe(created.record.id);
    expect(await people.get(created.record.id)).toMatchObject({ email: 'new.person@nowhere.test' });
  });

  it('upserts companies matched by domain', async () => {
    const account = simulator.store.accounts.get(2);
    const updated = await companies.upsert(
      { domain: `https://www.${String(account?.domain)}`, industry: 'Robotics' },
      { matchBy: ['domain'] },
    );
    expect(updated).toMatchObject({ created: false, record: { id: '2', industry: 'Robotics' } });
    const created = await companies.upsert({ name: 'Newco', domain: 'newco.test' }, { matchBy: ['domain'] });
    expect(created.created).toBe(true);
    await expect(companies.upsert({ domain: 'nameless.test' }, { matchBy: ['domain'] })).rejects.toThrow(
      /"name"/,
    );
  });

  it('refuses to match by a field SalesLoft cannot match on', async () => {
    await expect(
      people.upsert({ email: 'x@y.test' }, { matchBy: ['domain' as unknown as 'email'] }),
    ).rejects.toBeInstanceOf(ConfigError);
  });

  it('gets null for a missing record and deletes once', async () => {
    expect(await people.get('999999')).toBeNull();
    const { record } = await people.upsert({ email: 'short.lived@x.test' }, { matchBy: ['email'] });
    expect(await people.delete(record.id)).toBe(true);
    expect(await people.delete(record.id)).toBe(false);
    expect(await people.get(record.id)).toBeNull();
  });

  it('turns webhook deliveries into changes of the right entity', async () => {
    const person = simulator.store.people.get(3);
    const updated = await people.parseWebhook(person, { 'X-SalesLoft-Event': 'person_updated' });
    expect(updated).toHaveLength(1);
    expect(updated[0]).toMatchObject({ type: 'upsert', id: '3' });

    const deleted = await people.parseWebhook(person, new Headers({ 'x-salesloft-event': 'person_deleted' }));
    expect(deleted).toEqual([{ type: 'delete', id: '3', deletedAt: expect.any(String) }]);

    expect(await companies.parseWebhook(person, { 'x-salesloft-event': 'person_updated' })).toEqual([]);
    const account = simulator.store.accounts.get(1);
    expect(await companies.parseWebhook(account, { 'x-salesloft-event': 'account_updated' })).toHaveLength(1);
    expect(await people.parseWebhook({ id: 5, first_name: 'No header' })).toHaveLength(1);
  });
});
