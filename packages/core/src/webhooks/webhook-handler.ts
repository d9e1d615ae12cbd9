import { createHash, randomUUID } from 'node:crypto';
import { type Clock, systemClock } from '../clock/clock.ts';
import { ConfigError } from '../errors/client-errors.ts';
import { errorMessage } from '../internal/error-message.ts';
import { type Logger, noopLogger } from '../logger/logger.ts';
import type { Queue } from '../queue/queue.ts';
import type { Key, Storage } from '../storage/storage.ts';
import { validateKey } from '../storage/validate-key.ts';

/** A webhook delivery as `verify` and `parse` see it. */
export interface WebhookDelivery {
  /** The raw body bytes, exactly as received (sign and verify over these). */
  readonly body: Uint8Array;
  /** The body decoded as UTF-8. */
  readonly text: string;
  /** The request headers. */
  readonly headers: Headers;
  /** The request itself (its body has been read). */
  readonly request: Request;
}

/** Where and how long delivery ids are remembered, so a redelivery is not processed twice. */
export interface WebhookDedupeOptions {
  /** Storage for the delivery ids (scope it per tenant with `scopeStorage`). */
  storage: Storage;
  /** How long a delivery id is remembered, in milliseconds. Default 7 days. */
  ttlMs?: number;
  /** Key prefix of the remembered ids. Default `['webhooks', 'deliveries']`. */
  prefix?: Key;
  /**
   * How long a delivery being handed over blocks a concurrent duplicate (answered `409` so
   * the sender retries later), in milliseconds. Default 60 000.
   */
  claimTtlMs?: number;
}

/** What `onEvent` receives besides the event. */
export interface WebhookEventContext {
  /** The delivery id, when one was found. */
  deliveryId: string | undefined;
  /** The delivery the event was parsed from. */
  delivery: WebhookDelivery;
}

/** Options of `createWebhookHandler`. Give `queue` or `onEvent`, not both. */
export interface WebhookHandlerOptions<Event> {
  /**
   * Answers whether the delivery is authentic (usually with `verifyHmacSignature`). `false`
   * or a throw answers `401`.
   */
  verify: (delivery: WebhookDelivery) => boolean | Promise<boolean>;
  /** Turns the body into an event. A throw answers `400`. */
  parse: (delivery: WebhookDelivery) => Event | Promise<Event>;
  /**
   * The delivery's unique id, used to de-duplicate and as the queue `jobId`. Default: the
   * event's `id` property when it is a string or a number.
   */
  deliveryId?: (event: Event, delivery: WebhookDelivery) => string | undefined;
  /** Remember delivery ids in Storage and answer `200` to a repeated delivery without processing it. */
  dedupe?: WebhookDedupeOptions;
  /** Hand each event to this queue (answer `202`); the job id is the delivery id. */
  queue?: Queue;
  /** Job name used with `queue`. Default `'webhook'`. */
  queueName?: string;
  /** Process each event before answering (answer `200`). */
  onEvent?: (event: Event, context: WebhookEventContext) => void | Promise<void>;
  /** Largest accepted body, in bytes; larger answers `413`. Default 1 MiB. */
  maxBodyBytes?: number;
  /** Where rejected and failed deliveries are logged (never with bodies or headers). Default: no logging. */
  logger?: Logger;
  /** Time source of the dedupe records. Default `systemClock`. */
  clock?: Clock;
}

/** A web-standard request handler: mount it in Hono, Next.js, Deno, Bun or `node:http` adapters. */
export type WebhookHandler = (request: Request) => Promise<Response>;

/** Default largest body: 1 MiB. */
export const DEFAULT_MAX_WEBHOOK_BODY_BYTES = 1024 * 1024;

const DAY_MS = 24 * 60 * 60 * 1000;

interface DedupeRecord {
  state: 'processing' | 'done';
  at: number;
}

class BodyTooLarge extends Error {}

const reply = (
  status: number,
  body: Record<string, unknown>,
  headers: Record<string, string> = {},
): Response =>
  new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json; charset=utf-8', ...headers },
  });

const failure = (status: number, code: string, message: string, headers?: Record<string, string>) =>
  reply(status, { error: { code, message } }, headers);

async function readBody(request: Request, maxBytes: number): Promise<Uint8Array> {
  const declared = request.headers.get('content-length');
  if (declared !== null && /^\d+$/.test(declared.trim()) && Number(declared) > maxBytes)
    throw new BodyTooLarge();
  if (request.body === null) return new Uint8Array(0);
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel().catch(() => undefined);
      throw new BodyTooLarge();
    }
    chunks.push(value);
  }
  const body = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    body.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return body;
}

const defaultDeliveryId = (event: unknown): string | undefined => {
  if (typeof event !== 'object' || event === null) return undefined;
  const id = (event as { id?: unknown }).id;
  if (typeof id === 'string' && id.length > 0) return id;
  if (typeof id === 'number' && Number.isFinite(id)) return String(id);
  return undefined;
};

/**
 * Creates a web-standard webhook endpoint: reads the body with a size limit, verifies it,
 * parses it, drops repeated deliveries, and hands each event over durably before answering.
 *
 * | answer | when |
 * | --- | --- |
 * | `202` | the event was added to `queue` (job id = delivery id) |
 * | `200` | `onEvent` finished, or the delivery was seen before (`status: 'duplicate'`) |
 * | `400` | `parse` threw: the body is not a valid event |
 * | `401` | `verify` answered `false` or threw |
 * | `405` | the method is not `POST` |
 * | `409` | the same delivery is being handed over right now; the sender should retry |
 * | `413` | the body is larger than `maxBodyBytes` |
 * | `500` | handing over failed; the delivery is not marked as seen, so a redelivery is processed |
 *
 * The handler never throws: every failure becomes an answer.
 *
 * @example
 * ```ts
 * const handler = createWebhookHandler({
 *   verify: ({ body, headers }) =>
 *     verifyHmacSignature({ payload: body, signature: headers.get('x-signature') ?? '', secret, algorithm: 'sha256', encoding: 'hex' }),
 *   parse: ({ text }) => JSON.parse(text) as { id: string; type: string },
 *   dedupe: { storage },
 *   queue,
 *   queueName: 'crm-webhook',
 * });
 * app.post('/webhooks/crm', (context) => handler(context.req.raw));
 * ```
 */
export function createWebhookHandler<Event>(options: WebhookHandlerOptions<Event>): WebhookHandler {
  if (typeof options.verify !== 'function')
    throw new ConfigError('createWebhookHandler: verify must be a function.');
  if (typeof options.parse !== 'function')
    throw new ConfigError('createWebhookHandler: parse must be a function.');
  if ((options.queue === undefined) === (options.onEvent === undefined)) {
    throw new ConfigError('createWebhookHandler: give exactly one of queue and onEvent.');
  }
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_WEBHOOK_BODY_BYTES;
  if (!Number.isInteger(maxBodyBytes) || maxBodyBytes < 1) {
    throw new ConfigError('createWebhookHandler: maxBodyBytes must be a positive integer.');
  }
  const dedupe = options.dedupe;
  const dedupePrefix = dedupe?.prefix ?? ['webhooks', 'deliveries'];
  validateKey(dedupePrefix, { allowEmpty: true, label: 'dedupe prefix' });
  const ttlMs = dedupe?.ttlMs ?? 7 * DAY_MS;
  const claimTtlMs = dedupe?.claimTtlMs ?? 60_000;
  const queueName = options.queueName ?? 'webhook';
  const logger = options.logger ?? noopLogger;
  const clock = options.clock ?? systemClock;

  type Claim = { outcome: 'claimed' } | { outcome: 'duplicate' } | { outcome: 'in-progress' };

  const claim = async (storage: Storage, key: Key): Promise<Claim> => {
    for (let attempt = 0; attempt < 3; attempt += 1) {
      const record: DedupeRecord = { state: 'processing', at: clock.now() };
      const result = await storage
        .atomic()
        .check({ key, versionstamp: null })
        .set(key, record, { expireIn: claimTtlMs })
        .commit();
      if (result.ok) return { outcome: 'claimed' };
      const existing = await storage.get<DedupeRecord>(key);
      if (existing.value?.state === 'done') return { outcome: 'duplicate' };
      if (existing.value !== null) return { outcome: 'in-progress' };
    }
    return { outcome: 'in-progress' };
  };

  const handle = async (request: Request): Promise<Response> => {
    if (request.method !== 'POST') {
      return failure(405, 'method_not_allowed', 'Webhooks are delivered with POST.', { allow: 'POST' });
    }
    let body: Uint8Array;
    try {
      body = await readBody(request, maxBodyBytes);
    } catch (error) {
      if (error instanceof BodyTooLarge) {
        logger.warn({ webhook: 'rejected', status: 413, maxBodyBytes }, 'Webhook body too large.');
        return failure(413, 'payload_too_large', `The body is larger than ${maxBodyBytes} bytes.`);
      }
      logger.warn(
        { webhook: 'rejected', status: 400, error: errorMessage(error) },
        'Could not read the webhook body.',
      );
      return failure(400, 'unreadable_body', 'The body could not be read.');
    }
    const delivery: WebhookDelivery = {
      body,
      text: new TextDecoder().decode(body),
      headers: request.headers,
      request,
    };

    let verified = false;
    try {
      verified = (await options.verify(delivery)) === true;
    } catch (error) {
      logger.warn(
        { webhook: 'rejected', status: 401, error: errorMessage(error) },
        'Webhook verification threw.',
      );
    }
    if (!verified) {
      logger.warn({ webhook: 'rejected', status: 401 }, 'Webhook signature verification failed.');
      return failure(401, 'invalid_signature', 'The webhook signature could not be verified.');
    }

    let event: Event;
    try {
      event = await options.parse(delivery);
    } catch (error) {
      logger.warn(
        { webhook: 'rejected', status: 400, error: errorMessage(error) },
        'Webhook body could not be parsed.',
      );
      return failure(400, 'invalid_body', 'The body is not a valid event.');
    }

    let deliveryId: string | undefined;
    try {
      deliveryId = options.deliveryId ? options.deliveryId(event, delivery) : defaultDeliveryId(event);
    } catch (error) {
      logger.warn(
        { webhook: 'rejected', status: 400, error: errorMessage(error) },
        'Could not read the delivery id.',
      );
      return failure(400, 'invalid_body', 'The event has no readable delivery id.');
    }
    // Ids become storage keys and job ids: one that is not valid Unicode (or is huge) is stored by its hash.
    if (deliveryId !== undefined && (!deliveryId.isWellFormed() || deliveryId.length > 200)) {
      deliveryId = `sha256:${createHash('sha256').update(deliveryId, 'utf16le').digest('hex')}`;
    }
    const dedupeKey = dedupe && deliveryId !== undefined ? [...dedupePrefix, deliveryId] : undefined;
    if (dedupe && dedupeKey === undefined) {
      logger.warn(
        { webhook: 'no_delivery_id' },
        'Webhook event has no delivery id; it cannot be de-duplicated.',
      );
    }

    if (dedupe && dedupeKey) {
      const claimed = await claim(dedupe.storage, dedupeKey);
      if (claimed.outcome === 'duplicate') return reply(200, { status: 'duplicate', id: deliveryId });
      if (claimed.outcome === 'in-progress') {
        return failure(409, 'in_progress', 'This delivery is being handled right now; retry later.', {
          'retry-after': String(Math.ceil(claimTtlMs / 1000)),
        });
      }
    }

    let answer: Response;
    try {
      if (options.queue) {
        const added = await options.queue.add(queueName, event, { jobId: deliveryId ?? randomUUID() });
        answer = reply(added.added ? 202 : 200, {
          status: added.added ? 'accepted' : 'duplicate',
          id: added.id,
        });
      } else {
        await options.onEvent?.(event, { deliveryId, delivery });
        answer = reply(200, { status: 'processed', id: deliveryId ?? null });
      }
    } catch (error) {
      logger.error(
        { webhook: 'failed', status: 500, id: deliveryId, error: errorMessage(error) },
        'Webhook hand-over failed.',
      );
      if (dedupe && dedupeKey) {
        // Forget the claim so the sender's redelivery is processed.
        await dedupe.storage
          .delete(dedupeKey)
          .catch((cleanupError: unknown) =>
            logger.error(
              { webhook: 'failed', id: deliveryId, error: errorMessage(cleanupError) },
              'Could not release the delivery claim.',
            ),
          );
      }
      return failure(500, 'handover_failed', 'The event could not be handed over; retry the delivery.');
    }

    if (dedupe && dedupeKey) {
      const record: DedupeRecord = { state: 'done', at: clock.now() };
      await dedupe.storage
        .set(dedupeKey, record, { expireIn: ttlMs })
        .catch((error: unknown) =>
          logger.warn(
            { webhook: 'dedupe', id: deliveryId, error: errorMessage(error) },
            'Could not remember the delivery.',
          ),
        );
    }
    return answer;
  };

  return async (request) => {
    try {
      return await handle(request);
    } catch (error) {
      logger.error({ webhook: 'failed', status: 500, error: errorMessage(error) }, 'Webhook handler failed.');
      return failure(500, 'internal_error', 'The webhook could not be handled; retry the delivery.');
    }
  };
}
