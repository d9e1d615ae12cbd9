import PQueue from 'p-queue';
import type { RateLimiter } from './rate-limiter.ts';

/** Options of `createConcurrencyLimiter`. All are optional. */
export interface ConcurrencyLimiterOptions {
  /** Calls in flight at once. Default 10. */
  concurrency?: number;
  /** At most `intervalCap` calls start per `intervalMs`. Default: no interval cap (needs `intervalMs` too). */
  intervalCap?: number;
  /** Length in ms of the interval `intervalCap` applies to. Default: none (no interval cap). */
  intervalMs?: number;
}

/**
 * Limits calls in flight and, optionally, calls started per interval. Costs are ignored:
 * every call counts as one.
 *
 * @example
 * ```ts
 * const limiter = createConcurrencyLimiter({ concurrency: 4, intervalCap: 10, intervalMs: 1000 });
 * ```
 */
export function createConcurrencyLimiter(options: ConcurrencyLimiterOptions = {}): RateLimiter {
  const queue = new PQueue({
    concurrency: options.concurrency ?? 10,
    ...(options.intervalCap !== undefined && options.intervalMs !== undefined
      ? { intervalCap: options.intervalCap, interval: options.intervalMs }
      : {}),
  });
  return {
    schedule: (_cost, fn) => queue.add(fn) as Promise<Awaited<ReturnType<typeof fn>>>,
    observe: () => {},
  };
}
