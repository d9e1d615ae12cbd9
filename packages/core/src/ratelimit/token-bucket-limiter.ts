import PQueue from 'p-queue';
import { type Clock, systemClock } from '../clock/clock.ts';
import { retryAfterMs } from '../http/retry-policy.ts';
import type { RateLimiter } from './rate-limiter.ts';

/** Options of `createTokenBucketLimiter`. `capacity` and `refillPerSecond` are required. */
export interface TokenBucketLimiterOptions {
  /** Tokens the bucket holds (the burst size). Required, positive. */
  capacity: number;
  /** Tokens added per second. Required, positive. */
  refillPerSecond: number;
  /** Tokens at the start. Default: `capacity`. */
  initialTokens?: number;
  /** Time source for refills and waits. Default: the system clock. */
  clock?: Clock;
  /** Called when a call has to wait, with how long in ms. Default: none. */
  onWait?: (waitMs: number) => void;
}

/** A `RateLimiter` that also exposes its current token count. */
export interface TokenBucketLimiter extends RateLimiter {
  /** Tokens in the bucket now (fractional while refilling). */
  readonly tokens: number;
}

/**
 * A token bucket: each call takes `cost` tokens, tokens refill continuously. Calls are
 * admitted first-come, first-served. A 429 with `Retry-After` pauses admission.
 *
 * @example
 * ```ts
 * // Attio: 100 reads per second.
 * const reads = createTokenBucketLimiter({ capacity: 100, refillPerSecond: 100 });
 * ```
 */
export function createTokenBucketLimiter(options: TokenBucketLimiterOptions): TokenBucketLimiter {
  if (!(options.capacity > 0) || !(options.refillPerSecond > 0)) {
    throw new RangeError('createTokenBucketLimiter: "capacity" and "refillPerSecond" must be positive.');
  }
  const clock = options.clock ?? systemClock;
  const admission = new PQueue({ concurrency: 1 });
  let tokens = options.initialTokens ?? options.capacity;
  let updatedAt = clock.now();
  let pausedUntil = 0;

  const refill = () => {
    const now = clock.now();
    tokens = Math.min(options.capacity, tokens + ((now - updatedAt) / 1000) * options.refillPerSecond);
    updatedAt = now;
  };

  const admit = async (cost: number) => {
    const needed = Math.min(cost, options.capacity);
    for (;;) {
      const pause = pausedUntil - clock.now();
      if (pause > 0) {
        options.onWait?.(pause);
        await clock.sleep(pause);
        continue;
      }
      refill();
      if (tokens >= needed) {
        tokens -= needed;
        return;
      }
      const waitMs = Math.ceil(((needed - tokens) / options.refillPerSecond) * 1000);
      options.onWait?.(waitMs);
      await clock.sleep(waitMs);
    }
  };

  return {
    async schedule(cost, fn) {
      await admission.add(() => admit(cost));
      return fn();
    },
    observe(response) {
      if (response.status !== 429) return;
      const waitMs = retryAfterMs(response.headers, clock.now()) ?? 1000;
      pausedUntil = Math.max(pausedUntil, clock.now() + waitMs);
      tokens = 0;
      updatedAt = clock.now();
    },
    get tokens() {
      refill();
      return tokens;
    },
  };
}
