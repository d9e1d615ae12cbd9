import PQueue from 'p-queue';
import { type Clock, systemClock } from '../clock/clock.ts';
import { retryAfterMs } from '../http/retry-policy.ts';
import type { RateLimiter, RateLimitRequest } from './rate-limiter.ts';

export interface CostBudgetLimiterOptions {
  /** Cost units allowed per window (SalesLoft: 600). */
  budget: number;
  /** Window length in ms. Default 60 000. */
  windowMs?: number;
  /** Prices a request when the caller gave no cost (SalesLoft: page depth). Default: 1. */
  costOf?: (request: RateLimitRequest) => number;
  /** Response header with the budget left in the vendor's current window. */
  remainingHeader?: string;
  /** Response header with what the request actually cost. */
  costHeader?: string;
  clock?: Clock;
  /** Called when a call has to wait, with how long and why. */
  onWait?: (waitMs: number, reason: string) => void;
}

/** A `RateLimiter` over a cost budget that also reports what is left. */
export interface CostBudgetLimiter extends RateLimiter {
  /** Cost units still available in the current window, as far as the limiter knows. */
  readonly available: number;
  costOf(request: RateLimitRequest): number;
}

interface Charge {
  at: number;
  cost: number;
}

/**
 * A sliding-window cost budget (SalesLoft's "600 cost per minute"). Each call is charged
 * its cost before it is sent; calls wait, first-come first-served, until the budget of
 * the last `windowMs` has room. After each response the charge is corrected from the
 * vendor's actual cost, and the vendor's remaining budget is trusted whenever it is
 * lower than ours, so the client never runs into a 429 it could have avoided. A 429
 * pauses admission for its `Retry-After`.
 *
 * Share one limiter between every client that spends the same vendor budget.
 *
 * @example
 * ```ts
 * const limiter = createCostBudgetLimiter({
 *   budget: 600,
 *   windowMs: 60_000,
 *   remainingHeader: 'x-ratelimit-remaining-minute',
 *   costHeader: 'x-ratelimit-endpoint-cost',
 * });
 * ```
 */
export function createCostBudgetLimiter(options: CostBudgetLimiterOptions): CostBudgetLimiter {
  if (!(options.budget > 0)) throw new RangeError('createCostBudgetLimiter: "budget" must be positive.');
  const windowMs = options.windowMs ?? 60_000;
  const clock = options.clock ?? systemClock;
  const admission = new PQueue({ concurrency: 1 });
  const charges: Charge[] = [];
  let pausedUntil = 0;

  const prune = (now: number) => {
    while (charges.length > 0 && (charges[0] as Charge).at + windowMs <= now) charges.shift();
  };
  const used = () => {
    let total = 0;
    for (const charge of charges) total += charge.cost;
    return total;
  };

  const admit = async (cost: number) => {
    const needed = Math.min(cost, options.budget);
    for (;;) {
      const now = clock.now();
      if (pausedUntil > now) {
        options.onWait?.(pausedUntil - now, 'rate limited by the vendor');
        await clock.sleep(pausedUntil - now);
        continue;
      }
      prune(now);
      if (used() + needed <= options.budget) {
        charges.push({ at: now, cost: needed });
        return;
      }
      // Wait until enough of the oldest charges leave the window.
      let freed = options.budget - used();
      let waitUntil = now;
      for (const charge of charges) {
        freed += charge.cost;
        waitUntil = charge.at + windowMs;
        if (freed >= needed) break;
      }
      const waitMs = Math.max(1, waitUntil - now);
      options.onWait?.(waitMs, 'cost budget exhausted');
      await clock.sleep(waitMs);
    }
  };

  const limiter: CostBudgetLimiter = {
    async schedule(cost, fn) {
      await admission.add(() => admit(cost));
      return fn();
    },
    observe(response) {
      const now = clock.now();
      if (response.status === 429) {
        pausedUntil = Math.max(pausedUntil, now + (retryAfterMs(response.headers, now) ?? windowMs));
      }
      if (options.costHeader) {
        const actual = Number(response.headers.get(options.costHeader));
        if (response.headers.has(options.costHeader) && Number.isFinite(actual) && actual !== response.cost) {
          // Correct what this call was charged; a correction expires with the window like any charge.
          charges.push({ at: now, cost: actual - response.cost });
        }
      }
      if (options.remainingHeader && response.headers.has(options.remainingHeader)) {
        const remaining = Number(response.headers.get(options.remainingHeader));
        if (Number.isFinite(remaining)) {
          prune(now);
          const serverUsed = options.budget - remaining;
          const ours = used();
          // Trust the vendor when it has seen more spending than we know of (other processes, other clients).
          if (serverUsed > ours) charges.push({ at: now, cost: serverUsed - ours });
        }
      }
    },
    costOf: (request) => options.costOf?.(request) ?? 1,
    get available() {
      prune(clock.now());
      return Math.max(0, options.budget - used());
    },
  };
  return limiter;
}
