import { z } from 'zod';
import { flag, reference, text, timestamp } from './common.ts';

/** A meeting (`/v2/meetings`), as `meeting_booked` and `meeting_updated` webhooks deliver it. */
export const SalesloftMeetingSchema = z.looseObject({
  id: z.number(),
  created_at: timestamp,
  updated_at: timestamp,
  canceled_at: timestamp,
  start_time: timestamp,
  end_time: timestamp,
  title: text,
  description: text,
  location: text,
  status: text,
  meeting_type: text,
  event_id: text,
  i_cal_uid: text,
  recipient_email: text,
  recipient_name: text,
  all_day: flag,
  no_show: flag,
  account_id: z.union([z.string(), z.number()]).nullish(),
  task_id: z.union([z.string(), z.number()]).nullish(),
  guests: z.array(z.string()).nullish(),
  person: reference,
  cadence: reference,
  step: reference,
  booked_by_user: reference,
});
export type SalesloftMeeting = z.infer<typeof SalesloftMeetingSchema>;
