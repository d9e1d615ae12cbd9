import { createMemoryQueue, createMemoryStorage, type Storage } from '@salesos/core';
import { createSequenceEngine, scheduleStep } from '@salesos/sequences';
import { createMemorySender } from '@salesos/sequences/testing';
import type { BenchRow } from './run.ts';

const unsubscribe = { secret: 'bench-unsubscribe-secret-0123', url: 'https://example.com/unsubscribe' };
const mailbox = { email: 'rep@seller.example', name: 'Rep', timeZone: 'America/New_York' };
const zones = [
  'America/Los_Angeles',
  'America/New_York',
  'Europe/London',
  'Europe/Berlin',
  'Asia/Tokyo',
  'Australia/Sydney',
];
const everyDay = {
  days: ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const,
  start: '00:00',
  end: '24:00',
};

const heapMb = () => process.memoryUsage().heapUsed / 1024 / 1024;

/** An indexed store for the 100k run (SQLite in memory) when its package is built, else core's memory storage. */
async function largeStorage(): Promise<{ storage: Storage; label: string }> {
  try {
    const { createSqliteStorage } = (await import('@salesos/sqlite')) as {
      createSqliteStorage: (options: { path: string }) => Storage;
    };
    return { storage: createSqliteStorage({ path: ':memory:' }), label: 'sqlite' };
  } catch {
    return { storage: createMemoryStorage(), label: 'memory' };
  }
}

export async function run(report: (row: BenchRow) => void): Promise<void> {
  // scheduleStep alone: business days, window hours, holidays and time zones.
  {
    const window = { days: ['mon', 'tue', 'wed', 'thu', 'fri'] as const, start: '09:00', end: '17:00' };
    const holidays = ['2026-01-01', '2026-01-19', '2026-05-25', '2026-07-03', '2026-11-26', '2026-12-25'];
    const count = 200_000;
    const start = Date.UTC(2026, 0, 1);
    const started = performance.now();
    for (let index = 0; index < count; index += 1) {
      scheduleStep({
        from: start + index * 97_000,
        delay: { businessDays: index % 4, hours: index % 3 },
        window,
        timeZone: zones[index % zones.length] as string,
        holidays,
      });
    }
    const perSecond = count / ((performance.now() - started) / 1000);
    report({
      name: 'scheduleStep',
      value: Math.round(perSecond),
      unit: 'calls/s',
      target: '>= 100000',
      ok: perSecond >= 100_000,
    });
  }

  // Enrol and schedule 100 000 people: every one becomes a delayed job on the memory queue.
  {
    const { storage, label } = await largeStorage();
    const queue = createMemoryQueue();
    const engine = createSequenceEngine({
      storage,
      queue,
      sender: createMemorySender(),
      unsubscribe,
      worker: false,
    });
    await engine.define({
      tenantId: 'bench',
      definition: {
        id: 'outbound',
        steps: [
          {
            type: 'email',
            subject: 'Hi {{first_name|there}}',
            body: '<p>Hello {{first_name|there}}</p>',
            delay: { businessDays: 1 },
          },
          { type: 'email', replyInThread: true, delay: { businessDays: 2 }, body: '<p>Following up</p>' },
        ],
        settings: { holidays: ['2026-12-25'], mailboxCaps: { daily: 1000 } },
      },
    });
    const count = 100_000;
    const heapBefore = heapMb();
    const started = performance.now();
    for (let index = 0; index < count; index += 1) {
      await engine.enroll({
        tenantId: 'bench',
        sequenceId: 'outbound',
        person: {
          id: `p${index}`,
          email: `p${index}@prospect.example`,
          firstName: `P${index}`,
          timeZone: zones[index % zones.length],
        },
        mailbox,
      });
    }
    const seconds = (performance.now() - started) / 1000;
    const perSecond = count / seconds;
    report({
      name: `enrol + schedule 100k enrolments (${label} storage)`,
      value: Math.round(seconds * 10) / 10,
      unit: 's',
    });
    report({
      name: 'enrolments scheduled',
      value: Math.round(perSecond),
      unit: 'enrolments/s',
      target: '>= 2000',
      ok: perSecond >= 2000,
    });
    report({
      name: 'heap for 100k scheduled enrolments',
      value: Math.round(heapMb() - heapBefore),
      unit: 'MB',
      target: '<= 1024',
      ok: heapMb() - heapBefore <= 1024,
    });
    const counts = await queue.counts('sequences.step');
    report({
      name: 'delayed step jobs',
      value: counts.delayed + counts.waiting,
      unit: 'jobs',
      target: '= 100000',
      ok: counts.delayed + counts.waiting === count,
    });
    await queue.close({ timeoutMs: 0 });
    await storage.close();
  }

  // Due-step throughput: 10 000 steps already due, run by one worker on the memory queue.
  {
    const storage = createMemoryStorage();
    const queue = createMemoryQueue();
    const sender = createMemorySender();
    const enrolOnly = createSequenceEngine({ storage, queue, sender, unsubscribe, worker: false });
    await enrolOnly.define({
      tenantId: 'bench',
      definition: {
        id: 'now',
        steps: [
          {
            type: 'email',
            subject: 'Hi {{first_name|there}}',
            body: '<p><a href="https://seller.example">Hello</a></p>',
          },
        ],
        settings: { sendWindow: everyDay },
      },
    });
    const count = 10_000;
    for (let index = 0; index < count; index += 1) {
      await enrolOnly.enroll({
        tenantId: 'bench',
        sequenceId: 'now',
        person: { id: `p${index}`, email: `p${index}@prospect.example`, firstName: `P${index}` },
        mailbox,
      });
    }
    const started = performance.now();
    createSequenceEngine({ storage, queue, sender, unsubscribe, worker: { concurrency: 8 } });
    await queue.onIdle('sequences.step');
    const seconds = (performance.now() - started) / 1000;
    const perSecond = sender.delivered.length / seconds;
    report({
      name: 'due steps run (memory queue, concurrency 8)',
      value: Math.round(perSecond),
      unit: 'steps/s',
      target: '>= 1000',
      ok: perSecond >= 1000 && sender.delivered.length === count,
    });
    await queue.close();
  }
}
