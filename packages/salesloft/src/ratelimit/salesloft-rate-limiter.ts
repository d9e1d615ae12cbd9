import { type Clock, type CostBudgetLimiter, createCostBudgetLimiter, type EventBus } from '@salesos/core';
import { salesloftCostOf } from './salesloft-cost-of.ts';

/** SalesLoft's documented limit: 600 cost per minute per team, reported in these headers. */
export const SALESLOFT_RATE_LIMIT = Object.freeze({
  budget: 600,
  windowMs: 60_000,
  remainingHeader: 'x-ratelimit-remaining-minute',
  costHeader: 'x-ratelimit-endpoint-cost',
});

/** Options of `createSalesloftRateLimiter`. */
export interface SalesloftRateLimiterOptions {
  /** Cost allowed per window. Default 600 (SalesLoft's team budget). */
  budget?: number;
  /** Window length in milliseconds. Default 60 000. */
  windowMs?: number;
  /**
   * Extra time each charge is held beyond the window, in milliseconds, so the latency of a
   * request crossing the vendor's window boundary cannot overspend it. Default 1 % of `windowMs`.
   */
  marginMs?: number;
  /** Time source. Default: the system clock. */
  clock?: Clock;
  /** Receives `ratelimit.wait` when a call has to wait for budget. */
  events?: EventBus;
}

/**
 * Creates the cost-budget limiter SalesLoft clients use by default: 600 cost per minute,
 * requests priced by page depth (`salesloftCostOf`), corrected after each response from
 * `x-ratelimit-endpoint-cost` and `x-ratelimit-remaining-minute`. The budget belongs to the
 * whole team, so give every client of one team the same limiter.
 *
 * @example
 * ```ts
 * const limiter = createSalesloftRateLimiter();
 * const sync = createSalesloftClient({ apiKey, rateLimiter: limiter });
 * const ui = createSalesloftClient({ apiKey, rateLimiter: limiter });
 * ```
 */
export function createSalesloftRateLimiter(options: SalesloftRateLimiterOptions = {}): CostBudgetLimiter {
  const windowMs = options.windowMs ?? SALESLOFT_RATE_LIMIT.windowMs;
  const marginMs = options.marginMs ?? Math.ceil(windowMs / 100);
  return createCostBudgetLimiter({
    budget: options.budget ?? SALESLOFT_RATE_LIMIT.budget,
    windowMs: windowMs + marginMs,
    costOf: salesloftCostOf,
    remainingHeader: SALESLOFT_RATE_LIMIT.remainingHeader,
    costHeader: SALESLOFT_RATE_LIMIT.costHeader,
    ...(options.clock ? { clock: options.clock } : {}),
    ...(options.events
      ? {
          onWait: (waitMs: number, reason: string) =>
            options.events?.emit('ratelimit.wait', { vendor: 'salesloft', waitMs, reason }),
        }
      : {}),
  });
}
