import type { ApolloContext } from '../internal/apollo-context.ts';
import {
  type ApolloApiUsageStats,
  ApolloApiUsageStatsSchema,
  type ApolloCreditUsageStats,
  ApolloCreditUsageStatsSchema,
} from '../schemas/usage.ts';

/** The `usage` namespace: Apollo's own view of rate limits and credits. */
export interface UsageResource {
  /**
   * Per-route minute, hour and day limits and consumption (`POST /usage_stats/api_usage_stats`).
   *
   * @example
   * ```ts
   * const stats = await client.usage.apiUsage();
   * console.log(stats['["api/v1/contacts", "search"]']?.hour);
   * ```
   */
  apiUsage(): Promise<ApolloApiUsageStats>;
  /** The team's credit balance per credit type for the current cycle (`POST /usage_stats/credit_usage_stats`). */
  creditUsage(): Promise<ApolloCreditUsageStats>;
}

/** Creates the `usage` namespace. */
export function createUsageResource(context: ApolloContext): UsageResource {
  return {
    apiUsage: () =>
      context.request({
        method: 'POST',
        path: '/usage_stats/api_usage_stats',
        schema: ApolloApiUsageStatsSchema,
        idempotent: true,
      }),
    creditUsage: () =>
      context.request({
        method: 'POST',
        path: '/usage_stats/credit_usage_stats',
        schema: ApolloCreditUsageStatsSchema,
        idempotent: true,
      }),
  };
}
