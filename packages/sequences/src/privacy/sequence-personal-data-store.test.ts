import { createMemoryQueue, createMemoryStorage, type Storage } from '@salesos/core';
import { createTestClock } from '@salesos/core/testing';
import { describe, expect, it } from 'vitest';
import { createSequenceEngine } from '../engine/create-sequence-engine.ts';
import { createMemorySender } from '../testing/memory-sender.ts';
import { createSequenceTestClock } from '../testing/sequence-test-clock.ts';
import { createTracking } from '../tracking/create-tracking.ts';
import { createSequencePersonalDataStore } from './sequence-personal-data-store.ts';

const always = {
  days: ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const,
  start: '00:00',
  end: '24:00',
};

async function rig() {
  const clock = createSequenceTestClock(createTestClock(new Date('2026-03-02T10:00:00Z')));
  const storage = createMemoryStorage({ clock });
  const queue = createMemoryQueue({ clock });
  const sender = createMemorySender({ clock });
  const tracking = createTracking({
    secret: 'tracking-secret-0123456789',
    baseUrl: 'https://t.example.com/t',
  });
  const engine = createSequenceEngine({
    storage,
    queue,
    sender,
    clock,
    tracking,
    unsubscribe: { secret: 'unsubscribe-secret-0123456789', url: 'https://example.com/unsubscribe' },
  });
  for (const tenantId of ['t1', 't2']) {
    await engine.define({
      tenantId,
      definition: {
        id: 'intro',
        steps: [
          {
            type: 'email',
            subject: 'Hi {{first_name|there}}',
            body: '<p><a href="https://acme.example">Hi</a></p>',
          },
          { type: 'email', replyInThread: true, delay: { hours: 1 }, body: '<p>Again</p>' },
        ],
        settings: { sendWindow: always, minimumGapMinutes: 5, reenrollment: 'any_time' },
      },
    });
  }
  const enrol = (tenantId: string, id: string, email: string) =>
    engine.enroll({
      tenantId,
      sequenceId: 'intro',
      person: { id, email, firstName: 'Ada' },
      mailbox: { email: 'rep@acme.example' },
    });
  return { clock, storage, queue, sender, engine, enrol };
}

async function entriesOf(storage: Storage, tenantId: string) {
  const entries: { key: readonly (string | number)[]; value: unknown }[] = [];
  for await (const entry of storage.list({ prefix: ['sequences', tenantId] })) {
    entries.push({ key: entry.key, value: entry.value });
  }
  return entries;
}

describe('createSequencePersonalDataStore', () => {
  it('exports every enrolment of the address with its history and step records', async () => {
    const { clock, storage, queue, enrol } = await rig();
    const first = await enrol('t1', 'p1', 'Ada@Example.com');
    await enrol('t1', 'p1', 'ada@example.com');
    await enrol('t1', 'p2', 'bob@example.com');
    await clock.runUntil(Date.parse('2026-03-02T10:05:00Z'), queue);
    const store = createSequencePersonalDataStore({ storage });

    expect(await store.identify?.({ tenantId: 't1', email: 'ADA@example.com' })).toEqual(['p1']);
    const records = await store.exportPerson({ tenantId: 't1', email: 'ada@example.com', personIds: [] });

    const kinds = records.map((record) => record.kind);
    expect(kinds.filter((kind) => kind === 'enrollment')).toHaveLength(2);
    expect(kinds).toContain('transition');
    expect(kinds).toContain('step');
    expect(kinds).toContain('last-touch');
    expect(records.find((record) => record.id === first.id)?.data).toMatchObject({
      personId: 'p1',
      email: 'ada@example.com',
    });
    expect(JSON.stringify(records)).not.toContain('bob@example.com');
  });

  it('erases everything of the person in the tenant, keeps the suppression entry, and leaves others alone', async () => {
    const { clock, storage, queue, sender, engine, enrol } = await rig();
    await enrol('t1', 'p1', 'ada@example.com');
    await enrol('t1', 'p2', 'bob@example.com');
    await enrol('t2', 'p1', 'ada@example.com');
    await clock.runUntil(Date.parse('2026-03-02T10:05:00Z'), queue);
    const otherTenant = await entriesOf(storage, 't2');
    const store = createSequencePersonalDataStore({ storage });

    await engine.suppression.add({ tenantId: 't1', email: 'ada@example.com', reason: 'erased' });
    const result = await store.forgetPerson({ tenantId: 't1', email: 'ada@example.com', personIds: [] });

    expect(result.erased).toBeGreaterThan(5);
    const left = await entriesOf(storage, 't1');
    const mentions = left.filter(({ key, value }) =>
      /ada@example\.com|"p1"/.test(JSON.stringify({ key, value })),
    );
    expect(mentions.map(({ key }) => key)).toEqual([['sequences', 't1', 'suppression', 'ada@example.com']]);
    expect(left.some(({ value }) => JSON.stringify(value).includes('bob@example.com'))).toBe(true);
    expect(await entriesOf(storage, 't2')).toEqual(otherTenant);
    expect(await store.exportPerson({ tenantId: 't1', email: 'ada@example.com', personIds: ['p1'] })).toEqual(
      [
        {
          kind: 'suppression',
          id: 'ada@example.com',
          data: { email: 'ada@example.com', reason: 'erased', at: '2026-03-02T10:05:00.000Z' },
        },
      ],
    );

    // The queued follow-up of the erased enrolment runs and does nothing.
    const sentBefore = sender.delivered.length;
    await clock.runUntil(Date.parse('2026-03-03T10:00:00Z'), queue);
    const followUps = sender.delivered.slice(sentBefore).filter(({ email }) => email.tenantId === 't1');
    expect(followUps.map(({ email }) => email.to.email)).toEqual(['bob@example.com']);
    expect(await engine.listEnrollments({ tenantId: 't1', personId: 'p1' })).toEqual([]);
  });

  it('erases nothing the second time', async () => {
    const { storage, enrol } = await rig();
    await enrol('t1', 'p1', 'ada@example.com');
    const store = createSequencePersonalDataStore({ storage });

    await store.forgetPerson({ tenantId: 't1', email: 'ada@example.com', personIds: [] });
    expect(await store.forgetPerson({ tenantId: 't1', email: 'ada@example.com', personIds: [] })).toEqual({
      erased: 0,
    });
  });
});
