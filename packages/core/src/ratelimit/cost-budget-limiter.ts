import PQueue from 'p-queue';
import { type Clock, systemClock } from '../clock/clock.ts';
import { retryAfterMs } from '../http/retry-policy.ts';
import type { RateLimiter, RateLimitRequest } from './rate-limiter.ts';

/** Options of `createCostBudgetLimiter`. Only `budget` is required. */
export interface CostBudgetLimiterOptions {
  /** Cost units allowed per window (SalesLoft: 600). Required, positive. */
  budget: number;
  /** Window length in ms. Default 60 000. */
  windowMs?: number;
  /** Prices a request when the caller gave no cost (SalesLoft: page depth). Default: 1. */
  costOf?: (request: RateLimitRequest) => number;
  /** Response header with the budget left in the vendor's current window. Default: none (the limiter counts alone). */
  remainingHeader?: string;
  /** Response header with what the request actually cost. Default: none (the charged cost stands). */
  costHeader?: string;
  /** Time source for the window and waits. Default: the system clock. */
  clock?: Clock;
  /** Called when a call has to wait, with how long and why. Default: none. */
  onWait?: (waitMs: number, reason: string) => void;
}

/** A `RateLimiter` over a cost budget that also reports what is left. */
export interface CostBudgetLimiter extends RateLimiter {
  /** Cost units still available in the current window, as far as the limiter knows. */
  readonly available: number;
  /** The cost of a request: `options.costOf(request)`, else 1. */
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
 * vendor's actual cost, and the spending the limiter counts is raised to at least what
 * the vendor's remaining-budget header implies plus the calls still in flight (which the
 * vendor may not have counted yet), so spending by other clients is never hidden and the
 * client never runs into a 429 it could have avoided. A 429 pauses admission for its
 * `Retry-After` (or reset header).
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
  /** Cost of the calls admitted whose `fn` has not settled yet. */
  let inFlight = 0;
  let pausedUntil = 0;

  const prune = (now: number) => {
    while (charges.length > 0 && (charges[0] as Charge).at + windowMs <= now) charges.shift();
  };
  const used = () => {
    let total = 0;
    for (const charge of charges) total += charge.cost;
    return total;
  };

  const admit = async (cost: number): Promise<Charge> => {
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
        const charge = { at: now, cost: needed };
        charges.push(charge);
        return charge;
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
      const charge = await admission.add(() => admit(cost));
      inFlight += charge.cost;
      try {
        return await fn();
      } finally {
        inFlight -= charge.cost;
      }
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
          // What the vendor has counted (ours and other clients'), plus our calls in flight besides
          // this one, which may not have reached it yet. Our count is never allowed below that.
          const floor = options.budget - remaining + Math.max(0, inFlight - response.cost);
          const ours = used();
          if (floor > ours) charges.push({ at: now, cost: floor - ours });
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
