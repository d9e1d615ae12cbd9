import { z } from 'zod';
import { count, flag, reference, text, timestamp } from './common.ts';

/** Engagement counts of an email. */
export const SalesloftEmailCountsSchema = z.looseObject({
  clicks: count,
  views: count,
  replies: count,
  unique_devices: count,
  unique_locations: count,
  attachments: count,
});

/** An email activity (`/v2/activities/emails`). `subject` needs a sensitive scope; it is often null. */
export const SalesloftEmailSchema = z.looseObject({
  id: z.number(),
  created_at: timestamp,
  updated_at: timestamp,
  sent_at: timestamp,
  send_after: timestamp,
  status: text,
  bounced: flag,
  subject: text,
  body: text,
  recipient_email_address: text,
  error_message: text,
  click_tracking: flag,
  view_tracking: flag,
  personalization: z.union([z.string(), z.number()]).nullish(),
  headers: z.record(z.string(), z.unknown()).nullish(),
  counts: SalesloftEmailCountsSchema.nullish(),
  user: reference,
  recipient: reference,
  mailing: reference,
  action: reference,
  crm_activity: reference,
  cadence: reference,
  step: reference,
  email_template: reference,
  task: reference,
});
export type SalesloftEmail = z.infer<typeof SalesloftEmailSchema>;
