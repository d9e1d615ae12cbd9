import { z } from 'zod';
import { ApolloPaginationSchema, nullableString } from './common.ts';

/** An organization (company) in Apollo's database, as enrichment, search and get return it. */
export const ApolloOrganizationSchema = z.looseObject({
  id: z.string(),
  name: nullableString,
  website_url: nullableString,
  linkedin_url: nullableString,
  twitter_url: nullableString,
  facebook_url: nullableString,
  primary_domain: nullableString,
  domain: nullableString,
  phone: nullableString,
  industry: nullableString,
  industries: z.array(z.string()).nullish(),
  keywords: z.array(z.string()).nullish(),
  estimated_num_employees: z.number().nullish(),
  annual_revenue: z.number().nullish(),
  annual_revenue_printed: nullableString,
  total_funding: z.number().nullish(),
  latest_funding_stage: nullableString,
  latest_funding_round_date: nullableString,
  founded_year: z.number().nullish(),
  technology_names: z.array(z.string()).nullish(),
  raw_address: nullableString,
  city: nullableString,
  state: nullableString,
  country: nullableString,
  short_description: nullableString,
  account_id: nullableString,
});
export type ApolloOrganization = z.infer<typeof ApolloOrganizationSchema>;

/** `GET /organizations/enrich`: the organization, or `null`/absent when Apollo knows no match. */
export const ApolloOrganizationEnrichResponseSchema = z.looseObject({
  organization: ApolloOrganizationSchema.nullish(),
});
export type ApolloOrganizationEnrichResponse = z.infer<typeof ApolloOrganizationEnrichResponseSchema>;

/** `POST /organizations/bulk_enrich`. Missing records are left out of `organizations`. */
export const ApolloOrganizationBulkEnrichResponseSchema = z.looseObject({
  status: nullableString,
  error_code: nullableString,
  error_message: nullableString,
  total_requested_domains: z.number().nullish(),
  unique_enriched_records: z.number().nullish(),
  missing_records: z.number().nullish(),
  organizations: z.array(ApolloOrganizationSchema.nullable()).default([]),
});
export type ApolloOrganizationBulkEnrichResponse = z.infer<typeof ApolloOrganizationBulkEnrichResponseSchema>;

/** `GET /organizations/{id}`. */
export const ApolloOrganizationGetResponseSchema = z.looseObject({
  organization: ApolloOrganizationSchema,
});

/** `POST /mixed_companies/search`: the team's saved accounts and the other organizations. */
export const ApolloOrganizationSearchResponseSchema = z.looseObject({
  pagination: ApolloPaginationSchema.nullish(),
  organizations: z.array(ApolloOrganizationSchema).default([]),
  accounts: z.array(ApolloOrganizationSchema).default([]),
});
export type ApolloOrganizationSearchResponse = z.infer<typeof ApolloOrganizationSearchResponseSchema>;

/** One job posting of an organization. */
export const ApolloJobPostingSchema = z.looseObject({
  id: z.string(),
  title: nullableString,
  url: nullableString,
  city: nullableString,
  state: nullableString,
  country: nullableString,
  last_seen_at: nullableString,
  posted_at: nullableString,
});
export type ApolloJobPosting = z.infer<typeof ApolloJobPostingSchema>;

/** `GET /organizations/{organization_id}/job_postings` (no pagination envelope). */
export const ApolloJobPostingsResponseSchema = z.looseObject({
  organization_job_postings: z.array(ApolloJobPostingSchema).default([]),
});
