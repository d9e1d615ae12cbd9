import { type Clock, systemClock } from '@salesos/core';
import {
  createMswHandlers,
  createRandom,
  type FaultOptions,
  type FaultStats,
  listenFetchHandler,
  withFaults,
} from '@salesos/core/testing';
import type { RequestHandler } from 'msw';
import { salesloftPageCost } from '../ratelimit/salesloft-cost-of.ts';
import { createSimulatorBudget, type SimulatorRateLimitStats } from './simulator-budget.ts';
import { readPaging } from './simulator-list.ts';
import { jsonResponse } from './simulator-query.ts';
import { createSimulatorRoutes, type SimulatorSettings } from './simulator-routes.ts';
import { createSimulatorStore, type SalesloftSimulatorStore } from './simulator-store.ts';
import { createSimulatorWebhooks, type SimulatorWebhooks } from './simulator-webhooks.ts';

/** Options of `createSalesloftSimulator`. */
export interface SalesloftSimulatorOptions {
  /** Seed of the generated data and of the fault dice. Default 1. */
  seed?: number;
  /** The versioned root the simulator answers under. Default `https://api.salesloft.com/v2`. */
  baseUrl?: string;
  /** Cost budget per window, as SalesLoft's 600 per minute. Default 600. */
  budget?: number;
  /** Budget window in milliseconds; shorten it to run time-scaled. Default 60 000. */
  windowMs?: number;
  /** Send `Retry-After` on budget 429s (SalesLoft does not document it). Default `false`. */
  retryAfter?: boolean;
  /** Faults to inject: latency, spikes, 5xx, connection resets, 429 bursts. */
  faults?: FaultOptions;
  /** Time source of timestamps and budget windows. Default: the system clock. */
  clock?: Clock;
  /** Bearer tokens accepted; others get 401 "Invalid Bearer token". Default: any token. */
  apiKeys?: readonly string[];
  /** Bearer tokens that may only read; their writes get 403. */
  readOnlyKeys?: readonly string[];
  /** People seeded at start. Default 25. */
  people?: number;
  /** Accounts seeded at start. Default 10. */
  accounts?: number;
  /** Cadences seeded at start, each with 3 steps. Default 3. */
  cadences?: number;
  /** Email activities seeded at start. Default 10. */
  emails?: number;
  /** Call activities seeded at start. Default 5. */
  calls?: number;
  /** Webhook deliveries. */
  webhooks?: {
    /** Callback token of deliveries built without a subscription. Default `simulator-callback-token`. */
    token?: string;
    /** POST deliveries to subscribed URLs as changes happen instead of queueing them. Default `false`. */
    autoDeliver?: boolean;
    /** fetch used to POST deliveries. Default `globalThis.fetch`. */
    fetch?: typeof fetch;
    /** Wait between delivery retries. Default 0 (SalesLoft waits 15 s). */
    retryDelayMs?: number;
  };
}

/** One request the simulator answered. */
export interface SimulatorRequestRecord {
  method: string;
  /** Path as requested (`/v2/people.json`). */
  path: string;
  query: URLSearchParams;
  status: number;
  /** Cost charged against the budget (0 when refused before charging). */
  cost: number;
}

/** The simulator's local HTTP server. */
export interface SalesloftSimulatorServer {
  /** The versioned root to pass as `baseUrl` (`http://127.0.0.1:53011/v2`). */
  url: string;
  /** The server's origin (`http://127.0.0.1:53011`). */
  origin: string;
  port: number;
  close(): Promise<void>;
}

/** A stateful fake of the SalesLoft API v2. */
export interface SalesloftSimulator {
  /** The API as one web-standard handler. */
  fetch(request: Request): Promise<Response>;
  /** msw handlers answering every request under `baseUrl`. */
  handlers: RequestHandler[];
  /** Serves the API on a real local HTTP server (port 0 picks a free port). */
  listen(port?: number): Promise<SalesloftSimulatorServer>;
  /** The data: collections with direct edits and seeding helpers. */
  store: SalesloftSimulatorStore;
  baseUrl: string;
  /** Switches a test may flip: `Retry-After` on 429s, omitted paging. */
  settings: SimulatorSettings;
  /** The cost budget: statistics per window, reset. */
  rateLimit: { stats(): SimulatorRateLimitStats; reset(): void };
  /** Signed webhook deliveries. */
  webhooks: SimulatorWebhooks;
  /** Counts of injected faults, when `faults` was given. */
  faultStats: FaultStats | undefined;
  /** The most recent requests (up to 10 000), oldest first. */
  requests: SimulatorRequestRecord[];
}

const NO_TOKEN = 'No Bearer Token attached to request, please see documentation at developers.salesloft.com';
const MAX_LOG = 10_000;

/**
 * Creates a stateful SalesLoft simulator: every endpoint the client calls, with filters,
 * sorting, the `{ data, metadata.paging }` envelope, the cost budget and its 429, the
 * 401/403/404/422 bodies, signed webhook deliveries and fault injection.
 *
 * @example
 * ```ts
 * import { setupServer } from 'msw/node';
 * import { createSalesloftClient } from '@salesos/salesloft';
 * import { createSalesloftSimulator } from '@salesos/salesloft/testing';
 *
 * const simulator = createSalesloftSimulator({ seed: 7, people: 500 });
 * const server = setupServer(...simulator.handlers);
 * server.listen();
 * const client = createSalesloftClient({ apiKey: 'ak_test' });
 * const people = await client.people.list({ per_page: 100 }).toArray();
 * ```
 */
export function createSalesloftSimulator(options: SalesloftSimulatorOptions = {}): SalesloftSimulator {
  const clock = options.clock ?? systemClock;
  const baseUrl = (options.baseUrl ?? 'https://api.salesloft.com/v2').replace(/\/+$/, '');
  const basePath = new URL(baseUrl).pathname.replace(/\/+$/, '');
  const random = createRandom(options.seed ?? 1);
  const store = createSimulatorStore({ clock, random, baseUrl });
  store.seedAccounts(options.accounts ?? 10);
  store.seedPeople(options.people ?? 25);
  store.seedCadences(options.cadences ?? 3);
  store.seedEmails(options.emails ?? 10);
  store.seedCalls(options.calls ?? 5);

  const settings: SimulatorSettings = { retryAfter: options.retryAfter ?? false, omitPaging: false };
  const budget = createSimulatorBudget({
    budget: options.budget ?? 600,
    windowMs: options.windowMs ?? 60_000,
    clock,
  });
  const route = createSimulatorRoutes(store, settings);
  const webhooks = createSimulatorWebhooks(store, {
    fetch: options.webhooks?.fetch ?? ((input, init) => globalThis.fetch(input, init)),
    defaultToken: options.webhooks?.token ?? 'simulator-callback-token',
    autoDeliver: options.webhooks?.autoDeliver ?? false,
    retryDelayMs: options.webhooks?.retryDelayMs ?? 0,
  });
  const accepted = options.apiKeys ? new Set(options.apiKeys) : undefined;
  const readOnly = new Set(options.readOnlyKeys ?? []);
  const requests: SimulatorRequestRecord[] = [];

  const rateHeaders = (cost: number, remaining: number): Record<string, string> => ({
    'x-ratelimit-endpoint-cost': String(cost),
    'x-ratelimit-remaining-minute': String(remaining),
  });
  const rateLimited = (cost: number, remaining: number, resetInMs: number) =>
    jsonResponse(
      429,
      { error: 'API rate limit exceeded' },
      {
        ...rateHeaders(cost, remaining),
        ...(settings.retryAfter ? { 'retry-after': String(Math.max(1, Math.ceil(resetInMs / 1000))) } : {}),
      },
    );

  const answer = async (request: Request): Promise<{ response: Response; cost: number }> => {
    const url = new URL(request.url);
    let path = url.pathname;
    if (basePath && (path === basePath || path.startsWith(`${basePath}/`)))
      path = path.slice(basePath.length);
    path = path.replace(/\/+$/, '').replace(/\.json$/, '');

    const authorization = request.headers.get('authorization') ?? '';
    const match = /^Bearer\s+(\S+)$/i.exec(authorization.trim());
    if (!match) return { response: jsonResponse(401, { error: NO_TOKEN }), cost: 0 };
    const token = match[1] as string;
    if (accepted && !accepted.has(token)) {
      return { response: jsonResponse(401, { error: 'Invalid Bearer token' }), cost: 0 };
    }

    const cost = salesloftPageCost(readPaging(url.searchParams).page);
    const decision = budget.charge(cost);
    if (!decision.allowed)
      return { response: rateLimited(cost, decision.remaining, decision.resetInMs), cost: 0 };

    let response: Response;
    if (readOnly.has(token) && request.method !== 'GET' && request.method !== 'HEAD') {
      response = jsonResponse(403, { error: 'This API key is not authorized to perform this action' });
    } else {
      response = await route(request, url, path);
    }
    for (const [name, value] of Object.entries(rateHeaders(cost, decision.remaining))) {
      response.headers.set(name, value);
    }
    return { response, cost };
  };

  const inner = async (request: Request): Promise<Response> => {
    const { response, cost } = await answer(request);
    const url = new URL(request.url);
    requests.push({
      method: request.method,
      path: url.pathname,
      query: url.searchParams,
      status: response.status,
      cost,
    });
    if (requests.length > MAX_LOG) requests.splice(0, requests.length - MAX_LOG);
    return response;
  };

  const faulty = options.faults
    ? withFaults(inner, {
        seed: options.seed ?? 1,
        ...options.faults,
        rateLimitResponse:
          options.faults.rateLimitResponse ??
          (() => rateLimited(1, 0, budget.windowMs - (clock.now() % budget.windowMs))),
      })
    : undefined;
  const handler = async (request: Request): Promise<Response> => (faulty ? faulty(request) : inner(request));

  return {
    fetch: handler,
    handlers: createMswHandlers(baseUrl, handler),
    async listen(port) {
      const server = await listenFetchHandler(handler, port);
      return { url: `${server.url}${basePath}`, origin: server.url, port: server.port, close: server.close };
    },
    store,
    baseUrl,
    settings,
    rateLimit: { stats: budget.stats, reset: budget.reset },
    webhooks,
    faultStats: faulty?.stats,
    requests,
  };
}
