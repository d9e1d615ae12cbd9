import {
  createMemoryConnector,
  createMemoryQueue,
  createMemoryStorage,
  type EntityConnector,
  type Storage,
} from '@salesos/core';
import { createTestClock, severableStorage } from '@salesos/core/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createMemorySync, type MemorySync, peopleDefinition } from '../__fixtures__/memory-sync.ts';
import { createSyncEngine } from '../engine/sync-engine.ts';
import { createSyncPersonalDataStore } from './sync-personal-data-store.ts';

const ADA = 'ada@acme.com';
/** Everything that identifies Ada in the sync's state. */
const ADA_MARKERS = [ADA, 'Lovelace', 'l-ada', 'r-ada'];

async function everything(storage: Storage) {
  const entries: { key: readonly (string | number)[]; text: string }[] = [];
  for await (const entry of storage.list({ prefix: [] })) {
    entries.push({ key: entry.key, text: JSON.stringify({ key: entry.key, value: entry.value }) });
  }
  return entries;
}

const aboutAda = (text: string) =>
  ADA_MARKERS.some((marker) => text.toLowerCase().includes(marker.toLowerCase()));

let sync: MemorySync;

/**
 * Two tenants syncing the same people: Ada linked on both sides with a conflict waiting for
 * review, a second left record with Ada's address (a duplicate, dead-lettered), Bob and Grace.
 */
beforeEach(async () => {
  const clock = createTestClock();
  sync = createMemorySync({ clock });
  const { left, right, engine } = sync;
  left.remote.person.put({ id: 'l-ada', email: 'Ada@Acme.com', firstName: 'Ada', lastName: 'Lovelace' });
  left.remote.person.put({ id: 'l-bob', email: 'bob@acme.com', firstName: 'Bob' });
  right.remote.person.put({ id: 'r-ada', email: ADA, title: 'CTO' });
  right.remote.person.put({ id: 'r-grace', email: 'grace@navy.mil', firstName: 'Grace' });
  engine.define(peopleDefinition(left, right, { conflictPolicy: 'manual' }));
  engine.define(peopleDefinition(left, right, { id: 'people-globex', tenantId: 'globex' }));
  await engine.run('people');
  await engine.run('people-globex');
  await clock.advance(1000);
  left.remote.person.put({
    id: 'l-ada',
    email: 'Ada@Acme.com',
    firstName: 'Ada',
    lastName: 'Lovelace',
    title: 'CEO',
  });
  right.remote.person.put({
    id: 'r-ada',
    email: ADA,
    firstName: 'Ada',
    lastName: 'Lovelace',
    title: 'Founder',
  });
  left.remote.person.put({ id: 'l-ada-2', email: ' ada@acme.com', firstName: 'Augusta' });
  await engine.run('people');
});

afterEach(async () => {
  await sync.queue.close();
});

describe('createSyncPersonalDataStore', () => {
  it('links the address to the person’s records on both sides', async () => {
    const store = createSyncPersonalDataStore({ storage: sync.storage });
    const ids = await store.identify?.({ tenantId: 'acme', email: ADA });
    expect([...(ids ?? [])].sort()).toEqual(['l-ada', 'r-ada']);
    expect(await store.identify?.({ tenantId: 'acme', email: 'nobody@acme.com' })).toEqual([]);
  });

  it('exports the record states, link, key index entry, conflict and dead letter of the person', async () => {
    const store = createSyncPersonalDataStore({ storage: sync.storage });
    const records = await store.exportPerson({ tenantId: 'acme', email: ADA, personIds: [] });

    const byKind = (kind: string) => records.filter((record) => record.kind === kind);
    expect(
      byKind('sync-record')
        .map((record) => record.id)
        .sort(),
    ).toEqual(['left:right:left:l-ada', 'left:right:left:l-ada-2', 'left:right:right:r-ada']);
    expect(byKind('sync-record')[0]?.data).toMatchObject({
      connectors: { left: 'left', right: 'right' },
      side: 'left',
      id: 'l-ada',
      state: { p: 'r-ada', v: { email: 'Ada@Acme.com', lastName: 'Lovelace' } },
    });
    expect(byKind('sync-link').map((record) => record.data)).toEqual([
      { left: { connector: 'left', id: 'l-ada' }, right: { connector: 'right', id: 'r-ada' } },
    ]);
    expect(byKind('sync-match-key').map((record) => record.data)).toEqual([
      { key: ADA, l: 'l-ada', r: 'r-ada' },
    ]);
    expect(byKind('sync-conflict').map((record) => record.data)).toEqual([
      expect.objectContaining({ leftId: 'l-ada', rightId: 'r-ada', leftValue: 'CEO', rightValue: 'Founder' }),
    ]);
    expect(byKind('sync-dead-letter').map((record) => record.data)).toEqual([
      expect.objectContaining({ side: 'left', id: 'l-ada-2', reason: 'duplicate_key' }),
    ]);
    expect(JSON.stringify(records)).not.toMatch(/bob@|grace@|l-bob|r-grace/);
  });

  it('erases everything the sync holds about the person, and nothing of other people or tenants', async () => {
    const store = createSyncPersonalDataStore({ storage: sync.storage });
    const before = await everything(sync.storage);
    expect(before.filter(({ key, text }) => key[1] === 'acme' && aboutAda(text)).length).toBeGreaterThan(5);

    const result = await store.forgetPerson({ tenantId: 'acme', email: ADA, personIds: [] });

    const after = await everything(sync.storage);
    expect(after.filter(({ key, text }) => key[1] === 'acme' && aboutAda(text))).toEqual([]);
    expect(result.erased).toBeGreaterThan(5);
    expect(after.filter(({ key }) => key[1] === 'globex')).toEqual(
      before.filter(({ key }) => key[1] === 'globex'),
    );
    expect(after.some(({ key, text }) => key[1] === 'acme' && text.includes('bob@acme.com'))).toBe(true);
    expect(await sync.engine.status('people')).toMatchObject({ linked: 2, conflicts: 0, deadLetters: 0 });
    expect(await store.exportPerson({ tenantId: 'acme', email: ADA, personIds: ['l-ada', 'r-ada'] })).toEqual(
      [],
    );
    expect(await store.forgetPerson({ tenantId: 'acme', email: ADA, personIds: [] })).toEqual({ erased: 0 });
    // The systems were not touched.
    expect(sync.left.remote.person.get('l-ada')).toBeDefined();
    expect(sync.right.remote.person.get('r-ada')).toBeDefined();
  });

  it('lets a full run match the person again without creating a duplicate', async () => {
    const store = createSyncPersonalDataStore({ storage: sync.storage });
    const people = sync.right.remote.person.all().length;
    await store.forgetPerson({ tenantId: 'acme', email: ADA, personIds: [] });

    await sync.engine.run('people', { mode: 'full' });

    expect(sync.right.remote.person.all()).toHaveLength(people);
    expect(await store.identify?.({ tenantId: 'acme', email: ADA })).toHaveLength(2);
  });

  it('finds a record by person id only when it holds the address or none, never another address', async () => {
    sync.left.remote.person.put({ id: 'l-nameless', firstName: 'Ada' });
    await sync.engine.run('people');
    const store = createSyncPersonalDataStore({ storage: sync.storage });

    const records = await store.exportPerson({
      tenantId: 'acme',
      email: 'ada.other@example.com',
      personIds: ['l-nameless', 'l-bob'],
    });

    const ids = records.filter((record) => record.kind === 'sync-record').map((record) => record.id);
    expect(ids).toContain('left:right:left:l-nameless');
    expect(ids).toHaveLength(2); // and its partner created on the right
    expect(ids.join()).not.toContain('l-bob');
  });
});

describe('createSyncPersonalDataStore after a run died midway', () => {
  type Person = { id: string; email: string };
  const person = (name: string): Person => ({ id: `l-${name}`, email: `${name}@acme.com` });
  const surname = (entry: Person) => (entry.email === ADA ? 'Lovelace' : 'Babbage');

  /**
   * Syncs `first` (when there are any), then adds `then` on the left and starts a full run that
   * dies as it creates the first of them on the right: that batch never commits, leaving its
   * create intents, and the seen ids of the batches committed before it.
   */
  async function crashedRun(first: Person[], then: Person[]) {
    const storage = createMemoryStorage();
    const link = severableStorage(storage);
    const left = createMemoryConnector({ id: 'left', pageSize: 4 });
    const right = createMemoryConnector({ id: 'right', pageSize: 4 });
    const queue = createMemoryQueue();
    const engine = createSyncEngine({ storage: link.storage, queue });
    engine.define(peopleDefinition(left, right));
    for (const entry of first) left.remote.person.put({ ...entry, lastName: surname(entry) });
    if (first.length > 0) expect((await engine.run('people')).status).toBe('completed');
    for (const entry of then) left.remote.person.put({ ...entry, lastName: surname(entry) });
    const entity = right.entities.person as EntityConnector<unknown, string>;
    const upsert = entity.upsert.bind(entity);
    entity.upsert = async (record, options) => {
      link.sever();
      return upsert(record, options);
    };
    expect((await engine.run('people', { mode: 'full' })).status).toBe('failed');
    await queue.close();
    return storage;
  }

  it('erases the person from the create intents of the batch that died', async () => {
    const storage = await crashedRun([], [{ id: 'l-ada', email: ADA }]);
    const before = await everything(storage);
    expect(before.some(({ key, text }) => key.includes('i1') && text.includes('l-ada'))).toBe(true);

    await createSyncPersonalDataStore({ storage }).forgetPerson({
      tenantId: 'acme',
      email: ADA,
      personIds: [],
    });

    expect((await everything(storage)).filter(({ text }) => aboutAda(text))).toEqual([]);
  });

  it('erases the person from the seen ids of committed batches and keeps the other people there', async () => {
    const storage = await crashedRun(
      [{ id: 'l-ada', email: ADA }, person('b'), person('c'), person('d')],
      [person('e'), person('f')],
    );
    const before = await everything(storage);
    expect(before.some(({ key, text }) => key.includes('s0') && text.includes('l-ada'))).toBe(true);

    await createSyncPersonalDataStore({ storage }).forgetPerson({
      tenantId: 'acme',
      email: ADA,
      personIds: [],
    });

    const after = await everything(storage);
    expect(after.filter(({ text }) => aboutAda(text))).toEqual([]);
    expect(after.some(({ key, text }) => key.includes('s0') && text.includes('l-b'))).toBe(true);
    expect(after.some(({ key, text }) => key.includes('i1') && text.includes('l-e'))).toBe(true);
  });
});
