import { z } from 'zod';
import { count, flag, reference, text, timestamp } from './common.ts';

/** A SalesLoft account (`/v2/accounts`), in SalesLoft's spelling. Unknown fields pass through. */
export const SalesloftAccountSchema = z.looseObject({
  id: z.number(),
  created_at: timestamp,
  updated_at: timestamp,
  archived_at: timestamp,
  name: text,
  domain: text,
  conversational_name: text,
  description: text,
  phone: text,
  website: text,
  linkedin_url: text,
  twitter_handle: text,
  street: text,
  city: text,
  state: text,
  postal_code: text,
  country: text,
  locale: text,
  industry: text,
  company_type: text,
  founded: text,
  revenue_range: text,
  size: z.union([z.string(), z.number()]).nullish(),
  crm_id: text,
  crm_url: text,
  crm_object_type: text,
  owner_crm_id: text,
  last_contacted_at: timestamp,
  last_contacted_type: text,
  do_not_contact: flag,
  custom_fields: z.record(z.string(), z.unknown()).nullish(),
  user_relationships: z.record(z.string(), z.unknown()).nullish(),
  tags: z.array(z.string()).nullish(),
  counts: z.looseObject({ people: count }).nullish(),
  owner: reference,
  creator: reference,
  last_contacted_by: reference,
  last_contacted_person: reference,
  company_stage: reference,
  account_tier: reference,
});
export type SalesloftAccount = z.infer<typeof SalesloftAccountSchema>;

/** The answer of `/v2/account_upserts`. */
export const SalesloftAccountUpsertSchema = z.looseObject({
  upsert_type: z.string().nullish(),
  account: SalesloftAccountSchema,
});
export type SalesloftAccountUpsert = z.infer<typeof SalesloftAccountUpsertSchema>;
