import { createHash } from 'node:crypto';
import { type Clock, ConfigError, type Key, type Storage, StorageError, systemClock } from '@salesos/core';
import type { ChannelContext, EmailSender, OutgoingEmail, SentEmail } from '../engine/types.ts';

/** An email as the recording sender keeps it: what the engine asked to send, and when. */
export interface RecordedEmail {
  /** The engine's key of this email (one step of one enrolment). */
  idempotencyKey: string;
  tenantId: string;
  /** The `Message-ID` the sender made up for it. */
  messageId: string;
  /** The thread it belongs to: the engine's `threadId`, or its own `messageId` for a first email. */
  threadId: string;
  /** The `In-Reply-To` message id of a follow-up, or `null`. */
  inReplyTo: string | null;
  /** Epoch milliseconds of the recording. */
  sentAt: number;
  from: { email: string; name?: string };
  to: { email: string; name?: string };
  subject: string;
  /** The rendered HTML body, tracking included. */
  html: string;
  /** The headers the engine asked to send (`List-Unsubscribe`, `List-Unsubscribe-Post`). */
  headers: Record<string, string>;
  /** Enrolment, sequence, step, person and variant of the email. */
  metadata: OutgoingEmail['metadata'];
  /** The one-click unsubscribe URL of the `List-Unsubscribe` header, or `null`. */
  unsubscribeUrl: string | null;
}

/** Options of `createRecordingSender`. */
export interface RecordingSenderOptions {
  /** Where the emails are recorded. */
  storage: Storage;
  /** First parts of every key; an email sits at `[...prefix, tenantId, idempotencyKey]`. Default `['outbox']`. */
  prefix?: Key;
  /** Source of `sentAt`. Default `systemClock`. */
  clock?: Clock;
  /** Domain of the made-up `Message-ID`s. Default `'mail.salesos.example'`. */
  messageIdDomain?: string;
  /**
   * Runs once per email, right after it is recorded (never for a repeated key). If it throws,
   * that `send` rejects; the engine's retry then answers the recorded email without calling it
   * again.
   */
  onRecorded?: (email: OutgoingEmail, recorded: RecordedEmail) => Promise<void> | void;
}

/** An `EmailSender` that records emails in a `Storage` instead of sending them. */
export interface RecordingSender extends EmailSender {
  /** The recorded emails of one tenant (or of every tenant), in idempotency-key order. */
  emails(tenantId?: string): AsyncIterable<RecordedEmail>;
  /** The email recorded under an idempotency key, or `null`. */
  get(tenantId: string, idempotencyKey: string): Promise<RecordedEmail | null>;
}

const sentOf = (recorded: RecordedEmail): SentEmail => ({
  messageId: recorded.messageId,
  threadId: recorded.threadId,
});

/** The first `https:`/`http:` URL of a `List-Unsubscribe` header (`<https://…>, <mailto:…>`). */
function unsubscribeUrlOf(headers: Record<string, string>): string | null {
  const name = Object.keys(headers).find((header) => header.toLowerCase() === 'list-unsubscribe');
  const value = name === undefined ? '' : (headers[name] ?? '');
  return /<(https?:[^>]+)>/.exec(value)?.[1] ?? null;
}

/**
 * Creates an `EmailSender` that records every email in `storage` instead of sending it: an
 * outbox for dry runs, demos and staging, where a sequence should run for real but no email
 * should leave. It honours the sender contract: a repeated idempotency key answers the first
 * result without recording again, also when two workers send the same key at once (the first
 * commit wins). Message ids are derived from the tenant and the key, so a run on a test clock
 * always gives the same ids.
 *
 * @example
 * ```ts
 * import { createRecordingSender, createSequenceEngine } from '@salesos/sequences';
 *
 * const outbox = createRecordingSender({ storage });
 * const engine = createSequenceEngine({ storage, queue, sender: outbox, unsubscribe });
 * // … enrol people, let the steps run …
 * for await (const email of outbox.emails('acme')) console.log(email.to.email, email.subject);
 * ```
 */
export function createRecordingSender(options: RecordingSenderOptions): RecordingSender {
  const { storage } = options;
  if (typeof storage?.atomic !== 'function') {
    throw new ConfigError(
      'createRecordingSender: storage must be a Storage (createMemoryStorage, SQLite, PostgreSQL…).',
    );
  }
  const prefix = options.prefix ?? ['outbox'];
  const clock = options.clock ?? systemClock;
  const domain = options.messageIdDomain ?? 'mail.salesos.example';
  const keyOf = (tenantId: string, idempotencyKey: string): Key => [...prefix, tenantId, idempotencyKey];

  return {
    async send(email: OutgoingEmail, _context?: ChannelContext): Promise<SentEmail> {
      const key = keyOf(email.tenantId, email.idempotencyKey);
      const known = await storage.get<RecordedEmail>(key);
      if (known.value) return sentOf(known.value);
      const digest = createHash('sha256')
        .update(JSON.stringify([email.tenantId, email.idempotencyKey]))
        .digest('hex')
        .slice(0, 24);
      const messageId = `<${digest}@${domain}>`;
      const recorded: RecordedEmail = {
        idempotencyKey: email.idempotencyKey,
        tenantId: email.tenantId,
        messageId,
        threadId: email.threadId ?? messageId,
        inReplyTo: email.inReplyTo ?? null,
        sentAt: clock.now(),
        from: email.from,
        to: email.to,
        subject: email.subject,
        html: email.html,
        headers: email.headers,
        metadata: email.metadata,
        unsubscribeUrl: unsubscribeUrlOf(email.headers),
      };
      const result = await storage.atomic().check({ key, versionstamp: null }).set(key, recorded).commit();
      if (!result.ok) {
        // Another worker recorded the same key first: its email is the one that counts.
        const first = await storage.get<RecordedEmail>(key);
        if (first.value) return sentOf(first.value);
        throw new StorageError(`The outbox could not record email "${email.idempotencyKey}"; try again.`);
      }
      await options.onRecorded?.(email, recorded);
      return sentOf(recorded);
    },

    async *emails(tenantId?: string) {
      const selector = { prefix: tenantId === undefined ? prefix : [...prefix, tenantId] };
      for await (const entry of storage.list<RecordedEmail>(selector)) yield entry.value;
    },

    async get(tenantId, idempotencyKey) {
      return (await storage.get<RecordedEmail>(keyOf(tenantId, idempotencyKey))).value;
    },
  };
}
