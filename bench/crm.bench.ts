import {
  createMemoryConnector,
  createMemoryQueue,
  createMemoryStorage,
  type MemoryConnector,
  type Storage,
} from '@salesos/core';
import { createSyncEngine } from '@salesos/crm';
import { createSqliteStorage } from '@salesos/sqlite';
import type { BenchRow } from './run.ts';

const RECORDS = 100_000;
const CHANGED = RECORDS / 100;
const TARGET_RECORDS_PER_SECOND = 20_000;

function seedPeople(connector: MemoryConnector, count: number): void {
  for (let index = 0; index < count; index += 1) {
    connector.remote.person.put({
      email: `person${index}@bench.test`,
      firstName: `First${index}`,
      lastName: `Last${index}`,
      title: index % 3 === 0 ? 'VP of Sales' : 'Account Executive',
    });
  }
}

/**
 * A first full run from a system holding 100 000 people to an empty one, then an
 * incremental run after 1 % of them changed: records per second, and what the incremental
 * run read and wrote.
 */
async function measure(label: string, storage: Storage, report: (row: BenchRow) => void): Promise<void> {
  const left = createMemoryConnector({ id: 'left', pageSize: 500 });
  const right = createMemoryConnector({ id: 'right', pageSize: 500 });
  seedPeople(left, RECORDS);
  const queue = createMemoryQueue();
  const engine = createSyncEngine({ storage, queue, concurrency: 16 });
  engine.define({
    id: 'people',
    tenantId: 'bench',
    left,
    right,
    entity: 'person',
    direction: 'both',
    fieldMap: [
      { left: 'email', right: 'email' },
      { left: 'firstName', right: 'firstName' },
      { left: 'lastName', right: 'lastName' },
      { left: 'title', right: 'title' },
    ],
    conflictPolicy: 'last-write-wins',
    deletePolicy: 'propagate',
  });

  // The previous measurement's garbage is not this one's to collect.
  globalThis.gc?.();
  const started = performance.now();
  const full = await engine.run('people');
  const seconds = (performance.now() - started) / 1000;
  if (full.status !== 'completed' || full.counts.created !== RECORDS) {
    throw new Error(`full run ${full.status}: ${full.error ?? JSON.stringify(full.counts)}`);
  }
  const rate = RECORDS / seconds;
  report({
    name: `full sync of ${RECORDS.toLocaleString('en-US')} people, memory connectors, ${label}`,
    value: Math.round(rate),
    unit: 'records/s',
    target: `>= ${TARGET_RECORDS_PER_SECOND}`,
    ok: rate >= TARGET_RECORDS_PER_SECOND,
  });

  // 1 % of the people change on the left, spread over the whole set.
  const people = left.remote.person.all();
  const step = Math.floor(people.length / CHANGED);
  for (let index = 0; index < CHANGED; index += 1) {
    const person = people[index * step];
    if (person) left.remote.person.put({ ...person, title: `Changed ${index}` });
  }
  left.resetCalls();
  right.resetCalls();
  const incrementalStarted = performance.now();
  const incremental = await engine.run('people');
  const incrementalMs = performance.now() - incrementalStarted;
  const written = incremental.counts.created + incremental.counts.updated + incremental.counts.deleted;
  const connectorWrites = left.calls.person.upsert + right.calls.person.upsert;
  report({
    name: `incremental after a 1 % change (${label}): records written`,
    value: written,
    unit: 'records',
    target: `= ${CHANGED}`,
    ok: written === CHANGED && connectorWrites === CHANGED,
  });
  // What it reads: the changed records, the echoes of its own writes to them, and the
  // records sharing each cursor's boundary timestamp (re-read on purpose).
  report({
    name: `incremental after a 1 % change (${label}): changes read`,
    value: incremental.counts.seen,
    unit: 'changes',
    target: `<= ${2 * CHANGED + 2 * 500}`,
    ok: incremental.counts.seen <= 2 * CHANGED + 2 * 500,
  });
  report({
    name: `incremental after a 1 % change (${label}): duration`,
    value: Math.round(incrementalMs),
    unit: 'ms',
  });
  await queue.close();
  await storage.close();
}

export async function run(report: (row: BenchRow) => void): Promise<void> {
  await measure('SQLite storage', createSqliteStorage({ path: ':memory:' }), report);
  await measure('memory storage', createMemoryStorage(), report);
}
