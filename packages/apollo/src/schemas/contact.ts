import { z } from 'zod';
import { ApolloPaginationSchema, ApolloPhoneNumberSchema, nullableString } from './common.ts';

/** A contact: a person your team saved to its Apollo database. */
export const ApolloContactSchema = z.looseObject({
  id: z.string(),
  first_name: nullableString,
  last_name: nullableString,
  name: nullableString,
  title: nullableString,
  email: nullableString,
  email_status: nullableString,
  linkedin_url: nullableString,
  organization_name: nullableString,
  organization_id: nullableString,
  account_id: nullableString,
  person_id: nullableString,
  owner_id: nullableString,
  contact_stage_id: nullableString,
  label_ids: z.array(z.string()).nullish(),
  phone_numbers: z.array(ApolloPhoneNumberSchema).nullish(),
  sanitized_phone: nullableString,
  present_raw_address: nullableString,
  city: nullableString,
  state: nullableString,
  country: nullableString,
  time_zone: nullableString,
  seniority: nullableString,
  departments: z.array(z.string()).nullish(),
  source: nullableString,
  created_at: nullableString,
  updated_at: nullableString,
  typed_custom_fields: z.record(z.string(), z.unknown()).nullish(),
});
export type ApolloContact = z.infer<typeof ApolloContactSchema>;

/** `POST /contacts`, `PATCH /contacts/{contact_id}`, `GET /contacts/{contact_id}`. */
export const ApolloContactResponseSchema = z.looseObject({
  contact: ApolloContactSchema,
  labels: z.array(z.unknown()).nullish(),
});
export type ApolloContactResponse = z.infer<typeof ApolloContactResponseSchema>;

/** `POST /contacts/search`. */
export const ApolloContactSearchResponseSchema = z.looseObject({
  pagination: ApolloPaginationSchema.nullish(),
  contacts: z.array(ApolloContactSchema).default([]),
});

/** `POST /contacts/bulk_create`: new contacts and the ones that already existed. */
export const ApolloContactBulkCreateResponseSchema = z.looseObject({
  created_contacts: z.array(ApolloContactSchema).default([]),
  existing_contacts: z.array(ApolloContactSchema).default([]),
});
export type ApolloContactBulkCreateResponse = z.infer<typeof ApolloContactBulkCreateResponseSchema>;

/** `POST /contacts/bulk_update`. Large batches are processed asynchronously and return no contacts. */
export const ApolloContactBulkUpdateResponseSchema = z.looseObject({
  contacts: z.array(ApolloContactSchema).default([]),
});
export type ApolloContactBulkUpdateResponse = z.infer<typeof ApolloContactBulkUpdateResponseSchema>;
