import {
  ConfigError,
  createWebhookHandler,
  type WebhookHandler,
  type WebhookHandlerOptions,
} from '@salesos/core';
import { parseSalesloftEvent, type SalesloftEvent } from './parse-salesloft-event.ts';
import {
  SALESLOFT_EVENT_HEADER,
  SALESLOFT_SIGNATURE_HEADER,
  verifySalesloftSignature,
} from './verify-salesloft-signature.ts';

/** Options of `createSalesloftWebhookHandler`: core's handler options, with SalesLoft's verify and parse built in. */
export type SalesloftWebhookHandlerOptions = Omit<
  WebhookHandlerOptions<SalesloftEvent>,
  'verify' | 'parse'
> & {
  /**
   * The subscription's `callback_token`. Give several (one per subscription, or old and new
   * during a rotation) and a delivery signed with any of them is accepted.
   */
  secret: string | readonly string[];
};

/**
 * Creates a web-standard endpoint for SalesLoft webhooks on core's `createWebhookHandler`:
 * verifies `x-salesloft-signature` with the callback token, parses the record by
 * `x-salesloft-event` into a typed `SalesloftEvent`, drops redeliveries (with `dedupe`) and
 * hands each event to `onEvent` or a `queue`. Answers 401 for a bad signature, 400 for a
 * body that is not a SalesLoft event, 413 above `maxBodyBytes`.
 *
 * @example
 * ```ts
 * import { Hono } from 'hono';
 * import { createMemoryStorage } from '@salesos/core';
 * import { createSalesloftWebhookHandler } from '@salesos/salesloft';
 *
 * const handler = createSalesloftWebhookHandler({
 *   secret: process.env.SALESLOFT_WEBHOOK_TOKEN ?? '',
 *   dedupe: { storage: createMemoryStorage() },
 *   onEvent: async (event) => {
 *     if (event.category === 'person') console.log(event.type, event.data.email_address);
 *   },
 * });
 * const app = new Hono().post('/webhooks/salesloft', (context) => handler(context.req.raw));
 * ```
 */
export function createSalesloftWebhookHandler(options: SalesloftWebhookHandlerOptions): WebhookHandler {
  const { secret, ...handlerOptions } = options;
  const secrets = (typeof secret === 'string' ? [secret] : [...secret]).filter(
    (value) => typeof value === 'string' && value !== '',
  );
  if (secrets.length === 0) {
    throw new ConfigError(
      'createSalesloftWebhookHandler: "secret" is required: the callback_token of your webhook subscription.',
    );
  }
  return createWebhookHandler<SalesloftEvent>({
    ...handlerOptions,
    verify: ({ body, headers }) => {
      const signature = headers.get(SALESLOFT_SIGNATURE_HEADER);
      return secrets.some((candidate) =>
        verifySalesloftSignature({ payload: body, signature, secret: candidate }),
      );
    },
    parse: ({ text, headers }) =>
      parseSalesloftEvent({ payload: text, eventType: headers.get(SALESLOFT_EVENT_HEADER) }),
  });
}
