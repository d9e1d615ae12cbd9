import type { CircuitBreaker, Clock, EventBus, Logger, RateLimiter, TokenProvider } from '@salesos/core';
import type { CreditTracker } from './credits/credit-tracker.ts';

/** Options of `createApolloClient`. */
export interface ApolloClientOptions {
  /** Apollo API key, sent only in the `x-api-key` header. Default: env `APOLLO_API_KEY`. */
  apiKey?: string | undefined;
  /**
   * OAuth access tokens for Apollo partner apps, sent as `Authorization: Bearer`; used instead of
   * `apiKey`. Called again with `forceRefresh: true` once after a 401. Default: none.
   */
  tokenProvider?: TokenProvider | undefined;
  /** The versioned API root. Default: env `APOLLO_BASE_URL`, else `https://api.apollo.io/api/v1`. */
  baseUrl?: string | undefined;
  /** Headers sent with every request. Default: none. */
  headers?: Record<string, string> | undefined;
  /** The fetch implementation. Default: `globalThis.fetch`. */
  fetch?: typeof fetch | undefined;
  /** Per-attempt timeout in milliseconds. Default 30 000. */
  timeoutMs?: number | undefined;
  /** Retries after the first attempt (network errors, 429, 5xx). Default 3. */
  maxRetries?: number | undefined;
  /** Where debug and warning lines go, with the API key redacted. Default: nothing. */
  logger?: Logger | undefined;
  /** Receives core's `http.*` events and `apollo.*` events (rate-limit windows, credits). Default: none. */
  events?: EventBus | undefined;
  /**
   * Admits requests under Apollo's limits. Default: `createApolloRateLimiter()`, which learns
   * each route's minute, hour and day windows from the usage headers. Pass one limiter to
   * several clients that share an API key; `false` disables rate limiting.
   */
  rateLimiter?: RateLimiter | false | undefined;
  /** Behaviour of the default rate limiter when a window is exhausted. Ignored with `rateLimiter`. */
  rateLimit?:
    | {
        /** Fail at once with `ApolloRateLimitExceededError` instead of waiting. Default `false`. */
        failFast?: boolean | undefined;
        /** The longest wait accepted before failing; a daily window can mean hours. Default: no limit. */
        maxWaitMs?: number | undefined;
      }
    | undefined;
  /** Records credits, enforces budgets and caches enrichments. Default: none (nothing tracked). */
  creditTracker?: CreditTracker | undefined;
  /** Tenant the calls' credits are counted against. Default `default`. */
  tenantId?: string | undefined;
  /** Fails fast after repeated 5xx and network failures. Default: core's breaker; `false` disables. */
  circuitBreaker?: CircuitBreaker | false | undefined;
  /** Time source for rate-limit waits and retries. Default: the system clock. */
  clock?: Clock | undefined;
}
