/** Full-jitter exponential backoff: a random delay in [0, min(cap, base · 2^(attempt-1))]. */
export function fullJitterDelay(
  attempt: number,
  baseMs: number,
  capMs: number,
  random: () => number = Math.random,
): number {
  const ceiling = Math.min(capMs, baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.floor(random() * ceiling);
}

const RESET_HEADERS = ['x-ratelimit-reset', 'ratelimit-reset', 'x-rate-limit-reset'];

/**
 * Reads `Retry-After` (seconds or an HTTP date, as Attio sends it) and the common reset
 * headers (`x-ratelimit-reset`, `ratelimit-reset`, `x-rate-limit-reset`: delta seconds, or
 * epoch seconds when large), and answers how long to wait in milliseconds, or `undefined`
 * when none says.
 *
 * Given the response's `status`, it answers only with the hints that apply to it:
 * `Retry-After` on a 429 or 503, reset headers on a 429 only. A reset header on any other
 * status says when the rate-limit window rolls over, not that this failure should wait
 * for it. Without `status` every hint is read (for callers that already know it was a 429).
 */
export function retryAfterMs(
  headers: Headers,
  now: number = Date.now(),
  status?: number | undefined,
): number | undefined {
  if (status === undefined || status === 429 || status === 503) {
    const retryAfter = headers.get('retry-after');
    if (retryAfter !== null && retryAfter.trim() !== '') {
      const trimmed = retryAfter.trim();
      if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.ceil(Number(trimmed) * 1000);
      const date = Date.parse(trimmed);
      if (!Number.isNaN(date)) return Math.max(0, date - now);
    }
  }
  if (status !== undefined && status !== 429) return undefined;
  for (const name of RESET_HEADERS) {
    const value = headers.get(name);
    if (value === null || !/^\d+(\.\d+)?$/.test(value.trim())) continue;
    const number = Number(value);
    // Epoch seconds when large, delta seconds otherwise (both conventions are in use).
    if (number > 1_000_000_000) return Math.max(0, number * 1000 - now);
    return Math.ceil(number * 1000);
  }
  return undefined;
}

const IDEMPOTENT_METHODS = new Set(['GET', 'HEAD', 'PUT', 'DELETE', 'OPTIONS']);

/** True when repeating the call cannot do the work twice. */
export function isIdempotentCall(
  method: string,
  marked: boolean | undefined,
  idempotencyKey: string | undefined,
): boolean {
  return marked === true || idempotencyKey !== undefined || IDEMPOTENT_METHODS.has(method);
}
