// The work of the crash tests, shared by the worker processes and the uninterrupted runs the
// tests compare them with. Only types are imported here, so worker processes can load it before
// the packages themselves.

import type { Job, Storage } from '@salesos/core';
import type { EmailSender, OutgoingEmail, SentEmail } from '@salesos/sequences';

/** The unsubscribe settings of the sequence engines of the crash test. */
export const CRASH_UNSUBSCRIBE = {
  secret: 'crash-test-unsubscribe-secret-0123456789',
  url: 'https://example.com/unsubscribe',
};

/** What one job of the queue crash test carries. */
export interface CrashJobData {
  n: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * One job of the queue crash test, written the way a handler on an at-least-once queue must
 * be: it counts its run, then applies its effect once (a re-run after a crash finds the effect
 * and changes nothing).
 */
export async function applyCrashJob(storage: Storage, job: Job<CrashJobData>): Promise<void> {
  await storage.atomic().sum(['runs', job.id], 1).commit();
  await sleep(Math.random() * 4);
  await storage
    .atomic()
    .check({ key: ['effect', job.id], versionstamp: null })
    .set(['effect', job.id], { id: job.id, square: job.data.n * job.data.n })
    .sum(['effect-count'], 1)
    .commit();
}

/** What the simulated mail provider keeps per delivered email. */
export interface Delivery {
  idempotencyKey: string;
  to: string;
  subject: string;
  enrollmentId: string;
  stepIndex: number;
  messageId: string;
}

/**
 * An email provider honouring idempotency keys, as the `EmailSender` contract asks: a second
 * send with a key already delivered answers the first result and delivers nothing. Deliveries
 * and calls live in `storage`, so they survive the crash of the process that sends.
 * `afterDeliver` runs once an email has left and before the engine hears of it.
 */
export function createDurableMailProvider(
  storage: Storage,
  afterDeliver?: (delivery: Delivery) => Promise<void>,
): EmailSender {
  return {
    async send(email: OutgoingEmail): Promise<SentEmail> {
      const key = ['mail-provider', 'delivered', email.idempotencyKey];
      await storage.atomic().sum(['mail-provider', 'calls'], 1).commit();
      const known = await storage.get<Delivery>(key);
      if (known.value) return { messageId: known.value.messageId };
      await sleep(Math.random() * 3);
      const delivery: Delivery = {
        idempotencyKey: email.idempotencyKey,
        to: email.to.email,
        subject: email.subject,
        enrollmentId: email.metadata.enrollmentId,
        stepIndex: email.metadata.stepIndex,
        messageId: `<${email.idempotencyKey}@provider.test>`,
      };
      const result = await storage.atomic().check(known).set(key, delivery).commit();
      if (!result.ok) {
        const stored = await storage.get<Delivery>(key);
        return { messageId: stored.value?.messageId ?? delivery.messageId };
      }
      await afterDeliver?.(delivery);
      return { messageId: delivery.messageId };
    },
  };
}
