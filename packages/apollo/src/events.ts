import type { ApolloRateWindow } from './ratelimit/rate-limit-headers.ts';

/** Payload of `apollo.ratelimit.exhausted`: a rate-limit window of a route ran out. */
export interface ApolloRateLimitEvent {
  vendor: 'apollo';
  /** `METHOD /path/template` whose window ran out (`*` when the call had no route). */
  route: string;
  window: ApolloRateWindow;
  /** The window's limit, when Apollo sent it. */
  limit: number | undefined;
  /** How long until the window is expected to reopen. */
  waitMs: number;
  /** ISO-8601 time the window is expected to reopen. */
  resetAt: string;
  /** `wait`: the call is held until then; `fail`: it was refused (`failFast` or `maxWaitMs`). */
  action: 'wait' | 'fail';
}

/** Payload of `apollo.credits.spent`: a call spent credits. */
export interface ApolloCreditsSpentEvent {
  vendor: 'apollo';
  tenantId: string;
  /** The operation that spent them (`people.enrich`, `organizations.search`…). */
  operation: string;
  credits: number;
  /** `response` when Apollo reported the amount, `price` when it was computed from the price list. */
  source: 'response' | 'price';
}

/** Payload of `apollo.credits.budget_exceeded`: a call was refused before it was sent. */
export interface ApolloCreditBudgetEvent {
  vendor: 'apollo';
  tenantId: string;
  operation: string;
  period: 'day' | 'month';
  budget: number;
  spent: number;
  requested: number;
}

/** Payload of `apollo.enrichment.cache`: an enrichment was answered from the cache or missed it. */
export interface ApolloEnrichmentCacheEvent {
  vendor: 'apollo';
  tenantId: string;
  /** `person` or `organization`. */
  kind: 'person' | 'organization';
  hit: boolean;
}

declare module '@salesos/core' {
  interface SalesOSEventMap {
    /** An Apollo rate-limit window ran out: calls on the route wait, or fail fast. */
    'apollo.ratelimit.exhausted': ApolloRateLimitEvent;
    /** An Apollo call spent credits. */
    'apollo.credits.spent': ApolloCreditsSpentEvent;
    /** An Apollo call was refused because it would exceed a credit budget. */
    'apollo.credits.budget_exceeded': ApolloCreditBudgetEvent;
    /** An enrichment was looked up in the credit tracker's cache. */
    'apollo.enrichment.cache': ApolloEnrichmentCacheEvent;
  }
}
