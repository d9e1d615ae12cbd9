import {
  CheckpointExpiredError,
  ConfigError,
  type ListChangesOptions,
  type MemoryConnector,
  SalesOSError,
} from '@salesos/core';
import { createTestClock, type TestClock } from '@salesos/core/testing';
import { beforeEach, describe, expect, it } from 'vitest';
import { createMemorySync, type MemorySync, peopleDefinition } from '../__fixtures__/memory-sync.ts';
import type { SyncCheckpointExpiredEvent } from '../events.ts';

const DAY_MS = 24 * 60 * 60 * 1000;
const RETENTION_MS = 15 * DAY_MS;

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

/**
 * Gives a memory system a change feed that keeps 15 days: an older `since` throws
 * `CheckpointExpiredError`, and deletes are not reported at all (their tombstones are gone),
 * so only a complete listing can reveal them. `stopEarly` makes listings from the beginning
 * stop after their first batch without saying they completed.
 */
function withRetention(connector: MemoryConnector, options: { stopEarly?: boolean } = {}) {
  const people = connector.entities.person;
  const listChanges = people.listChanges.bind(people);
  const calls: (string | undefined)[] = [];
  people.listChanges = async function* (listOptions: ListChangesOptions = {}) {
    const { since } = listOptions;
    calls.push(since);
    const oldest = clock.now() - RETENTION_MS;
    if (since !== undefined && Date.parse(since) < oldest) {
      throw new CheckpointExpiredError(`${connector.id} keeps changes for 15 days; ${since} is older`, {
        checkpoint: since,
        oldestAvailable: new Date(oldest).toISOString(),
      });
    }
    for await (const batch of listChanges(listOptions)) {
      const changes = batch.changes.filter((change) => change.type !== 'delete');
      if (options.stopEarly && since === undefined) {
        yield { changes, checkpoint: batch.checkpoint };
        return;
      }
      yield { ...batch, changes };
    }
  };
  return calls;
}

const idOf = (connector: MemoryConnector, email: string) =>
  connector.remote.person.all().find((person) => person.email === email)?.id as string;

async function seed(count: number) {
  for (let index = 0; index < count; index += 1)
    left.remote.person.put({ email: `p${index}@acme.com`, firstName: `P${index}` });
  sync.engine.define(peopleDefinition(left, right));
  const first = await sync.engine.run('people');
  expect(first).toMatchObject({ status: 'completed', mode: 'full' });
  expect(first.checkpointExpired).toEqual({ left: false, right: false });
}

const expiredEvents = () =>
  sync.emitted
    .filter((event) => event.type === 'crm.checkpoint_expired')
    .map((event) => event.payload as SyncCheckpointExpiredEvent);

describe('engine.run: an expired checkpoint', () => {
  it('reads that side in full, infers its deletes from the complete listing, and reports it', async () => {
    await seed(10);
    const calls = withRetention(left);
    await clock.advance(30 * DAY_MS);
    left.remote.person.delete(idOf(left, 'p4@acme.com'));
    left.remote.person.put({ ...left.remote.person.get(idOf(left, 'p7@acme.com')), title: 'CTO' });
    right.remote.person.put({ ...right.remote.person.get(idOf(right, 'p2@acme.com')), lastName: 'Two' });
    sync.emitted.length = 0;

    const summary = await sync.engine.run('people');

    expect(summary).toMatchObject({
      status: 'completed',
      mode: 'incremental',
      checkpointExpired: { left: true, right: false },
      complete: { left: true },
    });
    expect(summary.counts.deleted).toBe(1);
    expect(right.remote.person.all()).toHaveLength(9);
    expect(right.remote.person.all().some((person) => person.email === 'p4@acme.com')).toBe(false);
    expect(right.remote.person.get(idOf(right, 'p7@acme.com'))?.title).toBe('CTO');
    expect(left.remote.person.get(idOf(left, 'p2@acme.com'))?.lastName).toBe('Two');
    // The saved checkpoint first, refused; then a listing from the beginning.
    expect(calls[0]).toEqual(expect.any(String));
    expect(calls[1]).toBeUndefined();
    const [event, ...others] = expiredEvents();
    expect(others).toEqual([]);
    expect(event).toMatchObject({
      syncId: 'people',
      tenantId: 'acme',
      entity: 'person',
      runId: summary.runId,
      side: 'left',
      phase: 'sync-left',
      checkpoint: calls[0],
      oldestAvailable: new Date(clock.now() - RETENTION_MS).toISOString(),
    });
    expect(event?.message).toMatch(/keeps changes for 15 days/);
    expect((await sync.engine.status('people')).lastRun?.checkpointExpired).toEqual({
      left: true,
      right: false,
    });

    // The checkpoint saved by that run is fresh: the next run is incremental again.
    left.resetCalls();
    right.resetCalls();
    const next = await sync.engine.run('people');
    expect(next).toMatchObject({ status: 'completed', checkpointExpired: { left: false, right: false } });
    expect(next.counts).toMatchObject({ created: 0, updated: 0, deleted: 0 });
    expect(left.calls.person.upsert + right.calls.person.upsert).toBe(0);
    expect(calls.at(-1)).toEqual(expect.any(String));
    expect(expiredEvents()).toHaveLength(1);
  });

  it('infers no deletes when the listing from the beginning does not complete', async () => {
    await seed(10);
    withRetention(right, { stopEarly: true });
    await clock.advance(30 * DAY_MS);
    right.remote.person.delete(idOf(right, 'p1@acme.com'));
    sync.emitted.length = 0;

    const summary = await sync.engine.run('people');

    expect(summary).toMatchObject({
      status: 'completed',
      mode: 'incremental',
      checkpointExpired: { left: false, right: true },
      complete: { right: false },
    });
    expect(summary.counts.deleted).toBe(0);
    expect(left.remote.person.all()).toHaveLength(10);
    expect(expiredEvents()).toMatchObject([{ side: 'right', phase: 'read-right' }]);
  });

  it('fails the run when a listing from the beginning reports an expired checkpoint', async () => {
    await seed(3);
    const people = left.entities.person;
    // biome-ignore lint/correctness/useYield: a listing that fails before its first batch
    people.listChanges = async function* () {
      throw new CheckpointExpiredError('the feed is gone');
    };
    const summary = await sync.engine.run('people');
    expect(summary.status).toBe('failed');
    expect(summary.error).toMatch(/the feed is gone/);
  });
});

describe('CheckpointExpiredError', () => {
  it('is a SalesOSError with a stable code and an isInstance check', () => {
    const error = new CheckpointExpiredError('too old', {
      checkpoint: '2026-01-01T00:00:00.000Z',
      oldestAvailable: '2026-01-10T00:00:00.000Z',
    });
    expect(error).toBeInstanceOf(SalesOSError);
    expect(SalesOSError.isInstance(error)).toBe(true);
    expect(CheckpointExpiredError.isInstance(error)).toBe(true);
    expect(CheckpointExpiredError.isInstance(new ConfigError('no'))).toBe(false);
    expect(error.name).toBe('CheckpointExpiredError');
    expect(error.toJSON()).toEqual({
      name: 'CheckpointExpiredError',
      code: 'checkpoint_expired',
      message: 'too old',
      checkpoint: '2026-01-01T00:00:00.000Z',
      oldestAvailable: '2026-01-10T00:00:00.000Z',
    });
  });
});
