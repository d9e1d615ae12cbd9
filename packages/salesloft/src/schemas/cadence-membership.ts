import { z } from 'zod';
import { count, flag, reference, text, timestamp } from './common.ts';

/**
 * A person's membership of a cadence (`/v2/cadence_memberships`). `current_state` is one of
 * processing, staged, active, scheduled, completed, removed, removed_no_action, reassigned, archived.
 */
export const SalesloftCadenceMembershipSchema = z.looseObject({
  id: z.number(),
  added_at: timestamp,
  created_at: timestamp,
  updated_at: timestamp,
  person_deleted: flag,
  currently_on_cadence: flag,
  current_state: text,
  cadence: reference,
  person: reference,
  user: reference,
  latest_action: reference,
  counts: z
    .looseObject({
      views: count,
      clicks: count,
      replies: count,
      calls: count,
      sent_emails: count,
      bounces: count,
    })
    .nullish(),
});
export type SalesloftCadenceMembership = z.infer<typeof SalesloftCadenceMembershipSchema>;
