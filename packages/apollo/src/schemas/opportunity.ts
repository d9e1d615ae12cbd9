import { z } from 'zod';
import { ApolloPaginationSchema, nullableString } from './common.ts';

/** A deal (Apollo calls them opportunities). */
export const ApolloOpportunitySchema = z.looseObject({
  id: z.string(),
  name: nullableString,
  /** Apollo returns a number; it takes a string on writes. */
  amount: z.union([z.number(), z.string()]).nullish(),
  account_id: nullableString,
  owner_id: nullableString,
  opportunity_stage_id: nullableString,
  stage_name: nullableString,
  closed_date: nullableString,
  is_closed: z.boolean().nullish(),
  is_won: z.boolean().nullish(),
  source: nullableString,
  created_at: nullableString,
  updated_at: nullableString,
  currency: z
    .looseObject({ name: nullableString, iso_code: nullableString, symbol: nullableString })
    .nullish(),
  exchange_rate_code: nullableString,
  typed_custom_fields: z.record(z.string(), z.unknown()).nullish(),
});
export type ApolloOpportunity = z.infer<typeof ApolloOpportunitySchema>;

/** `POST /opportunities`, `GET` and `PATCH /opportunities/{opportunity_id}`. */
export const ApolloOpportunityResponseSchema = z.looseObject({
  opportunity: ApolloOpportunitySchema,
});

/** `GET /opportunities/search`. */
export const ApolloOpportunitySearchResponseSchema = z.looseObject({
  pagination: ApolloPaginationSchema.nullish(),
  opportunities: z.array(ApolloOpportunitySchema).default([]),
});

/** A deal stage. */
export const ApolloOpportunityStageSchema = z.looseObject({
  id: z.string(),
  name: nullableString,
  display_order: z.number().nullish(),
  forecast_category_cd: nullableString,
  is_won: z.boolean().nullish(),
  is_closed: z.boolean().nullish(),
  probability: z.number().nullish(),
  opportunity_pipeline_id: nullableString,
  type: nullableString,
});
export type ApolloOpportunityStage = z.infer<typeof ApolloOpportunityStageSchema>;

/** `GET /opportunity_stages` (not paginated). */
export const ApolloOpportunityStagesResponseSchema = z.looseObject({
  opportunity_stages: z.array(ApolloOpportunityStageSchema).default([]),
});
