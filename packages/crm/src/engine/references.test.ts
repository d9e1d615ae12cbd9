import { ConfigError, type MemoryConnector } from '@salesos/core';
import { createTestClock } from '@salesos/core/testing';
import { describe, expect, it } from 'vitest';
import { createMemorySync, type MemorySync, peopleDefinition } from '../__fixtures__/memory-sync.ts';
import { sameFields } from '../definition/same-fields.ts';
import type { SyncDefinition } from '../definition/sync-definition.ts';

const companiesDefinition = (sync: MemorySync): SyncDefinition<'company'> => ({
  id: 'companies',
  tenantId: 'acme',
  left: sync.left,
  right: sync.right,
  entity: 'company',
  direction: 'both',
  fieldMap: sameFields('domain', 'name'),
  conflictPolicy: 'last-write-wins',
  deletePolicy: 'ignore',
});

const peopleWithCompany = (sync: MemorySync, overrides: Partial<SyncDefinition<'person'>> = {}) =>
  peopleDefinition(sync.left, sync.right, {
    fieldMap: sameFields('email', 'firstName', 'companyId'),
    ...overrides,
  });

const dealsDefinition = (sync: MemorySync): SyncDefinition<'deal'> => ({
  id: 'deals',
  tenantId: 'acme',
  left: sync.left,
  right: sync.right,
  entity: 'deal',
  direction: 'both',
  fieldMap: sameFields('name', 'companyId', 'personIds'),
  conflictPolicy: 'last-write-wins',
  deletePolicy: 'ignore',
});

/** The id a system gives its company with `domain`. */
const companyId = (connector: MemoryConnector, domain: string) =>
  connector.remote.company.all().find((company) => company.domain === domain)?.id;

/** The id a system gives its person with `email`. */
const personId = (connector: MemoryConnector, email: string) =>
  connector.remote.person.all().find((person) => person.email === email)?.id;

const personByEmail = (connector: MemoryConnector, email: string) =>
  connector.remote.person.all().find((person) => person.email === email);

/** Two systems that name their companies differently: Acme on the left, Globex on the right. */
function seedCompanies(sync: MemorySync) {
  sync.left.remote.company.put({ id: 'co_acme', domain: 'acme.com', name: 'Acme' });
  sync.right.remote.company.put({ id: 'rec-globex', domain: 'globex.com', name: 'Globex' });
}

/** The two systems with their companies, and Ada of Acme on the left. */
function systemsWithAda(clock: ReturnType<typeof createTestClock>): MemorySync {
  const sync = createMemorySync({ clock });
  seedCompanies(sync);
  sync.left.remote.person.put({ email: 'ada@acme.com', firstName: 'Ada', companyId: 'co_acme' });
  return sync;
}

const writes = (summary: { counts: { created: number; updated: number } }) =>
  summary.counts.created + summary.counts.updated;

describe('engine: references between records', () => {
  it("writes the other system's company id for a person's companyId, in both directions", async () => {
    const sync = systemsWithAda(createTestClock());
    sync.right.remote.person.put({ email: 'hank@globex.com', firstName: 'Hank', companyId: 'rec-globex' });
    sync.engine.define(companiesDefinition(sync));
    sync.engine.define(peopleWithCompany(sync));

    await sync.engine.run('companies');
    const people = await sync.engine.run('people');

    expect(people.counts).toMatchObject({ created: 2, failed: 0 });
    const rightAcme = companyId(sync.right, 'acme.com');
    const leftGlobex = companyId(sync.left, 'globex.com');
    expect(rightAcme).toBeDefined();
    expect(rightAcme).not.toBe('co_acme');
    expect(personByEmail(sync.right, 'ada@acme.com')?.companyId).toBe(rightAcme);
    expect(leftGlobex).not.toBe('rec-globex');
    expect(personByEmail(sync.left, 'hank@globex.com')?.companyId).toBe(leftGlobex);

    const again = await sync.engine.run('people');
    expect(writes(again)).toBe(0);
  });

  it('moves a changed reference across, translated, and compares references in one id space', async () => {
    const clock = createTestClock();
    const sync = systemsWithAda(clock);
    sync.engine.define(companiesDefinition(sync));
    sync.engine.define(peopleWithCompany(sync, { conflictPolicy: 'owner' }));
    await sync.engine.run('companies');
    await sync.engine.run('people');

    // Ada moves to Globex on the left: the right gets its own Globex id.
    await clock.advance(1000);
    const ada = personByEmail(sync.left, 'ada@acme.com');
    sync.left.remote.person.put({ ...ada, companyId: companyId(sync.left, 'globex.com') } as never);
    const moved = await sync.engine.run('people');
    expect(moved.counts).toMatchObject({ updated: 1, conflicts: 0 });
    expect(personByEmail(sync.right, 'ada@acme.com')?.companyId).toBe('rec-globex');

    // Both sides set the same company, each in its own ids: no conflict, nothing to write.
    await clock.advance(1000);
    const leftAda = personByEmail(sync.left, 'ada@acme.com');
    const rightAda = personByEmail(sync.right, 'ada@acme.com');
    sync.left.remote.person.put({ ...leftAda, companyId: 'co_acme' } as never);
    sync.right.remote.person.put({ ...rightAda, companyId: companyId(sync.right, 'acme.com') } as never);
    const agreed = await sync.engine.run('people');
    expect(agreed.counts.conflicts).toBe(0);
    expect(writes(agreed)).toBe(0);
  });

  it("settles a conflict on a reference by the field's owner, in the loser's ids", async () => {
    const clock = createTestClock();
    const sync = systemsWithAda(clock);
    sync.engine.define(companiesDefinition(sync));
    sync.engine.define(
      peopleWithCompany(sync, {
        conflictPolicy: 'owner',
        fieldMap: [
          { left: 'email', right: 'email' },
          { left: 'companyId', right: 'companyId', owner: 'right' },
        ],
      }),
    );
    await sync.engine.run('companies');
    await sync.engine.run('people');
    sync.left.remote.company.put({ id: 'co_initech', domain: 'initech.com', name: 'Initech' });
    await sync.engine.run('companies');

    await clock.advance(1000);
    sync.right.remote.person.put({
      ...personByEmail(sync.right, 'ada@acme.com'),
      companyId: 'rec-globex',
    } as never);
    await clock.advance(1000);
    sync.left.remote.person.put({
      ...personByEmail(sync.left, 'ada@acme.com'),
      companyId: 'co_initech',
    } as never);
    const summary = await sync.engine.run('people');

    expect(summary.counts.conflicts).toBe(1);
    expect(personByEmail(sync.left, 'ada@acme.com')?.companyId).toBe(companyId(sync.left, 'globex.com'));
    expect(personByEmail(sync.right, 'ada@acme.com')?.companyId).toBe('rec-globex');
  });

  it('writes a reference whose company was not linked yet on a later run, after the company sync', async () => {
    const sync = systemsWithAda(createTestClock());
    sync.engine.define(companiesDefinition(sync));
    sync.engine.define(peopleWithCompany(sync));

    const early = await sync.engine.run('people');
    expect(early.counts).toMatchObject({ created: 1, failed: 0 });
    // The rest of the record synced; no id of the wrong system was written.
    expect(personByEmail(sync.right, 'ada@acme.com')).toMatchObject({ firstName: 'Ada' });
    expect(personByEmail(sync.right, 'ada@acme.com')?.companyId ?? null).toBeNull();
    const still = await sync.engine.run('people');
    expect(writes(still)).toBe(0);

    await sync.engine.run('companies');
    const later = await sync.engine.run('people');
    expect(later.counts.updated).toBe(1);
    expect(personByEmail(sync.right, 'ada@acme.com')?.companyId).toBe(companyId(sync.right, 'acme.com'));
    expect(personByEmail(sync.left, 'ada@acme.com')?.companyId).toBe('co_acme');

    const settled = await sync.engine.run('people');
    expect(writes(settled)).toBe(0);
  });

  it('translates Deal.personIds element by element, keeping their order', async () => {
    const sync = createMemorySync({ clock: createTestClock() });
    seedCompanies(sync);
    sync.left.remote.person.put({ id: 'p_ada', email: 'ada@acme.com', firstName: 'Ada' });
    sync.left.remote.person.put({ id: 'p_bob', email: 'bob@acme.com', firstName: 'Bob' });
    sync.left.remote.deal.put({ name: 'Acme renewal', companyId: 'co_acme', personIds: ['p_bob', 'p_ada'] });
    sync.engine.define(companiesDefinition(sync));
    sync.engine.define(peopleWithCompany(sync));
    sync.engine.define(dealsDefinition(sync));
    await sync.engine.run('companies');
    await sync.engine.run('people');

    const deals = await sync.engine.run('deals');

    expect(deals.counts).toMatchObject({ created: 1, failed: 0 });
    const [deal] = sync.right.remote.deal.all();
    expect(deal?.personIds).toEqual([
      personId(sync.right, 'bob@acme.com'),
      personId(sync.right, 'ada@acme.com'),
    ]);
    expect(deal?.companyId).toBe(companyId(sync.right, 'acme.com'));
    expect(writes(await sync.engine.run('deals'))).toBe(0);
  });

  it('writes a list of references only once all of its records are linked', async () => {
    const sync = createMemorySync({ clock: createTestClock() });
    sync.left.remote.person.put({ id: 'p_ada', email: 'ada@acme.com', firstName: 'Ada' });
    sync.engine.define(peopleWithCompany(sync, { fieldMap: [{ left: 'email', right: 'email' }] }));
    sync.engine.define(companiesDefinition(sync));
    sync.engine.define(dealsDefinition(sync));
    await sync.engine.run('people');
    sync.left.remote.person.put({ id: 'p_cy', email: 'cy@acme.com', firstName: 'Cy' });
    sync.left.remote.deal.put({ name: 'Acme renewal', personIds: ['p_ada', 'p_cy'] });

    await sync.engine.run('deals');
    const [early] = sync.right.remote.deal.all();
    expect(early?.name).toBe('Acme renewal');
    expect(early?.personIds).toEqual([]);

    await sync.engine.run('people');
    await sync.engine.run('deals');
    const [deal] = sync.right.remote.deal.all();
    expect(deal?.personIds).toEqual([
      personId(sync.right, 'ada@acme.com'),
      personId(sync.right, 'cy@acme.com'),
    ]);
  });

  it('translates a reference changed by a webhook', async () => {
    const clock = createTestClock();
    const sync = systemsWithAda(clock);
    sync.engine.define(companiesDefinition(sync));
    sync.engine.define(peopleWithCompany(sync));
    await sync.engine.run('companies');
    await sync.engine.run('people');

    await clock.advance(1000);
    const ada = personByEmail(sync.left, 'ada@acme.com');
    sync.left.remote.person.put({ ...ada, companyId: companyId(sync.left, 'globex.com') } as never);
    await sync.engine.handleWebhook('people', 'left', sync.left.webhookPayload('person', String(ada?.id)));
    await sync.queue.onIdle();

    expect(personByEmail(sync.right, 'ada@acme.com')?.companyId).toBe('rec-globex');
  });

  it('reports the translated reference in a dry run, writing nothing', async () => {
    const sync = systemsWithAda(createTestClock());
    sync.engine.define(companiesDefinition(sync));
    sync.engine.define(peopleWithCompany(sync));
    await sync.engine.run('companies');

    const dry = await sync.engine.run('people', { dryRun: true });

    expect(dry.plan).toContainEqual(
      expect.objectContaining({
        side: 'right',
        action: 'create',
        values: expect.objectContaining({
          email: 'ada@acme.com',
          companyId: companyId(sync.right, 'acme.com'),
        }),
      }),
    );
    expect(personByEmail(sync.right, 'ada@acme.com')).toBeUndefined();
  });

  it('transforms a reference in its own ids before translating it', async () => {
    const sync = createMemorySync({ clock: createTestClock() });
    seedCompanies(sync);
    sync.left.remote.person.put({ email: 'ada@acme.com', companyId: 'co_placeholder' });
    sync.engine.define(companiesDefinition(sync));
    sync.engine.define(
      peopleWithCompany(sync, {
        direction: 'left-to-right',
        fieldMap: [
          { left: 'email', right: 'email' },
          {
            left: 'companyId',
            right: 'companyId',
            toRight: (id) => (id === 'co_placeholder' ? 'co_acme' : id),
          },
        ],
      }),
    );
    await sync.engine.run('companies');
    await sync.engine.run('people');
    expect(personByEmail(sync.right, 'ada@acme.com')?.companyId).toBe(companyId(sync.right, 'acme.com'));
  });

  it('refuses to run a sync mapping a reference without a sync of the referenced entity', async () => {
    const sync = createMemorySync();
    sync.engine.define(peopleWithCompany(sync));
    await expect(sync.engine.run('people')).rejects.toThrow(ConfigError);
    await expect(sync.engine.run('people')).rejects.toThrow(
      /fieldMap\[2\].*companyId.*define one \(entity: 'company'/,
    );
    // Defined later, in any order: the run goes ahead.
    sync.engine.define(companiesDefinition(sync));
    await expect(sync.engine.run('people')).resolves.toMatchObject({ status: 'completed' });
  });

  it('refuses at define a reference mapped to a field that is not the same kind of reference', () => {
    const sync = createMemorySync();
    expect(() =>
      sync.engine.define(
        peopleWithCompany(sync, {
          fieldMap: [
            { left: 'email', right: 'email' },
            { left: 'companyId', right: 'title' },
          ],
        }),
      ),
    ).toThrow(/fieldMap\[1\] maps "companyId" to "title"/);
  });
});
