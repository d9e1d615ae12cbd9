import { describe, expect, it } from 'vitest';
import { type Clock, systemClock } from '../clock/clock.ts';
import { ConflictError, InvalidRequestError } from '../errors/api-error.ts';
import { ConfigError } from '../errors/client-errors.ts';
import { createMemoryStorage } from '../storage/memory-storage.ts';
import { scopeStorage } from '../storage/scope-storage.ts';
import { describeConnectorConformance } from '../testing/connector-conformance.ts';
import { createTestClock } from '../testing/test-clock.ts';
import type { ChangeBatch } from './connector.ts';
import { createStorageConnector } from './storage-connector.ts';

async function walk<T>(iterable: AsyncIterable<ChangeBatch<T>>): Promise<ChangeBatch<T>[]> {
  const batches: ChangeBatch<T>[] = [];
  for await (const batch of iterable) batches.push(batch);
  return batches;
}

async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const items: T[] = [];
  for await (const item of iterable) items.push(item);
  return items;
}

describeConnectorConformance('createStorageConnector', ({ clock, pageSize }) =>
  createStorageConnector({ storage: createMemoryStorage(), clock, pageSize }),
);

describeConnectorConformance('createStorageConnector on a tenant view', ({ clock, pageSize }) =>
  createStorageConnector({ storage: scopeStorage(createMemoryStorage(), 'acme'), clock, pageSize }),
);

describe('createStorageConnector', () => {
  it('keeps the id a new record is given and derives the same ids from the same writes', async () => {
    const make = () => createStorageConnector({ storage: createMemoryStorage(), clock: createTestClock() });
    const first = make();
    const given = await first.entities.company.upsert(
      { id: 'co_acme', domain: 'acme.com' },
      { matchBy: ['id'] },
    );
    expect(given).toMatchObject({
      created: true,
      record: { id: 'co_acme', externalIds: {}, technologies: [] },
    });
    const generated = await first.entities.deal.upsert({ name: 'Pilot' }, { matchBy: ['id'] });
    expect(generated.record.id).toMatch(/^de_[0-9a-f]{16}$/);
    const again = await make().entities.deal.upsert({ name: 'Pilot' }, { matchBy: ['id'] });
    expect(again.record.id).toBe(generated.record.id);
  });

  it('refuses to create a record under an id that another record has', async () => {
    const book = createStorageConnector({ storage: createMemoryStorage() });
    await book.entities.person.upsert({ id: 'p1', email: 'ada@acme.com' }, { matchBy: ['id'] });
    const error = await book.entities.person
      .upsert({ id: 'p1', email: 'grace@acme.com' }, { matchBy: ['email'] })
      .catch((caught: unknown) => caught);
    expect(ConflictError.isInstance(error)).toBe(true);
    expect((error as ConflictError).message).toContain('"p1"');
    expect(await book.entities.person.count()).toBe(1);
  });

  it('lets an email belong to one person only, and frees it when the person changes address', async () => {
    const book = createStorageConnector({ storage: createMemoryStorage() });
    const people = book.entities.person;
    const ada = await people.upsert({ id: 'p1', email: 'ada@acme.com' }, { matchBy: ['id'] });
    const taken = await people
      .upsert({ id: 'p2', email: 'ADA@acme.com' }, { matchBy: ['id'] })
      .catch((caught: unknown) => caught);
    expect(ConflictError.isInstance(taken)).toBe(true);
    expect((taken as ConflictError).fieldErrors).toEqual([{ path: 'email', message: 'already taken' }]);
    expect(await people.get('p2')).toBeNull();

    await people.upsert({ id: ada.record.id, email: 'ada@lovelace.dev' }, { matchBy: ['id'] });
    expect(await people.findBy('email', 'ada@acme.com')).toBeNull();
    expect(await people.findBy('email', ' Ada@Lovelace.dev ')).toMatchObject({ id: 'p1' });
    const other = await people.upsert({ id: 'p2', email: 'ada@acme.com' }, { matchBy: ['id'] });
    expect(other.created).toBe(true);
    expect(await people.findBy('email', 'ada@acme.com')).toMatchObject({ id: 'p2' });
  });

  it('rejects a record that is not canonical with InvalidRequestError naming the field', async () => {
    const book = createStorageConnector({ storage: createMemoryStorage(), id: 'book' });
    const error = await book.entities.company
      .upsert({ name: 'Acme', employeeCount: -3 }, { matchBy: ['id'] })
      .catch((caught: unknown) => caught);
    expect(InvalidRequestError.isInstance(error)).toBe(true);
    expect((error as InvalidRequestError).fieldErrors[0]?.path).toBe('employeeCount');
    expect((error as InvalidRequestError).vendor).toBe('book');
    expect(await book.entities.company.count()).toBe(0);
  });

  it('finds records by id, email or domain, and refuses other fields', async () => {
    const book = createStorageConnector({ storage: createMemoryStorage() });
    const { record } = await book.entities.company.upsert(
      { name: 'Acme', domain: 'Acme.com' },
      { matchBy: ['domain'] },
    );
    expect(await book.entities.company.findBy('domain', 'ACME.COM')).toMatchObject({
      id: record.id,
      name: 'Acme',
    });
    expect(await book.entities.company.findBy('id', record.id)).toMatchObject({ domain: 'Acme.com' });
    expect(await book.entities.company.findBy('domain', '')).toBeNull();
    expect(await book.entities.person.findBy('email', 'nobody@acme.com')).toBeNull();
    await expect(book.entities.deal.findBy('email' as 'id', 'x@y.z')).rejects.toThrow(ConfigError);
  });

  it('walks every record in id order and counts them as they are created and deleted', async () => {
    const book = createStorageConnector({ storage: createMemoryStorage(), pageSize: 2 });
    const people = book.entities.person;
    for (const id of ['p3', 'p1', 'p5', 'p2', 'p4']) {
      await people.upsert({ id, email: `${id}@acme.com` }, { matchBy: ['id'] });
    }
    await people.upsert({ id: 'p1', title: 'CTO' }, { matchBy: ['id'] });
    expect(await people.count()).toBe(5);
    expect(await people.delete('p2')).toBe(true);
    expect(await people.delete('p2')).toBe(false);
    expect(await people.count()).toBe(4);
    const records = await collect(people.records());
    expect(records.map((person) => person.id)).toEqual(['p1', 'p3', 'p4', 'p5']);
    expect(records[0]).toMatchObject({ email: 'p1@acme.com', title: 'CTO' });
  });

  it('creates one record when concurrent upserts match the same new email', async () => {
    const book = createStorageConnector({ storage: createMemoryStorage() });
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, index) =>
        book.entities.person.upsert(
          { email: 'ada@acme.com', title: `Title ${index}` },
          { matchBy: ['email'] },
        ),
      ),
    );
    expect(results.filter((result) => result.created)).toHaveLength(1);
    expect(new Set(results.map((result) => result.record.id)).size).toBe(1);
    expect(await book.entities.person.count()).toBe(1);
  });

  it('delivers after a checkpoint a write stamped just before it, as a slower concurrent writer leaves', async () => {
    // Two writers read the time, the later one commits first and a walk reads it before the
    // earlier one commits: a clock that can be set back plays that order.
    let time = Date.UTC(2026, 0, 1);
    const clock: Clock = { now: () => time, sleep: systemClock.sleep };
    const book = createStorageConnector({ storage: createMemoryStorage(), clock, overlapMs: 1_000 });
    const people = book.entities.person;
    await people.upsert({ id: 'a', email: 'a@acme.com' }, { matchBy: ['id'] });
    time += 5_000;
    await people.upsert({ id: 'b', email: 'b@acme.com' }, { matchBy: ['id'] });
    const checkpoint = (await walk(people.listChanges())).at(-1)?.checkpoint;
    expect(checkpoint).toBe(new Date(time).toISOString());
    time -= 400;
    await people.upsert({ id: 'c', email: 'c@acme.com' }, { matchBy: ['id'] });
    const resumed = await walk(people.listChanges({ since: checkpoint }));
    const ids = resumed.flatMap((batch) => batch.changes.map((change) => change.id));
    expect(ids).toContain('c');
    expect(ids).not.toContain('a');
    expect(resumed.at(-1)?.checkpoint).toBe(checkpoint);
  });

  it('moves on from a checkpoint even when more records than a batch share its time', async () => {
    const book = createStorageConnector({
      storage: createMemoryStorage(),
      clock: createTestClock(),
      pageSize: 2,
    });
    const people = book.entities.person;
    for (const id of ['a', 'b', 'c', 'd', 'e']) await people.upsert({ id }, { matchBy: ['id'] });
    const [first] = await walk(people.listChanges());
    const resumed = await walk(people.listChanges({ since: first?.checkpoint }));
    expect(resumed).toHaveLength(1);
    expect(resumed[0]?.complete).toBe(true);
    expect(resumed[0]?.changes.map((change) => change.id)).toEqual(['a', 'b', 'c', 'd', 'e']);
  });

  it('rejects a since that is not one of its checkpoints', async () => {
    const book = createStorageConnector({ storage: createMemoryStorage() });
    await expect(walk(book.entities.person.listChanges({ since: 'yesterday' }))).rejects.toThrow(ConfigError);
  });

  it('sends no webhooks: parseWebhook answers no changes', async () => {
    const book = createStorageConnector({ storage: createMemoryStorage() });
    expect(await book.entities.person.parseWebhook({ entity: 'person', type: 'delete', id: 'p1' })).toEqual(
      [],
    );
  });

  it("keeps each tenant's records apart on a scoped storage", async () => {
    const storage = createMemoryStorage();
    const acme = createStorageConnector({
      storage: scopeStorage(storage, 'acme'),
      id: 'book',
      prefix: ['book'],
    });
    const globex = createStorageConnector({
      storage: scopeStorage(storage, 'globex'),
      id: 'book',
      prefix: ['book'],
    });
    await acme.entities.person.upsert({ id: 'p1', email: 'ada@acme.com' }, { matchBy: ['id'] });
    expect(await globex.entities.person.get('p1')).toBeNull();
    expect(await globex.entities.person.findBy('email', 'ada@acme.com')).toBeNull();
    expect(await globex.entities.person.count()).toBe(0);
    expect((await walk(globex.entities.person.listChanges())).flatMap((batch) => batch.changes)).toEqual([]);
    // The same email is free in another tenant.
    await globex.entities.person.upsert({ id: 'p9', email: 'ada@acme.com' }, { matchBy: ['id'] });
    const keys = (await collect(storage.list({ prefix: [] }))).map((entry) => entry.key.slice(0, 5));
    expect(keys).toContainEqual(['tenant', 'acme', 'book', 'person', 'record']);
    expect(keys.every((key) => key[0] === 'tenant')).toBe(true);
  });

  it('shares one storage between two instances, as two workers would', async () => {
    const storage = createMemoryStorage();
    const worker1 = createStorageConnector({ storage, id: 'book' });
    const worker2 = createStorageConnector({ storage, id: 'book' });
    const other = createStorageConnector({ storage, id: 'archive' });
    const { record } = await worker1.entities.person.upsert(
      { email: 'ada@acme.com' },
      { matchBy: ['email'] },
    );
    expect(await worker2.entities.person.findBy('email', 'ada@acme.com')).toMatchObject({ id: record.id });
    expect(await other.entities.person.get(record.id)).toBeNull();
  });

  it('rejects options it cannot use with ConfigError', () => {
    const storage = createMemoryStorage();
    expect(() => createStorageConnector({ storage, pageSize: 0 })).toThrow(ConfigError);
    expect(() => createStorageConnector({ storage, overlapMs: -1 })).toThrow(ConfigError);
    expect(() => createStorageConnector({ storage, id: '' })).toThrow(ConfigError);
    expect(() => createStorageConnector({ storage: undefined as never })).toThrow(ConfigError);
  });
});
