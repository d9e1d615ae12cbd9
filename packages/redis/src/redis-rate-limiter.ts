import { randomUUID } from 'node:crypto';
import {
  type Clock,
  ConfigError,
  type ObservedResponse,
  type RateLimiter,
  type RateLimitRequest,
  retryAfterMs,
  SalesOSError,
  systemClock,
} from '@salesos/core';
import { closeClient, openClient } from './internal/connection.ts';
import type { RedisConnection } from './redis-connection.ts';

/** Options of `createRedisRateLimiter`. */
export interface RedisRateLimiterOptions {
  /** Where Redis is: an ioredis client (shared, never closed here), ioredis options, or a `redis://` URL. Required. */
  connection: RedisConnection;
  /**
   * The budget's name. Every limiter with the same `key` (and `prefix`) on the same Redis
   * spends one budget, in whichever process it runs: use one key per vendor account, such as
   * `salesloft:<tenantId>`. Required.
   */
  key: string;
  /** Cost units allowed per window (SalesLoft: 600). Required. */
  budget: number;
  /** Window length in milliseconds; the window slides. Default `60000`. */
  windowMs?: number;
  /** Prices a request when the caller gave no cost. Default: 1. */
  costOf?: (request: RateLimitRequest) => number;
  /** Response header with the budget the vendor says is left in its window. */
  remainingHeader?: string;
  /** Response header with what the request actually cost. */
  costHeader?: string;
  /** Prefix of the Redis keys. Default `'salesos:ratelimit:'`. */
  prefix?: string;
  /** Where waits happen. Default `systemClock`. The budget itself is timed by the Redis server's clock. */
  clock?: Clock;
  /** Called when a call has to wait, with how long and why. */
  onWait?: (waitMs: number, reason: string) => void;
}

/** A `RateLimiter` whose budget lives in Redis and is shared by every process using its key. */
export interface RedisRateLimiter extends RateLimiter {
  /** Cost units left in the shared window now. */
  available(): Promise<number>;
  costOf(request: RateLimitRequest): number;
  /** Closes the connection the limiter opened (a client that was given stays open). */
  close(): Promise<void>;
}

// Every script reads the time from Redis, so processes on machines with skewed clocks agree.
// Charges are members "<id>|<cost>" of a sorted set scored by the time they were made.
const PRELUDE = `
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local window = tonumber(ARGV[1])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
local charges = redis.call('ZRANGE', KEYS[1], 0, -1, 'WITHSCORES')
local used = 0
for index = 1, #charges, 2 do
  used = used + tonumber(string.match(charges[index], '|(.+)$'))
end
`;

// ARGV: window, budget, cost, charge id. Answers { 1, 0 } when admitted, else { 0, wait ms, reason }.
const ACQUIRE_SCRIPT = `${PRELUDE}
local budget = tonumber(ARGV[2])
local cost = tonumber(ARGV[3])
local paused = tonumber(redis.call('GET', KEYS[2]) or '0')
if paused > now then
  return { 0, paused - now, 'paused' }
end
if used + cost <= budget then
  redis.call('ZADD', KEYS[1], now, ARGV[4] .. '|' .. ARGV[3])
  redis.call('PEXPIRE', KEYS[1], window + 1000)
  return { 1, 0, 'admitted' }
end
local freed = budget - used
local until_ms = now + 1
for index = 1, #charges, 2 do
  freed = freed + tonumber(string.match(charges[index], '|(.+)$'))
  until_ms = tonumber(charges[index + 1]) + window
  if freed >= cost then break end
end
return { 0, math.max(1, until_ms - now), 'budget' }
`;

// ARGV: window, budget, extra charge, charge id, vendor's remaining (or ''), pause ms (or '').
// Adds a correction charge, raises the charges to what the vendor saw, pauses after a 429.
const OBSERVE_SCRIPT = `${PRELUDE}
local budget = tonumber(ARGV[2])
local extra = tonumber(ARGV[3])
if extra ~= 0 then
  redis.call('ZADD', KEYS[1], now, ARGV[4] .. ':cost|' .. ARGV[3])
  used = used + extra
end
if ARGV[5] ~= '' then
  local vendor_used = budget - tonumber(ARGV[5])
  if vendor_used > used then
    redis.call('ZADD', KEYS[1], now, ARGV[4] .. ':remaining|' .. (vendor_used - used))
  end
end
redis.call('PEXPIRE', KEYS[1], window + 1000)
if ARGV[6] ~= '' then
  local until_ms = now + tonumber(ARGV[6])
  local paused = tonumber(redis.call('GET', KEYS[2]) or '0')
  if until_ms > paused then
    redis.call('SET', KEYS[2], until_ms, 'PX', tonumber(ARGV[6]) + 1000)
  end
end
return tostring(used)
`;

// ARGV: window. Answers the cost used in the window (as a string: Redis would truncate a fraction).
const USED_SCRIPT = `${PRELUDE}
return tostring(used)
`;

/**
 * Creates a distributed sliding-window cost budget on Redis (SalesLoft's "600 cost per
 * minute", shared by every worker process of a tenant). Each call is charged its cost before
 * it runs, in one atomic Lua script, so however many processes share the `key` the charges in
 * any window never exceed `budget`. Calls of one process are admitted first-come,
 * first-served. Responses correct the shared budget: the vendor's actual cost
 * (`costHeader`), its remaining budget when lower than ours (`remainingHeader`), and a 429's
 * `Retry-After`, which pauses every process.
 *
 * If Redis cannot be reached, `schedule` rejects with `SalesOSError` rather than letting calls
 * through unmetered.
 *
 * @example
 * ```ts
 * import { createRedisRateLimiter } from '@salesos/redis';
 *
 * const limiter = createRedisRateLimiter({
 *   connection: 'redis://127.0.0.1:6379',
 *   key: `salesloft:${tenantId}`,
 *   budget: 600,
 *   windowMs: 60_000,
 *   remainingHeader: 'x-ratelimit-remaining-minute',
 *   costHeader: 'x-ratelimit-endpoint-cost',
 * });
 * const salesloft = createSalesloftClient({ apiKey, rateLimiter: limiter });
 * ```
 */
export function createRedisRateLimiter(options: RedisRateLimiterOptions): RedisRateLimiter {
  if (options?.connection === undefined || options.connection === null) {
    throw new ConfigError(
      'createRedisRateLimiter: "connection" is required (an ioredis client, options or a URL).',
    );
  }
  if (typeof options.key !== 'string' || options.key.length === 0) {
    throw new ConfigError(
      'createRedisRateLimiter: "key" must be a non-empty string naming the shared budget.',
    );
  }
  if (!(Number.isFinite(options.budget) && options.budget > 0)) {
    throw new ConfigError('createRedisRateLimiter: "budget" must be a positive number.');
  }
  const windowMs = options.windowMs ?? 60_000;
  if (!(Number.isInteger(windowMs) && windowMs > 0)) {
    throw new ConfigError('createRedisRateLimiter: "windowMs" must be a whole number of milliseconds > 0.');
  }
  const budget = options.budget;
  const clock = options.clock ?? systemClock;
  const prefix = options.prefix ?? 'salesos:ratelimit:';
  const keys = [`${prefix}${options.key}:charges`, `${prefix}${options.key}:paused`] as const;
  const opened = openClient(options.connection);
  const redis = opened.client;
  if (opened.owned) redis.on('error', () => undefined);
  let admission: Promise<unknown> = Promise.resolve();

  const evaluate = async (script: string, args: (string | number)[], what: string): Promise<unknown> => {
    try {
      return await redis.eval(script, keys.length, ...keys, ...args);
    } catch (error) {
      throw new SalesOSError(
        `Rate limiter "${options.key}" could not ${what} in Redis: ${error instanceof Error ? error.message : String(error)}`,
        { cause: error },
      );
    }
  };

  const admit = async (cost: number) => {
    const needed = Math.min(cost, budget);
    const chargeId = randomUUID();
    for (;;) {
      const [admitted, waitMs, reason] = (await evaluate(
        ACQUIRE_SCRIPT,
        [windowMs, budget, needed, chargeId],
        'charge a call',
      )) as [number, number, string];
      if (admitted === 1) return;
      options.onWait?.(waitMs, reason === 'paused' ? 'rate limited by the vendor' : 'cost budget exhausted');
      await clock.sleep(waitMs);
    }
  };

  const observe = async (response: ObservedResponse) => {
    let extra = 0;
    if (options.costHeader && response.headers.has(options.costHeader)) {
      const actual = Number(response.headers.get(options.costHeader));
      if (Number.isFinite(actual) && actual !== response.cost) extra = actual - response.cost;
    }
    let remaining = '';
    if (options.remainingHeader && response.headers.has(options.remainingHeader)) {
      const value = Number(response.headers.get(options.remainingHeader));
      if (Number.isFinite(value)) remaining = String(value);
    }
    let pause = '';
    if (response.status === 429) {
      pause = String(Math.max(1, Math.ceil(retryAfterMs(response.headers, clock.now()) ?? windowMs)));
    }
    if (extra === 0 && remaining === '' && pause === '') return;
    await evaluate(
      OBSERVE_SCRIPT,
      [windowMs, budget, extra, randomUUID(), remaining, pause],
      'record a response',
    );
  };

  return {
    async schedule(cost, fn) {
      if (!(Number.isFinite(cost) && cost >= 0)) {
        throw new ConfigError(
          `Rate limiter "${options.key}": cost must be a number >= 0, got ${String(cost)}.`,
        );
      }
      const turn = admission.then(() => admit(cost));
      // The next caller waits for this one's admission, not for its call.
      admission = turn.catch(() => undefined);
      await turn;
      return fn();
    },
    observe(response) {
      // Corrections are best effort: a failed write must not fail the call that was observed.
      observe(response).catch(() => undefined);
    },
    costOf: (request) => options.costOf?.(request) ?? 1,
    async available() {
      const used = Number(await evaluate(USED_SCRIPT, [windowMs], 'read the budget'));
      return Math.max(0, budget - used);
    },
    close: () => closeClient(opened),
  };
}
