import { type Clock, systemClock } from '../clock/clock.ts';
import { CircuitOpenError } from '../errors/client-errors.ts';

/** `closed`: calls flow. `open`: calls fail fast. `half-open`: one trial call decides. */
export type CircuitState = 'closed' | 'open' | 'half-open';

/**
 * Fails fast while a vendor is down. Closed: calls flow; `failureThreshold`
 * consecutive failures open it. Open: calls fail with `CircuitOpenError` until
 * `cooldownMs` has passed. Half-open: one trial call; success closes, failure re-opens.
 */
export interface CircuitBreaker {
  /** The current state; `half-open` once an open circuit's cool-down has passed. */
  readonly state: CircuitState;
  /** Throws `CircuitOpenError` when no call may go now; otherwise admits one. */
  beforeCall(): void;
  /** Records that an admitted call went well (or failed for a reason not the vendor's): resets the failure count and closes the circuit. */
  recordSuccess(): void;
  /** Records a failed call: opens the circuit at `failureThreshold` consecutive failures, or at once after a half-open trial. */
  recordFailure(): void;
  /** Runs `fn` under the breaker; `isFailure` decides which errors count (default: all). */
  execute<T>(fn: () => Promise<T>, isFailure?: (error: unknown) => boolean): Promise<T>;
}

/** Options of `createCircuitBreaker`. All are optional. */
export interface CircuitBreakerOptions {
  /** Consecutive failures that open the circuit. Default 5. */
  failureThreshold?: number;
  /** How long it stays open before a trial call. Default 30 000 ms. */
  cooldownMs?: number;
  /** Named in `CircuitOpenError` messages. Default: none (`The circuit is open…`). */
  name?: string;
  /** Time source for the cool-down. Default: the system clock. */
  clock?: Clock;
  /** Called on every state change. Default: none. */
  onStateChange?: (state: CircuitState) => void;
}

/**
 * Creates a circuit breaker.
 *
 * @example
 * ```ts
 * const breaker = createCircuitBreaker({ failureThreshold: 5, cooldownMs: 30_000 });
 * const client = createHttpClient({ vendor: 'example', baseUrl, circuitBreaker: breaker });
 * ```
 */
export function createCircuitBreaker(options: CircuitBreakerOptions = {}): CircuitBreaker {
  const threshold = options.failureThreshold ?? 5;
  const cooldownMs = options.cooldownMs ?? 30_000;
  const clock = options.clock ?? systemClock;
  let state: CircuitState = 'closed';
  let failures = 0;
  let openedAt = 0;
  let trialInFlight = false;

  const setState = (next: CircuitState) => {
    if (next === state) return;
    state = next;
    options.onStateChange?.(next);
  };

  const breaker: CircuitBreaker = {
    get state() {
      if (state === 'open' && clock.now() - openedAt >= cooldownMs) return 'half-open';
      return state;
    },
    beforeCall() {
      if (state === 'open') {
        const waited = clock.now() - openedAt;
        if (waited < cooldownMs) {
          throw new CircuitOpenError(
            `${options.name ?? 'The'} circuit is open after ${failures} consecutive failures; retry in ${cooldownMs - waited} ms.`,
            { retryAfterMs: cooldownMs - waited },
          );
        }
        setState('half-open');
      }
      if (state === 'half-open') {
        if (trialInFlight) {
          throw new CircuitOpenError(
            `${options.name ?? 'The'} circuit is half-open and a trial call is in flight.`,
            {
              retryAfterMs: 0,
            },
          );
        }
        trialInFlight = true;
      }
    },
    recordSuccess() {
      failures = 0;
      trialInFlight = false;
      setState('closed');
    },
    recordFailure() {
      failures += 1;
      const wasTrial = state === 'half-open';
      trialInFlight = false;
      if (wasTrial || failures >= threshold) {
        openedAt = clock.now();
        setState('open');
      }
    },
    async execute(fn, isFailure = () => true) {
      breaker.beforeCall();
      try {
        const result = await fn();
        breaker.recordSuccess();
        return result;
      } catch (error) {
        if (isFailure(error)) breaker.recordFailure();
        else breaker.recordSuccess();
        throw error;
      }
    },
  };
  return breaker;
}
