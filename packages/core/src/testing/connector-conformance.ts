import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type {
  Change,
  ChangeBatch,
  Connector,
  EntityConnector,
  ListChangesOptions,
  MatchByFieldMap,
} from '../connector/connector.ts';
import { ConfigError } from '../errors/client-errors.ts';
import type { EntityRecordMap, EntityType } from '../model/canonical.ts';
import { createTestClock, type TestClock } from './test-clock.ts';

/** A connector under test and how to dispose of it. */
export interface ConnectorUnderTest {
  connector: Connector;
  /** Runs after each test. */
  cleanup?: () => Promise<void> | void;
}

/** What the suite hands the factory: the connector must use both. */
export interface ConnectorConformanceContext {
  /** The clock the connector must stamp changes with; the suite moves it between writes. */
  clock: TestClock;
  /** The `listChanges` batch size the connector must use. */
  pageSize: number;
}

/**
 * Makes an empty connector for one test, with people, companies and deals, stamping changes
 * with `context.clock` and listing them `context.pageSize` at a time.
 */
export type ConnectorFactory = (
  context: ConnectorConformanceContext,
) => Connector | ConnectorUnderTest | Promise<Connector | ConnectorUnderTest>;

async function make(
  factory: ConnectorFactory,
  context: ConnectorConformanceContext,
): Promise<Required<ConnectorUnderTest>> {
  const made = await factory(context);
  if ('connector' in made && typeof made.connector === 'object' && made.connector !== null) {
    return { connector: made.connector, cleanup: made.cleanup ?? (() => undefined) };
  }
  return { connector: made as Connector, cleanup: () => undefined };
}

async function walk<T>(iterable: AsyncIterable<ChangeBatch<T>>): Promise<ChangeBatch<T>[]> {
  const batches: ChangeBatch<T>[] = [];
  for await (const batch of iterable) batches.push(batch);
  return batches;
}

/** The last change of each record, in the order the records last changed. */
function finalChanges<T>(batches: readonly ChangeBatch<T>[]): Map<string, Change<T>> {
  const last = new Map<string, Change<T>>();
  for (const change of batches.flatMap((batch) => batch.changes)) {
    last.delete(change.id);
    last.set(change.id, change);
  }
  return last;
}

const PAGE_SIZE = 2;

/**
 * Registers a vitest suite that checks a `Connector` with people, companies and deals against
 * the contract: upserts matched by `id`, `email` and `domain` (case-insensitive) in the order
 * given, `ConfigError` for a field an entity cannot be matched by, `get` and `delete` of missing
 * records, copies, and `listChanges` walks: oldest first, in batches of at most `pageSize`,
 * `complete` on the last batch only, deletes listed, and resuming from any checkpoint without
 * skipping a change, also when records share the checkpoint's time.
 *
 * @example
 * ```ts
 * import { createStorageConnector, createMemoryStorage } from '@salesos/core';
 * import { describeConnectorConformance } from '@salesos/core/testing';
 *
 * describeConnectorConformance('createStorageConnector', ({ clock, pageSize }) =>
 *   createStorageConnector({ storage: createMemoryStorage(), clock, pageSize }),
 * );
 * ```
 */
export function describeConnectorConformance(name: string, factory: ConnectorFactory): void {
  describe(`${name} (Connector conformance)`, () => {
    let clock: TestClock;
    let connector: Connector;
    let cleanup: () => Promise<void> | void;

    beforeEach(async () => {
      clock = createTestClock();
      ({ connector, cleanup } = await make(factory, { clock, pageSize: PAGE_SIZE }));
    });

    afterEach(async () => {
      await cleanup();
    });

    const entity = <Entity extends EntityType>(type: Entity) => {
      const found = connector.entities[type];
      expect(found, `the connector has no ${type} entity`).toBeDefined();
      return found as EntityConnector<EntityRecordMap[Entity], MatchByFieldMap[Entity]>;
    };
    const changesOf = async (type: EntityType, options?: ListChangesOptions) =>
      walk(entity(type).listChanges(options));

    it('creates a record, then updates it when matched by email in another case, keeping absent fields', async () => {
      const people = entity('person');
      const created = await people.upsert(
        { email: 'Ada@Example.com', firstName: 'Ada' },
        { matchBy: ['email'] },
      );
      expect(created.created).toBe(true);
      expect(typeof created.record.id).toBe('string');
      expect(created.record.id).not.toBe('');
      await clock.advance(1_000);
      const updated = await people.upsert({ email: 'ada@example.com', title: 'CTO' }, { matchBy: ['email'] });
      expect(updated.created).toBe(false);
      expect(updated.record).toMatchObject({ id: created.record.id, firstName: 'Ada', title: 'CTO' });
      expect(await people.get(created.record.id)).toMatchObject({ firstName: 'Ada', title: 'CTO' });
    });

    it('tries the matchBy fields in order until one matches', async () => {
      const people = entity('person');
      const ada = await people.upsert({ email: 'ada@example.com' }, { matchBy: ['email'] });
      const matched = await people.upsert(
        { id: 'no-such-id', email: 'ADA@example.com', title: 'CTO' },
        { matchBy: ['id', 'email'] },
      );
      expect(matched).toMatchObject({ created: false, record: { id: ada.record.id, title: 'CTO' } });
      const byId = await people.upsert({ id: ada.record.id, lastName: 'Lovelace' }, { matchBy: ['id'] });
      expect(byId).toMatchObject({
        created: false,
        record: { id: ada.record.id, title: 'CTO', lastName: 'Lovelace' },
      });
    });

    it('matches companies by domain, ignoring case, and deals by id', async () => {
      const companies = entity('company');
      const acme = await companies.upsert({ name: 'Acme', domain: 'acme.com' }, { matchBy: ['domain'] });
      const again = await companies.upsert(
        { domain: 'ACME.com', employeeCount: 40 },
        { matchBy: ['domain'] },
      );
      expect(again).toMatchObject({
        created: false,
        record: { id: acme.record.id, name: 'Acme', employeeCount: 40 },
      });
      const deals = entity('deal');
      const deal = await deals.upsert({ name: 'Pilot' }, { matchBy: ['id'] });
      expect(deal.created).toBe(true);
      const renamed = await deals.upsert({ id: deal.record.id, amount: 5000 }, { matchBy: ['id'] });
      expect(renamed).toMatchObject({
        created: false,
        record: { id: deal.record.id, name: 'Pilot', amount: 5000 },
      });
    });

    it('rejects a matchBy field the entity cannot be matched by with ConfigError', async () => {
      await expect(entity('deal').upsert({ name: 'x' }, { matchBy: ['email' as 'id'] })).rejects.toThrow(
        ConfigError,
      );
      await expect(
        entity('person').upsert({ email: 'a@b.co' }, { matchBy: ['domain' as 'id'] }),
      ).rejects.toThrow(ConfigError);
      await expect(entity('company').upsert({ domain: 'b.co' }, { matchBy: [] })).rejects.toThrow(
        ConfigError,
      );
    });

    it('gets and deletes records, answering null and false once they are gone', async () => {
      const people = entity('person');
      const { record } = await people.upsert({ email: 'a@b.co' }, { matchBy: ['email'] });
      expect(await people.get(record.id)).toMatchObject({ id: record.id, email: 'a@b.co' });
      expect(await people.delete(record.id)).toBe(true);
      expect(await people.get(record.id)).toBeNull();
      expect(await people.delete(record.id)).toBe(false);
      expect(await people.get('never-was')).toBeNull();
    });

    it('hands out copies: changing a returned record changes nothing stored', async () => {
      const people = entity('person');
      const { record } = await people.upsert({ email: 'a@b.co', firstName: 'Ada' }, { matchBy: ['email'] });
      record.firstName = 'Changed';
      const read = await people.get(record.id);
      if (read) read.externalIds.changed = 'yes';
      expect(await people.get(record.id)).toMatchObject({ firstName: 'Ada', externalIds: {} });
    });

    it('lists every record oldest first in batches of at most pageSize, only the last one complete', async () => {
      const people = entity('person');
      const ids: string[] = [];
      for (let index = 0; index < 5; index += 1) {
        ids.push((await people.upsert({ email: `p${index}@x.io` }, { matchBy: ['email'] })).record.id);
        await clock.advance(1_000);
      }
      const batches = await changesOf('person');
      for (const batch of batches) expect(batch.changes.length).toBeLessThanOrEqual(PAGE_SIZE);
      expect(batches.map((batch) => batch.complete === true)).toEqual(
        batches.map((_, index) => index === batches.length - 1),
      );
      expect(batches.flatMap((batch) => batch.changes.map((change) => change.id))).toEqual(ids);
      expect(batches.flatMap((batch) => batch.changes.map((change) => change.type))).toEqual(
        ids.map(() => 'upsert'),
      );
    });

    it('answers one complete batch without changes when there is nothing', async () => {
      const batches = await changesOf('company');
      expect(batches.flatMap((batch) => batch.changes)).toEqual([]);
      expect(batches.at(-1)?.complete).toBe(true);
    });

    it('lists the latest version of an updated record and a delete change for a deleted one', async () => {
      const people = entity('person');
      const [first, second, third] = await Promise.all(
        ['a', 'b', 'c'].map(
          async (name) => (await people.upsert({ email: `${name}@x.io` }, { matchBy: ['email'] })).record,
        ),
      );
      await clock.advance(1_000);
      await people.upsert({ id: first?.id as string, title: 'CTO' }, { matchBy: ['id'] });
      await clock.advance(1_000);
      await people.delete(second?.id as string);
      const last = finalChanges(await changesOf('person'));
      expect(last.get(first?.id as string)).toMatchObject({ type: 'upsert', record: { title: 'CTO' } });
      expect(last.get(second?.id as string)).toMatchObject({ type: 'delete' });
      expect(last.get(third?.id as string)).toMatchObject({ type: 'upsert', record: { email: 'c@x.io' } });
    });

    it('resumes from a checkpoint without skipping any later change', async () => {
      const people = entity('person');
      const created: string[] = [];
      for (const name of ['a', 'b', 'c']) {
        created.push((await people.upsert({ email: `${name}@x.io` }, { matchBy: ['email'] })).record.id);
        await clock.advance(1_000);
      }
      const full = await changesOf('person');
      const checkpoint = full.at(-1)?.checkpoint;
      expect(typeof checkpoint).toBe('string');
      await clock.advance(60_000);
      await people.upsert({ id: created[0] as string, title: 'CTO' }, { matchBy: ['id'] });
      await clock.advance(1_000);
      const added = await people.upsert({ email: 'd@x.io' }, { matchBy: ['email'] });
      await clock.advance(1_000);
      await people.delete(created[1] as string);
      const resumed = await changesOf('person', { since: checkpoint });
      expect(resumed.at(-1)?.complete).toBe(true);
      const last = finalChanges(resumed);
      expect(last.get(created[0] as string)).toMatchObject({ type: 'upsert', record: { title: 'CTO' } });
      expect(last.get(added.record.id)).toMatchObject({ type: 'upsert', record: { email: 'd@x.io' } });
      expect(last.get(created[1] as string)).toMatchObject({ type: 'delete' });
      // Later changes come in the order they were made.
      const order = [...last.keys()];
      expect(order.indexOf(created[0] as string)).toBeLessThan(order.indexOf(added.record.id));
      expect(order.indexOf(added.record.id)).toBeLessThan(order.indexOf(created[1] as string));
    });

    it('resumes mid-walk without skipping records that share the checkpoint time', async () => {
      const people = entity('person');
      const ids: string[] = [];
      for (const name of ['a', 'b', 'c']) {
        ids.push((await people.upsert({ email: `${name}@x.io` }, { matchBy: ['email'] })).record.id);
      }
      const seen = new Set<string>();
      let since: string | undefined;
      // Stop after the first batch, as a consumer that crashes and resumes from its checkpoint would.
      for await (const batch of people.listChanges()) {
        for (const change of batch.changes) seen.add(change.id);
        expect(batch.complete).not.toBe(true);
        since = batch.checkpoint;
        break;
      }
      const resumed = await changesOf('person', { since });
      for (const change of resumed.flatMap((batch) => batch.changes)) seen.add(change.id);
      expect(ids.filter((id) => !seen.has(id))).toEqual([]);
      expect(resumed.at(-1)?.complete).toBe(true);
    });

    it('stops between batches when the signal aborts', async () => {
      const deals = entity('deal');
      for (const name of ['one', 'two', 'three']) {
        await deals.upsert({ name }, { matchBy: ['id'] });
        await clock.advance(1_000);
      }
      const controller = new AbortController();
      let batches = 0;
      await expect(
        (async () => {
          for await (const _batch of deals.listChanges({ signal: controller.signal })) {
            batches += 1;
            controller.abort(new Error('stop'));
          }
        })(),
      ).rejects.toThrow('stop');
      expect(batches).toBe(1);
    });
  });
}
