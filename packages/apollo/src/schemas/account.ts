import { z } from 'zod';
import { ApolloPaginationSchema, nullableString } from './common.ts';

/** An account: a company your team saved to its Apollo database. */
export const ApolloAccountSchema = z.looseObject({
  id: z.string(),
  name: nullableString,
  domain: nullableString,
  website_url: nullableString,
  linkedin_url: nullableString,
  organization_id: nullableString,
  account_stage_id: nullableString,
  owner_id: nullableString,
  phone: nullableString,
  sanitized_phone: nullableString,
  raw_address: nullableString,
  label_ids: z.array(z.string()).nullish(),
  source: nullableString,
  created_at: nullableString,
  updated_at: nullableString,
  num_contacts: z.number().nullish(),
  typed_custom_fields: z.record(z.string(), z.unknown()).nullish(),
});
export type ApolloAccount = z.infer<typeof ApolloAccountSchema>;

/** `POST /accounts`, `PATCH /accounts/{account_id}`, `GET /accounts/{id}`. */
export const ApolloAccountResponseSchema = z.looseObject({
  account: ApolloAccountSchema,
});

/** `POST /accounts/search`. */
export const ApolloAccountSearchResponseSchema = z.looseObject({
  pagination: ApolloPaginationSchema.nullish(),
  accounts: z.array(ApolloAccountSchema).default([]),
});
