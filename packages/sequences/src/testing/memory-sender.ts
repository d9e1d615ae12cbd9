import type { Clock } from '@salesos/core';
import { systemClock } from '@salesos/core';
import type { ChannelContext, EmailSender, OutgoingEmail, SentEmail } from '../engine/types.ts';

/** An email the memory sender delivered. */
export interface DeliveredEmail {
  email: OutgoingEmail;
  result: SentEmail;
  /** Epoch milliseconds of the delivery. */
  at: number;
}

/** Options of `createMemorySender`. */
export interface MemorySenderOptions {
  /** Time source of `DeliveredEmail.at`. Default: the system clock. */
  clock?: Clock;
  /**
   * Called after an email is delivered and before `send` answers; throwing from it simulates a
   * worker that dies between sending and recording (the email is out, the caller sees an error).
   */
  afterDeliver?: (delivered: DeliveredEmail) => Promise<void> | void;
}

/** An `EmailSender` that keeps emails in memory and honours idempotency keys. */
export interface MemorySender extends EmailSender {
  /** Every email actually delivered, in order: one per idempotency key. */
  readonly delivered: readonly DeliveredEmail[];
  /** Every call of `send`, repeats included. */
  readonly calls: readonly OutgoingEmail[];
  /** Deliveries to one address. */
  deliveredTo(address: string): DeliveredEmail[];
}

/**
 * An in-memory `EmailSender` for tests and demos. A repeated idempotency key answers the
 * first result without delivering again, as real senders must. Thread ids are the message id
 * of the first email of a thread.
 *
 * @example
 * ```ts
 * const sender = createMemorySender({ clock });
 * const engine = createSequenceEngine({ storage, queue, sender, clock, unsubscribe });
 * // … run the sequence …
 * expect(sender.delivered.map(({ email }) => email.subject)).toEqual(['Hi Ada', 'Re: Hi Ada']);
 * ```
 */
export function createMemorySender(options: MemorySenderOptions = {}): MemorySender {
  const clock = options.clock ?? systemClock;
  const delivered: DeliveredEmail[] = [];
  const calls: OutgoingEmail[] = [];
  const byKey = new Map<string, SentEmail>();
  let counter = 0;
  return {
    delivered,
    calls,
    deliveredTo: (address) =>
      delivered.filter(({ email }) => email.to.email.toLowerCase() === address.toLowerCase()),
    async send(email: OutgoingEmail, _context: ChannelContext) {
      calls.push(email);
      const known = byKey.get(email.idempotencyKey);
      if (known) return known;
      counter += 1;
      const messageId = `<m${counter}@memory.sender>`;
      const result: SentEmail = { messageId, threadId: email.threadId ?? messageId };
      byKey.set(email.idempotencyKey, result);
      const record: DeliveredEmail = { email, result, at: clock.now() };
      delivered.push(record);
      await options.afterDeliver?.(record);
      return result;
    },
  };
}
