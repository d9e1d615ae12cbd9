import type { FetchHandler } from './fetch-handler.ts';
import { createRandom } from './random.ts';

/** Faults a simulator injects. Every rate is a probability per request, from 0 to 1. */
export interface FaultOptions {
  /** Seed of the fault dice, so a faulty run is repeatable. Default 1. */
  seed?: number;
  /** Added latency in ms: a fixed value or a `[min, max]` range. */
  latencyMs?: number | readonly [number, number];
  /** Probability of a latency spike of `spikeMs` on top of `latencyMs`. */
  spikeRate?: number;
  /** Length of a latency spike. Default 500 ms. */
  spikeMs?: number;
  /** Probability of a 5xx answer (500, 502, 503 or 504). */
  errorRate?: number;
  /** Probability of a connection reset (`Response.error()`). */
  resetRate?: number;
  /** Probability that a request starts a burst of `burstLength` 429s. */
  rateLimitBurstRate?: number;
  /** Length of a 429 burst. Default 3. */
  burstLength?: number;
  /** Builds the 429 response of a burst (each vendor has its own body and headers). */
  rateLimitResponse?: () => Response;
  /** Paths (regular expressions on the URL pathname) exempt from faults. */
  exempt?: readonly RegExp[];
}

/** Counts of what a fault injector did. */
export interface FaultStats {
  requests: number;
  delayed: number;
  errors: number;
  resets: number;
  rateLimited: number;
}

/**
 * Wraps a `FetchHandler` with injected faults: latency and spikes, 5xx, connection
 * resets and 429 bursts. The vendor simulators use it for their `faults` option.
 */
export function withFaults(
  handler: FetchHandler,
  options: FaultOptions = {},
  sleep: (ms: number) => Promise<void> = (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
): FetchHandler & { stats: FaultStats } {
  const random = createRandom(options.seed ?? 1);
  const stats: FaultStats = { requests: 0, delayed: 0, errors: 0, resets: 0, rateLimited: 0 };
  let burstLeft = 0;
  const rateLimitResponse =
    options.rateLimitResponse ??
    (() =>
      new Response(JSON.stringify({ error: 'rate limited' }), {
        status: 429,
        headers: { 'retry-after': '1' },
      }));

  const wrapped = async (request: Request): Promise<Response> => {
    stats.requests += 1;
    const path = new URL(request.url).pathname;
    if (options.exempt?.some((pattern) => pattern.test(path))) return handler(request);
    let delay = 0;
    if (typeof options.latencyMs === 'number') delay += options.latencyMs;
    else if (options.latencyMs) delay += random.int(options.latencyMs[0], options.latencyMs[1]);
    if (options.spikeRate && random.chance(options.spikeRate)) delay += options.spikeMs ?? 500;
    if (delay > 0) {
      stats.delayed += 1;
      await sleep(delay);
    }
    if (burstLeft > 0) {
      burstLeft -= 1;
      stats.rateLimited += 1;
      return rateLimitResponse();
    }
    if (options.rateLimitBurstRate && random.chance(options.rateLimitBurstRate)) {
      burstLeft = Math.max(0, (options.burstLength ?? 3) - 1);
      stats.rateLimited += 1;
      return rateLimitResponse();
    }
    if (options.resetRate && random.chance(options.resetRate)) {
      stats.resets += 1;
      return Response.error();
    }
    if (options.errorRate && random.chance(options.errorRate)) {
      stats.errors += 1;
      const status = random.pick([500, 502, 503, 504]);
      return new Response(JSON.stringify({ error: 'injected fault' }), {
        status,
        headers: { 'content-type': 'application/json' },
      });
    }
    return handler(request);
  };
  return Object.assign(wrapped, { stats });
}
