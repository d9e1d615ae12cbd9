import { z } from 'zod';
import { count, flag, reference, text, timestamp } from './common.ts';

/** A step of a cadence (`/v2/steps`). */
export const SalesloftStepSchema = z.looseObject({
  id: z.number(),
  created_at: timestamp,
  updated_at: timestamp,
  disabled: flag,
  type: text,
  name: text,
  display_name: text,
  day: count,
  step_number: count,
  multitouch_enabled: flag,
  details: reference,
  cadence: reference,
});
export type SalesloftStep = z.infer<typeof SalesloftStepSchema>;
