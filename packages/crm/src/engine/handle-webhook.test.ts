import type { MemoryConnector } from '@salesos/core';
import { createTestClock, type TestClock } from '@salesos/core/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createMemorySync, type MemorySync, peopleDefinition } from '../__fixtures__/memory-sync.ts';

let clock: TestClock;
let sync: MemorySync;
let left: MemoryConnector;
let right: MemoryConnector;

const byEmail = (connector: MemoryConnector, email: string) =>
  connector.remote.person.all().find((person) => person.email === email);

beforeEach(async () => {
  clock = createTestClock();
  sync = createMemorySync({ clock });
  left = sync.left;
  right = sync.right;
  left.remote.person.put({ email: 'ada@acme.com', firstName: 'Ada', title: 'CTO' });
  sync.engine.define(peopleDefinition(left, right));
  await sync.engine.run('people');
  await clock.advance(1000);
  left.resetCalls();
  right.resetCalls();
});

afterEach(async () => {
  await sync.queue.close();
});

describe('engine.handleWebhook', () => {
  it('syncs a changed record through the queue without a run', async () => {
    const ada = byEmail(left, 'ada@acme.com');
    left.remote.person.put({ ...ada, title: 'CEO' });
    const intake = await sync.engine.handleWebhook(
      'people',
      'left',
      left.webhookPayload('person', String(ada?.id)),
    );
    expect(intake).toEqual({ enqueued: 1, changes: 1 });
    await sync.queue.onIdle();
    expect(byEmail(right, 'ada@acme.com')?.title).toBe('CEO');
  });

  it('queues a repeated delivery of the same version once', async () => {
    const ada = byEmail(left, 'ada@acme.com');
    left.remote.person.put({ ...ada, title: 'CEO' });
    const payload = left.webhookPayload('person', String(ada?.id));
    await sync.engine.handleWebhook('people', 'left', payload);
    const again = await sync.engine.handleWebhook('people', 'left', payload);
    expect(again.enqueued).toBe(0);
  });

  it('ignores an older version delivered after a newer one', async () => {
    const ada = byEmail(left, 'ada@acme.com');
    left.remote.person.put({ ...ada, title: 'VP' });
    const older = left.webhookPayload('person', String(ada?.id));
    await clock.advance(1000);
    left.remote.person.put({ ...ada, title: 'CEO' });
    const newer = left.webhookPayload('person', String(ada?.id));
    await sync.engine.handleWebhook('people', 'left', newer);
    await sync.queue.onIdle();
    await sync.engine.handleWebhook('people', 'left', older);
    await sync.queue.onIdle();
    expect(byEmail(right, 'ada@acme.com')?.title).toBe('CEO');
  });

  it('does not sync back its own write when the other side reports it (echo)', async () => {
    const ada = byEmail(left, 'ada@acme.com');
    left.remote.person.put({ ...ada, title: 'CEO' });
    await sync.engine.handleWebhook('people', 'left', left.webhookPayload('person', String(ada?.id)));
    await sync.queue.onIdle();
    const mirrored = byEmail(right, 'ada@acme.com');
    left.resetCalls();
    right.resetCalls();
    await sync.engine.handleWebhook('people', 'right', right.webhookPayload('person', String(mirrored?.id)));
    await sync.queue.onIdle();
    expect(left.calls.person.upsert + right.calls.person.upsert).toBe(0);
    expect(right.calls.person.get).toBe(0);
  });

  it('compares with the partner as it is now, so an unseen edit there is a conflict, not overwritten', async () => {
    const ada = byEmail(left, 'ada@acme.com');
    const mirrored = byEmail(right, 'ada@acme.com');
    right.remote.person.put({ ...mirrored, title: 'Right edit' });
    await clock.advance(1000);
    left.remote.person.put({ ...ada, title: 'Left edit', firstName: 'Augusta' });
    await sync.engine.handleWebhook('people', 'left', left.webhookPayload('person', String(ada?.id)));
    await sync.queue.onIdle();
    // last-write-wins: the left edit is later; the field-level merge also keeps the first name.
    expect(byEmail(right, 'ada@acme.com')).toMatchObject({ title: 'Left edit', firstName: 'Augusta' });
    expect(sync.emitted.some((event) => event.type === 'crm.conflict_detected')).toBe(true);
  });

  it('propagates a delete delivered by webhook', async () => {
    const ada = byEmail(left, 'ada@acme.com');
    left.remote.person.delete(String(ada?.id));
    await sync.engine.handleWebhook('people', 'left', left.webhookPayload('person', String(ada?.id)));
    await sync.queue.onIdle();
    expect(right.remote.person.all()).toHaveLength(0);
  });

  it('does not delete anything when a webhook reports a delete of a record that still exists', async () => {
    const ada = byEmail(left, 'ada@acme.com');
    const forged = {
      entity: 'person',
      type: 'delete',
      id: String(ada?.id),
      at: new Date(clock.now()).toISOString(),
    };
    await sync.engine.handleWebhook('people', 'left', forged);
    await sync.queue.onIdle();
    expect(left.calls.person.get).toBe(1);
    expect(right.calls.person.delete + right.calls.person.upsert).toBe(0);
    expect(byEmail(right, 'ada@acme.com')?.title).toBe('CTO');
    expect(sync.emitted.filter((event) => event.type === 'crm.delete_unconfirmed')).toEqual([
      {
        type: 'crm.delete_unconfirmed',
        payload: expect.objectContaining({ syncId: 'people', side: 'left', id: String(ada?.id) }),
      },
    ]);
    // The pair stays linked: a real delete later still propagates.
    await clock.advance(1000);
    left.remote.person.delete(String(ada?.id));
    await sync.engine.handleWebhook('people', 'left', left.webhookPayload('person', String(ada?.id)));
    await sync.queue.onIdle();
    expect(right.remote.person.all()).toHaveLength(0);
  });

  it('syncs the record as it is now when an unconfirmed delete arrives after an unseen edit', async () => {
    const ada = byEmail(left, 'ada@acme.com');
    left.remote.person.put({ ...ada, title: 'CEO' });
    const forged = {
      entity: 'person',
      type: 'delete',
      id: String(ada?.id),
      at: new Date(clock.now()).toISOString(),
    };
    await sync.engine.handleWebhook('people', 'left', forged);
    await sync.queue.onIdle();
    expect(right.remote.person.all()).toHaveLength(1);
    expect(byEmail(right, 'ada@acme.com')?.title).toBe('CEO');
  });

  it('creates the partner of a record first seen by webhook, and a later run does not duplicate it', async () => {
    const grace = left.remote.person.put({ email: 'grace@acme.com', firstName: 'Grace' });
    await sync.engine.handleWebhook('people', 'left', left.webhookPayload('person', grace.id));
    await sync.queue.onIdle();
    expect(byEmail(right, 'grace@acme.com')?.firstName).toBe('Grace');
    await sync.engine.run('people');
    expect(right.remote.person.all()).toHaveLength(2);
    expect(left.remote.person.all()).toHaveLength(2);
  });
});

describe('the crm.sync-record queue worker', () => {
  const valid = (id: string) => ({
    syncId: 'people',
    side: 'left',
    change: {
      type: 'upsert',
      id,
      record: { id, email: 'grace@acme.com', firstName: 'Grace' },
      updatedAt: '2026-03-02T10:00:00.000Z',
    },
  });

  it.each([
    ['a non-string record id', { ...valid('g1'), change: { ...valid('g1').change, id: 7 } }, 'change.id'],
    ['an unknown side', { ...valid('g1'), side: 'middle' }, 'side'],
    [
      'an unreadable updatedAt',
      { ...valid('g1'), change: { ...valid('g1').change, updatedAt: 'soon' } },
      'change.updatedAt',
    ],
    [
      'an unknown change type',
      { ...valid('g1'), change: { ...valid('g1').change, type: 'merge' } },
      'change.type',
    ],
    [
      'a record that is a list',
      { ...valid('g1'), change: { ...valid('g1').change, record: ['g1'] } },
      'change.record',
    ],
    [
      'a mapped field of the wrong type',
      { ...valid('g1'), change: { ...valid('g1').change, record: { id: 'g1', email: 42 } } },
      'change.record.email',
    ],
    [
      'a record id other than the change id',
      { ...valid('g1'), change: { ...valid('g1').change, record: { id: 'g2', email: 'grace@acme.com' } } },
      'change.record.id',
    ],
    ['no object at all', 'people', 'data'],
  ])(
    'dead-letters a job with %s at once, naming the field, and applies nothing',
    async (_case, data, field) => {
      await sync.queue.add('crm.sync-record', data, { jobId: 'bad', attempts: 5 });
      await sync.queue.onIdle();
      const [letter, ...others] = await sync.queue.deadLetters('crm.sync-record');
      expect(others).toEqual([]);
      expect(letter?.attempts).toBe(1);
      expect(letter?.error).toContain(`${field}:`);
      expect(right.calls.person.upsert + left.calls.person.get + right.calls.person.get).toBe(0);
      expect(right.remote.person.all()).toHaveLength(1);
    },
  );

  it('applies a well-formed job', async () => {
    await sync.queue.add('crm.sync-record', valid('g1'), { jobId: 'good', attempts: 5 });
    await sync.queue.onIdle();
    expect(await sync.queue.deadLetters('crm.sync-record')).toEqual([]);
    expect(byEmail(right, 'grace@acme.com')?.firstName).toBe('Grace');
  });
});
