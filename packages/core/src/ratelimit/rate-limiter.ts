/** What a rate limiter is told about a request it is about to admit. */
export interface RateLimitRequest {
  method: string;
  /** Path template (`/people/{id}`). */
  path: string;
  query?: Record<string, unknown> | undefined;
}

/** What a rate limiter learns from a response. */
export interface ObservedResponse {
  status: number;
  headers: Headers;
  /** The cost that was charged for this request when it was scheduled. */
  cost: number;
  /** The request this response answers, when the caller says (the HTTP client always does). */
  request?: RateLimitRequest | undefined;
}

/**
 * Admits calls so a vendor's limits are respected. An adapter (for example the
 * Redis one) can share one budget across processes.
 *
 * Contract:
 * - `schedule(cost, fn, request?)` runs `fn` once the limiter admits `cost` units, and
 *   resolves or rejects with `fn`'s outcome. Admission is first-come, first-served.
 *   `request` (method, path template, query) lets a limiter keep per-endpoint windows.
 * - `observe(response)` lets the limiter correct itself from the vendor's headers
 *   (remaining budget, actual cost, reset, `Retry-After` on a 429). Optional to act on.
 * - `costOf(request)` (optional) prices a request when the caller gave no cost.
 */
export interface RateLimiter {
  schedule<T>(cost: number, fn: () => Promise<T>, request?: RateLimitRequest): Promise<T>;
  observe(response: ObservedResponse): void;
  costOf?(request: RateLimitRequest): number;
}
