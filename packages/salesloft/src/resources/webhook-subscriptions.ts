import type { HttpClient, Paginator } from '@salesos/core';
import { createRecordMethods } from '../internal/record-methods.ts';
import {
  type SalesloftWebhookSubscription,
  SalesloftWebhookSubscriptionSchema,
} from '../schemas/webhook-subscription.ts';
import type { SalesloftEventType } from '../webhooks/event-types.ts';
import type { SalesloftId, SalesloftRequestOptions } from './resource-context.ts';

/** Filters of `webhookSubscriptions.list`. The endpoint is not paged. */
export interface SalesloftWebhookSubscriptionsListParams {
  enabled?: boolean | undefined;
  signal?: AbortSignal | undefined;
}

/** Input of `webhookSubscriptions.create`. */
export interface SalesloftWebhookSubscriptionInput {
  event_type: SalesloftEventType | (string & {});
  callback_url: string;
  /** The shared secret deliveries are signed with (`x-salesloft-signature`). */
  callback_token: string;
}

/** Input of `webhookSubscriptions.update`. */
export interface SalesloftWebhookSubscriptionUpdate {
  enabled?: boolean | undefined;
  callback_url?: string | undefined;
}

/** `client.webhookSubscriptions`: where SalesLoft delivers events. */
export interface SalesloftWebhookSubscriptionsResource {
  list(params?: SalesloftWebhookSubscriptionsListParams): Paginator<SalesloftWebhookSubscription>;
  get(id: SalesloftId, options?: SalesloftRequestOptions): Promise<SalesloftWebhookSubscription>;
  create(
    input: SalesloftWebhookSubscriptionInput,
    options?: SalesloftRequestOptions,
  ): Promise<SalesloftWebhookSubscription>;
  update(
    id: SalesloftId,
    input: SalesloftWebhookSubscriptionUpdate,
    options?: SalesloftRequestOptions,
  ): Promise<SalesloftWebhookSubscription>;
  delete(id: SalesloftId, options?: SalesloftRequestOptions): Promise<void>;
}

/** Creates `client.webhookSubscriptions`. */
export function createWebhookSubscriptionsResource(http: HttpClient): SalesloftWebhookSubscriptionsResource {
  const subscriptions = createRecordMethods(http, {
    collectionPath: '/webhook_subscriptions',
    memberPath: '/webhook_subscriptions/{id}',
    schema: SalesloftWebhookSubscriptionSchema,
    listOptions: { paged: false },
  });
  return {
    list: subscriptions.list,
    get: subscriptions.get,
    create: subscriptions.create,
    update: subscriptions.update,
    delete: subscriptions.delete,
  };
}
