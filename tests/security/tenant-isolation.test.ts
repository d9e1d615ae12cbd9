import { createApolloClient, createCreditTracker } from '@salesos/apollo';
import { createApolloSimulator } from '@salesos/apollo/testing';
import {
  createMemoryConnector,
  createMemoryQueue,
  createMemoryStorage,
  createWebhookHandler,
  type Key,
  type KeyPart,
  type Storage,
  scopeStorage,
} from '@salesos/core';
import { createTestClock } from '@salesos/core/testing';
import { createSyncEngine } from '@salesos/crm';
import { createScorer } from '@salesos/scoring';
import {
  createSequenceEngine,
  createUnsubscribeHandler,
  createUnsubscribeTokens,
  EnrollmentError,
} from '@salesos/sequences';
import { createMemorySender } from '@salesos/sequences/testing';
import fc from 'fast-check';
import { setupServer } from 'msw/node';
import { describe, expect, it } from 'vitest';
import { fuzzRuns } from '../support/arbitraries.ts';
import { recordFigures } from '../support/figures.ts';

const NOW = '2026-03-02T10:00:00Z';
const figures: Record<string, number> = {};

async function listAll(storage: Storage, prefix: Key = []) {
  const entries: { key: Key; value: unknown }[] = [];
  for await (const entry of storage.list({ prefix })) entries.push({ key: entry.key, value: entry.value });
  return entries;
}

const keyPart: fc.Arbitrary<KeyPart> = fc.oneof(
  fc.constantFrom<KeyPart>('tenant', 't1', 't2', 't10', 'secret', '', '\u0000', '\uffff', 0, -1, 1e300),
  fc.string({ maxLength: 4 }),
  fc.integer(),
);
const key = fc.array(keyPart, { minLength: 1, maxLength: 4 });

describe('scopeStorage', () => {
  it('never shows one tenant another tenant’s entries, whatever keys, ranges and cursors it is given', async () => {
    const storage = createMemoryStorage();
    const tenants = ['t1', 't10', 't2'];
    for (const tenantId of tenants) {
      const view = scopeStorage(storage, tenantId);
      for (const [index, part] of ['a', 'b', 'secret', 'tenant'].entries()) {
        await view.set([part, index], { owner: tenantId });
        await view.set(['tenant', tenantId, part], { owner: tenantId });
      }
    }
    await storage.set(['unscoped', 'x'], { owner: 'nobody' });
    let tried = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...tenants),
        fc.oneof(
          key.map((prefix) => ({ prefix })),
          fc.tuple(key, key).map(([start, end]) => ({ start, end })),
          fc.tuple(key, key).map(([prefix, start]) => ({ prefix, start })),
        ),
        fc.boolean(),
        async (tenantId, selector, reverse) => {
          tried += 1;
          const view = scopeStorage(storage, tenantId);
          const visible: { owner: string }[] = [];
          try {
            const walk = view.list<{ owner: string }>(selector as never, { reverse, limit: 3 });
            for await (const entry of walk) visible.push(entry.value);
            // A cursor from this walk, handed to every other tenant's view, must not open anything.
            for (const other of tenants.filter((name) => name !== tenantId)) {
              try {
                for await (const entry of scopeStorage(storage, other).list<{ owner: string }>(
                  selector as never,
                  {
                    cursor: walk.cursor,
                    reverse,
                  },
                )) {
                  expect(entry.value.owner).toBe(other);
                }
              } catch (error) {
                expect((error as Error).name).toMatch(/Error$/);
              }
            }
          } catch (error) {
            expect((error as { code?: string }).code).toMatch(/invalid|config|storage/);
          }
          for (const entry of visible) expect(entry.owner).toBe(tenantId);
          for (const read of await view.getMany([
            ['tenant', 't2', 'a'],
            ['a', 0],
            ['unscoped', 'x'],
          ])) {
            if (read.value !== null) expect((read.value as { owner: string }).owner).toBe(tenantId);
          }
        },
      ),
      { numRuns: fuzzRuns(300) },
    );
    figures.storageSelectorsTried = tried;
  });

  it('keeps atomic checks and writes inside the tenant', async () => {
    const storage = createMemoryStorage();
    const one = scopeStorage(storage, 't1');
    const two = scopeStorage(storage, 't2');
    await one.set(['counter'], 1);
    const result = await two
      .atomic()
      .check({ key: ['counter'], versionstamp: null })
      .set(['counter'], 99)
      .commit();
    expect(result.ok).toBe(true);
    expect((await one.get(['counter'])).value).toBe(1);
    expect((await two.get(['counter'])).value).toBe(99);
  });
});

describe('scoring across tenants', () => {
  it('keeps scores, profiles and redelivery guards of one tenant out of another', async () => {
    const storage = createMemoryStorage();
    const acme = createScorer({ storage, tenantId: 'acme' });
    const globex = createScorer({ storage, tenantId: 'globex' });
    await acme.upsertContact(
      { person: { id: 'p1', title: 'VP Sales' }, company: { id: 'c1' } },
      { now: NOW },
    );
    const event = { id: 'a1', type: 'email_replied', personId: 'p1', occurredAt: NOW } as const;

    expect((await acme.apply(event, { now: NOW })).status).toBe('applied');
    expect(await globex.getScore('p1', { now: NOW })).toBeNull();
    // The same activity id is another tenant's own event: applied there, and counted once in each.
    expect((await globex.apply(event, { now: NOW })).status).toBe('applied');
    expect((await globex.apply(event, { now: NOW })).status).toBe('duplicate');
    expect((await globex.getScore('p1', { now: NOW }))?.engagement).toBe(
      (await acme.getScore('p1', { now: NOW }))?.engagement,
    );
    expect((await globex.getScore('p1', { now: NOW }))?.fit).toBe(0);
    await globex.apply(
      { id: 's1', type: 'funding', companyId: 'c1', occurredAt: NOW, strength: 1 },
      { now: NOW },
    );
    expect((await acme.getScore('p1', { now: NOW }))?.intent).toBe(0);
  });
});

describe('sequences across tenants', () => {
  async function rig() {
    // A Saturday: the first step waits for Monday's send window, so the enrolment stays pending.
    const clock = createTestClock(Date.parse('2026-03-07T10:00:00Z'));
    const storage = createMemoryStorage();
    const queue = createMemoryQueue({ clock });
    const sender = createMemorySender();
    const unsubscribe = { secret: 'tenant-isolation-secret-0123456789', url: 'https://example.com/u' };
    const engine = createSequenceEngine({ storage, queue, sender, unsubscribe, clock });
    const definition = {
      id: 'intro',
      steps: [
        { type: 'email' as const, subject: 'Hi', body: '<p>Hi</p>' },
        { type: 'email' as const, replyInThread: true, delay: { businessDays: 3 }, body: '<p>Again</p>' },
      ],
    };
    await engine.define({ tenantId: 'acme', definition });
    const enrollment = await engine.enroll({
      tenantId: 'acme',
      sequenceId: 'intro',
      person: { id: 'p1', email: 'ada@example.com' },
      mailbox: { email: 'rep@acme.example' },
    });
    return { storage, queue, sender, engine, enrollment, unsubscribe };
  }

  it('answers another tenant as if the enrolment, the sequence and the person did not exist', async () => {
    const { engine, enrollment, queue } = await rig();
    const asGlobex = { tenantId: 'globex', enrollmentId: enrollment.id };
    const refusals = await Promise.allSettled([
      engine.pause(asGlobex),
      engine.resume(asGlobex),
      engine.exit(asGlobex),
      engine.completeTask({ ...asGlobex, stepIndex: 0 }),
      engine.enroll({
        tenantId: 'globex',
        sequenceId: 'intro',
        person: { id: 'p2', email: 'b@example.com' },
        mailbox: { email: 'r@x.example' },
      }),
    ]);

    expect(await engine.status(asGlobex)).toBeUndefined();
    expect(
      await engine.listEnrollments({ tenantId: 'globex', personId: 'p1', email: 'ada@example.com' }),
    ).toEqual([]);
    expect(await engine.getDefinition({ tenantId: 'globex', sequenceId: 'intro' })).toBeUndefined();
    for (const refusal of refusals) {
      expect(refusal.status).toBe('rejected');
      expect(EnrollmentError.isInstance((refusal as PromiseRejectedResult).reason)).toBe(true);
    }
    expect(
      await engine.handleActivity({
        tenantId: 'globex',
        activity: {
          id: 'x',
          type: 'email_replied',
          personId: 'p1',
          occurredAt: new Date().toISOString(),
          source: 'gmail',
          data: { email: 'ada@example.com' },
        },
      }),
    ).toEqual([]);
    expect(await engine.unsubscribe({ tenantId: 'globex', email: 'ada@example.com' })).toEqual([]);
    expect((await engine.status({ tenantId: 'acme', enrollmentId: enrollment.id }))?.enrollment.status).toBe(
      'pending',
    );
    expect(await engine.suppression.has({ tenantId: 'acme', email: 'ada@example.com' })).toBe(false);
    await queue.close();
  });

  it('applies an unsubscribe link to the tenant it was made for only', async () => {
    const { engine, sender, queue, unsubscribe } = await rig();
    await engine.define({
      tenantId: 'globex',
      definition: { id: 'intro', steps: [{ type: 'email', subject: 'Yo', body: '<p>Yo</p>' }] },
    });
    const globexEnrollment = await engine.enroll({
      tenantId: 'globex',
      sequenceId: 'intro',
      person: { id: 'p1', email: 'ada@example.com' },
      mailbox: { email: 'rep@globex.example' },
    });
    const handler = createUnsubscribeHandler({
      secret: unsubscribe.secret,
      onUnsubscribe: (recipient) => engine.unsubscribe(recipient),
    });
    // The link the engine puts in acme's emails to this address.
    const link = createUnsubscribeTokens({ secret: unsubscribe.secret }).url(unsubscribe.url, {
      tenantId: 'acme',
      email: 'ada@example.com',
    });
    expect(sender.delivered).toEqual([]);

    await handler(new Request(link, { method: 'POST', body: 'List-Unsubscribe=One-Click' }));

    expect(await engine.suppression.has({ tenantId: 'acme', email: 'ada@example.com' })).toBe(true);
    expect(await engine.suppression.has({ tenantId: 'globex', email: 'ada@example.com' })).toBe(false);
    expect(
      (await engine.status({ tenantId: 'globex', enrollmentId: globexEnrollment.id }))?.enrollment.status,
    ).toBe('pending');
    await queue.close();
  });
});

describe('webhook de-duplication across tenants', () => {
  it('processes the same delivery id once per tenant, not once overall', async () => {
    const storage = createMemoryStorage();
    const processed: string[] = [];
    const handlerFor = (tenantId: string) =>
      createWebhookHandler<{ id: string }>({
        verify: () => true,
        parse: ({ text }) => JSON.parse(text) as { id: string },
        dedupe: { storage: scopeStorage(storage, tenantId) },
        onEvent: (event) => void processed.push(`${tenantId}:${event.id}`),
      });
    const body = JSON.stringify({ id: 'delivery-1' });
    for (const tenantId of ['acme', 'globex', 'acme']) {
      await handlerFor(tenantId)(new Request('https://x.example/hooks', { method: 'POST', body }));
    }
    expect(processed).toEqual(['acme:delivery-1', 'globex:delivery-1']);
  });
});

describe('CRM sync state across tenants', () => {
  it('keeps each tenant’s id maps, cursors and conflicts under its own keys', async () => {
    const storage = createMemoryStorage();
    const queue = createMemoryQueue();
    const sync = createSyncEngine({ storage, queue });
    const systems = {
      acme: [createMemoryConnector({ id: 'crm' }), createMemoryConnector({ id: 'outreach' })],
      globex: [createMemoryConnector({ id: 'crm' }), createMemoryConnector({ id: 'outreach' })],
    } as const;
    systems.acme[0].remote.person.put({ email: 'ada@acme.example', title: 'CTO' });
    systems.globex[0].remote.person.put({ email: 'bob@globex.example', title: 'CFO' });
    for (const [tenantId, [left, right]] of Object.entries(systems)) {
      sync.define({
        id: `people-${tenantId}`,
        tenantId,
        left,
        right,
        entity: 'person',
        direction: 'both',
        fieldMap: [
          { left: 'email', right: 'email' },
          { left: 'title', right: 'title' },
        ],
        conflictPolicy: 'last-write-wins',
        deletePolicy: 'ignore',
      });
      await sync.run(`people-${tenantId}`);
    }

    const entries = await listAll(storage);
    const acmeKeys = entries.filter(({ key }) => JSON.stringify(key).includes('acme.example'));
    const globexKeys = entries.filter(({ key, value }) =>
      JSON.stringify({ key, value }).includes('globex.example'),
    );
    expect(acmeKeys.every(({ key }) => key[0] === 'tenant' && key[1] === 'acme')).toBe(true);
    expect(globexKeys.length).toBeGreaterThan(0);
    expect(globexKeys.every(({ key }) => key[0] === 'tenant' && key[1] === 'globex')).toBe(true);
    expect(systems.acme[1].remote.person.all().map((person) => person.email)).toEqual(['ada@acme.example']);
    expect(systems.globex[1].remote.person.all().map((person) => person.email)).toEqual([
      'bob@globex.example',
    ]);
    await queue.close();
  });
});

describe('Apollo credits across tenants', () => {
  it('counts spend and applies budgets per tenant', async () => {
    const simulator = createApolloSimulator({ seed: 8, people: 20 });
    const server = setupServer(...simulator.handlers);
    server.listen();
    try {
      const creditTracker = createCreditTracker({ storage: createMemoryStorage(), budgets: { daily: 1 } });
      const clientFor = (tenantId: string) =>
        createApolloClient({ apiKey: 'k', tenantId, creditTracker, maxRetries: 0 });
      const person = [...simulator.store.people.values()][0];
      await clientFor('acme').people.enrich({ email: person?.email ?? 'x@example.com' });
      const other = [...simulator.store.people.values()][1];
      await clientFor('globex').people.enrich({ email: other?.email ?? 'y@example.com' });

      expect((await creditTracker.usage('acme')).day.spent).toBe(1);
      expect((await creditTracker.usage('globex')).day.spent).toBe(1);
      await expect(
        clientFor('acme').people.enrich({ email: other?.email ?? 'y@example.com' }),
      ).rejects.toMatchObject({
        name: 'CreditBudgetExceededError',
      });
    } finally {
      server.close();
      recordFigures('tenant-isolation', figures);
    }
  });
});
