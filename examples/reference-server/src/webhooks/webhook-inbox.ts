import { randomUUID } from 'node:crypto';
import type { Job, JobOptions, Key, ProcessOptions, Queue, Storage } from '@salesos/core';

/** What an inbox job carries in the queue: the id of its payload in the inbox, nothing else. */
interface InboxJobData {
  inbox: string;
}

/** A payload waiting in the inbox, as `entries()` lists it. */
export interface InboxEntry {
  /** The job name (`webhooks.salesloft`). */
  name: string;
  /** The job id (the webhook's delivery id). */
  id: string;
  /** The payload as the webhook handler queued it. */
  data: unknown;
}

/** Keeps webhook payloads apart from the queue until they are processed. */
export interface WebhookInbox {
  /**
   * A `Queue` to give a webhook handler: `add` keeps the payload in the inbox and queues only
   * its id. Every other method is the underlying queue's.
   */
  readonly queue: Queue;
  /**
   * Runs `handler` on each payload of `name`, then removes the payload from the inbox. A job
   * whose payload is gone (erased by a data subject request) completes without running.
   */
  process<Data>(
    name: string,
    handler: (data: Data, job: Job<InboxJobData>) => Promise<void>,
    options?: ProcessOptions,
  ): void;
  /** The payloads still waiting (queued, running, or dead-lettered). */
  entries(): AsyncIterable<InboxEntry>;
  /** Removes a waiting payload; its job then completes without running. */
  remove(name: string, id: string): Promise<void>;
}

/**
 * Creates the inbox of one tenant's webhooks, under `[...prefix, name, jobId]` of `storage`.
 * Webhook payloads carry personal data (addresses, names); queues keep job data after the job
 * completes (for idempotency) where only the queue's own API could reach it. Keeping payloads in
 * the inbox and only their ids in the queue means a payload lives until it is processed, and a
 * data subject request can find and erase one that waits.
 *
 * @example
 * ```ts
 * const inbox = createWebhookInbox({ storage, queue, prefix: ['tenant', 'acme', 'inbox'] });
 * const handler = createSalesloftWebhookHandler({ secret, queue: inbox.queue, queueName: 'webhooks.salesloft' });
 * inbox.process<SalesloftEvent>('webhooks.salesloft', (event) => intake.handle(event));
 * ```
 */
export function createWebhookInbox(options: { storage: Storage; queue: Queue; prefix: Key }): WebhookInbox {
  const { storage, queue, prefix } = options;
  const keyOf = (name: string, id: string): Key => [...prefix, name, id];

  const inboxQueue: Queue = {
    async add<Data>(name: string, data: Data, jobOptions: JobOptions = {}) {
      const id = jobOptions.jobId ?? randomUUID();
      const key = keyOf(name, id);
      // A payload already waiting for this job id stays as it is.
      const created = (await storage.atomic().check({ key, versionstamp: null }).set(key, data).commit()).ok;
      const added = await queue.add<InboxJobData>(name, { inbox: id }, { ...jobOptions, jobId: id });
      // The queue knew the job and its payload was gone: it was processed (or erased) before.
      if (!added.added && created) await storage.delete(key);
      return added;
    },
    process: (name, handler, processOptions) => queue.process(name, handler, processOptions),
    deadLetters: (name) => queue.deadLetters(name),
    retry: (jobId) => queue.retry(jobId),
    counts: (name) => queue.counts(name),
    onIdle: (name) => queue.onIdle(name),
    close: (closeOptions) => queue.close(closeOptions),
  };

  return {
    queue: inboxQueue,

    process(name, handler, processOptions) {
      queue.process<InboxJobData>(
        name,
        async (job) => {
          const id = typeof job.data?.inbox === 'string' ? job.data.inbox : job.id;
          const entry = await storage.get(keyOf(name, id));
          if (entry.versionstamp === null) return;
          await handler(entry.value as never, job);
          await storage.delete(keyOf(name, id));
        },
        processOptions,
      );
    },

    async *entries() {
      for await (const entry of storage.list({ prefix })) {
        const name = entry.key[prefix.length];
        const id = entry.key[prefix.length + 1];
        if (typeof name === 'string' && typeof id === 'string') yield { name, id, data: entry.value };
      }
    },

    async remove(name, id) {
      await storage.delete(keyOf(name, id));
    },
  };
}
