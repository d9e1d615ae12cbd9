import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createMemoryQueue,
  createMemoryStorage,
  createStorageQueue,
  type Queue,
  type Storage,
} from '@salesos/core';
import { spawnWorker, type WorkerProcess } from '@salesos/core/testing';
import { createPostgresStorage } from '@salesos/postgres';
import { createBullmqQueue } from '@salesos/redis';
import {
  createSequenceEngine,
  type Enrollment,
  type SequenceDefinitionInput,
  type StepExecution,
} from '@salesos/sequences';
import { createSqliteStorage } from '@salesos/sqlite';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import {
  deleteRedisKeys,
  dropSchema,
  TEST_POSTGRES_URL,
  TEST_REDIS_URL,
  uniquePrefix,
  uniqueSchema,
} from '../support/backends.ts';
import { CRASH_UNSUBSCRIBE, createDurableMailProvider, type Delivery } from '../support/crash-work.ts';
import { recordFigures } from '../support/figures.ts';
import type { SequenceWorkerMessage, SequenceWorkerSettings } from '../support/workers/sequence-worker.ts';

const PEOPLE = 30;
const RANDOM_CRASHES = 3;
const script = new URL('../support/workers/sequence-worker.ts', import.meta.url);
const directory = mkdtempSync(join(tmpdir(), 'salesos-sequence-crash-'));
const workers: WorkerProcess<SequenceWorkerMessage>[] = [];

afterEach(async () => {
  await Promise.all(workers.splice(0).map((worker) => worker.kill()));
});
const schema = uniqueSchema('sequence_crash');
const prefix = uniquePrefix('sequence-crash');
afterAll(async () => {
  rmSync(directory, { recursive: true, force: true });
  await dropSchema(schema);
  await deleteRedisKeys(prefix);
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const definition: SequenceDefinitionInput = {
  id: 'outreach',
  steps: [
    { type: 'email', subject: 'Hello {{first_name|there}}', body: '<p>Hi {{first_name|there}}</p>' },
    { type: 'email', replyInThread: true, body: '<p>Following up</p>' },
    { type: 'email', subject: 'Last note for {{first_name|you}}', body: '<p>Bye</p>' },
  ],
  settings: {
    sendWindow: { days: ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'], start: '00:00', end: '24:00' },
  },
};

async function enrolEveryone(storage: Storage, queue: Queue, worker: boolean) {
  const engine = createSequenceEngine({
    storage,
    queue,
    sender: createDurableMailProvider(storage),
    unsubscribe: CRASH_UNSUBSCRIBE,
    worker: worker ? { concurrency: 4 } : false,
  });
  await engine.define({ tenantId: 'acme', definition });
  for (let index = 0; index < PEOPLE; index += 1) {
    await engine.enroll({
      tenantId: 'acme',
      sequenceId: 'outreach',
      person: { id: `p${index}`, email: `person${index}@prospect.test`, firstName: `Name${index}` },
      mailbox: { email: 'rep@acme.test' },
    });
  }
}

async function listValues<T>(storage: Storage, prefix: (string | number)[]): Promise<T[]> {
  const values: T[] = [];
  for await (const entry of storage.list<T>({ prefix })) values.push(entry.value);
  return values;
}

/** What a run leaves, without the random enrolment ids: per address, its emails and final status. */
async function endState(storage: Storage) {
  const enrollments = await listValues<Enrollment>(storage, ['sequences', 'acme', 'enrollment']);
  const deliveries = await listValues<Delivery>(storage, ['mail-provider', 'delivered']);
  const byEnrollment = new Map(enrollments.map((enrollment) => [enrollment.id, enrollment]));
  const people: Record<string, { status: string; reason: unknown; emails: string[] }> = {};
  for (const enrollment of enrollments) {
    people[enrollment.email ?? ''] = { status: enrollment.status, reason: enrollment.reason, emails: [] };
  }
  for (const delivery of [...deliveries].sort((left, right) => left.stepIndex - right.stepIndex)) {
    const enrollment = byEnrollment.get(delivery.enrollmentId);
    people[enrollment?.email ?? 'unknown']?.emails.push(
      `${delivery.stepIndex}:${delivery.to}:${delivery.subject}`,
    );
  }
  return people;
}

async function uninterruptedRun() {
  const storage = createMemoryStorage();
  const queue = createMemoryQueue();
  await enrolEveryone(storage, queue, true);
  await queue.onIdle();
  await queue.close();
  return endState(storage);
}

function start(settings: SequenceWorkerSettings) {
  const worker = spawnWorker<SequenceWorkerMessage>(script, settings);
  workers.push(worker);
  return worker;
}

interface Backend {
  label: string;
  scenario: string;
  open(): { storage: Storage; queue: Queue; settings: SequenceWorkerSettings; close(): Promise<void> };
}

const backends: Backend[] = [
  {
    label: 'SQLite and the storage queue',
    scenario: 'sequence-crash-sqlite',
    open() {
      const path = join(directory, 'sequences.db');
      const storage = createSqliteStorage({ path });
      const queue = createStorageQueue(storage);
      return {
        storage,
        queue,
        settings: { backend: 'sqlite', path, leaseMs: 500, holdAfterFirstDelivery: false },
        close: () => storage.close(),
      };
    },
  },
  {
    label: 'PostgreSQL and BullMQ',
    scenario: 'sequence-crash-postgres-bullmq',
    open() {
      const storage = createPostgresStorage({
        connectionString: TEST_POSTGRES_URL,
        schema,
        maxConnections: 4,
        synchronousCommit: false,
      });
      const queue = createBullmqQueue({ connection: TEST_REDIS_URL, prefix });
      return {
        storage,
        queue,
        settings: {
          backend: 'postgres-bullmq',
          connectionString: TEST_POSTGRES_URL,
          schema,
          redisUrl: TEST_REDIS_URL,
          prefix,
          leaseMs: 500,
          holdAfterFirstDelivery: false,
        },
        close: async () => {
          await queue.close();
          await storage.close();
        },
      };
    },
  },
];

describe('a sequence run killed with SIGKILL and restarted', () => {
  for (const backend of backends) {
    it(`sends every email once and ends as an uninterrupted run does, on ${backend.label}`, async () => {
      const expected = await uninterruptedRun();
      const { storage, queue, settings, close } = backend.open();
      await enrolEveryone(storage, queue, false);

      // First crash: right after an email left the provider, before the engine recorded it.
      const first = start({ ...settings, holdAfterFirstDelivery: true });
      await first.waitFor((message) => message.type === 'delivered');
      await first.kill();
      // Second crash: after an enrolment's next step was committed, before its job was queued.
      const marker = join(directory, `${backend.scenario}.frozen`);
      const second = start({ ...settings, freezeAfterCommit: marker });
      await second.waitFor((message) => message.type === 'ready');
      while (!existsSync(marker)) await sleep(10);
      await second.kill();
      // Then at random points.
      for (let crash = 0; crash < RANDOM_CRASHES; crash += 1) {
        const worker = start(settings);
        await worker.waitFor((message) => message.type === 'ready');
        await sleep(50 + Math.random() * 250);
        await worker.kill();
      }
      const last = start(settings);
      await last.waitFor((message) => message.type === 'ready');
      last.child.send({ type: 'drain' });
      const drained = await last.waitFor((message) => message.type === 'drained', 100_000);
      await last.exited();

      const deliveries = await listValues<Delivery>(storage, ['mail-provider', 'delivered']);
      const steps = new Set(deliveries.map((delivery) => `${delivery.enrollmentId}:${delivery.stepIndex}`));
      const calls = (await storage.get<number>(['mail-provider', 'calls'])).value ?? 0;
      const executions = await listValues<StepExecution>(storage, ['sequences', 'acme', 'execution']);

      expect(await endState(storage)).toEqual(expected);
      expect(deliveries).toHaveLength(PEOPLE * 3);
      expect(steps.size).toBe(PEOPLE * 3);
      expect(calls).toBeGreaterThan(deliveries.length); // the provider was asked again after a crash…
      expect(executions.every((execution) => execution.state === 'done')).toBe(true); // …and answered once
      expect(await endState(storage)).toEqual(expected);
      recordFigures(backend.scenario, {
        crashes: 2 + RANDOM_CRASHES,
        recoveriesWhileDraining: drained.type === 'drained' ? drained.recoveries : undefined,
        enrolments: PEOPLE,
        emailsSent: deliveries.length,
        senderCalls: calls,
        sentTwice: deliveries.length - steps.size,
        lost: PEOPLE * 3 - steps.size,
      });
      await close();
    }, 150_000);
  }
});
