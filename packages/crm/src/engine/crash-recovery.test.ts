import {
  createMemoryConnector,
  createMemoryQueue,
  createMemoryStorage,
  type EntityConnector,
  type MemoryConnector,
  type Storage,
} from '@salesos/core';
import { createTestClock, severableStorage, type TestClock } from '@salesos/core/testing';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { SyncDefinition } from '../definition/sync-definition.ts';
import { createSyncEngine } from './sync-engine.ts';

const LEASE_MS = 1000;

interface Seed {
  entity: 'person' | 'deal';
  left: { key: number; title: string }[];
  right: { key: number; title: string }[];
}

function definitionFor(
  entity: Seed['entity'],
  left: MemoryConnector,
  right: MemoryConnector,
): SyncDefinition<'person'> | SyncDefinition<'deal'> {
  const base = {
    id: 'sync',
    tenantId: 'acme',
    left,
    right,
    direction: 'both',
    deletePolicy: 'propagate',
  } as const;
  return entity === 'person'
    ? {
        ...base,
        entity: 'person',
        conflictPolicy: 'left-wins',
        fieldMap: [
          { left: 'email', right: 'email' },
          { left: 'title', right: 'title' },
        ],
      }
    : {
        ...base,
        entity: 'deal',
        conflictPolicy: 'left-wins',
        fieldMap: [
          { left: 'name', right: 'name' },
          { left: 'stage', right: 'stage' },
        ],
      };
}

function seedSystems(seed: Seed, clock: TestClock) {
  const left = createMemoryConnector({ id: 'left', clock, pageSize: 3 });
  const right = createMemoryConnector({ id: 'right', clock, pageSize: 3 });
  for (const [connector, items] of [
    [left, seed.left],
    [right, seed.right],
  ] as const) {
    for (const item of items) {
      if (seed.entity === 'person')
        connector.remote.person.put({ email: `p${item.key}@acme.com`, title: item.title });
      else connector.remote.deal.put({ name: `Deal ${item.key}`, stage: item.title });
    }
  }
  return { left, right };
}

/** The mapped content of a system, sorted, so two systems with different ids compare. */
function contents(connector: MemoryConnector, entity: Seed['entity']): string[] {
  const rows =
    entity === 'person'
      ? connector.remote.person.all().map((person) => `${person.email}|${person.title ?? ''}`)
      : connector.remote.deal.all().map((deal) => `${deal.name}|${deal.stage ?? ''}`);
  return rows.sort();
}

function engineOn(storage: Storage) {
  return createSyncEngine({ storage, queue: createMemoryQueue(), leaseMs: LEASE_MS, retry: { attempts: 1 } });
}

const item = fc.record({ key: fc.integer({ min: 0, max: 12 }), title: fc.constantFrom('a', 'b', 'c') });
const seedArbitrary: fc.Arbitrary<Seed> = fc.record({
  entity: fc.constantFrom('person' as const, 'deal' as const),
  left: fc.uniqueArray(item, { maxLength: 10, selector: (entry) => entry.key }),
  right: fc.uniqueArray(item, { maxLength: 10, selector: (entry) => entry.key }),
});

/** Edits (or creates, when missing) the record with `key` on `side`. */
function applyEdits(
  systems: { left: MemoryConnector; right: MemoryConnector },
  entity: Seed['entity'],
  edits: readonly Edit[],
) {
  for (const edit of edits) {
    const connector = systems[edit.side];
    if (entity === 'person') {
      const email = `p${edit.key}@acme.com`;
      const existing = connector.remote.person.all().find((person) => person.email === email);
      connector.remote.person.put({ ...(existing ?? { email }), title: edit.title });
    } else {
      const name = `Deal ${edit.key}`;
      const existing = connector.remote.deal.all().find((deal) => deal.name === name);
      connector.remote.deal.put({ ...(existing ?? { name }), stage: edit.title });
    }
  }
}

interface Edit {
  side: 'left' | 'right';
  key: number;
  title: string;
}

const editArbitrary: fc.Arbitrary<Edit[]> = fc.array(
  fc.record({
    side: fc.constantFrom('left' as const, 'right' as const),
    key: fc.integer({ min: 0, max: 15 }),
    title: fc.constantFrom('a', 'b', 'c', 'd'),
  }),
  { maxLength: 8 },
);

/**
 * Syncs the seed once, applies `edits`, then runs a sync that dies after `killAfter` writes
 * (or storage commits) and a new engine that resumes it; compares with the same steps
 * without a crash.
 */
async function crashAndResume(
  seed: Seed,
  edits: Edit[],
  killAfter: number,
  midBatch: boolean,
): Promise<void> {
  const referenceClock = createTestClock();
  const reference = seedSystems(seed, referenceClock);
  const referenceEngine = engineOn(createMemoryStorage());
  referenceEngine.define(definitionFor(seed.entity, reference.left, reference.right));
  await referenceClock.advance(1000);
  if (edits.length > 0) {
    expect((await referenceEngine.run('sync')).status).toBe('completed');
    await referenceClock.advance(1000);
    applyEdits(reference, seed.entity, edits);
    await referenceClock.advance(1000);
  }
  expect((await referenceEngine.run('sync')).status).toBe('completed');

  const clock = createTestClock();
  const systems = seedSystems(seed, clock);
  const storage = createMemoryStorage({ clock });
  await clock.advance(1000);
  if (edits.length > 0) {
    const first = engineOn(storage);
    first.define(definitionFor(seed.entity, systems.left, systems.right));
    expect((await first.run('sync')).status).toBe('completed');
    await clock.advance(1000);
    applyEdits(systems, seed.entity, edits);
    await clock.advance(1000);
  }
  const link = severableStorage(storage);
  // The process dies: after `killAfter` writes to a system (the write lands, the batch
  // commit does not), or right after the `killAfter`-th storage commit.
  let writes = 0;
  for (const connector of [systems.left, systems.right]) {
    const entity = connector.entities[seed.entity] as EntityConnector<unknown, string>;
    const upsert = entity.upsert.bind(entity);
    entity.upsert = async (record, options) => {
      const result = await upsert(record, options);
      writes += 1;
      if (midBatch && writes === killAfter) link.sever();
      return result;
    };
  }
  let commits = 0;
  const atomic = link.storage.atomic.bind(link.storage);
  link.storage.atomic = () => {
    const operation = atomic();
    const commit = operation.commit.bind(operation);
    operation.commit = async () => {
      const result = await commit();
      commits += 1;
      if (!midBatch && commits === killAfter) link.sever();
      return result;
    };
    return operation;
  };
  const dying = engineOn(link.storage);
  dying.define(definitionFor(seed.entity, systems.left, systems.right));
  // It may die before the run has even started (then run() rejects) or midway (a failed summary).
  await dying.run('sync').catch(() => undefined);

  // A new process on the same storage, once the dead one's lease has expired.
  await clock.advance(LEASE_MS + 1);
  const survivor = engineOn(storage);
  survivor.define(definitionFor(seed.entity, systems.left, systems.right));
  const resumed = await survivor.run('sync');
  expect(resumed.status, resumed.error).toBe('completed');
  expect(contents(systems.left, seed.entity)).toEqual(contents(reference.left, seed.entity));
  expect(contents(systems.right, seed.entity)).toEqual(contents(reference.right, seed.entity));

  const again = await survivor.run('sync');
  expect(again.counts).toMatchObject({ created: 0, updated: 0, deleted: 0 });
}

describe('engine.run after a crash', () => {
  it('finishes a first full run the way an uninterrupted one does, with no duplicate creates', async () => {
    await fc.assert(
      fc.asyncProperty(seedArbitrary, fc.nat({ max: 25 }), fc.boolean(), (seed, killAfter, midBatch) =>
        crashAndResume(seed, [], killAfter, midBatch),
      ),
      { numRuns: 200 },
    );
  });

  it('finishes an incremental run the way an uninterrupted one does, with no duplicate creates', async () => {
    await fc.assert(
      fc.asyncProperty(
        seedArbitrary,
        editArbitrary,
        fc.nat({ max: 12 }),
        fc.boolean(),
        (seed, edits, killAfter, midBatch) =>
          crashAndResume(seed, [...edits, { side: 'left', key: 15, title: 'a' }], killAfter, midBatch),
      ),
      { numRuns: 200 },
    );
  });
});
