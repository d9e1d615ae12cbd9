import { createMemoryStorage, type Storage } from '@salesos/core';
import { describe, expect, it } from 'vitest';
import { createScorer } from '../scorer/create-scorer.ts';
import { createScoringPersonalDataStore } from './scoring-personal-data-store.ts';

const NOW = '2026-03-01T00:00:00Z';

async function everything(storage: Storage) {
  const entries: { key: readonly (string | number)[]; value: unknown }[] = [];
  for await (const entry of storage.list({ prefix: [] }))
    entries.push({ key: entry.key, value: entry.value });
  return entries;
}

async function seed(storage: Storage, tenantId: string) {
  const scorer = createScorer({ storage, tenantId });
  await scorer.upsertContact(
    {
      person: { id: 'p1', email: 'Ada@Example.com', title: 'VP Sales' },
      company: { id: 'c1', name: 'Acme' },
    },
    { now: NOW },
  );
  await scorer.upsertContact(
    { person: { id: 'p2', email: 'bob@example.com', companyId: 'c1' } },
    { now: NOW },
  );
  await scorer.apply(
    { id: `${tenantId}-a1`, type: 'email_replied', personId: 'p1', occurredAt: NOW },
    { now: NOW },
  );
  return scorer;
}

describe('createScoringPersonalDataStore', () => {
  it('finds a contact by the address it was stored with and exports its state', async () => {
    const storage = createMemoryStorage();
    await seed(storage, 't1');
    const store = createScoringPersonalDataStore({ storage });

    expect(await store.identify?.({ tenantId: 't1', email: 'ada@example.com' })).toEqual(['p1']);
    const records = await store.exportPerson({ tenantId: 't1', email: 'ada@example.com', personIds: [] });

    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({
      kind: 'contact',
      id: 'p1',
      data: { person: { id: 'p1', email: 'ada@example.com', title: 'VP Sales' }, companyId: 'c1' },
    });
  });

  it('erases the contact, its company link and its address index, and nothing of other people or tenants', async () => {
    const storage = createMemoryStorage();
    const scorer = await seed(storage, 't1');
    await seed(storage, 't2');
    const store = createScoringPersonalDataStore({ storage });
    const before = await everything(storage);

    const result = await store.forgetPerson({ tenantId: 't1', email: 'ada@example.com', personIds: [] });

    const after = await everything(storage);
    expect(result.erased).toBe(3);
    expect(JSON.stringify(after.filter(({ key }) => key[1] === 't1'))).not.toMatch(/ada@example\.com|"p1"/);
    expect(after.filter(({ key }) => key[1] === 't2')).toEqual(before.filter(({ key }) => key[1] === 't2'));
    expect(await scorer.getScore('p1', { now: NOW })).toBeNull();
    expect(await scorer.getScore('p2', { now: NOW })).not.toBeNull();
    expect(await store.exportPerson({ tenantId: 't1', email: 'ada@example.com', personIds: ['p1'] })).toEqual(
      [],
    );
  });

  it('erases a contact known only by id, and erases nothing the second time', async () => {
    const storage = createMemoryStorage();
    const scorer = createScorer({ storage, tenantId: 't1' });
    await scorer.apply({ id: 'a1', type: 'email_opened', personId: 'p9', occurredAt: NOW }, { now: NOW });
    const store = createScoringPersonalDataStore({ storage });

    const first = await store.forgetPerson({ tenantId: 't1', email: 'p9@example.com', personIds: ['p9'] });
    const second = await store.forgetPerson({ tenantId: 't1', email: 'p9@example.com', personIds: ['p9'] });

    expect(first.erased).toBe(1);
    expect(second.erased).toBe(0);
    expect(await scorer.getScore('p9', { now: NOW })).toBeNull();
  });

  it('moves the address index when a contact changes address', async () => {
    const storage = createMemoryStorage();
    const scorer = createScorer({ storage, tenantId: 't1' });
    const store = createScoringPersonalDataStore({ storage });
    await scorer.upsertContact({ person: { id: 'p1', email: 'old@example.com' } }, { now: NOW });
    await scorer.upsertContact({ person: { id: 'p1', email: 'new@example.com' } }, { now: NOW });

    expect(await store.identify?.({ tenantId: 't1', email: 'old@example.com' })).toEqual([]);
    expect(await store.identify?.({ tenantId: 't1', email: 'new@example.com' })).toEqual(['p1']);
  });
});
