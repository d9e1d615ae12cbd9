import {
  ApiError,
  createEventBus,
  createMemoryQueue,
  createMemoryStorage,
  createStorageQueue,
  type EventBus,
  type Logger,
  noopLogger,
  type Queue,
  RateLimitError,
  type SalesOSEventMap,
  type Storage,
} from '@salesos/core';
import { createTestClock } from '@salesos/core/testing';
import { describe, expect, it } from 'vitest';
import { createUnsubscribeHandler } from '../compliance/create-unsubscribe-handler.ts';
import type { SequenceDefinitionInput } from '../definition/sequence-definition.ts';
import { createMemorySender, type MemorySender, type MemorySenderOptions } from '../testing/memory-sender.ts';
import { createMemoryTaskSink, type MemoryTaskSink } from '../testing/memory-task-sink.ts';
import { createSequenceTestClock, type SequenceTestClock } from '../testing/sequence-test-clock.ts';
import { createTracking, type Tracking } from '../tracking/create-tracking.ts';
import {
  createSequenceEngine,
  type SequenceEngine,
  type SequenceEngineOptions,
} from './create-sequence-engine.ts';
import { EnrollmentError } from './enrollment-error.ts';
import type { EmailSender } from './types.ts';

const TENANT = 't1';
const SECRET = 'unsubscribe-secret-0123456789';
const UNSUBSCRIBE_URL = 'https://example.com/unsubscribe';
const weekdays = { days: ['mon', 'tue', 'wed', 'thu', 'fri'] as const, start: '09:00', end: '17:00' };

interface Rig {
  clock: SequenceTestClock;
  storage: Storage;
  queue: Queue;
  sender: MemorySender;
  taskSink: MemoryTaskSink;
  events: EventBus;
  engine: SequenceEngine;
  seen: { type: string; payload: unknown }[];
  tracking: Tracking | undefined;
  runUntil: (until: string | number) => Promise<void>;
}

function createRig(
  start: string,
  {
    senderOptions,
    setup,
    ...overrides
  }: Partial<SequenceEngineOptions> & {
    senderOptions?: MemorySenderOptions;
    setup?: (clock: SequenceTestClock) => Partial<SequenceEngineOptions>;
  } = {},
): Rig {
  const clock = createSequenceTestClock(createTestClock(new Date(start)));
  Object.assign(overrides, setup?.(clock));
  const storage = overrides.storage ?? createMemoryStorage({ clock });
  const queue = createMemoryQueue({ clock });
  const sender = createMemorySender({ clock, ...senderOptions });
  const taskSink = createMemoryTaskSink({ clock });
  const events = createEventBus();
  const seen: { type: string; payload: unknown }[] = [];
  events.onAny((type, payload) => seen.push({ type, payload }));
  const engine = createSequenceEngine({
    storage,
    queue,
    events,
    sender,
    taskSink,
    clock,
    unsubscribe: { secret: SECRET, url: UNSUBSCRIBE_URL },
    ...overrides,
  });
  return {
    clock,
    tracking: overrides.tracking,
    storage,
    queue,
    sender,
    taskSink,
    events,
    engine,
    seen,
    runUntil: (until) => clock.runUntil(typeof until === 'number' ? until : Date.parse(until), queue),
  };
}

const person = (id: string, extra: Record<string, unknown> = {}) => ({
  id,
  email: `${id}@prospect.example`,
  firstName: id.toUpperCase(),
  ...extra,
});
const mailbox = { email: 'rep@seller.example', name: 'Rita Rep', timeZone: 'UTC' };

const iso = (epoch: number) => new Date(epoch).toISOString();

function transitionsOf(rig: Rig): SalesOSEventMap['sequences.enrollment.transition'][] {
  return rig.seen
    .filter((event) => event.type === 'sequences.enrollment.transition')
    .map((event) => event.payload as SalesOSEventMap['sequences.enrollment.transition']);
}

const fiveSteps: SequenceDefinitionInput = {
  id: 'outbound',
  steps: [
    { type: 'email', subject: 'Hello {{first_name|there}}', body: '<p>Hi {{first_name|there}}</p>' },
    { type: 'email', replyInThread: true, delay: { businessDays: 1 }, body: '<p>Following up</p>' },
    { type: 'call', delay: { businessDays: 1 } },
    { type: 'linkedin', action: 'connect', delay: { businessDays: 2 }, message: 'Hi {{first_name|there}}' },
    { type: 'email', replyInThread: true, delay: { businessDays: 1, hours: 2 }, body: '<p>Last note</p>' },
  ],
  settings: { sendWindow: weekdays, holidays: ['2026-01-19'] },
};

describe('createSequenceEngine', () => {
  it('runs a 5-step sequence across a weekend and a holiday in Los Angeles and in Tokyo', async () => {
    // Thursday 2026-01-15 20:00 UTC: 12:00 in Los Angeles, Friday 05:00 in Tokyo.
    const rig = createRig('2026-01-15T20:00:00Z');
    await rig.engine.define({ tenantId: TENANT, definition: fiveSteps });
    const la = await rig.engine.enroll({
      tenantId: TENANT,
      sequenceId: 'outbound',
      person: person('la', { timeZone: 'America/Los_Angeles' }),
      mailbox,
    });
    const tokyo = await rig.engine.enroll({
      tenantId: TENANT,
      sequenceId: 'outbound',
      person: person('tokyo', { timeZone: 'Asia/Tokyo' }),
      mailbox,
    });
    await rig.runUntil('2026-02-15T00:00:00Z');

    const touches = (email: string) =>
      [
        ...rig.sender.deliveredTo(email).map(({ at }) => at),
        ...rig.taskSink.tasks.filter(({ task }) => task.person.email === email).map(({ at }) => at),
      ]
        .sort((left, right) => left - right)
        .map(iso);
    expect(touches('la@prospect.example')).toEqual([
      iso(Date.parse('2026-01-15T12:00:00-08:00')), // Thursday, at once
      iso(Date.parse('2026-01-16T12:00:00-08:00')), // Friday
      iso(Date.parse('2026-01-20T12:00:00-08:00')), // Tuesday: weekend and Monday's holiday skipped
      iso(Date.parse('2026-01-22T12:00:00-08:00')), // two business days
      iso(Date.parse('2026-01-23T14:00:00-08:00')), // one business day and two hours
    ]);
    expect(touches('tokyo@prospect.example')).toEqual([
      iso(Date.parse('2026-01-16T09:00:00+09:00')), // Friday's opening in Tokyo
      iso(Date.parse('2026-01-20T09:00:00+09:00')), // Tuesday: weekend and the holiday skipped
      iso(Date.parse('2026-01-21T09:00:00+09:00')),
      iso(Date.parse('2026-01-23T09:00:00+09:00')),
      iso(Date.parse('2026-01-26T11:00:00+09:00')), // Monday, two window hours after opening
    ]);

    for (const enrollment of [la, tokyo]) {
      const report = await rig.engine.status({ tenantId: TENANT, enrollmentId: enrollment.id });
      expect(report?.enrollment.status).toBe('finished');
      expect(report?.enrollment.reason).toBe('completed');
      expect(report?.history.map(({ from, to }) => `${from}->${to}`)).toEqual([
        'null->pending',
        'pending->active',
        'active->finished',
      ]);
      expect(report?.executions.map(({ state }) => state)).toEqual(['done', 'done', 'done', 'done', 'done']);
    }
    const laTasks = rig.taskSink.tasks.filter(({ task }) => task.person.id === 'la').map(({ task }) => task);
    expect(laTasks.map(({ type, title }) => [type, title])).toEqual([
      ['call', 'Call LA'],
      ['linkedin', 'LinkedIn: send a connection request to LA'],
    ]);
    expect(laTasks[1]?.message).toBe('Hi LA');
  });

  it('sends follow-ups in the thread of the first email with one-click unsubscribe headers', async () => {
    const rig = createRig('2026-01-15T20:00:00Z');
    await rig.engine.define({ tenantId: TENANT, definition: fiveSteps });
    await rig.engine.enroll({
      tenantId: TENANT,
      sequenceId: 'outbound',
      person: person('ada', { timeZone: 'America/Los_Angeles' }),
      mailbox,
    });
    await rig.runUntil('2026-01-17T00:00:00Z');
    const [first, second] = rig.sender.delivered;
    expect(first?.email.subject).toBe('Hello ADA');
    expect(first?.email.threadId).toBeUndefined();
    expect(second?.email.subject).toBe('Re: Hello ADA');
    expect(second?.email.threadId).toBe(first?.result.threadId);
    expect(second?.email.inReplyTo).toBe(first?.result.messageId);
    expect(first?.email.headers['List-Unsubscribe-Post']).toBe('List-Unsubscribe=One-Click');
    expect(first?.email.headers['List-Unsubscribe']).toMatch(
      /^<https:\/\/example\.com\/unsubscribe\?token=[\w-]+>$/,
    );
    expect(first?.email.headers['List-Unsubscribe']).not.toContain('ada');
    expect(first?.email.from).toEqual({ email: 'rep@seller.example', name: 'Rita Rep' });
    expect(first?.email.idempotencyKey).not.toBe(second?.email.idempotencyKey);
  });

  it('adds a mailto target to List-Unsubscribe when configured', async () => {
    const rig = createRig('2026-01-12T10:00:00Z', {
      unsubscribe: { secret: SECRET, url: UNSUBSCRIBE_URL, mailto: 'unsubscribe@seller.example' },
    });
    await rig.engine.define({
      tenantId: TENANT,
      definition: { id: 'm', steps: [{ type: 'email', subject: 'Hi', body: '<p>Hi</p>' }] },
    });
    await rig.engine.enroll({ tenantId: TENANT, sequenceId: 'm', person: person('m'), mailbox });
    await rig.runUntil('2026-01-12T11:00:00Z');
    expect(rig.sender.delivered[0]?.email.headers['List-Unsubscribe']).toMatch(
      /^<https:\/\/example\.com\/unsubscribe\?token=[\w-]+>, <mailto:unsubscribe@seller\.example\?subject=unsubscribe>$/,
    );
  });

  it('keeps the local send time across a daylight-saving change', async () => {
    const rig = createRig('2026-03-06T18:00:00Z'); // Friday 10:00 PST
    await rig.engine.define({
      tenantId: TENANT,
      definition: {
        id: 'dst',
        steps: [
          { type: 'email', subject: 'One', body: '<p>1</p>' },
          { type: 'email', subject: 'Two', body: '<p>2</p>', delay: { businessDays: 1 } },
        ],
        settings: { sendWindow: weekdays },
      },
    });
    await rig.engine.enroll({
      tenantId: TENANT,
      sequenceId: 'dst',
      person: person('dst', { timeZone: 'America/Los_Angeles' }),
      mailbox,
    });
    await rig.runUntil('2026-03-12T00:00:00Z');
    expect(rig.sender.delivered.map(({ at }) => iso(at))).toEqual([
      '2026-03-06T18:00:00.000Z',
      '2026-03-09T17:00:00.000Z', // Monday 10:00 PDT
    ]);
  });

  it('moves sends over the daily mailbox cap to the next day, dropping none', async () => {
    const rig = createRig('2026-01-12T10:00:00Z'); // Monday
    await rig.engine.define({
      tenantId: TENANT,
      definition: {
        id: 'capped',
        steps: [{ type: 'email', subject: 'Hi', body: '<p>Hi</p>' }],
        settings: { sendWindow: weekdays, mailboxCaps: { daily: 2 } },
      },
    });
    for (const id of ['a', 'b', 'c', 'd', 'e']) {
      await rig.engine.enroll({ tenantId: TENANT, sequenceId: 'capped', person: person(id), mailbox });
    }
    await rig.runUntil('2026-01-17T00:00:00Z');
    const days = rig.sender.delivered.map(({ at }) => iso(at));
    expect(days).toEqual([
      '2026-01-12T10:00:00.000Z',
      '2026-01-12T10:00:00.000Z',
      '2026-01-13T09:00:00.000Z',
      '2026-01-13T09:00:00.000Z',
      '2026-01-14T09:00:00.000Z',
    ]);
    const deferred = rig.seen.filter((event) => event.type === 'sequences.step.deferred');
    expect(deferred.map(({ payload }) => (payload as { reason: string }).reason)).toContain('daily_cap');
  });

  it("sends in the mailbox's window when the prospect has no time zone, not the sequence default's", async () => {
    // Monday 06:00 UTC: 07:00 in Berlin, 01:00 in New York; the window opens 08:00Z in Berlin, 14:00Z in New York.
    const rig = createRig('2026-01-12T06:00:00Z');
    await rig.engine.define({
      tenantId: TENANT,
      definition: {
        id: 'berlin',
        steps: [
          { type: 'email', subject: 'One', body: '<p>1</p>' },
          { type: 'email', subject: 'Two', body: '<p>2</p>', delay: { hours: 8 } },
        ],
        settings: { sendWindow: weekdays, timeZone: 'America/New_York' },
      },
    });
    const enrollment = await rig.engine.enroll({
      tenantId: TENANT,
      sequenceId: 'berlin',
      person: person('nozone'),
      mailbox: { email: 'rep@seller.example', timeZone: 'Europe/Berlin' },
    });
    expect(enrollment.timeZone).toBe('Europe/Berlin');
    expect(enrollment.dueAt).toBe('2026-01-12T08:00:00.000Z');
    await rig.runUntil('2026-01-14T00:00:00Z');
    expect(rig.sender.delivered.map(({ at }) => iso(at))).toEqual([
      '2026-01-12T08:00:00.000Z', // Monday 09:00 in Berlin
      '2026-01-13T08:00:00.000Z', // 8 window hours later: Tuesday 09:00 in Berlin
    ]);
  });

  it("counts the daily mailbox cap by the mailbox's local day when the prospect has no time zone", async () => {
    // Monday 22:30 UTC is 23:30 Monday in Berlin and 17:30 Monday in New York (the sequence default).
    const rig = createRig('2026-01-12T22:30:00Z');
    await rig.engine.define({
      tenantId: TENANT,
      definition: {
        id: 'capped-berlin',
        steps: [{ type: 'email', subject: 'Hi', body: '<p>Hi</p>' }],
        settings: {
          sendWindow: {
            days: ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'],
            start: '00:00',
            end: '24:00',
          },
          timeZone: 'America/New_York',
          mailboxCaps: { daily: 2 },
        },
      },
    });
    for (const id of ['a', 'b', 'c', 'd', 'e']) {
      await rig.engine.enroll({
        tenantId: TENANT,
        sequenceId: 'capped-berlin',
        person: person(id),
        mailbox: { email: 'rep@seller.example', timeZone: 'Europe/Berlin' },
      });
    }
    await rig.runUntil('2026-01-15T00:00:00Z');
    // The Berlin day turns at 23:00Z: not at midnight UTC, nor at 05:00Z (midnight in New York).
    expect(rig.sender.delivered.map(({ at }) => iso(at))).toEqual([
      '2026-01-12T22:30:00.000Z',
      '2026-01-12T22:30:00.000Z',
      '2026-01-12T23:00:00.000Z',
      '2026-01-12T23:00:00.000Z',
      '2026-01-13T23:00:00.000Z',
    ]);
    const deferred = rig.seen
      .filter((event) => event.type === 'sequences.step.deferred')
      .map(({ payload }) => payload as { reason: string; until: string });
    expect(deferred.filter(({ reason }) => reason === 'daily_cap').map(({ until }) => until)).toContain(
      '2026-01-12T23:00:00.000Z',
    );
  });

  it('runs a wait step in the engine and delays the next step by it', async () => {
    const rig = createRig('2026-01-15T10:00:00Z'); // Thursday
    await rig.engine.define({
      tenantId: TENANT,
      definition: {
        id: 'waits',
        steps: [
          { type: 'email', subject: 'First', body: '<p>1</p>' },
          { type: 'wait', delay: { businessDays: 2 } },
          { type: 'email', replyInThread: true, body: '<p>2</p>', delay: { hours: 1 } },
        ],
        settings: { sendWindow: weekdays },
      },
    });
    const enrollment = await rig.engine.enroll({
      tenantId: TENANT,
      sequenceId: 'waits',
      person: person('waiter'),
      mailbox,
    });
    await rig.runUntil('2026-01-16T00:00:00Z');
    expect(rig.sender.delivered).toHaveLength(1);
    const waiting = await rig.engine.status({ tenantId: TENANT, enrollmentId: enrollment.id });
    expect(waiting?.enrollment).toMatchObject({ stepIndex: 1, dueAt: '2026-01-19T10:00:00.000Z' });

    await rig.runUntil('2026-01-21T00:00:00Z');
    // Two business days over the weekend, then the hour: Monday 11:00, not Thursday 11:00.
    expect(rig.sender.delivered.map(({ email, at }) => [email.subject, iso(at)])).toEqual([
      ['First', '2026-01-15T10:00:00.000Z'],
      ['Re: First', '2026-01-19T11:00:00.000Z'],
    ]);
    const report = await rig.engine.status({ tenantId: TENANT, enrollmentId: enrollment.id });
    expect(report?.enrollment).toMatchObject({ status: 'finished', reason: 'completed', stepIndex: 3 });
    expect(report?.executions.map(({ type, state, completedAt }) => [type, state, completedAt])).toEqual([
      ['email_automatic', 'done', '2026-01-15T10:00:00.000Z'],
      ['wait', 'done', '2026-01-19T10:00:00.000Z'],
      ['email_automatic', 'done', '2026-01-19T11:00:00.000Z'],
    ]);
    const executed = rig.seen
      .filter((event) => event.type === 'sequences.step.executed')
      .map(({ payload }) => payload as { stepType: string; at: string });
    expect(executed.map(({ stepType, at }) => [stepType, at])).toEqual([
      ['email_automatic', '2026-01-15T10:00:00.000Z'],
      ['wait', '2026-01-19T10:00:00.000Z'],
      ['email_automatic', '2026-01-19T11:00:00.000Z'],
    ]);
    expect(rig.taskSink.tasks).toEqual([]);
  });

  it('spreads sends over the hourly mailbox cap across hours', async () => {
    const rig = createRig('2026-01-12T10:30:00Z');
    await rig.engine.define({
      tenantId: TENANT,
      definition: {
        id: 'hourly',
        steps: [{ type: 'email', subject: 'Hi', body: '<p>Hi</p>' }],
        settings: { sendWindow: weekdays, mailboxCaps: { hourly: 1 } },
      },
    });
    for (const id of ['a', 'b', 'c']) {
      await rig.engine.enroll({ tenantId: TENANT, sequenceId: 'hourly', person: person(id), mailbox });
    }
    await rig.runUntil('2026-01-13T00:00:00Z');
    expect(rig.sender.delivered.map(({ at }) => iso(at))).toEqual([
      '2026-01-12T10:30:00.000Z',
      '2026-01-12T11:00:00.000Z',
      '2026-01-12T12:00:00.000Z',
    ]);
  });

  it('ends the enrolment on a reply and sends nothing more', async () => {
    const rig = createRig('2026-01-15T20:00:00Z');
    await rig.engine.define({ tenantId: TENANT, definition: fiveSteps });
    const enrollment = await rig.engine.enroll({
      tenantId: TENANT,
      sequenceId: 'outbound',
      person: person('ada', { timeZone: 'America/Los_Angeles' }),
      mailbox,
    });
    await rig.runUntil('2026-01-15T21:00:00Z');
    expect(rig.sender.delivered).toHaveLength(1);
    const changed = await rig.engine.handleActivity({
      tenantId: TENANT,
      activity: {
        id: 'act-1',
        type: 'email_replied',
        personId: 'ada',
        occurredAt: '2026-01-15T21:00:00Z',
        source: 'gmail',
      },
    });
    expect(changed.map(({ id, status, reason }) => [id, status, reason])).toEqual([
      [enrollment.id, 'finished', 'replied'],
    ]);
    await rig.runUntil('2026-02-15T00:00:00Z');
    expect(rig.sender.delivered).toHaveLength(1);
    expect(rig.taskSink.tasks).toHaveLength(0);
    const report = await rig.engine.status({ tenantId: TENANT, enrollmentId: enrollment.id });
    expect(report?.history.at(-1)).toMatchObject({
      from: 'active',
      to: 'finished',
      reason: 'replied',
      activityId: 'act-1',
    });
    expect(transitionsOf(rig).at(-1)).toMatchObject({ to: 'finished', reason: 'replied', personId: 'ada' });
  });

  it('ends the enrolment on a reply matched by address when the person id differs', async () => {
    const rig = createRig('2026-01-15T20:00:00Z');
    await rig.engine.define({ tenantId: TENANT, definition: fiveSteps });
    const enrollment = await rig.engine.enroll({
      tenantId: TENANT,
      sequenceId: 'outbound',
      person: person('crm-1'),
      mailbox,
    });
    const changed = await rig.engine.handleActivity({
      tenantId: TENANT,
      activity: {
        id: 'r',
        type: 'email_replied',
        personId: 'mailbox-contact-9',
        occurredAt: '2026-01-15T21:00:00Z',
        source: 'gmail',
        data: { email: 'CRM-1@prospect.example' },
      },
    });
    expect(changed.map(({ id, reason }) => [id, reason])).toEqual([[enrollment.id, 'replied']]);
  });

  it('ends the enrolment on a booked meeting', async () => {
    const rig = createRig('2026-01-15T20:00:00Z');
    await rig.engine.define({ tenantId: TENANT, definition: fiveSteps });
    const enrollment = await rig.engine.enroll({
      tenantId: TENANT,
      sequenceId: 'outbound',
      person: person('m'),
      mailbox,
    });
    await rig.engine.handleActivity({
      tenantId: TENANT,
      activity: {
        id: 'a',
        type: 'meeting_booked',
        personId: 'm',
        occurredAt: '2026-01-15T20:30:00Z',
        source: 'calendar',
      },
    });
    const report = await rig.engine.status({ tenantId: TENANT, enrollmentId: enrollment.id });
    expect([report?.enrollment.status, report?.enrollment.reason]).toEqual(['finished', 'meeting']);
  });

  it('ignores a reply that happened before the enrolment', async () => {
    const rig = createRig('2026-01-15T20:00:00Z');
    await rig.engine.define({ tenantId: TENANT, definition: fiveSteps });
    const enrollment = await rig.engine.enroll({
      tenantId: TENANT,
      sequenceId: 'outbound',
      person: person('old'),
      mailbox,
    });
    const changed = await rig.engine.handleActivity({
      tenantId: TENANT,
      activity: {
        id: 'a',
        type: 'email_replied',
        personId: 'old',
        occurredAt: '2025-12-01T00:00:00Z',
        source: 'gmail',
      },
    });
    expect(changed).toEqual([]);
    expect(
      (await rig.engine.status({ tenantId: TENANT, enrollmentId: enrollment.id }))?.enrollment.status,
    ).toBe('pending');
  });

  it('pauses on out-of-office until the stated return date, then resumes at the next opening', async () => {
    const rig = createRig('2026-01-12T10:00:00Z'); // Monday
    await rig.engine.define({
      tenantId: TENANT,
      definition: {
        id: 'ooo',
        steps: [
          { type: 'email', subject: 'One', body: '<p>1</p>' },
          { type: 'email', subject: 'Two', body: '<p>2</p>', delay: { businessDays: 1 } },
          { type: 'email', subject: 'Three', body: '<p>3</p>', delay: { businessDays: 1 } },
        ],
        settings: { sendWindow: weekdays },
      },
    });
    const enrollment = await rig.engine.enroll({
      tenantId: TENANT,
      sequenceId: 'ooo',
      person: person('o'),
      mailbox,
    });
    await rig.runUntil('2026-01-12T11:00:00Z');
    const [paused] = await rig.engine.handleActivity({
      tenantId: TENANT,
      activity: {
        id: 'ooo-1',
        type: 'out_of_office',
        personId: 'o',
        occurredAt: '2026-01-12T11:00:00Z',
        source: 'gmail',
        data: { resumeAt: '2026-01-20T06:00:00Z' },
      },
    });
    expect([paused?.status, paused?.reason, paused?.resumeAt]).toEqual([
      'paused',
      'out_of_office',
      '2026-01-20T06:00:00.000Z',
    ]);
    await rig.runUntil('2026-01-20T05:59:00Z');
    expect(rig.sender.delivered).toHaveLength(1);
    await rig.runUntil('2026-01-24T00:00:00Z');
    expect(rig.sender.delivered.map(({ email, at }) => [email.subject, iso(at)])).toEqual([
      ['One', '2026-01-12T10:00:00.000Z'],
      ['Two', '2026-01-20T09:00:00.000Z'], // the window's first opening after the return
      ['Three', '2026-01-21T09:00:00.000Z'], // later steps shift, they do not catch up
    ]);
    const report = await rig.engine.status({ tenantId: TENANT, enrollmentId: enrollment.id });
    expect(report?.history.map(({ to, reason }) => `${to}:${reason}`)).toEqual([
      'pending:null',
      'active:null',
      'paused:out_of_office',
      'active:null',
      'finished:completed',
    ]);
  });

  it('resumes after 14 days when an out-of-office reply gives no date', async () => {
    const rig = createRig('2026-01-12T10:00:00Z');
    await rig.engine.define({
      tenantId: TENANT,
      definition: {
        id: 'ooo',
        steps: [
          { type: 'email', subject: 'One', body: '<p>1</p>' },
          { type: 'email', subject: 'Two', body: '<p>2</p>', delay: { businessDays: 1 } },
        ],
        settings: { sendWindow: weekdays },
      },
    });
    await rig.engine.enroll({ tenantId: TENANT, sequenceId: 'ooo', person: person('o'), mailbox });
    await rig.runUntil('2026-01-12T12:00:00Z');
    const [paused] = await rig.engine.handleActivity({
      tenantId: TENANT,
      activity: {
        id: 'x',
        type: 'out_of_office',
        personId: 'o',
        occurredAt: '2026-01-12T12:00:00Z',
        source: 'gmail',
      },
    });
    expect(paused?.resumeAt).toBe('2026-01-26T12:00:00.000Z');
    await rig.runUntil('2026-02-01T00:00:00Z');
    expect(rig.sender.delivered.map(({ at }) => iso(at))).toEqual([
      '2026-01-12T10:00:00.000Z',
      '2026-01-26T12:00:00.000Z',
    ]);
  });

  it('never sends a step twice when the worker dies between sending and recording', async () => {
    let crashes = 1;
    const rig = createRig('2026-01-12T10:00:00Z', {
      stepBackoff: { type: 'fixed', delayMs: 60_000 },
      senderOptions: {
        afterDeliver: () => {
          if (crashes > 0) {
            crashes -= 1;
            throw new Error('worker died after the email left');
          }
        },
      },
    });
    await rig.engine.define({
      tenantId: TENANT,
      definition: {
        id: 'crash',
        steps: [
          { type: 'email', subject: 'One', body: '<p>1</p>' },
          { type: 'email', subject: 'Two', body: '<p>2</p>', delay: { hours: 1 } },
        ],
        // One email a day: the repeat of the first step must not count against the cap again.
        settings: { sendWindow: weekdays, mailboxCaps: { daily: 1 } },
      },
    });
    const enrollment = await rig.engine.enroll({
      tenantId: TENANT,
      sequenceId: 'crash',
      person: person('c'),
      mailbox,
    });
    await rig.runUntil('2026-01-12T14:00:00Z');
    expect(rig.sender.delivered.map(({ email }) => email.subject)).toEqual(['One']);
    const [firstCall, secondCall] = rig.sender.calls;
    expect(rig.sender.calls).toHaveLength(2);
    expect(secondCall).toEqual(firstCall);

    // A stale delivery of the first job (queues deliver at least once) changes nothing.
    await rig.queue.add('sequences.step', { tenantId: TENANT, enrollmentId: enrollment.id, generation: 1 });
    await rig.runUntil('2026-01-14T00:00:00Z');
    expect(rig.sender.calls).toHaveLength(3);
    expect(rig.sender.delivered.map(({ email, at }) => [email.subject, iso(at)])).toEqual([
      ['One', '2026-01-12T10:00:00.000Z'],
      ['Two', '2026-01-13T09:00:00.000Z'],
    ]);
    const report = await rig.engine.status({ tenantId: TENANT, enrollmentId: enrollment.id });
    expect(
      report?.executions.map(({ state, messageId, completedAt }) => [state, messageId, completedAt]),
    ).toEqual([
      ['done', rig.sender.delivered[0]?.result.messageId, '2026-01-12T10:01:00.000Z'],
      ['done', rig.sender.delivered[1]?.result.messageId, '2026-01-13T09:00:00.000Z'],
    ]);
  });

  it('never sends a step twice when a new worker takes over a step stopped mid-send', async () => {
    const start = '2026-01-12T10:00:00Z';
    const clock = createSequenceTestClock(createTestClock(new Date(start)));
    const storage = createMemoryStorage({ clock });
    // The provider's own record of idempotency keys, shared by both workers.
    const sent = createMemorySender({ clock });
    let hang = true;
    const firstQueue = createMemoryQueue({ clock });
    const stalling: EmailSender = {
      async send(email, context) {
        const result = await sent.send(email, context);
        if (hang) await new Promise(() => undefined); // the process stops here, after the provider accepted the email
        return result;
      },
    };
    const base = { storage, clock, unsubscribe: { secret: SECRET, url: UNSUBSCRIBE_URL } };
    const first = createSequenceEngine({ ...base, queue: firstQueue, sender: stalling });
    await first.define({
      tenantId: TENANT,
      definition: { id: 'stop', steps: [{ type: 'email', subject: 'Once', body: '<p>only once</p>' }] },
    });
    const enrollment = await first.enroll({
      tenantId: TENANT,
      sequenceId: 'stop',
      person: person('s'),
      mailbox,
    });
    for (let round = 0; round < 20 && sent.delivered.length === 0; round += 1) {
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    expect(sent.delivered).toHaveLength(1);
    await firstQueue.close({ timeoutMs: 0 });

    hang = false;
    const secondQueue = createMemoryQueue({ clock });
    const second = createSequenceEngine({ ...base, queue: secondQueue, sender: stalling });
    expect(await second.recover({ tenantId: TENANT })).toBe(1);
    await clock.runUntil(Date.parse('2026-01-12T11:00:00Z'), secondQueue);

    expect(sent.delivered).toHaveLength(1);
    expect(sent.calls.map(({ idempotencyKey }) => idempotencyKey)).toEqual([
      `seq_${enrollment.id}_0`,
      `seq_${enrollment.id}_0`,
    ]);
    const report = await second.status({ tenantId: TENANT, enrollmentId: enrollment.id });
    expect([report?.enrollment.status, report?.enrollment.reason]).toEqual(['finished', 'completed']);
  });

  it('never sends a step twice when a worker on a durable queue is stopped mid-send', async () => {
    const clock = createSequenceTestClock(createTestClock(new Date('2026-01-12T10:00:00Z')));
    const storage = createMemoryStorage({ clock });
    const provider = createMemorySender({ clock });
    let stopped = false;
    const sender: EmailSender = {
      async send(email, context) {
        const result = await provider.send(email, context);
        // The first worker is stopped after the provider accepted the email, before it could record it.
        if (!stopped)
          await new Promise((_, reject) =>
            context.signal.addEventListener('abort', () => reject(context.signal.reason)),
          );
        return result;
      },
    };
    const base = { storage, clock, sender, unsubscribe: { secret: SECRET, url: UNSUBSCRIBE_URL } };
    const firstQueue = createStorageQueue(storage, { clock, leaseMs: 30_000, pollIntervalMs: 600_000 });
    const first = createSequenceEngine({ ...base, queue: firstQueue });
    await first.define({
      tenantId: TENANT,
      definition: {
        id: 'durable',
        steps: [
          { type: 'email', subject: 'Once', body: '<p>once</p>' },
          { type: 'email', subject: 'Later', body: '<p>later</p>', delay: { hours: 1 } },
        ],
      },
    });
    const enrollment = await first.enroll({
      tenantId: TENANT,
      sequenceId: 'durable',
      person: person('d'),
      mailbox,
    });
    for (let round = 0; round < 50 && provider.delivered.length === 0; round += 1) {
      await clock.advance(100);
    }
    expect(provider.delivered).toHaveLength(1);
    let closed = false;
    const closing = firstQueue.close({ timeoutMs: 1_000 }).then(() => {
      closed = true;
    });
    for (let round = 0; round < 20 && !closed; round += 1) await clock.advance(500);
    await closing;
    stopped = true;

    const secondQueue = createStorageQueue(storage, { clock, leaseMs: 30_000, pollIntervalMs: 600_000 });
    createSequenceEngine({ ...base, queue: secondQueue });
    await clock.runUntil(Date.parse('2026-01-12T12:00:00Z'), secondQueue);
    expect(provider.delivered.map(({ email, at }) => [email.subject, iso(at)])).toEqual([
      ['Once', expect.stringMatching(/^2026-01-12T10:00:0/)],
      ['Later', expect.stringMatching(/^2026-01-12T11:0/)],
    ]);
    expect(provider.calls.filter((call) => call.subject === 'Once')).toHaveLength(2);
    const report = await first.status({ tenantId: TENANT, enrollmentId: enrollment.id });
    expect([report?.enrollment.status, report?.enrollment.reason]).toEqual(['finished', 'completed']);
    await secondQueue.close();
  });

  it('stops everything for an address on a one-click unsubscribe', async () => {
    const rig = createRig('2026-01-12T10:00:00Z');
    const definition = (id: string): SequenceDefinitionInput => ({
      id,
      steps: [
        {
          type: 'email',
          subject: `${id} one`,
          body: '<p>1 <a href="{{unsubscribe_url}}">unsubscribe</a></p>',
        },
        { type: 'email', subject: `${id} two`, body: '<p>2</p>', delay: { businessDays: 1 } },
      ],
      settings: { sendWindow: weekdays, reenrollment: 'any_time' },
    });
    await rig.engine.define({ tenantId: TENANT, definition: definition('first') });
    await rig.engine.define({ tenantId: TENANT, definition: definition('second') });
    const one = await rig.engine.enroll({
      tenantId: TENANT,
      sequenceId: 'first',
      person: person('u'),
      mailbox,
    });
    const two = await rig.engine.enroll({
      tenantId: TENANT,
      sequenceId: 'second',
      person: person('u'),
      mailbox,
      startAt: '2026-01-13T10:00:00Z',
    });
    await rig.runUntil('2026-01-12T12:00:00Z');
    expect(rig.sender.delivered).toHaveLength(1);

    const header = rig.sender.delivered[0]?.email.headers['List-Unsubscribe'] as string;
    const url = header.slice(1, -1);
    expect(rig.sender.delivered[0]?.email.html).toContain(`href="${url.replace(/&/g, '&amp;')}"`);
    const handler = createUnsubscribeHandler({
      secret: SECRET,
      onUnsubscribe: (recipient) => rig.engine.unsubscribe(recipient).then(() => undefined),
    });
    const scanned = await handler(new Request(url));
    expect(scanned.status).toBe(405);
    expect((await rig.engine.status({ tenantId: TENANT, enrollmentId: one.id }))?.enrollment.status).toBe(
      'active',
    );

    const response = await handler(
      new Request(url, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'List-Unsubscribe=One-Click',
      }),
    );
    expect(response.status).toBe(200);
    for (const enrollment of [one, two]) {
      const report = await rig.engine.status({ tenantId: TENANT, enrollmentId: enrollment.id });
      expect([report?.enrollment.status, report?.enrollment.reason]).toEqual(['opted_out', 'unsubscribed']);
    }
    await rig.runUntil('2026-01-20T00:00:00Z');
    expect(rig.sender.delivered).toHaveLength(1);
    expect(await rig.engine.suppression.has({ tenantId: TENANT, email: 'U@prospect.example' })).toBe(true);
    await expect(
      rig.engine.enroll({ tenantId: TENANT, sequenceId: 'first', person: person('u'), mailbox }),
    ).rejects.toMatchObject({ reason: 'suppressed' });
  });

  it('checks the suppression list before every send', async () => {
    const rig = createRig('2026-01-12T08:00:00Z');
    await rig.engine.define({
      tenantId: TENANT,
      definition: {
        id: 's',
        steps: [{ type: 'email', subject: 'Hi', body: '<p>Hi</p>' }],
        settings: { sendWindow: weekdays },
      },
    });
    const enrollment = await rig.engine.enroll({
      tenantId: TENANT,
      sequenceId: 's',
      person: person('sup'),
      mailbox,
    });
    await rig.engine.suppression.add({
      tenantId: TENANT,
      email: 'sup@prospect.example',
      reason: 'complaint',
    });
    await rig.runUntil('2026-01-13T00:00:00Z');
    expect(rig.sender.delivered).toHaveLength(0);
    const report = await rig.engine.status({ tenantId: TENANT, enrollmentId: enrollment.id });
    expect([report?.enrollment.status, report?.enrollment.reason]).toEqual(['opted_out', 'complaint']);
  });

  it('ends every enrolment of a bounced address and suppresses it', async () => {
    const rig = createRig('2026-01-12T10:00:00Z');
    await rig.engine.define({ tenantId: TENANT, definition: fiveSteps });
    const enrollment = await rig.engine.enroll({
      tenantId: TENANT,
      sequenceId: 'outbound',
      person: person('b'),
      mailbox,
    });
    await rig.runUntil('2026-01-12T11:00:00Z');
    await rig.engine.handleActivity({
      tenantId: TENANT,
      activity: {
        id: 'bounce',
        type: 'email_bounced',
        personId: 'b',
        occurredAt: '2026-01-12T10:05:00Z',
        source: 'ses',
      },
    });
    const report = await rig.engine.status({ tenantId: TENANT, enrollmentId: enrollment.id });
    expect(report?.enrollment.status).toBe('bounced');
    expect(
      (await rig.engine.suppression.get({ tenantId: TENANT, email: 'b@prospect.example' }))?.reason,
    ).toBe('bounced');
  });

  it('finishes on a click only when the sequence says so', async () => {
    let engineRef: SequenceEngine | undefined;
    const rig = createRig('2026-01-12T10:00:00Z', {
      setup: (clock) => ({
        tracking: createTracking({
          secret: 'tracking-secret-0123456789',
          baseUrl: 'https://t.example.com/track',
          clock,
          onActivity: async (activity, { tenantId }) => {
            await engineRef?.handleActivity({ tenantId, activity });
          },
        }),
      }),
    });
    const { engine } = rig;
    engineRef = engine;
    const tracking = rig.tracking as Tracking;
    for (const [id, click] of [
      ['clicky', true],
      ['calm', false],
    ] as const) {
      await engine.define({
        tenantId: TENANT,
        definition: {
          id,
          steps: [
            {
              type: 'email',
              subject: 'Look',
              body: '<p><a href="https://seller.example/demo?a=1&amp;b=2">demo</a></p>',
            },
            { type: 'email', subject: 'Again', body: '<p>again</p>', delay: { businessDays: 1 } },
          ],
          settings: { sendWindow: weekdays, exitOn: { click } },
        },
      });
    }
    const clicky = await engine.enroll({
      tenantId: TENANT,
      sequenceId: 'clicky',
      person: person('k'),
      mailbox,
    });
    const calm = await engine.enroll({ tenantId: TENANT, sequenceId: 'calm', person: person('k2'), mailbox });
    await rig.runUntil('2026-01-12T11:00:00Z');
    expect(rig.sender.delivered).toHaveLength(2);
    for (const { email } of rig.sender.delivered) {
      expect(email.html).toContain('https://t.example.com/track/o/');
      const link = /href="(https:\/\/t\.example\.com\/track\/c\/[^"]+)"/.exec(email.html)?.[1] as string;
      const response = await tracking.handler(new Request(link));
      expect(response.status).toBe(302);
      expect(response.headers.get('location')).toBe('https://seller.example/demo?a=1&b=2');
    }
    expect((await engine.status({ tenantId: TENANT, enrollmentId: clicky.id }))?.enrollment).toMatchObject({
      status: 'finished',
      reason: 'clicked',
    });
    expect((await engine.status({ tenantId: TENANT, enrollmentId: calm.id }))?.enrollment.status).toBe(
      'active',
    );
  });

  it('refuses an enrolment whose template variable has neither value nor fallback, naming it', async () => {
    const rig = createRig('2026-01-12T10:00:00Z');
    await rig.engine.define({
      tenantId: TENANT,
      definition: {
        id: 'vars',
        steps: [
          {
            type: 'email',
            subject: 'For {{company_name}}',
            body: '<p>Hi {{first_name|there}}, {{pain_point}}</p>',
          },
        ],
      },
    });
    let caught: unknown;
    try {
      await rig.engine.enroll({ tenantId: TENANT, sequenceId: 'vars', person: person('v'), mailbox });
    } catch (error) {
      caught = error;
    }
    expect(EnrollmentError.isInstance(caught)).toBe(true);
    expect((caught as EnrollmentError).reason).toBe('missing_variables');
    expect((caught as EnrollmentError).missingVariables).toEqual(['company_name', 'pain_point']);
    expect((caught as EnrollmentError).message).toContain('{{company_name}} (step 1 (step-1) subject)');
    expect(await rig.engine.listEnrollments({ tenantId: TENANT, personId: 'v' })).toEqual([]);

    const enrollment = await rig.engine.enroll({
      tenantId: TENANT,
      sequenceId: 'vars',
      person: person('v'),
      mailbox,
      variables: { company_name: 'Acme & Co', pain_point: '<b>churn</b>' },
    });
    await rig.runUntil('2026-01-12T11:00:00Z');
    expect(rig.sender.delivered[0]?.email.subject).toBe('For Acme & Co');
    expect(rig.sender.delivered[0]?.email.html).toContain('<p>Hi V, &lt;b&gt;churn&lt;/b&gt;</p>');
    expect(enrollment.variables).toEqual({ company_name: 'Acme & Co', pain_point: '<b>churn</b>' });
  });

  it('applies the re-enrolment policy', async () => {
    const rig = createRig('2026-01-12T10:00:00Z');
    for (const policy of ['once', 'if_not_active', 'any_time'] as const) {
      await rig.engine.define({
        tenantId: TENANT,
        definition: {
          id: policy,
          steps: [
            { type: 'email', subject: 'Hi', body: '<p>Hi</p>' },
            { type: 'email', subject: 'Again', body: '<p>Again</p>', delay: { businessDays: 3 } },
          ],
          settings: { reenrollment: policy },
        },
      });
    }
    const enrol = (sequenceId: string) =>
      rig.engine.enroll({ tenantId: TENANT, sequenceId, person: person('r'), mailbox });

    const once = await enrol('once');
    await rig.engine.exit({ tenantId: TENANT, enrollmentId: once.id });
    await expect(enrol('once')).rejects.toMatchObject({ reason: 'already_enrolled' });

    const live = await enrol('if_not_active');
    await expect(enrol('if_not_active')).rejects.toMatchObject({ reason: 'already_enrolled' });
    await rig.engine.exit({ tenantId: TENANT, enrollmentId: live.id });
    await expect(enrol('if_not_active')).resolves.toMatchObject({ sequenceId: 'if_not_active' });

    const first = await enrol('any_time');
    const second = await enrol('any_time');
    expect(second.id).not.toBe(first.id);
    expect(await rig.engine.listEnrollments({ tenantId: TENANT, personId: 'r' })).toHaveLength(5);
  });

  it('refuses a person without an email for a sequence that sends email, and an unknown sequence', async () => {
    const rig = createRig('2026-01-12T10:00:00Z');
    await rig.engine.define({ tenantId: TENANT, definition: fiveSteps });
    await expect(
      rig.engine.enroll({ tenantId: TENANT, sequenceId: 'outbound', person: { id: 'no-mail' }, mailbox }),
    ).rejects.toMatchObject({ reason: 'missing_email' });
    await expect(
      rig.engine.enroll({ tenantId: TENANT, sequenceId: 'nope', person: person('x'), mailbox }),
    ).rejects.toMatchObject({ reason: 'sequence_not_found' });
  });

  it('splits A/B variants by weight and sends each enrolment one variant', async () => {
    const rig = createRig('2026-01-12T10:00:00Z');
    await rig.engine.define({
      tenantId: TENANT,
      definition: {
        id: 'ab',
        steps: [
          {
            type: 'email',
            variants: [
              { id: 'short', subject: 'Short', body: '<p>s</p>', weight: 3 },
              { id: 'long', subject: 'Long', body: '<p>l</p>', weight: 1 },
            ],
          },
        ],
        settings: { sendWindow: { days: ['mon', 'tue', 'wed', 'thu', 'fri'], start: '00:00', end: '24:00' } },
      },
    });
    for (let index = 0; index < 200; index += 1) {
      await rig.engine.enroll({ tenantId: TENANT, sequenceId: 'ab', person: person(`p${index}`), mailbox });
    }
    await rig.runUntil('2026-01-12T11:00:00Z');
    const subjects = rig.sender.delivered.map(({ email }) => email.subject);
    expect(subjects).toHaveLength(200);
    const short = subjects.filter((subject) => subject === 'Short').length;
    expect(short).toBeGreaterThan(120);
    expect(short).toBeLessThan(180);
    expect(new Set(rig.sender.delivered.map(({ email }) => email.metadata.variantId))).toEqual(
      new Set(['short', 'long']),
    );
  });

  it('pauses a step the provider throttles and resumes it after the wait, with the same key', async () => {
    let throttled = false;
    const rig = createRig('2026-01-12T10:00:00Z');
    const limited: EmailSender = {
      async send(email, context) {
        if (!throttled) {
          throttled = true;
          throw new RateLimitError('slow down', { vendor: 'gmail', status: 429, retryAfterMs: 600_000 });
        }
        return rig.sender.send(email, context);
      },
    };
    const engine = createSequenceEngine({
      storage: rig.storage,
      queue: createMemoryQueue({ clock: rig.clock }),
      sender: limited,
      clock: rig.clock,
      unsubscribe: { secret: SECRET, url: UNSUBSCRIBE_URL },
      events: rig.events,
      worker: false,
    });
    const queue = createMemoryQueue({ clock: rig.clock });
    const worker = createSequenceEngine({
      storage: rig.storage,
      queue,
      sender: limited,
      clock: rig.clock,
      unsubscribe: { secret: SECRET, url: UNSUBSCRIBE_URL },
      events: rig.events,
    });
    await engine.define({
      tenantId: TENANT,
      definition: { id: 'rl', steps: [{ type: 'email', subject: 'Hi', body: '<p>Hi</p>' }] },
    });
    const enrollment = await worker.enroll({
      tenantId: TENANT,
      sequenceId: 'rl',
      person: person('rl'),
      mailbox,
    });
    await rig.clock.runUntil(Date.parse('2026-01-12T10:05:00Z'), queue);
    expect(
      (await worker.status({ tenantId: TENANT, enrollmentId: enrollment.id }))?.enrollment,
    ).toMatchObject({
      status: 'paused',
      reason: 'throttle',
    });
    await rig.clock.runUntil(Date.parse('2026-01-12T11:00:00Z'), queue);
    expect(rig.sender.delivered.map(({ at }) => iso(at))).toEqual(['2026-01-12T10:10:00.000Z']);
    expect((await worker.status({ tenantId: TENANT, enrollmentId: enrollment.id }))?.enrollment.status).toBe(
      'finished',
    );
  });

  it('fails the enrolment when the sender rejects the email for good', async () => {
    const rig = createRig('2026-01-12T10:00:00Z', {
      sender: {
        send: async () => {
          throw new ApiError('mailbox disconnected', { vendor: 'gmail', status: 400, retryable: false });
        },
      },
    });
    await rig.engine.define({
      tenantId: TENANT,
      definition: { id: 'f', steps: [{ type: 'email', subject: 'Hi', body: '<p>Hi</p>' }] },
    });
    const enrollment = await rig.engine.enroll({
      tenantId: TENANT,
      sequenceId: 'f',
      person: person('f'),
      mailbox,
    });
    await rig.runUntil('2026-01-12T11:00:00Z');
    const report = await rig.engine.status({ tenantId: TENANT, enrollmentId: enrollment.id });
    expect([report?.enrollment.status, report?.enrollment.reason]).toEqual(['failed', 'api_error']);
    expect(report?.executions[0]).toMatchObject({ state: 'failed', error: 'mailbox disconnected' });
    const failed = rig.seen.find((event) => event.type === 'sequences.step.failed')?.payload;
    expect(failed).toMatchObject({ willRetry: false, errorCode: 'api_error' });
  });

  it('pauses and resumes by hand, shifting a step that fell due meanwhile', async () => {
    const rig = createRig('2026-01-12T10:00:00Z');
    await rig.engine.define({
      tenantId: TENANT,
      definition: {
        id: 'manual',
        steps: [
          { type: 'email', subject: 'One', body: '<p>1</p>' },
          { type: 'email', subject: 'Two', body: '<p>2</p>', delay: { businessDays: 1 } },
        ],
        settings: { sendWindow: weekdays },
      },
    });
    const enrollment = await rig.engine.enroll({
      tenantId: TENANT,
      sequenceId: 'manual',
      person: person('p'),
      mailbox,
    });
    await rig.runUntil('2026-01-12T11:00:00Z');
    await rig.engine.pause({ tenantId: TENANT, enrollmentId: enrollment.id });
    await rig.runUntil('2026-01-15T18:00:00Z');
    expect(rig.sender.delivered).toHaveLength(1);
    const resumed = await rig.engine.resume({ tenantId: TENANT, enrollmentId: enrollment.id });
    expect(resumed.dueAt).toBe('2026-01-16T09:00:00.000Z');
    await rig.runUntil('2026-01-17T00:00:00Z');
    expect(rig.sender.delivered.map(({ at }) => iso(at))).toEqual([
      '2026-01-12T10:00:00.000Z',
      '2026-01-16T09:00:00.000Z',
    ]);
    await expect(rig.engine.pause({ tenantId: TENANT, enrollmentId: enrollment.id })).rejects.toMatchObject({
      reason: 'invalid_transition',
    });
  });

  it('waits for a blocking task to be completed before counting the next delay', async () => {
    const rig = createRig('2026-01-12T10:00:00Z');
    await rig.engine.define({
      tenantId: TENANT,
      definition: {
        id: 'blocking',
        steps: [
          { type: 'task', title: 'Research {{first_name|them}}', blocking: true },
          { type: 'email', subject: 'After research', body: '<p>x</p>', delay: { hours: 1 } },
        ],
        settings: { sendWindow: weekdays },
      },
    });
    const enrollment = await rig.engine.enroll({
      tenantId: TENANT,
      sequenceId: 'blocking',
      person: person('t'),
      mailbox,
    });
    await rig.runUntil('2026-01-14T10:00:00Z');
    expect(rig.taskSink.tasks.map(({ task }) => [task.title, task.blocking])).toEqual([['Research T', true]]);
    expect(rig.sender.delivered).toHaveLength(0);
    await rig.engine.completeTask({ tenantId: TENANT, enrollmentId: enrollment.id, stepIndex: 0 });
    await rig.runUntil('2026-01-15T00:00:00Z');
    expect(rig.sender.delivered.map(({ at }) => iso(at))).toEqual(['2026-01-14T11:00:00.000Z']);
  });

  it('keeps the minimum gap between touches of one person across sequences', async () => {
    const rig = createRig('2026-01-12T10:00:00Z');
    for (const id of ['a', 'b']) {
      await rig.engine.define({
        tenantId: TENANT,
        definition: {
          id,
          steps: [{ type: 'email', subject: id, body: `<p>${id}</p>` }],
          settings: { sendWindow: weekdays, minimumGapMinutes: 120 },
        },
      });
    }
    await rig.engine.enroll({ tenantId: TENANT, sequenceId: 'a', person: person('g'), mailbox });
    await rig.engine.enroll({ tenantId: TENANT, sequenceId: 'b', person: person('g'), mailbox });
    await rig.runUntil('2026-01-13T00:00:00Z');
    expect(rig.sender.delivered.map(({ email, at }) => [email.subject, iso(at)])).toEqual([
      ['a', '2026-01-12T10:00:00.000Z'],
      ['b', '2026-01-12T12:00:00.000Z'],
    ]);
  });

  it('stores every transition and emits it as an event', async () => {
    const rig = createRig('2026-01-12T10:00:00Z');
    await rig.engine.define({ tenantId: TENANT, definition: fiveSteps });
    const enrollment = await rig.engine.enroll({
      tenantId: TENANT,
      sequenceId: 'outbound',
      person: person('h'),
      mailbox,
    });
    await rig.runUntil('2026-01-12T11:00:00Z');
    await rig.engine.pause({
      tenantId: TENANT,
      enrollmentId: enrollment.id,
      resumeAt: '2026-01-13T10:00:00Z',
    });
    await rig.runUntil('2026-01-13T12:00:00Z');
    await rig.engine.exit({ tenantId: TENANT, enrollmentId: enrollment.id });
    const report = await rig.engine.status({ tenantId: TENANT, enrollmentId: enrollment.id });
    const stored = report?.history.map(({ from, to, reason }) => ({ from, to, reason }));
    const emitted = transitionsOf(rig).map(({ from, to, reason }) => ({ from, to, reason }));
    expect(stored).toEqual([
      { from: null, to: 'pending', reason: null },
      { from: 'pending', to: 'active', reason: null },
      { from: 'active', to: 'paused', reason: 'manual' },
      { from: 'paused', to: 'active', reason: null },
      { from: 'active', to: 'finished', reason: 'manual' },
    ]);
    expect(emitted).toEqual(stored);
  });

  it('previews every step for a contact without enrolling them', async () => {
    const rig = createRig('2026-01-12T10:00:00Z');
    await rig.engine.define({
      tenantId: TENANT,
      definition: {
        id: 'preview',
        steps: [
          { type: 'email', subject: 'Hi {{first_name|there}}', body: '<p>{{company_name}} & {{title}}</p>' },
          { type: 'wait', delay: { businessDays: 2 } },
          { type: 'task', title: 'Check {{company_name}}' },
        ],
      },
    });
    const steps = await rig.engine.preview({
      tenantId: TENANT,
      sequenceId: 'preview',
      person: { id: 'p', firstName: 'Lin', title: 'R&D <lead>' },
    });
    expect(steps[0]).toMatchObject({
      type: 'email',
      mode: 'automatic',
      variants: [{ id: 'A', subject: 'Hi Lin', body: '<p>{{company_name}} & R&amp;D &lt;lead&gt;</p>' }],
      missingVariables: ['company_name'],
    });
    expect(steps[1]).toMatchObject({ type: 'wait', missingVariables: [] });
    expect(steps[2]).toMatchObject({
      type: 'task',
      title: 'Check {{company_name}}',
      missingVariables: ['company_name'],
    });
    expect(await rig.engine.listEnrollments({ tenantId: TENANT, personId: 'p' })).toEqual([]);
  });

  it('keeps tenants apart', async () => {
    const rig = createRig('2026-01-12T10:00:00Z');
    await rig.engine.define({ tenantId: 'a', definition: fiveSteps });
    await expect(
      rig.engine.enroll({ tenantId: 'b', sequenceId: 'outbound', person: person('x'), mailbox }),
    ).rejects.toMatchObject({ reason: 'sequence_not_found' });
    const enrollment = await rig.engine.enroll({
      tenantId: 'a',
      sequenceId: 'outbound',
      person: person('x'),
      mailbox,
    });
    expect(await rig.engine.status({ tenantId: 'b', enrollmentId: enrollment.id })).toBeUndefined();
    await rig.engine.unsubscribe({ tenantId: 'b', email: 'x@prospect.example' });
    expect((await rig.engine.status({ tenantId: 'a', enrollmentId: enrollment.id }))?.enrollment.status).toBe(
      'active',
    );
    expect(await rig.engine.suppression.has({ tenantId: 'a', email: 'x@prospect.example' })).toBe(false);
  });

  it('refuses a definition the engine cannot run', async () => {
    const clock = createTestClock();
    const storage = createMemoryStorage({ clock });
    const engine = createSequenceEngine({
      storage,
      queue: createMemoryQueue({ clock }),
      clock,
      worker: false,
    });
    await expect(engine.define({ tenantId: TENANT, definition: fiveSteps })).rejects.toThrow(/"sender"/);
    const withSender = createSequenceEngine({
      storage,
      queue: createMemoryQueue({ clock }),
      clock,
      sender: createMemorySender(),
      worker: false,
    });
    await expect(withSender.define({ tenantId: TENANT, definition: fiveSteps })).rejects.toThrow(
      /"taskSink"/,
    );
  });

  it('sends a mailto: List-Unsubscribe to the sending mailbox when "unsubscribe" is not given', async () => {
    const clock = createSequenceTestClock(createTestClock(new Date('2026-01-12T10:00:00Z')));
    const queue = createMemoryQueue({ clock });
    const sender = createMemorySender({ clock });
    const taskSink = createMemoryTaskSink({ clock });
    // Exactly the options of the public "Names to keep": no `unsubscribe`, no `logger`.
    const engine = createSequenceEngine({
      storage: createMemoryStorage({ clock }),
      queue,
      events: createEventBus(),
      sender,
      taskSink,
      clock,
    });
    await engine.define({ tenantId: TENANT, definition: fiveSteps });
    await engine.define({
      tenantId: TENANT,
      definition: {
        id: 'link',
        steps: [
          {
            type: 'email',
            subject: 'Hi',
            body: '<p>Hi</p><a href="{{unsubscribe_url}}">Unsubscribe</a>',
          },
        ],
      },
    });
    await engine.enroll({
      tenantId: TENANT,
      sequenceId: 'outbound',
      person: person('ada', { timeZone: 'America/Los_Angeles' }),
      mailbox,
    });
    await engine.enroll({ tenantId: TENANT, sequenceId: 'link', person: person('lin'), mailbox });
    await clock.runUntil(Date.parse('2026-01-15T00:00:00Z'), queue);

    const mailtoOnly = { 'List-Unsubscribe': '<mailto:rep@seller.example?subject=unsubscribe>' };
    const [first, second] = sender.deliveredTo('ada@prospect.example');
    expect(first?.email.headers).toEqual(mailtoOnly);
    expect(second?.email.subject).toBe('Re: Hello ADA');
    expect(second?.email.headers).toEqual(mailtoOnly);
    const [linked] = sender.deliveredTo('lin@prospect.example');
    expect(linked?.email.headers).toEqual(mailtoOnly);
    expect(linked?.email.html).toContain('href="mailto:rep@seller.example?subject=unsubscribe"');
    expect(taskSink.tasks.map(({ task }) => task.type)).toEqual(['call']);
  });

  it('logs one warning that one-click unsubscribe is off, and none once "unsubscribe" is given', async () => {
    const warnings: unknown[] = [];
    const logger: Logger = { ...noopLogger, warn: (...args: unknown[]) => warnings.push(args) };
    const rig = createRig('2026-01-12T10:00:00Z', { logger });
    await rig.engine.define({ tenantId: TENANT, definition: fiveSteps });
    await rig.engine.enroll({ tenantId: TENANT, sequenceId: 'outbound', person: person('w'), mailbox });
    await rig.runUntil('2026-01-13T00:00:00Z');
    expect(rig.sender.delivered).toHaveLength(1);
    expect(warnings).toEqual([]);

    const clock = createSequenceTestClock(createTestClock(new Date('2026-01-12T10:00:00Z')));
    const queue = createMemoryQueue({ clock });
    const sender = createMemorySender({ clock });
    const engine = createSequenceEngine({
      storage: createMemoryStorage({ clock }),
      queue,
      sender,
      taskSink: createMemoryTaskSink({ clock }),
      clock,
      logger,
    });
    await engine.define({ tenantId: TENANT, definition: fiveSteps });
    await engine.define({ tenantId: TENANT, definition: { ...fiveSteps, id: 'again' } });
    for (const sequenceId of ['outbound', 'again']) {
      await engine.enroll({ tenantId: TENANT, sequenceId, person: person(`w-${sequenceId}`), mailbox });
    }
    await clock.runUntil(Date.parse('2026-01-14T00:00:00Z'), queue);
    expect(sender.delivered.length).toBeGreaterThanOrEqual(2);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toEqual([
      { sequenceId: 'outbound' },
      expect.stringMatching(/one-click unsubscribe is off until .* is given "unsubscribe"/),
    ]);
  });
});
