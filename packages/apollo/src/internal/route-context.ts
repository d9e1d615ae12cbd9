import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * The Apollo route (`POST /people/match`) a request belongs to, carried through the
 * async call chain so the rate limiter can keep Apollo's per-endpoint windows apart:
 * core's `RateLimiter.schedule` and `observe` are not told which request they serve.
 */
const routeStorage = new AsyncLocalStorage<string>();

/** Runs `fn` with `route` as the current Apollo route. */
export function runInRoute<T>(route: string, fn: () => Promise<T>): Promise<T> {
  return routeStorage.run(route, fn);
}

/** The route of the request being sent, if any. */
export function currentRoute(): string | undefined {
  return routeStorage.getStore();
}
