import { z } from 'zod';
import { flag, text } from './common.ts';

/** A webhook subscription (`/v2/webhook_subscriptions`). `callback_token` signs the deliveries. */
export const SalesloftWebhookSubscriptionSchema = z.looseObject({
  id: z.number(),
  event_type: text,
  enabled: flag,
  callback_url: text,
  callback_token: text,
  user_guid: text,
  tenant_id: z.union([z.number(), z.string()]).nullish(),
});
export type SalesloftWebhookSubscription = z.infer<typeof SalesloftWebhookSubscriptionSchema>;
