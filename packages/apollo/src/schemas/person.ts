import { z } from 'zod';
import { ApolloPhoneNumberSchema, nullableString, requestIdSchema } from './common.ts';
import { ApolloOrganizationSchema } from './organization.ts';

/** One job in a person's `employment_history`. */
export const ApolloEmploymentSchema = z.looseObject({
  organization_id: nullableString,
  organization_name: nullableString,
  title: nullableString,
  current: z.boolean().nullish(),
  start_date: nullableString,
  end_date: nullableString,
});

/** A person in Apollo's database, as enrichment and `GET /people/{id}` return them. */
export const ApolloPersonSchema = z.looseObject({
  id: z.string(),
  first_name: nullableString,
  last_name: nullableString,
  name: nullableString,
  linkedin_url: nullableString,
  title: nullableString,
  headline: nullableString,
  email: nullableString,
  email_status: nullableString,
  personal_emails: z.array(z.string()).nullish(),
  phone_numbers: z.array(ApolloPhoneNumberSchema).nullish(),
  photo_url: nullableString,
  twitter_url: nullableString,
  city: nullableString,
  state: nullableString,
  country: nullableString,
  time_zone: nullableString,
  seniority: nullableString,
  departments: z.array(z.string()).nullish(),
  subdepartments: z.array(z.string()).nullish(),
  functions: z.array(z.string()).nullish(),
  organization_id: nullableString,
  organization: ApolloOrganizationSchema.nullish(),
  employment_history: z.array(ApolloEmploymentSchema).nullish(),
  contact_id: nullableString,
  account_id: nullableString,
});
export type ApolloPerson = z.infer<typeof ApolloPersonSchema>;

/**
 * A person as People API Search returns them: no email or phone, an obfuscated last
 * name and `has_*` flags saying what enrichment would reveal.
 */
export const ApolloSearchPersonSchema = z.looseObject({
  id: z.string(),
  first_name: nullableString,
  last_name: nullableString,
  last_name_obfuscated: nullableString,
  title: nullableString,
  last_refreshed_at: nullableString,
  has_email: z.boolean().nullish(),
  has_city: z.boolean().nullish(),
  has_state: z.boolean().nullish(),
  has_country: z.boolean().nullish(),
  /** Apollo sends `"Yes"`, `"Maybe: ..."` or a boolean. */
  has_direct_phone: z.union([z.boolean(), z.string()]).nullish(),
  organization: z.looseObject({ name: nullableString }).nullish(),
});
export type ApolloSearchPerson = z.infer<typeof ApolloSearchPersonSchema>;

/** `POST /mixed_people/api_search`: a top-level `total_entries`, sometimes a `pagination` too. */
export const ApolloPeopleSearchResponseSchema = z.looseObject({
  total_entries: z.union([z.number(), z.string()]).nullish(),
  pagination: z
    .looseObject({
      page: z.union([z.number(), z.string()]).nullish(),
      per_page: z.union([z.number(), z.string()]).nullish(),
      total_entries: z.union([z.number(), z.string()]).nullish(),
      total_pages: z.union([z.number(), z.string()]).nullish(),
    })
    .nullish(),
  people: z.array(ApolloSearchPersonSchema).default([]),
});
export type ApolloPeopleSearchResponse = z.infer<typeof ApolloPeopleSearchResponseSchema>;

/** Status of an asynchronous waterfall enrichment. */
export const ApolloWaterfallSchema = z.looseObject({
  status: nullableString,
  message: nullableString,
});

/** `POST /people/match`: the person, or `null` when Apollo found no match. */
export const ApolloPersonMatchResponseSchema = z.looseObject({
  person: ApolloPersonSchema.nullish(),
  waterfall: ApolloWaterfallSchema.nullish(),
  request_id: requestIdSchema.nullish(),
});
export type ApolloPersonMatchResponse = z.infer<typeof ApolloPersonMatchResponseSchema>;

/** `POST /people/bulk_match`: one entry of `matches` per detail, `null` for a miss. */
export const ApolloPeopleBulkMatchResponseSchema = z.looseObject({
  status: nullableString,
  error_code: nullableString,
  error_message: nullableString,
  total_requested_enrichments: z.number().nullish(),
  unique_enriched_records: z.number().nullish(),
  missing_records: z.number().nullish(),
  /** Can be fractional depending on the plan. Absent on waterfall requests. */
  credits_consumed: z.number().nullish(),
  matches: z.array(ApolloPersonSchema.nullable()).default([]),
  waterfall: ApolloWaterfallSchema.nullish(),
  request_id: requestIdSchema.nullish(),
});
export type ApolloPeopleBulkMatchResponse = z.infer<typeof ApolloPeopleBulkMatchResponseSchema>;

/** `GET /people/{id}`. */
export const ApolloPersonGetResponseSchema = z.looseObject({
  person: ApolloPersonSchema,
});
