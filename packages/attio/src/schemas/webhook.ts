import { z } from 'zod';

/** The event types a webhook can subscribe to. */
export const ATTIO_WEBHOOK_EVENT_TYPES = [
  'record.created',
  'record.updated',
  'record.deleted',
  'record.merged',
  'list-entry.created',
  'list-entry.updated',
  'list-entry.deleted',
  'list.created',
  'list.updated',
  'list.deleted',
  'list-attribute.created',
  'list-attribute.updated',
  'object-attribute.created',
  'object-attribute.updated',
  'note.created',
  'note.updated',
  'note.deleted',
  'note-content.updated',
  'task.created',
  'task.updated',
  'task.deleted',
  'comment.created',
  'comment.resolved',
  'comment.unresolved',
  'comment.deleted',
  'workspace-member.created',
  'call-recording.created',
] as const;

/** A subscribable webhook event type. */
export type AttioWebhookEventType = (typeof ATTIO_WEBHOOK_EVENT_TYPES)[number];

/** One condition of a subscription filter. */
export interface AttioWebhookFilterCondition {
  field: string;
  operator: 'equals' | 'not_equals';
  value: string;
}

/** A subscription filter: all (`$and`) or any (`$or`) of its conditions. */
export type AttioWebhookFilter =
  | { $and: AttioWebhookFilterCondition[] }
  | { $or: AttioWebhookFilterCondition[] }
  | null;

/** One subscription of a webhook. */
export interface AttioWebhookSubscription {
  event_type: AttioWebhookEventType;
  filter: AttioWebhookFilter;
}

const SubscriptionSchema = z.looseObject({ event_type: z.string(), filter: z.unknown().nullable() });

/** A webhook: where Attio delivers events, and which. */
export const AttioWebhookSchema = z.looseObject({
  id: z.looseObject({ workspace_id: z.string(), webhook_id: z.string() }),
  target_url: z.string(),
  subscriptions: z.array(SubscriptionSchema),
  status: z.string(),
  created_at: z.string(),
});
export type AttioWebhook = z.infer<typeof AttioWebhookSchema>;

/** A webhook as `webhooks.create` answers it: the only time `secret` is shown. */
export const AttioWebhookWithSecretSchema = AttioWebhookSchema.extend({ secret: z.string() });
export type AttioWebhookWithSecret = z.infer<typeof AttioWebhookWithSecretSchema>;

/** Body of `webhooks.create`. */
export interface AttioWebhookCreateInput {
  target_url: string;
  subscriptions: AttioWebhookSubscription[];
}

/** Body of `webhooks.update`. */
export type AttioWebhookUpdateInput = Partial<AttioWebhookCreateInput>;
