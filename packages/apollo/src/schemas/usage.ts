import { z } from 'zod';
import { nullableString } from './common.ts';

/** Limit, consumption and remainder of one window or credit type. */
export const ApolloUsageCounterSchema = z.looseObject({
  limit: z.number().nullish(),
  consumed: z.number().nullish(),
  left_over: z.number().nullish(),
});
export type ApolloUsageCounter = z.infer<typeof ApolloUsageCounterSchema>;

/**
 * `POST /usage_stats/api_usage_stats`: per route (keys such as
 * `["api/v1/contacts", "search"]`), the day, hour and minute windows.
 */
export const ApolloApiUsageStatsSchema = z.record(
  z.string(),
  z.looseObject({
    day: ApolloUsageCounterSchema.nullish(),
    hour: ApolloUsageCounterSchema.nullish(),
    minute: ApolloUsageCounterSchema.nullish(),
  }),
);
export type ApolloApiUsageStats = z.infer<typeof ApolloApiUsageStatsSchema>;

/** `POST /usage_stats/credit_usage_stats`: the credit balance of the current cycle, per credit type. */
export const ApolloCreditUsageStatsSchema = z.looseObject({
  credit_usage_stats: z.record(z.string(), ApolloUsageCounterSchema).default({}),
  current_credit_cycle: z.looseObject({ start_date: nullableString, end_date: nullableString }).nullish(),
});
export type ApolloCreditUsageStats = z.infer<typeof ApolloCreditUsageStatsSchema>;
