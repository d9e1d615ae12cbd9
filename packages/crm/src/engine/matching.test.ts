import type { MemoryConnector } from '@salesos/core';
import { createTestClock, type TestClock } from '@salesos/core/testing';
import { beforeEach, describe, expect, it } from 'vitest';
import { createMemorySync, type MemorySync, peopleDefinition } from '../__fixtures__/memory-sync.ts';
import { sameFields } from '../definition/same-fields.ts';
import type { SyncDefinition } from '../definition/sync-definition.ts';

let clock: TestClock;
let sync: MemorySync;
let left: MemoryConnector;
let right: MemoryConnector;

beforeEach(() => {
  clock = createTestClock();
  sync = createMemorySync({ clock });
  left = sync.left;
  right = sync.right;
});

const companies = (overrides: Partial<SyncDefinition<'company'>> = {}): SyncDefinition<'company'> => ({
  id: 'companies',
  tenantId: 'acme',
  left,
  right,
  entity: 'company',
  direction: 'both',
  fieldMap: sameFields('domain', 'name', 'industry'),
  conflictPolicy: 'last-write-wins',
  deletePolicy: 'ignore',
  ...overrides,
});

const upserts = () =>
  left.calls.company.upsert +
  right.calls.company.upsert +
  left.calls.person.upsert +
  right.calls.person.upsert;

describe('engine.run: companies linked by domain on first contact', () => {
  it('links the same domain written in another case and with spaces, creates the rest, and duplicates none', async () => {
    left.remote.company.put({ id: 'co_acme', domain: 'acme.com', name: 'Acme', industry: 'Software' });
    left.remote.company.put({ id: 'co_initech', domain: 'initech.com', name: 'Initech' });
    // The matching key is compared trimmed and lower-cased (a `www.` prefix is not stripped).
    right.remote.company.put({ id: 'rec-acme', domain: ' ACME.com ', name: 'Acme Inc' });
    right.remote.company.put({ id: 'rec-globex', domain: 'globex.com', name: 'Globex' });
    sync.engine.define(companies());
    await clock.advance(1000);

    const summary = await sync.engine.run('companies');

    expect(summary).toMatchObject({ status: 'completed', mode: 'full' });
    expect(summary.counts).toMatchObject({ linked: 3, created: 2, failed: 0 });
    const domains = (connector: MemoryConnector) =>
      connector.remote.company
        .all()
        .map((company) => String(company.domain).trim().toLowerCase())
        .sort();
    expect(domains(left)).toEqual(['acme.com', 'globex.com', 'initech.com']);
    expect(domains(right)).toEqual(['acme.com', 'globex.com', 'initech.com']);
    // Linked, not copied: each side keeps its own record for acme.com, now in agreement (both
    // were written at the same time, and a last-write-wins tie goes to the left).
    expect(left.remote.company.get('co_acme')).toMatchObject({ name: 'Acme', industry: 'Software' });
    expect(right.remote.company.get('rec-acme')).toMatchObject({ name: 'Acme', industry: 'Software' });
    expect((await sync.engine.status('companies')).linked).toBe(3);
    expect(await sync.engine.listDeadLetters('companies')).toEqual([]);

    left.resetCalls();
    right.resetCalls();
    await clock.advance(1000);
    const second = await sync.engine.run('companies');
    expect(second).toMatchObject({ status: 'completed', mode: 'incremental' });
    expect(second.counts).toMatchObject({ created: 0, updated: 0, deleted: 0, linked: 0, failed: 0 });
    expect(upserts()).toBe(0);
    expect(left.remote.company.all()).toHaveLength(3);
    expect(right.remote.company.all()).toHaveLength(3);
    expect((await sync.engine.status('companies')).linked).toBe(3);
  });
});

describe('engine.run: several records of one side with one matching key', () => {
  it('links the first listed, dead-letters the others as duplicate_key, and goes on with the rest', async () => {
    left.remote.person.put({ id: 'l_ada', email: 'ada@acme.com', firstName: 'Ada' });
    left.remote.person.put({ id: 'l_grace', email: 'grace@acme.com', firstName: 'Grace' });
    right.remote.person.put({ id: 'r_ada1', email: 'ada@acme.com', firstName: 'Ada', lastName: 'Lovelace' });
    right.remote.person.put({ id: 'r_ada2', email: 'ADA@acme.com', firstName: 'Augusta' });
    right.remote.person.put({ id: 'r_linus', email: 'linus@acme.com', firstName: 'Linus' });
    sync.engine.define(peopleDefinition(left, right));
    await clock.advance(1000);

    const summary = await sync.engine.run('people');

    expect(summary.status).toBe('completed');
    expect(summary.counts).toMatchObject({ linked: 3, created: 2, failed: 1 });
    expect(await sync.engine.listDeadLetters('people')).toEqual([
      expect.objectContaining({ side: 'right', id: 'r_ada2', reason: 'duplicate_key', attempts: 1 }),
    ]);
    expect(sync.emitted.filter((event) => event.type === 'crm.record_failed')).toEqual([
      {
        type: 'crm.record_failed',
        payload: expect.objectContaining({ side: 'right', id: 'r_ada2', reason: 'duplicate_key' }),
      },
    ]);
    // No second Ada on the left, and the duplicate itself is left as it was.
    const leftEmails = left.remote.person.all().map((person) => person.email);
    expect(leftEmails.sort()).toEqual(['ada@acme.com', 'grace@acme.com', 'linus@acme.com']);
    expect(right.remote.person.get('r_ada2')).toMatchObject({ email: 'ADA@acme.com', firstName: 'Augusta' });
    expect(right.remote.person.all().map((person) => person.email)).toContain('grace@acme.com');

    // Retried on every run while the duplicate exists, writing nothing.
    left.resetCalls();
    right.resetCalls();
    const second = await sync.engine.run('people');
    expect(second.counts).toMatchObject({ created: 0, updated: 0, failed: 1 });
    expect(upserts()).toBe(0);
    expect(await sync.engine.listDeadLetters('people')).toEqual([
      expect.objectContaining({ id: 'r_ada2', reason: 'duplicate_key', attempts: 2 }),
    ]);
  });

  for (const pageSize of [1, 4]) {
    it(`creates one partner for records sharing a key in one listing (${pageSize} per batch)`, async () => {
      const paged = createMemorySync({ clock, pageSize });
      paged.left.remote.person.put({ id: 'l_dup1', email: 'dup@acme.com', firstName: 'One' });
      paged.left.remote.person.put({ id: 'l_dup2', email: 'DUP@acme.com', firstName: 'Two' });
      paged.left.remote.person.put({ id: 'l_grace', email: 'grace@acme.com', firstName: 'Grace' });
      paged.engine.define(peopleDefinition(paged.left, paged.right));
      await clock.advance(1000);

      const summary = await paged.engine.run('people');

      expect(summary.status).toBe('completed');
      expect(summary.counts).toMatchObject({ linked: 2, created: 2, failed: 1 });
      expect(
        paged.right.remote.person
          .all()
          .map((person) => [person.email, person.firstName])
          .sort(),
      ).toEqual([
        ['dup@acme.com', 'One'],
        ['grace@acme.com', 'Grace'],
      ]);
      expect(await paged.engine.listDeadLetters('people')).toEqual([
        expect.objectContaining({ side: 'left', id: 'l_dup2', reason: 'duplicate_key' }),
      ]);
      paged.left.resetCalls();
      paged.right.resetCalls();
      const second = await paged.engine.run('people');
      expect(second.counts).toMatchObject({ created: 0, updated: 0, failed: 1 });
      expect(paged.left.calls.person.upsert + paged.right.calls.person.upsert).toBe(0);
    });
  }
});
