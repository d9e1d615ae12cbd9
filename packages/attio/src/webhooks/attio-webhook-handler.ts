import { createHash } from 'node:crypto';
import {
  ConfigError,
  createMemoryStorage,
  createWebhookHandler,
  type WebhookDedupeOptions,
  type WebhookDelivery,
  type WebhookEventContext,
  type WebhookHandler,
  type WebhookHandlerOptions,
} from '@salesos/core';
import type { AttioSchemaCache } from '../schema-cache/attio-schema-cache.ts';
import {
  type AttioWebhookDelivery,
  type AttioWebhookEvent,
  parseAttioDelivery,
} from './attio-webhook-events.ts';
import { ATTIO_SIGNATURE_HEADERS, verifyAttioSignature } from './verify-attio-signature.ts';

/** A verified, parsed delivery with the id it is de-duplicated by. */
export interface AttioParsedDelivery extends AttioWebhookDelivery {
  /** The `Idempotency-Key` header (stable across Attio's retries), or a hash of the body when absent. */
  deliveryId: string;
}

/** What `onEvent` receives besides the event. */
export interface AttioWebhookEventContext extends WebhookEventContext {
  /** The whole delivery the event came in. */
  parsed: AttioParsedDelivery;
  /** Position of the event in the delivery. */
  index: number;
}

/** Options of `createAttioWebhookHandler`; the rest are core's `createWebhookHandler` options. */
export interface AttioWebhookHandlerOptions
  extends Omit<
    WebhookHandlerOptions<AttioParsedDelivery>,
    'verify' | 'parse' | 'deliveryId' | 'onEvent' | 'dedupe'
  > {
  /** The webhook's signing secret (shown once, by `webhooks.create`). */
  secret: string;
  /** Called for every event of a delivery, in order. */
  onEvent?:
    | ((event: AttioWebhookEvent, context: AttioWebhookEventContext) => void | Promise<void>)
    | undefined;
  /** Called once per delivery with all its events, before `onEvent`. */
  onDelivery?:
    | ((delivery: AttioParsedDelivery, context: WebhookEventContext) => void | Promise<void>)
    | undefined;
  /**
   * Where `Idempotency-Key`s are remembered so a redelivery is processed once. Default: an
   * in-memory storage (one process); pass durable storage to share it, or `false` to turn it off.
   */
  dedupe?: WebhookDedupeOptions | false | undefined;
  /** A schema cache (`client.schema`) to drop attributes from when `*-attribute.*` events arrive. */
  schema?: Pick<AttioSchemaCache, 'handleEvent'> | undefined;
}

const headerOf = (headers: Headers, names: readonly string[]): string | null => {
  for (const name of names) {
    const value = headers.get(name);
    if (value !== null && value !== '') return value;
  }
  return null;
};

/**
 * Creates a web-standard endpoint for Attio webhooks on core's `createWebhookHandler`: checks
 * `Attio-Signature`, parses the `{ webhook_id, events }` envelope, processes a delivery once
 * per `Idempotency-Key`, keeps the schema cache fresh, and hands the events to `onEvent` (each),
 * `onDelivery` (all at once) or a `queue` (the parsed delivery as the job, id = delivery id).
 *
 * @example
 * ```ts
 * import { Hono } from 'hono';
 * import { createAttioWebhookHandler } from '@salesos/attio';
 *
 * const handler = createAttioWebhookHandler({
 *   secret: process.env.ATTIO_WEBHOOK_SECRET ?? '',
 *   schema: attio.schema,
 *   onEvent: async (event) => {
 *     if (event.event_type === 'record.created') await sync(event.id.object_id, event.id.record_id);
 *   },
 * });
 * const app = new Hono();
 * app.post('/webhooks/attio', (context) => handler(context.req.raw));
 * ```
 */
export function createAttioWebhookHandler(options: AttioWebhookHandlerOptions): WebhookHandler {
  const { secret, onEvent, onDelivery, dedupe, schema, queue, ...rest } = options;
  if (typeof secret !== 'string' || secret === '') {
    throw new ConfigError(
      'createAttioWebhookHandler: "secret" is required (the webhook secret from webhooks.create).',
    );
  }
  if (!queue && !onEvent && !onDelivery) {
    throw new ConfigError('createAttioWebhookHandler: give "onEvent", "onDelivery" or "queue".');
  }
  if (queue && (onEvent || onDelivery)) {
    throw new ConfigError('createAttioWebhookHandler: give "queue" or the callbacks, not both.');
  }

  const verify = (delivery: WebhookDelivery) =>
    verifyAttioSignature({
      payload: delivery.body,
      signature: headerOf(delivery.headers, ATTIO_SIGNATURE_HEADERS),
      secret,
    });

  const parse = async (delivery: WebhookDelivery): Promise<AttioParsedDelivery> => {
    const parsed = parseAttioDelivery(delivery.text);
    const deliveryId =
      headerOf(delivery.headers, ['idempotency-key']) ??
      createHash('sha256').update(delivery.body).digest('hex');
    // Dropping stale schema is idempotent, so it is safe before de-duplication.
    if (schema) for (const event of parsed.events) await schema.handleEvent(event);
    return { ...parsed, deliveryId };
  };

  const handOver = queue
    ? { queue }
    : {
        onEvent: async (parsed: AttioParsedDelivery, context: WebhookEventContext) => {
          await onDelivery?.(parsed, context);
          if (!onEvent) return;
          for (const [index, event] of parsed.events.entries())
            await onEvent(event, { ...context, parsed, index });
        },
      };

  return createWebhookHandler<AttioParsedDelivery>({
    ...rest,
    ...handOver,
    verify,
    parse,
    deliveryId: (parsed) => parsed.deliveryId,
    ...(dedupe === false ? {} : { dedupe: dedupe ?? { storage: createMemoryStorage() } }),
  });
}
