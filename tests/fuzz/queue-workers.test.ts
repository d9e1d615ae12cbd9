import { createMemoryConnector, createMemoryStorage, createStorageQueue, type Queue } from '@salesos/core';
import { createSyncEngine } from '@salesos/crm';
import { createSequenceEngine, SEQUENCE_JOB_NAMES } from '@salesos/sequences';
import { createMemorySender } from '@salesos/sequences/testing';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { hostileValue, mutatedFrom } from '../support/arbitraries.ts';
import { recordFigures } from '../support/figures.ts';

const BAD_JOBS = 150;
const figures: Record<string, unknown> = {};
afterAll(() => recordFigures('bad-input-queue-workers', figures));

/** Adds `count` jobs of random data under `name`, each allowed two quick attempts. */
async function addBadJobs(queue: Queue, name: string, example: unknown, count: number): Promise<void> {
  const inputs = fc.sample(fc.oneof(mutatedFrom(example), hostileValue), { numRuns: count, seed: 42 });
  for (const [index, data] of inputs.entries()) {
    await queue.add(name, data, {
      jobId: `bad-${name}-${index}`,
      attempts: 2,
      backoff: { type: 'fixed', delayMs: 1 },
    });
  }
}

async function settled(queue: Queue, name: string) {
  await queue.onIdle(name);
  const counts = await queue.counts(name);
  const dead = await queue.deadLetters(name);
  return { counts, dead };
}

describe('the sequence engine worker fed bad job records', () => {
  it('completes or dead-letters every one, never stops, and still runs the good enrolment', async () => {
    const storage = createMemoryStorage();
    const queue = createStorageQueue(storage, { pollIntervalMs: 5 });
    const sender = createMemorySender();
    const engine = createSequenceEngine({
      storage,
      queue,
      sender,
      unsubscribe: { secret: 'queue-fuzz-unsubscribe-secret-01234', url: 'https://example.com/u' },
    });
    await engine.define({
      tenantId: 't1',
      definition: {
        id: 'intro',
        steps: [{ type: 'email', subject: 'Hi', body: '<p>Hi</p>' }],
        settings: {
          sendWindow: {
            days: ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'],
            start: '00:00',
            end: '24:00',
          },
        },
      },
    });
    const example = { tenantId: 't1', enrollmentId: 'e1', generation: 1 };
    await addBadJobs(queue, SEQUENCE_JOB_NAMES.step, example, BAD_JOBS);
    await addBadJobs(queue, SEQUENCE_JOB_NAMES.resume, example, BAD_JOBS / 3);
    await engine.enroll({
      tenantId: 't1',
      sequenceId: 'intro',
      person: { id: 'p1', email: 'ada@example.com' },
      mailbox: { email: 'rep@acme.example' },
    });

    const step = await settled(queue, SEQUENCE_JOB_NAMES.step);
    const resume = await settled(queue, SEQUENCE_JOB_NAMES.resume);

    expect(step.counts.completed + step.counts.dead).toBe(BAD_JOBS + 1);
    expect(resume.counts.completed + resume.counts.dead).toBe(BAD_JOBS / 3);
    expect(step.counts).toMatchObject({ waiting: 0, active: 0 });
    expect(sender.deliveredTo('ada@example.com')).toHaveLength(1);
    for (const letter of [...step.dead, ...resume.dead]) expect(letter.error.length).toBeGreaterThan(0);
    figures.sequenceWorker = {
      badJobs: BAD_JOBS + BAD_JOBS / 3,
      completedAsNoOps: step.counts.completed - 1 + resume.counts.completed,
      deadLettered: step.dead.length + resume.dead.length,
      crashed: 0,
    };
    await queue.close();
  });
});

describe('the CRM sync worker fed bad job records', () => {
  it('completes or dead-letters every one, never stops, and still syncs a webhook change', async () => {
    const storage = createMemoryStorage();
    const queue = createStorageQueue(storage, { pollIntervalMs: 5 });
    const left = createMemoryConnector({ id: 'crm' });
    const right = createMemoryConnector({ id: 'outreach' });
    const engine = createSyncEngine({ storage, queue, retry: { attempts: 1, delayMs: 1 } });
    engine.define({
      id: 'people',
      tenantId: 't1',
      left,
      right,
      entity: 'person',
      direction: 'both',
      fieldMap: [
        { left: 'email', right: 'email' },
        { left: 'title', right: 'title' },
      ],
      conflictPolicy: 'last-write-wins',
      deletePolicy: 'ignore',
    });
    await engine.run('people');
    const example = {
      syncId: 'people',
      side: 'left',
      change: {
        type: 'upsert',
        id: 'x',
        record: { id: 'x', email: 'x@example.com' },
        updatedAt: '2026-03-02T10:00:00Z',
      },
    };
    await addBadJobs(queue, 'crm.sync-record', example, BAD_JOBS);

    const record = left.remote.person.put({ email: 'ada@example.com', title: 'CTO' });
    const intake = await engine.handleWebhook('people', 'left', left.webhookPayload('person', record.id));
    const settledJobs = await settled(queue, 'crm.sync-record');

    expect(settledJobs.counts.completed + settledJobs.counts.dead).toBeGreaterThanOrEqual(BAD_JOBS);
    expect(settledJobs.counts).toMatchObject({ waiting: 0, active: 0 });
    expect(intake).toBeDefined();
    const emails = right.remote.person.all().map((person) => person.email);
    expect(right.remote.person.all().map((person) => [person.email, person.title])).toContainEqual([
      'ada@example.com',
      'CTO',
    ]);
    // A malformed job must be dead-lettered, not applied: none may create a second record of an address.
    expect(emails.length).toBe(new Set(emails).size);
    figures.crmWorker = {
      badJobs: BAD_JOBS,
      // Bad jobs that completed (all but the webhook's own); none made a second record of an address.
      completed: settledJobs.counts.completed - intake.enqueued,
      deadLettered: settledJobs.dead.length,
      crashed: 0,
    };
    await queue.close();
  });
});
