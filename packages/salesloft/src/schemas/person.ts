import { z } from 'zod';
import { count, flag, reference, text, timestamp } from './common.ts';

/** Activity counts of a person. */
export const SalesloftPersonCountsSchema = z.looseObject({
  emails_sent: count,
  emails_viewed: count,
  emails_clicked: count,
  emails_replied_to: count,
  emails_bounced: count,
  calls: count,
});

/** A SalesLoft person (`/v2/people`), in SalesLoft's spelling. Unknown fields pass through. */
export const SalesloftPersonSchema = z.looseObject({
  id: z.number(),
  created_at: timestamp,
  updated_at: timestamp,
  last_contacted_at: timestamp,
  last_replied_at: timestamp,
  first_name: text,
  last_name: text,
  display_name: text,
  email_address: text,
  full_email_address: text,
  secondary_email_address: text,
  personal_email_address: text,
  phone: text,
  phone_extension: text,
  mobile_phone: text,
  home_phone: text,
  linkedin_url: text,
  title: text,
  city: text,
  state: text,
  country: text,
  work_city: text,
  work_state: text,
  work_country: text,
  crm_url: text,
  crm_id: text,
  crm_object_type: text,
  owner_crm_id: text,
  person_company_name: text,
  person_company_website: text,
  person_company_industry: text,
  do_not_contact: flag,
  bouncing: flag,
  locale: text,
  locale_utc_offset: count,
  personal_website: text,
  twitter_handle: text,
  last_contacted_type: text,
  job_seniority: text,
  custom_fields: z.record(z.string(), z.unknown()).nullish(),
  tags: z.array(z.string()).nullish(),
  contact_restrictions: z.array(z.string()).nullish(),
  success_count: count,
  eu_resident: flag,
  starred: flag,
  untouched: flag,
  counts: SalesloftPersonCountsSchema.nullish(),
  account: reference,
  owner: reference,
  last_contacted_by: reference,
  import: reference,
  person_stage: reference,
  most_recent_cadence: reference,
  last_completed_step_cadence: reference,
  last_completed_step: reference,
  cadences: z.array(z.looseObject({ id: z.union([z.number(), z.string()]).nullish() })).nullish(),
});
export type SalesloftPerson = z.infer<typeof SalesloftPersonSchema>;

/** The answer of `/v2/person_upserts`: whether a person was created or updated, and the person. */
export const SalesloftPersonUpsertSchema = z.looseObject({
  upsert_type: z.string().nullish(),
  person: SalesloftPersonSchema,
});
export type SalesloftPersonUpsert = z.infer<typeof SalesloftPersonUpsertSchema>;
