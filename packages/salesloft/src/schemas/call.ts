import { z } from 'zod';
import { count, reference, text, timestamp } from './common.ts';

/** A call activity (`/v2/activities/calls`). */
export const SalesloftCallSchema = z.looseObject({
  id: z.number(),
  created_at: timestamp,
  updated_at: timestamp,
  to: text,
  duration: count,
  sentiment: text,
  disposition: text,
  recordings: z.array(z.looseObject({ url: text, status: text, recording_status: text })).nullish(),
  user: reference,
  action: reference,
  called_person: reference,
  crm_activity: reference,
  note: reference,
  cadence: reference,
  step: reference,
});
export type SalesloftCall = z.infer<typeof SalesloftCallSchema>;
