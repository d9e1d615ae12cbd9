import {
  type EventBus,
  type HttpClient,
  type HttpMethod,
  RateLimitError,
  type RequestOptions,
} from '@salesos/core';
import type { CreditReservation, CreditTracker } from '../credits/credit-tracker.ts';
import type { ApolloRateLimiter } from '../ratelimit/apollo-rate-limiter.ts';
import { runInRoute } from './route-context.ts';

/** What every resource factory receives from `createApolloClient`. */
export interface ApolloContext {
  /** Sends a request tagged with its route, so the rate limiter keeps per-endpoint windows. */
  request<T>(options: RequestOptions<T> & { method: HttpMethod; path: string }): Promise<T>;
  /** Tenant whose credits the calls spend. */
  tenantId: string;
  creditTracker: CreditTracker | undefined;
  events: EventBus | undefined;
}

/** Builds the context resources share. */
export function createApolloContext(
  http: HttpClient,
  options: {
    tenantId: string;
    creditTracker: CreditTracker | undefined;
    events: EventBus | undefined;
    rateLimiter: ApolloRateLimiter | undefined;
    /** Retries of a 429, each after the window it named reopens. */
    maxRetries: number;
  },
): ApolloContext {
  const limiter = options.rateLimiter;
  return {
    request: (request) =>
      runInRoute(`${request.method} ${request.path}`, async () => {
        const retries = request.maxRetries ?? options.maxRetries;
        for (let attempt = 0; ; attempt += 1) {
          // Wait for an exhausted window before the request starts, so the wait (minutes, or hours
          // for a daily window) is not taken for a timeout of the request itself.
          if (limiter) await limiter.ready();
          try {
            return await http.request(request);
          } catch (error) {
            // With the Apollo limiter a 429 is retried here, once its window has reopened.
            if (!limiter || !RateLimitError.isInstance(error) || error.status !== 429 || attempt >= retries)
              throw error;
          }
        }
      }),
    tenantId: options.tenantId,
    creditTracker: options.creditTracker,
    events: options.events,
  };
}

/**
 * Runs a credit-spending call: reserves `estimate` credits first (raising
 * `CreditBudgetExceededError` before anything is sent), then settles what `call` reports
 * it spent, or releases the reservation when it fails.
 */
export async function withCredits<T>(
  context: ApolloContext,
  operation: string,
  estimate: number,
  call: () => Promise<{ result: T; spent: number; source: 'response' | 'price' }>,
): Promise<T> {
  const tracker = context.creditTracker;
  if (!tracker) return (await call()).result;
  const reservation: CreditReservation = await tracker.reserve(context.tenantId, operation, estimate);
  let outcome: { result: T; spent: number; source: 'response' | 'price' };
  try {
    outcome = await call();
  } catch (error) {
    await reservation.release();
    throw error;
  }
  await reservation.settle(outcome.spent, outcome.source);
  return outcome.result;
}
