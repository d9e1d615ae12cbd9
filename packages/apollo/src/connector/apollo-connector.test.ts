import { CompanySchema, ConfigError, PersonSchema } from '@salesos/core';
import { createTestClock } from '@salesos/core/testing';
import { setupServer } from 'msw/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApolloClient } from '../client.ts';
import { createApolloSimulator } from '../testing/index.ts';
import { createApolloConnector } from './apollo-connector.ts';

const clock = createTestClock(Date.UTC(2026, 4, 1));
const simulator = createApolloSimulator({
  seed: 17,
  people: 60,
  organizations: 15,
  contacts: 23,
  accounts: 7,
  clock,
});
const server = setupServer(...simulator.handlers);
const client = createApolloClient({ apiKey: 'k', maxRetries: 0, clock });
const connector = createApolloConnector(client, { batchSize: 10 });

beforeAll(() => server.listen({ onUnhandledFrame: 'error' }));
afterAll(() => server.close());

describe('createApolloConnector', () => {
  it('maps contacts to canonical people with Apollo ids', async () => {
    const contact = Array.from(simulator.store.contacts.values())[0]!;
    const person = await connector.entities.person.get(contact.id);
    expect(PersonSchema.parse(person)).toEqual(person);
    expect(person).toMatchObject({
      id: contact.id,
      email: contact.email,
      firstName: contact.first_name,
      companyId: contact.account_id,
      externalIds: { apollo: contact.id },
    });
    await expect(connector.entities.person.get('ffffffffffffffffffffffff')).resolves.toBeNull();
  });

  it('walks every contact in batches, then only what changed since the checkpoint', async () => {
    const batches = [];
    for await (const batch of connector.entities.person.listChanges()) batches.push(batch);
    expect(batches.map((batch) => batch.changes.length)).toEqual([10, 10, 3]);
    expect(batches.at(-1)?.complete).toBe(true);
    const ids = batches.flatMap((batch) => batch.changes.map((change) => change.id));
    expect(new Set(ids)).toEqual(new Set(simulator.store.contacts.keys()));

    await clock.advance(60_000);
    const [first, second] = Array.from(simulator.store.contacts.keys());
    simulator.store.updateContact(second!, { title: 'Head of Growth' });
    await clock.advance(1_000);
    simulator.store.updateContact(first!, { title: 'COO' });

    const changes = [];
    for await (const batch of connector.entities.person.listChanges({ since: batches.at(-1)!.checkpoint })) {
      changes.push(...batch.changes);
    }
    const fresh = changes.filter(
      (change) => change.type === 'upsert' && Date.parse(change.updatedAt) > Date.UTC(2026, 4, 1),
    );
    expect(fresh.map((change) => change.id)).toEqual([second, first]);
  });

  it('upserts people by email, creating when nothing matches', async () => {
    const existing = Array.from(simulator.store.contacts.values())[2]!;
    const updated = await connector.entities.person.upsert(
      { email: String(existing.email).toUpperCase(), title: 'VP Sales' },
      { matchBy: ['email'] },
    );
    expect(updated).toMatchObject({ created: false, record: { id: existing.id, title: 'VP Sales' } });
    const created = await connector.entities.person.upsert(
      { email: 'new.lead@fresh.example', firstName: 'New', companyId: 'crm-123' },
      { matchBy: ['id', 'email'] },
    );
    expect(created.created).toBe(true);
    expect(created.record).toMatchObject({
      email: 'new.lead@fresh.example',
      firstName: 'New',
      companyId: null,
    });
    await expect(connector.entities.person.upsert({}, { matchBy: ['phone' as never] })).rejects.toThrow(
      ConfigError,
    );
  });

  it('maps accounts to companies and upserts them by domain', async () => {
    const account = Array.from(simulator.store.accounts.values())[0]!;
    const company = await connector.entities.company.get(account.id);
    expect(CompanySchema.parse(company)).toEqual(company);
    expect(company).toMatchObject({
      id: account.id,
      domain: account.domain,
      externalIds: { apollo: account.id },
    });
    const result = await connector.entities.company.upsert(
      { domain: `https://www.${String(account.domain)}`, name: 'Renamed' },
      { matchBy: ['domain'] },
    );
    expect(result).toMatchObject({ created: false, record: { id: account.id, name: 'Renamed' } });
    const batches = [];
    for await (const batch of connector.entities.company.listChanges()) batches.push(batch);
    expect(batches.flatMap((batch) => batch.changes)).toHaveLength(simulator.store.accounts.size);
  });

  it('refuses deletes Apollo cannot do and ignores webhooks', async () => {
    await expect(connector.entities.person.delete('x')).rejects.toThrow(/cannot delete/);
    await expect(connector.entities.company.parseWebhook({})).resolves.toEqual([]);
  });

  it('maps search and enrichment results to canonical records', async () => {
    const organization = Array.from(simulator.store.organizations.values())[2]!;
    const company = await connector.enrichCompany({ domain: organization.primary_domain });
    expect(CompanySchema.parse(company)).toEqual(company);
    expect(company).toMatchObject({
      id: organization.id,
      domain: organization.primary_domain,
      employeeCount: organization.estimated_num_employees,
      technologies: organization.technology_names,
      externalIds: { apollo: organization.id },
    });

    const person = Array.from(simulator.store.people.values())[5]!;
    const enriched = await connector.enrichPeople([{ email: person.email }, { email: 'none@none.example' }]);
    expect(enriched[0]).toMatchObject({
      id: person.id,
      email: person.email,
      companyId: person.organization_id,
    });
    expect(enriched[1]).toBeNull();
    expect(PersonSchema.parse(await connector.enrichPerson({ email: person.email }))).toMatchObject({
      seniority: person.seniority === 'intern' ? 'entry' : person.seniority,
    });

    const found = connector.searchPeople({ per_page: 10 });
    const first = await found.toArray({ limit: 12 });
    expect(first[0]).toMatchObject({ email: null, externalIds: { apollo: first[0]!.id } });
    const rest = await connector
      .searchPeople({ per_page: 10 }, { cursor: found.cursor })
      .toArray({ limit: 1 });
    const all = await connector.searchPeople({ per_page: 10 }).toArray({ limit: 13 });
    expect(rest[0]?.id).toBe(all[12]?.id);
  });
});
