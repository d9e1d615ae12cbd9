import { ConfigError, type MemoryConnector, RateLimitError, ServerError } from '@salesos/core';
import { createTestClock, type TestClock } from '@salesos/core/testing';
import { beforeEach, describe, expect, it } from 'vitest';
import {
  createMemorySync,
  type MemorySync,
  peopleByEmail,
  peopleDefinition,
} from '../__fixtures__/memory-sync.ts';
import { createSyncEngine } from './sync-engine.ts';
import type { SyncConflict } from './types.ts';

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

/** Moves the systems' clock on, so later edits get later timestamps. */
const tick = () => clock.advance(1000);

describe('engine.run: backfill and identity', () => {
  it('links existing records by email on first contact and creates the rest, without duplicates', async () => {
    left.remote.person.put({ email: 'ada@acme.com', firstName: 'Ada', title: 'CTO' });
    left.remote.person.put({ email: 'grace@acme.com', firstName: 'Grace' });
    right.remote.person.put({ email: 'ADA@acme.com', firstName: 'Ada', lastName: 'Lovelace' });
    right.remote.person.put({ email: 'linus@acme.com', firstName: 'Linus' });
    sync.engine.define(peopleDefinition(left, right));
    await tick();

    const summary = await sync.engine.run('people');

    expect(summary).toMatchObject({ status: 'completed', mode: 'full' });
    expect(summary.counts.linked).toBe(3);
    expect(summary.counts.created).toBe(2);
    expect(left.remote.person.all()).toHaveLength(3);
    expect(right.remote.person.all()).toHaveLength(3);
    expect(peopleByEmail(left)).toEqual(peopleByEmail(right));
    expect(peopleByEmail(right).get('ada@acme.com')).toEqual({
      firstName: 'Ada',
      lastName: 'Lovelace',
      title: 'CTO',
    });
    expect((await sync.engine.status('people')).linked).toBe(3);
  });

  it('writes nothing on a second run when nothing changed', async () => {
    for (let index = 0; index < 10; index += 1)
      left.remote.person.put({ email: `p${index}@acme.com`, firstName: `P${index}` });
    sync.engine.define(peopleDefinition(left, right));
    await sync.engine.run('people');
    left.resetCalls();
    right.resetCalls();

    const second = await sync.engine.run('people');

    expect(second.mode).toBe('incremental');
    expect(second.counts).toMatchObject({ created: 0, updated: 0, deleted: 0, failed: 0 });
    expect(left.calls.person.upsert + right.calls.person.upsert).toBe(0);
  });

  it('keeps the count of linked pairs across later full and incremental runs', async () => {
    for (let index = 0; index < 5; index += 1)
      left.remote.person.put({ email: `p${index}@acme.com`, firstName: `P${index}` });
    sync.engine.define(peopleDefinition(left, right));
    await sync.engine.run('people');
    expect((await sync.engine.status('people')).linked).toBe(5);

    await sync.engine.run('people', { mode: 'full' });
    expect((await sync.engine.status('people')).linked).toBe(5);
    await sync.engine.run('people', { mode: 'incremental' });
    expect((await sync.engine.status('people')).linked).toBe(5);
  });

  it('does not write back the records it created when it reads them again (echo)', async () => {
    left.remote.person.put({ email: 'ada@acme.com', firstName: 'Ada' });
    sync.engine.define(peopleDefinition(left, right));
    await sync.engine.run('people');
    await tick();
    left.resetCalls();
    right.resetCalls();
    const summary = await sync.engine.run('people');
    expect(summary.counts.skipped).toBeGreaterThan(0);
    expect(left.calls.person.upsert + right.calls.person.upsert).toBe(0);
  });

  it('links deals only through its own id map (no matching key)', async () => {
    left.remote.deal.put({ name: 'Big deal', amount: 100 });
    right.remote.deal.put({ name: 'Big deal', amount: 100 });
    sync.engine.define({
      id: 'deals',
      tenantId: 'acme',
      left,
      right,
      entity: 'deal',
      direction: 'both',
      fieldMap: [
        { left: 'name', right: 'name' },
        { left: 'amount', right: 'amount' },
      ],
      conflictPolicy: 'last-write-wins',
      deletePolicy: 'ignore',
    });
    await sync.engine.run('deals');
    expect(left.remote.deal.all()).toHaveLength(2);
    expect(right.remote.deal.all()).toHaveLength(2);
  });
});

describe('engine.run: incremental', () => {
  beforeEach(async () => {
    left.remote.person.put({ email: 'ada@acme.com', firstName: 'Ada', title: 'CTO' });
    right.remote.person.put({ email: 'grace@acme.com', firstName: 'Grace', title: 'Admiral' });
    sync.engine.define(peopleDefinition(left, right));
    await sync.engine.run('people');
    await tick();
  });

  const leftByEmail = (email: string) => left.remote.person.all().find((person) => person.email === email);
  const rightByEmail = (email: string) => right.remote.person.all().find((person) => person.email === email);

  it('carries edits both ways and updates only the changed fields', async () => {
    left.remote.person.put({ ...leftByEmail('ada@acme.com'), title: 'CEO' });
    right.remote.person.put({ ...rightByEmail('grace@acme.com'), lastName: 'Hopper' });
    const summary = await sync.engine.run('people');
    expect(summary.counts.updated).toBe(2);
    expect(rightByEmail('ada@acme.com')?.title).toBe('CEO');
    expect(leftByEmail('grace@acme.com')?.lastName).toBe('Hopper');
  });

  it('never misses records that share the checkpoint timestamp', async () => {
    const at = new Date(clock.now()).toISOString();
    for (let index = 0; index < 9; index += 1) {
      left.remote.person.put({ email: `same${index}@acme.com`, firstName: `S${index}` }, { updatedAt: at });
    }
    const first = await sync.engine.run('people');
    expect(first.counts.created).toBe(9);
    // More records land with the very timestamp the saved checkpoint ends on.
    for (let index = 9; index < 12; index += 1) {
      left.remote.person.put({ email: `same${index}@acme.com`, firstName: `S${index}` }, { updatedAt: at });
    }
    const second = await sync.engine.run('people');
    expect(second.counts.created).toBe(3);
    expect(peopleByEmail(right)).toEqual(peopleByEmail(left));
  });

  it('follows a changed email: the link holds and the old address matches nothing', async () => {
    left.remote.person.put({ ...leftByEmail('ada@acme.com'), email: 'ada@lovelace.org' });
    await sync.engine.run('people');
    expect(rightByEmail('ada@lovelace.org')).toBeDefined();
    expect(rightByEmail('ada@acme.com')).toBeUndefined();
    await tick();
    right.remote.person.put({ email: 'ada@acme.com', firstName: 'Another Ada' });
    await sync.engine.run('people');
    expect(
      left.remote.person
        .all()
        .map((person) => person.email)
        .sort(),
    ).toEqual(['ada@acme.com', 'ada@lovelace.org', 'grace@acme.com']);
    expect(leftByEmail('ada@lovelace.org')?.firstName).toBe('Ada');
  });

  it('ignores a change to a field it does not map', async () => {
    left.remote.person.put({ ...leftByEmail('ada@acme.com'), phone: '+1 555' });
    right.resetCalls();
    const summary = await sync.engine.run('people');
    expect(summary.counts.updated).toBe(0);
    expect(right.calls.person.upsert).toBe(0);
  });

  it('emits progress after every batch and a summary at the end', async () => {
    for (let index = 0; index < 10; index += 1) left.remote.person.put({ email: `n${index}@acme.com` });
    sync.emitted.length = 0;
    const summary = await sync.engine.run('people');
    const types = sync.emitted.map((event) => event.type);
    expect(types[0]).toBe('crm.run_started');
    expect(types.filter((type) => type === 'crm.progress').length).toBeGreaterThan(2);
    expect(types.at(-1)).toBe('crm.run_completed');
    expect(sync.emitted.at(-1)?.payload).toMatchObject({ runId: summary.runId, counts: { created: 10 } });
  });
});

describe('engine.run: conflicts', () => {
  const setup = async (
    conflictPolicy: 'last-write-wins' | 'left-wins' | 'right-wins' | 'manual' | 'owner',
  ) => {
    left.remote.person.put({ email: 'ada@acme.com', firstName: 'Ada', title: 'CTO' });
    sync.engine.define(
      peopleDefinition(left, right, {
        conflictPolicy,
        fieldMap: [
          { left: 'email', right: 'email' },
          { left: 'firstName', right: 'firstName' },
          { left: 'title', right: 'title', owner: 'right' },
        ],
      }),
    );
    await sync.engine.run('people');
    await tick();
    const leftPerson = left.remote.person.all()[0];
    const rightPerson = right.remote.person.all()[0];
    left.remote.person.put({ ...leftPerson, title: 'Left title' });
    await tick();
    right.remote.person.put({ ...rightPerson, title: 'Right title' });
    sync.emitted.length = 0;
  };
  const titles = () => [left.remote.person.all()[0]?.title, right.remote.person.all()[0]?.title];

  it('lets the later edit win under last-write-wins and emits crm.conflict_detected', async () => {
    await setup('last-write-wins');
    const summary = await sync.engine.run('people');
    expect(titles()).toEqual(['Right title', 'Right title']);
    expect(summary.counts.conflicts).toBe(1);
    const event = sync.emitted.find((item) => item.type === 'crm.conflict_detected');
    expect(event?.payload).toMatchObject({
      leftValue: 'Left title',
      rightValue: 'Right title',
      resolution: 'right',
      leftField: 'title',
    });
  });

  it('lets the chosen side win under left-wins', async () => {
    await setup('left-wins');
    await sync.engine.run('people');
    expect(titles()).toEqual(['Left title', 'Left title']);
  });

  it('lets the field owner win under owner', async () => {
    await setup('owner');
    await sync.engine.run('people');
    expect(titles()).toEqual(['Right title', 'Right title']);
  });

  it('stores manual conflicts for review and writes the chosen value on resolve', async () => {
    await setup('manual');
    await sync.engine.run('people');
    expect(titles()).toEqual(['Left title', 'Right title']);
    const conflicts = await sync.engine.listConflicts('people');
    expect(conflicts).toHaveLength(1);
    const conflict = conflicts[0] as SyncConflict;
    expect(conflict).toMatchObject({
      resolution: 'manual',
      leftValue: 'Left title',
      rightValue: 'Right title',
    });

    // Still waiting: another run leaves it alone and does not report it again.
    sync.emitted.length = 0;
    await sync.engine.run('people');
    expect(titles()).toEqual(['Left title', 'Right title']);
    expect(sync.emitted.some((item) => item.type === 'crm.conflict_detected')).toBe(false);

    await sync.engine.resolveConflict('people', conflict.id, { winner: 'left' });
    expect(titles()).toEqual(['Left title', 'Left title']);
    expect(await sync.engine.listConflicts('people')).toEqual([]);
    await tick();
    const after = await sync.engine.run('people');
    expect(after.counts).toMatchObject({ updated: 0, conflicts: 0 });
  });

  it('resolves a manual conflict with a value of its own', async () => {
    await setup('manual');
    await sync.engine.run('people');
    const [conflict] = await sync.engine.listConflicts('people');
    await sync.engine.resolveConflict('people', String(conflict?.id), { value: 'Agreed title' });
    expect(titles()).toEqual(['Agreed title', 'Agreed title']);
    await expect(
      sync.engine.resolveConflict('people', String(conflict?.id), { winner: 'left' }),
    ).rejects.toBeInstanceOf(ConfigError);
  });
});

describe('engine.run: directions and transforms', () => {
  it('mirrors the source in a one-way sync and never creates on the source', async () => {
    left.remote.person.put({ email: 'ada@acme.com', title: 'CTO' });
    right.remote.person.put({ email: 'only-right@acme.com', title: 'Nobody' });
    sync.engine.define(peopleDefinition(left, right, { direction: 'left-to-right' }));
    await sync.engine.run('people');
    expect(left.remote.person.all()).toHaveLength(1);
    expect(right.remote.person.all()).toHaveLength(2);
    await tick();
    const mirrored = right.remote.person.all().find((person) => person.email === 'ada@acme.com');
    right.remote.person.put({ ...mirrored, title: 'Edited on the right' });
    await sync.engine.run('people');
    expect(right.remote.person.all().find((person) => person.email === 'ada@acme.com')?.title).toBe('CTO');
    expect(left.remote.person.all()[0]?.title).toBe('CTO');
  });

  it('applies transforms both ways', async () => {
    left.remote.person.put({ email: 'ada@acme.com', country: 'GB' });
    right.remote.person.put({ email: 'grace@acme.com', country: 'United States' });
    const names: Record<string, string> = { GB: 'United Kingdom', US: 'United States' };
    const codes = Object.fromEntries(Object.entries(names).map(([code, name]) => [name, code]));
    sync.engine.define(
      peopleDefinition(left, right, {
        fieldMap: [
          { left: 'email', right: 'email' },
          {
            left: 'country',
            right: 'country',
            toRight: (value) => names[String(value)] ?? value,
            toLeft: (value) => codes[String(value)] ?? value,
          },
        ],
      }),
    );
    await sync.engine.run('people');
    const countries = (connector: MemoryConnector) =>
      Object.fromEntries(connector.remote.person.all().map((person) => [person.email, person.country]));
    expect(countries(left)).toEqual({ 'ada@acme.com': 'GB', 'grace@acme.com': 'US' });
    expect(countries(right)).toEqual({ 'ada@acme.com': 'United Kingdom', 'grace@acme.com': 'United States' });
    const again = await sync.engine.run('people');
    expect(again.counts.updated).toBe(0);
  });
});

describe('engine.run: deletes', () => {
  const seed = async (count: number, overrides: Parameters<typeof peopleDefinition>[2] = {}) => {
    for (let index = 0; index < count; index += 1) left.remote.person.put({ email: `p${index}@acme.com` });
    sync.engine.define(peopleDefinition(left, right, overrides));
    await sync.engine.run('people');
    await tick();
  };
  const rightIdOf = (email: string) =>
    right.remote.person.all().find((person) => person.email === email)?.id as string;
  const leftIdOf = (email: string) =>
    left.remote.person.all().find((person) => person.email === email)?.id as string;

  it('propagates a delete to the partner', async () => {
    await seed(10);
    left.remote.person.delete(leftIdOf('p3@acme.com'));
    const summary = await sync.engine.run('people');
    expect(summary.counts.deleted).toBe(1);
    expect(right.remote.person.all()).toHaveLength(9);
    expect(right.remote.person.get(rightIdOf('p3@acme.com'))).toBeUndefined();
  });

  it('keeps and unlinks the partner under ignore', async () => {
    await seed(10, { deletePolicy: 'ignore' });
    right.remote.person.delete(rightIdOf('p3@acme.com'));
    await sync.engine.run('people');
    expect(left.remote.person.all()).toHaveLength(10);
    expect(right.remote.person.all()).toHaveLength(9);
    expect((await sync.engine.status('people')).linked).toBe(9);
    // The kept record is not synced again, so it is not re-created either.
    left.remote.person.put({ ...left.remote.person.get(leftIdOf('p3@acme.com')), title: 'Still here' });
    await sync.engine.run('people');
    expect(right.remote.person.all()).toHaveLength(9);
  });

  it('archives the partner with the configured values under archive', async () => {
    await seed(10, {
      deletePolicy: 'archive',
      archive: { left: { title: 'archived' }, right: { title: 'archived' } },
    });
    left.remote.person.delete(leftIdOf('p3@acme.com'));
    const summary = await sync.engine.run('people');
    expect(summary.counts.archived).toBe(1);
    expect(right.remote.person.all()).toHaveLength(10);
    expect(right.remote.person.get(rightIdOf('p3@acme.com'))?.title).toBe('archived');
  });

  it('infers deletes from a complete full listing', async () => {
    await seed(10);
    // A system that cannot report deletes: the record just vanishes from listings.
    const vanished = leftIdOf('p4@acme.com');
    left.remote.person.delete(vanished);
    const hidden = left.entities.person;
    const listChanges = hidden.listChanges.bind(hidden);
    hidden.listChanges = async function* (options) {
      for await (const batch of listChanges(options)) {
        yield { ...batch, changes: batch.changes.filter((change) => change.type !== 'delete') };
      }
    };
    const incremental = await sync.engine.run('people');
    expect(incremental.counts.deleted).toBe(0);
    const full = await sync.engine.run('people', { mode: 'full' });
    expect(full.counts.deleted).toBe(1);
    expect(right.remote.person.all()).toHaveLength(9);
  });

  it('infers no delete from a listing that did not complete', async () => {
    await seed(10);
    const people = right.entities.person;
    const listChanges = people.listChanges.bind(people);
    // A listing that stops early (a result cap) without saying it completed.
    people.listChanges = async function* (options) {
      for await (const batch of listChanges(options)) {
        yield { changes: batch.changes.slice(0, 2), checkpoint: batch.checkpoint };
        return;
      }
    };
    const full = await sync.engine.run('people', { mode: 'full' });
    expect(full.complete.right).toBe(false);
    expect(full.counts.deleted).toBe(0);
    expect(left.remote.person.all()).toHaveLength(10);
  });

  it('refuses to delete more than 10 % of the linked records without confirmation', async () => {
    await seed(20);
    for (const email of ['p1@acme.com', 'p2@acme.com', 'p3@acme.com'])
      left.remote.person.delete(leftIdOf(email));
    sync.emitted.length = 0;
    const blocked = await sync.engine.run('people');
    expect(blocked.blockedDeletes.right).toBe(3);
    expect(right.remote.person.all()).toHaveLength(20);
    expect(sync.emitted.find((event) => event.type === 'crm.deletes_blocked')?.payload).toMatchObject({
      side: 'right',
      count: 3,
      linked: 20,
    });
    expect((await sync.engine.status('people')).pendingDeletes).toBe(3);

    const confirmed = await sync.engine.run('people', { confirmDeletes: true });
    expect(confirmed.counts.deleted).toBe(3);
    expect(right.remote.person.all()).toHaveLength(17);
    expect((await sync.engine.status('people')).pendingDeletes).toBe(0);
  });
});

describe('engine.run: failures', () => {
  it('dead-letters a record the other side rejects and goes on with the rest', async () => {
    left.remote.person.put({ email: 'ada@acme.com', firstName: 'Ada' });
    left.remote.person.put({ email: 'bad@acme.com', firstName: 'Bad' });
    left.remote.person.put({ email: 'grace@acme.com', firstName: 'Grace' });
    sync.engine.define(
      peopleDefinition(left, right, {
        // A transform that produces a value the right side's schema rejects.
        fieldMap: [
          { left: 'email', right: 'email' },
          { left: 'firstName', right: 'firstName', toRight: (value) => (value === 'Bad' ? 42 : value) },
        ],
      }),
    );
    const summary = await sync.engine.run('people');
    expect(summary.status).toBe('completed');
    expect(summary.counts.failed).toBe(1);
    expect(
      right.remote.person
        .all()
        .map((person) => person.email)
        .sort(),
    ).toEqual(['ada@acme.com', 'grace@acme.com']);
    const letters = await sync.engine.listDeadLetters('people');
    expect(letters).toMatchObject([{ side: 'left', reason: 'validation', attempts: 1 }]);

    // Retried on every later run until it succeeds.
    await sync.engine.run('people');
    expect((await sync.engine.listDeadLetters('people'))[0]?.attempts).toBe(2);
    const bad = left.remote.person.all().find((person) => person.email === 'bad@acme.com');
    left.remote.person.put({ ...bad, firstName: 'Fixed' });
    await sync.engine.run('people');
    expect(await sync.engine.listDeadLetters('people')).toEqual([]);
    expect(right.remote.person.all()).toHaveLength(3);
  });

  it('dead-letters a record whose transform throws', async () => {
    left.remote.person.put({ email: 'ada@acme.com', title: 'CTO' });
    sync.engine.define(
      peopleDefinition(left, right, {
        fieldMap: [
          { left: 'email', right: 'email' },
          {
            left: 'title',
            right: 'title',
            toRight: () => {
              throw new Error('no mapping for this title');
            },
          },
        ],
      }),
    );
    const summary = await sync.engine.run('people');
    expect(summary.counts.failed).toBe(1);
    expect(await sync.engine.listDeadLetters('people')).toMatchObject([
      { reason: 'transform', message: 'no mapping for this title' },
    ]);
  });

  it('stops when the rate limit persists, and resumes from the checkpoint on the next run', async () => {
    for (let index = 0; index < 6; index += 1) left.remote.person.put({ email: `p${index}@acme.com` });
    const people = right.entities.person;
    const upsert = people.upsert.bind(people);
    let quotaLeft = 2;
    people.upsert = async (record, options) => {
      if (quotaLeft <= 0)
        throw new RateLimitError('Daily quota used up', { vendor: 'right', status: 429, retryable: true });
      quotaLeft -= 1;
      return upsert(record, options);
    };
    sync.engine.define(peopleDefinition(left, right));
    const stopped = await sync.engine.run('people');
    expect(stopped.status).toBe('failed');
    expect(stopped.error).toMatch(/quota/);
    expect(await sync.engine.listDeadLetters('people')).toEqual([]);

    quotaLeft = 100;
    const resumed = await sync.engine.run('people');
    expect(resumed).toMatchObject({ status: 'completed', resumed: true });
    expect(right.remote.person.all()).toHaveLength(6);
  });

  it('dead-letters records that keep failing with a transient error, and goes on', async () => {
    for (let index = 0; index < 3; index += 1) left.remote.person.put({ email: `p${index}@acme.com` });
    right.entities.person.upsert = async () => {
      throw new ServerError('Internal error', { vendor: 'right', status: 500, retryable: true });
    };
    sync.engine.define(peopleDefinition(left, right));
    const summary = await sync.engine.run('people');
    expect(summary).toMatchObject({ status: 'completed', counts: { failed: 3 } });
    expect((await sync.engine.listDeadLetters('people')).map((letter) => letter.reason)).toEqual([
      'transient',
      'transient',
      'transient',
    ]);
  });

  it('retries transient errors within the run', async () => {
    left.remote.person.put({ email: 'ada@acme.com' });
    const people = right.entities.person;
    const upsert = people.upsert.bind(people);
    let failures = 2;
    people.upsert = async (record, options) => {
      if (failures > 0) {
        failures -= 1;
        throw new ServerError('Service unavailable', { vendor: 'right', status: 503, retryable: true });
      }
      return upsert(record, options);
    };
    sync.engine.define(peopleDefinition(left, right));
    const summary = await sync.engine.run('people');
    expect(summary.counts).toMatchObject({ created: 1, failed: 0 });
  });
});

describe('engine.run: a field newly mapped', () => {
  it('reads both sides again and fills blanks instead of overwriting values it never read', async () => {
    left.remote.person.put({ email: 'ada@acme.com', title: 'CTO', lastName: 'Lovelace' });
    left.remote.person.put({ email: 'grace@acme.com', title: 'Admiral' });
    sync.engine.define(
      peopleDefinition(left, right, {
        fieldMap: [
          { left: 'email', right: 'email' },
          { left: 'title', right: 'title' },
        ],
      }),
    );
    await sync.engine.run('people');
    await tick();
    const grace = right.remote.person.all().find((person) => person.email === 'grace@acme.com');
    right.remote.person.put({ ...grace, lastName: 'Hopper' });
    await tick();

    // The host adds lastName to the mapping: a new engine over the same storage.
    const engine = createSyncEngine({ storage: sync.storage, queue: sync.queue, queueName: 'crm.remapped' });
    engine.define(peopleDefinition(left, right));
    const summary = await engine.run('people');
    expect(summary.mode).toBe('full');
    const lastNames = (connector: MemoryConnector) =>
      Object.fromEntries(
        connector.remote.person.all().map((person) => [person.email, person.lastName ?? null]),
      );
    expect(lastNames(left)).toEqual({ 'ada@acme.com': 'Lovelace', 'grace@acme.com': 'Hopper' });
    expect(lastNames(right)).toEqual(lastNames(left));
  });
});

describe('engine.run: options', () => {
  it('plans without writing anything in a dry run', async () => {
    left.remote.person.put({ email: 'ada@acme.com', firstName: 'Ada' });
    right.remote.person.put({ email: 'grace@acme.com', firstName: 'Grace' });
    sync.engine.define(peopleDefinition(left, right));
    const dry = await sync.engine.run('people', { dryRun: true });
    expect(dry.dryRun).toBe(true);
    expect(dry.plan).toHaveLength(2);
    expect(dry.plan?.map((write) => write.action)).toEqual(['create', 'create']);
    expect(left.remote.person.all()).toHaveLength(1);
    expect(right.remote.person.all()).toHaveLength(1);
    expect((await sync.engine.status('people')).initialized).toBe(false);
    expect(sync.storage.size).toBe(0);

    const real = await sync.engine.run('people');
    expect(real.counts.created).toBe(2);
  });

  it('stops between batches when aborted and resumes from the checkpoint', async () => {
    for (let index = 0; index < 20; index += 1) left.remote.person.put({ email: `p${index}@acme.com` });
    sync.engine.define(peopleDefinition(left, right));
    const controller = new AbortController();
    sync.events.on('crm.progress', ({ batches }) => {
      if (batches === 2) controller.abort();
    });
    const stopped = await sync.engine.run('people', { signal: controller.signal });
    expect(stopped.status).toBe('aborted');
    expect((await sync.engine.status('people')).state).toBe('interrupted');
    const resumed = await sync.engine.run('people');
    expect(resumed).toMatchObject({ status: 'completed', resumed: true, mode: 'full' });
    expect(right.remote.person.all()).toHaveLength(20);
  });

  it('keeps tenants apart', async () => {
    left.remote.person.put({ email: 'ada@acme.com' });
    sync.engine.define(peopleDefinition(left, right));
    sync.engine.define(peopleDefinition(left, right, { id: 'people-globex', tenantId: 'globex' }));
    await sync.engine.run('people');
    const other = await sync.engine.status('people-globex');
    expect(other).toMatchObject({ linked: 0, initialized: false, lastRun: null });
  });
});

describe('engine.define', () => {
  it('rejects definitions with a typed error naming the problem', () => {
    const { engine } = sync;
    expect(() => engine.define(peopleDefinition(left, right, { fieldMap: [] }))).toThrow(/fieldMap/);
    expect(() =>
      engine.define(
        peopleDefinition(left, right, { fieldMap: [{ left: 'email', right: 'nope' as 'email' }] }),
      ),
    ).toThrow(/fieldMap\[0\]\.right "nope"/);
    expect(() =>
      engine.define(
        peopleDefinition(left, right, {
          direction: 'left-to-right',
          fieldMap: [
            { left: 'email', right: 'email' },
            { left: 'title', right: 'title', direction: 'both' },
          ],
        }),
      ),
    ).toThrow(/wider/);
    expect(() => engine.define(peopleDefinition(left, right, { deletePolicy: 'archive' }))).toThrow(
      /archive\.left/,
    );
    expect(() =>
      engine.define(peopleDefinition(left, right, { fieldMap: [{ left: 'title', right: 'title' }] })),
    ).toThrow(/matchBy/);
    expect(() =>
      engine.define(peopleDefinition(left, right, { conflictPolicy: 'newest' as 'manual' })),
    ).toThrow(ConfigError);
    engine.define(peopleDefinition(left, right));
    expect(() => engine.define(peopleDefinition(left, right))).toThrow(/already defined/);
    expect(() => engine.define(peopleDefinition(left, right, { id: 'people-2' }))).toThrow(
      /share one id map/,
    );
  });

  it('rejects runs of a sync that was never defined', async () => {
    await expect(sync.engine.run('missing')).rejects.toThrow(/No sync "missing"/);
  });
});
