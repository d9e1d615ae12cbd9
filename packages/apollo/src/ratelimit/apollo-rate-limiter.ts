import {
  type Clock,
  type EventBus,
  type Logger,
  noopLogger,
  type RateLimiter,
  retryAfterMs,
  systemClock,
} from '@salesos/core';
import { ApolloRateLimitExceededError } from '../errors.ts';
import { currentRoute } from '../internal/route-context.ts';
import {
  APOLLO_RATE_WINDOWS,
  type ApolloRateWindow,
  nextWindowStart,
  readRateLimitHeaders,
} from './rate-limit-headers.ts';

/** Options of `createApolloRateLimiter`. */
export interface ApolloRateLimiterOptions {
  /** Time source for waits. Default: the system clock; tests pass `createTestClock()`. */
  clock?: Clock | undefined;
  /** Receives `apollo.ratelimit.exhausted` and core's `ratelimit.wait`. */
  events?: EventBus | undefined;
  /** Where waits are logged (a daily window can mean hours). Default: nothing. */
  logger?: Logger | undefined;
  /** Refuse a call at once with `ApolloRateLimitExceededError` instead of waiting for an exhausted window. Default `false`. */
  failFast?: boolean | undefined;
  /** The longest wait accepted; a longer one fails with `ApolloRateLimitExceededError`. Default: no limit. */
  maxWaitMs?: number | undefined;
}

/** What the limiter knows about one window of one route. */
export interface ApolloRateWindowState {
  /** `METHOD /path/template` (`*` for calls made without a route). */
  route: string;
  window: ApolloRateWindow;
  /** The window's limit, when Apollo sent it. */
  limit: number | undefined;
  /** Calls left in the window, after the ones in flight. */
  remaining: number;
  /** When the window is expected to reopen (epoch milliseconds). */
  resetAt: number;
}

/**
 * Core's `RateLimiter` for Apollo: learns each route's minute, hour and day windows
 * from the usage headers, holds calls while a window is exhausted and lets them go
 * when it reopens.
 */
export interface ApolloRateLimiter extends RateLimiter {
  /** The windows learned so far, per route. */
  windows(): ApolloRateWindowState[];
  /**
   * Marks a window of the current route (or `route`) as exhausted until it reopens:
   * what a 429 naming the window ("… times per hour") says.
   */
  exhaust(window: ApolloRateWindow, route?: string): void;
  /**
   * Resolves once no window of the current route (or `route`) is exhausted, waiting (or
   * failing fast) as `schedule` would, without admitting a call. The client awaits it before
   * each request so a long wait does not count against the request's timeout.
   */
  ready(route?: string): Promise<void>;
}

interface WindowState {
  limit: number | undefined;
  remaining: number;
  resetAt: number;
}

interface RouteState {
  windows: Partial<Record<ApolloRateWindow, WindowState>>;
  inFlight: number;
}

const ANY_ROUTE = '*';

/**
 * Creates the rate limiter `createApolloClient` uses by default. Apollo's limits are
 * fixed windows per endpoint, per minute, hour and day, that depend on the plan; the
 * limiter learns them from the `x-minute-requests-left`, `x-hourly-requests-left` and
 * `x-24-hour-requests-left` headers (and the older `x-daily-*` names). The headers give
 * no reset time, so a window is taken to reopen at the next UTC minute, hour or midnight;
 * if Apollo still says no then, the limiter learns it again from the answer.
 *
 * When a window is exhausted the limiter emits `apollo.ratelimit.exhausted` and core's
 * `ratelimit.wait`, then waits on `clock`, or, with `failFast` (or a wait longer than
 * `maxWaitMs`), refuses the call with `ApolloRateLimitExceededError`.
 *
 * @example
 * ```ts
 * const client = createApolloClient({
 *   rateLimiter: createApolloRateLimiter({ failFast: true, events }),
 * });
 * try {
 *   await client.people.enrich({ email: 'tim@apollo.io' });
 * } catch (error) {
 *   if (ApolloRateLimitExceededError.isInstance(error)) await requeue(error.retryAfterMs);
 * }
 * ```
 */
export function createApolloRateLimiter(options: ApolloRateLimiterOptions = {}): ApolloRateLimiter {
  const clock = options.clock ?? systemClock;
  const logger = options.logger ?? noopLogger;
  const maxWaitMs = options.failFast ? 0 : (options.maxWaitMs ?? Number.POSITIVE_INFINITY);
  const routes = new Map<string, RouteState>();

  const routeState = (route: string): RouteState => {
    let state = routes.get(route);
    if (!state) {
      state = { windows: {}, inFlight: 0 };
      routes.set(route, state);
    }
    return state;
  };

  /** Drops windows that have reopened; answers the exhausted one that reopens last, if any. */
  const blockingWindow = (state: RouteState, now: number) => {
    let blocking: { window: ApolloRateWindow; resetAt: number; limit: number | undefined } | undefined;
    for (const window of APOLLO_RATE_WINDOWS) {
      const known = state.windows[window];
      if (!known) continue;
      if (known.resetAt <= now) {
        delete state.windows[window];
        continue;
      }
      if (known.remaining <= 0 && (!blocking || known.resetAt > blocking.resetAt)) {
        blocking = { window, resetAt: known.resetAt, limit: known.limit };
      }
    }
    return blocking;
  };

  const waitUntilOpen = async (route: string): Promise<RouteState> => {
    const state = routeState(route);
    for (;;) {
      const now = clock.now();
      const blocking = blockingWindow(state, now);
      if (!blocking) break;
      const waitMs = Math.max(0, blocking.resetAt - now);
      const fail = waitMs > maxWaitMs;
      options.events?.emit('apollo.ratelimit.exhausted', {
        vendor: 'apollo',
        route,
        window: blocking.window,
        limit: blocking.limit,
        waitMs,
        resetAt: new Date(blocking.resetAt).toISOString(),
        action: fail ? 'fail' : 'wait',
      });
      const what = `the ${blocking.window} rate-limit window of ${route === ANY_ROUTE ? 'Apollo' : route}`;
      if (fail) {
        throw new ApolloRateLimitExceededError(
          `Apollo: ${what} is exhausted${blocking.limit === undefined ? '' : ` (${blocking.limit} calls)`}; it reopens in ${Math.ceil(waitMs / 1000)} s at ${new Date(blocking.resetAt).toISOString()}. The call was not sent.`,
          {
            route,
            window: blocking.window,
            resetAt: blocking.resetAt,
            retryAfterMs: waitMs,
            limit: blocking.limit,
          },
        );
      }
      options.events?.emit('ratelimit.wait', { vendor: 'apollo', waitMs, reason: `${what} is exhausted` });
      logger.warn(
        { vendor: 'apollo', route, window: blocking.window, waitMs },
        `Apollo: ${what} is exhausted; waiting ${Math.ceil(waitMs / 1000)} s`,
      );
      await clock.sleep(waitMs);
    }
    return state;
  };

  const admit = async (route: string): Promise<RouteState> => {
    const state = await waitUntilOpen(route);
    for (const window of APOLLO_RATE_WINDOWS) {
      const known = state.windows[window];
      if (known) known.remaining -= 1;
    }
    state.inFlight += 1;
    return state;
  };

  const limiter: ApolloRateLimiter = {
    async schedule<T>(_cost: number, fn: () => Promise<T>): Promise<T> {
      const state = await admit(currentRoute() ?? ANY_ROUTE);
      try {
        return await fn();
      } finally {
        state.inFlight -= 1;
      }
    },

    observe({ status, headers }) {
      const route = currentRoute() ?? ANY_ROUTE;
      const state = routeState(route);
      const now = clock.now();
      const readings = readRateLimitHeaders(headers);
      let learned = false;
      for (const window of APOLLO_RATE_WINDOWS) {
        const reading = readings[window];
        if (reading === undefined) continue;
        if (reading === null) {
          delete state.windows[window];
          continue;
        }
        learned = true;
        // Calls admitted after this one may not be counted in the header yet.
        const othersInFlight = Math.max(0, state.inFlight - 1);
        state.windows[window] = {
          limit: reading.limit,
          remaining: Math.max(0, reading.remaining - othersInFlight),
          resetAt: nextWindowStart(window, now),
        };
      }
      if (status === 429 && !learned) {
        const retryAfter = retryAfterMs(headers, now);
        if (retryAfter !== undefined) {
          // An explicit wait from Apollo beats a guess about which window shut.
          state.windows.minute = {
            limit: state.windows.minute?.limit,
            remaining: 0,
            resetAt: now + retryAfter,
          };
        } else if (!blockingWindow(state, now)) {
          // A window is shut; the minute is the safe guess until the body says which (see `exhaust`).
          limiter.exhaust('minute', route);
        }
      }
    },

    exhaust(window, route = currentRoute() ?? ANY_ROUTE) {
      const state = routeState(route);
      const known = state.windows[window];
      state.windows[window] = {
        limit: known?.limit,
        remaining: 0,
        resetAt: nextWindowStart(window, clock.now()),
      };
    },

    async ready(route = currentRoute() ?? ANY_ROUTE) {
      await waitUntilOpen(route);
    },

    windows() {
      const now = clock.now();
      const states: ApolloRateWindowState[] = [];
      for (const [route, state] of routes) {
        blockingWindow(state, now);
        for (const window of APOLLO_RATE_WINDOWS) {
          const known = state.windows[window];
          if (known) states.push({ route, window, ...known, remaining: Math.max(0, known.remaining) });
        }
      }
      return states;
    },
  };
  return limiter;
}
