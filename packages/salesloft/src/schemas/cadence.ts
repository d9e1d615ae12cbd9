import { z } from 'zod';
import { count, flag, reference, text, timestamp } from './common.ts';

/** A SalesLoft cadence (`/v2/cadences`). Unknown fields pass through. */
export const SalesloftCadenceSchema = z.looseObject({
  id: z.number(),
  created_at: timestamp,
  updated_at: timestamp,
  archived_at: timestamp,
  name: text,
  team_cadence: flag,
  shared: flag,
  draft: flag,
  current_state: text,
  cadence_function: text,
  external_identifier: text,
  remove_bounces_enabled: flag,
  remove_replies_enabled: flag,
  opt_out_link_included: flag,
  cadence_framework_id: count,
  tags: z.array(z.string()).nullish(),
  counts: z
    .looseObject({
      cadence_people: count,
      people_acted_on_count: count,
      target_daily_people: count,
      opportunities_created: count,
      meetings_booked: count,
    })
    .nullish(),
  creator: reference,
  owner: reference,
  bounced_stage: reference,
  replied_stage: reference,
  added_stage: reference,
  finished_stage: reference,
  cadence_priority: reference,
  groups: z.array(reference).nullish(),
});
export type SalesloftCadence = z.infer<typeof SalesloftCadenceSchema>;
