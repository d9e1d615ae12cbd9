import { ConfigError, createMemoryQueue, createMemoryStorage } from '@salesos/core';
import { createTestClock } from '@salesos/core/testing';
import { describe, expect, it } from 'vitest';
import { createSequenceEngine } from '../engine/create-sequence-engine.ts';
import type { OutgoingEmail } from '../engine/types.ts';
import { createRecordingSender, type RecordedEmail } from './recording-sender.ts';

const context = { signal: new AbortController().signal };

const outgoing = (overrides: Partial<OutgoingEmail> = {}): OutgoingEmail => ({
  idempotencyKey: 'enrollment-1:0',
  tenantId: 'acme',
  from: { email: 'rep@acme.example', name: 'Rita' },
  to: { email: 'ada@prospect.example' },
  subject: 'Quick question',
  html: '<p>Hi Ada</p>',
  headers: {
    'List-Unsubscribe': '<https://acme.example/unsubscribe?token=t1>, <mailto:unsubscribe@acme.example>',
    'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
  },
  metadata: { enrollmentId: 'enrollment-1', sequenceId: 'intro', stepId: 's0', stepIndex: 0, personId: 'p1' },
  ...overrides,
});

async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const items: T[] = [];
  for await (const item of iterable) items.push(item);
  return items;
}

describe('createRecordingSender', () => {
  it('records an email once per idempotency key and answers the first result for a repeat', async () => {
    const clock = createTestClock();
    const recorded: RecordedEmail[] = [];
    const outbox = createRecordingSender({
      storage: createMemoryStorage(),
      clock,
      onRecorded: (_email, email) => {
        recorded.push(email);
      },
    });
    const first = await outbox.send(outgoing(), context);
    await clock.advance(60_000);
    const again = await outbox.send(outgoing({ subject: 'Changed' }), context);
    expect(again).toEqual(first);
    expect(first.messageId).toMatch(/^<[0-9a-f]{24}@mail\.salesos\.example>$/);
    expect(first.threadId).toBe(first.messageId);
    expect(recorded).toHaveLength(1);
    const stored = await outbox.get('acme', 'enrollment-1:0');
    expect(stored).toMatchObject({
      subject: 'Quick question',
      html: '<p>Hi Ada</p>',
      to: { email: 'ada@prospect.example' },
      from: { email: 'rep@acme.example', name: 'Rita' },
      sentAt: Date.UTC(2026, 0, 1),
      inReplyTo: null,
      unsubscribeUrl: 'https://acme.example/unsubscribe?token=t1',
      metadata: { personId: 'p1', stepIndex: 0 },
    });
    expect(await collect(outbox.emails())).toHaveLength(1);
  });

  it('records one email when two workers send the same key at once', async () => {
    let calls = 0;
    const outbox = createRecordingSender({
      storage: createMemoryStorage(),
      onRecorded: () => {
        calls += 1;
      },
    });
    const results = await Promise.all(Array.from({ length: 5 }, () => outbox.send(outgoing(), context)));
    expect(new Set(results.map((result) => result.messageId)).size).toBe(1);
    expect(calls).toBe(1);
    expect(await collect(outbox.emails('acme'))).toHaveLength(1);
  });

  it('keeps follow-ups in their thread and the message they reply to', async () => {
    const outbox = createRecordingSender({
      storage: createMemoryStorage(),
      messageIdDomain: 'outbox.acme.test',
    });
    const first = await outbox.send(outgoing(), context);
    const followUp = await outbox.send(
      outgoing({
        idempotencyKey: 'enrollment-1:1',
        threadId: first.threadId as string,
        inReplyTo: first.messageId,
        headers: {},
      }),
      context,
    );
    expect(followUp.threadId).toBe(first.threadId);
    expect(followUp.messageId).not.toBe(first.messageId);
    expect(followUp.messageId).toMatch(/@outbox\.acme\.test>$/);
    expect(await outbox.get('acme', 'enrollment-1:1')).toMatchObject({
      inReplyTo: first.messageId,
      unsubscribeUrl: null,
    });
  });

  it("lists one tenant's emails or every tenant's, and keeps equal keys of two tenants apart", async () => {
    const storage = createMemoryStorage();
    const outbox = createRecordingSender({ storage, prefix: ['demo', 'outbox'] });
    await outbox.send(outgoing({ idempotencyKey: 'b' }), context);
    await outbox.send(outgoing({ idempotencyKey: 'a' }), context);
    const globex = await outbox.send(outgoing({ idempotencyKey: 'a', tenantId: 'globex' }), context);
    expect((await collect(outbox.emails('acme'))).map((email) => email.idempotencyKey)).toEqual(['a', 'b']);
    expect((await collect(outbox.emails('globex'))).map((email) => email.messageId)).toEqual([
      globex.messageId,
    ]);
    expect(await collect(outbox.emails())).toHaveLength(3);
    expect((await outbox.get('acme', 'a'))?.messageId).not.toBe(globex.messageId);
    expect(await outbox.get('acme', 'missing')).toBeNull();
    const keys = (await collect(storage.list({ prefix: ['demo', 'outbox'] }))).map((entry) => entry.key);
    expect(keys).toContainEqual(['demo', 'outbox', 'globex', 'a']);
  });

  it('rejects a send whose onRecorded fails, and answers the recorded email on the retry', async () => {
    let calls = 0;
    const outbox = createRecordingSender({
      storage: createMemoryStorage(),
      onRecorded: () => {
        calls += 1;
        throw new Error('downstream is down');
      },
    });
    await expect(outbox.send(outgoing(), context)).rejects.toThrow('downstream is down');
    const retry = await outbox.send(outgoing(), context);
    expect(retry.messageId).toBe((await outbox.get('acme', 'enrollment-1:0'))?.messageId);
    expect(calls).toBe(1);
  });

  it('rejects a missing storage with ConfigError', () => {
    expect(() => createRecordingSender({ storage: undefined as never })).toThrow(ConfigError);
  });

  it('serves as the sequence engine sender: the steps run and land in the outbox', async () => {
    const storage = createMemoryStorage();
    const queue = createMemoryQueue();
    const outbox = createRecordingSender({ storage });
    const engine = createSequenceEngine({
      storage,
      queue,
      sender: outbox,
      unsubscribe: {
        secret: 'a-long-random-unsubscribe-secret-for-tests',
        url: 'https://acme.example/unsubscribe',
      },
    });
    await engine.define({
      tenantId: 'acme',
      definition: {
        id: 'intro',
        steps: [{ type: 'email', subject: 'Quick question, {{first_name|there}}', body: '<p>Hi</p>' }],
        settings: {
          sendWindow: {
            days: ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'],
            start: '00:00',
            end: '24:00',
          },
        },
      },
    });
    const enrollment = await engine.enroll({
      tenantId: 'acme',
      sequenceId: 'intro',
      person: { id: 'p1', email: 'ada@prospect.example', firstName: 'Ada', externalIds: {} },
      mailbox: { email: 'rep@acme.example' },
    });
    await queue.onIdle();
    const emails = await collect(outbox.emails('acme'));
    expect(emails).toHaveLength(1);
    expect(emails[0]).toMatchObject({
      subject: 'Quick question, Ada',
      to: { email: 'ada@prospect.example' },
      metadata: { enrollmentId: enrollment.id, personId: 'p1', stepIndex: 0 },
    });
    expect(emails[0]?.unsubscribeUrl).toMatch(/^https:\/\/acme\.example\/unsubscribe\?/);
    await queue.close();
  });
});
