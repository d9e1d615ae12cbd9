import { type Clock, systemClock } from '@salesos/core';
import {
  createMswHandlers,
  type FaultOptions,
  type FaultStats,
  type FetchHandler,
  type ListeningServer,
  listenFetchHandler,
  withFaults,
} from '@salesos/core/testing';
import type { RequestHandler } from 'msw';
import { readParams } from './internal/request-params.ts';
import {
  invalidAccessCredentials,
  invalidApiKey,
  json,
  keyScopeDenied,
  paidPlanRequired,
  tooManyRequests,
} from './internal/responses.ts';
import type { SimulatedRoute } from './internal/route-context.ts';
import { crmRoutes } from './internal/routes-crm.ts';
import { engagementRoutes } from './internal/routes-engagement.ts';
import { prospectingRoutes } from './internal/routes-prospecting.ts';
import { type ApolloSimulatorStore, createSimulatorStore } from './simulator-store.ts';

/** Limits of one route's windows; `null` is unlimited (Apollo then sends an empty limit header). */
export interface ApolloSimulatorWindowLimits {
  minute?: number | null;
  hour?: number | null;
  day?: number | null;
}

/** Options of `createApolloSimulator`. */
export interface ApolloSimulatorOptions {
  /** Seed of the generated data. Default 1. */
  seed?: number;
  /** Base URL the msw handlers answer under. Default `https://api.apollo.io/api/v1`. */
  baseUrl?: string;
  /** The only API key accepted. Default: any non-empty `x-api-key`. */
  apiKey?: string;
  /** Injected faults (latency, 5xx, resets, 429 bursts with Apollo's 429 body). Default: none. */
  faults?: FaultOptions;
  /** People in the generated database. Default 200. */
  people?: number;
  /** Organizations in the generated database. Default 40. */
  organizations?: number;
  /** Contacts saved by the team (the first generated people). Default 25. */
  contacts?: number;
  /** Accounts saved by the team (the first generated organizations). Default 10. */
  accounts?: number;
  /** `free` makes the paid-only searches answer Apollo's plan-gate 403. Default `paid`. */
  plan?: 'paid' | 'free';
  /**
   * Key scopes (`api/v1/people/match`…) the API key has; a route outside them answers
   * the 403 `API_INACCESSIBLE`. Default: a master key (every route).
   */
  keyScopes?: readonly string[];
  /** Window limits of every route. Default `{ minute: 600, hour: 6000, day: 50000 }`. */
  rateLimits?: ApolloSimulatorWindowLimits;
  /** Window limits per route (`POST /people/match`) or scope (`api/v1/people/match`), over `rateLimits`. */
  routeRateLimits?: Record<string, ApolloSimulatorWindowLimits>;
  /** Usage header names: `current` (`x-24-hour-*`) or `legacy` (`x-daily-*`). Default `current`. */
  rateLimitHeaders?: 'current' | 'legacy';
  /** Lead credits in the current cycle. Default 10 000. */
  creditLimit?: number;
  /** Time source for rate-limit windows and timestamps. Default: the system clock. */
  clock?: Clock;
}

/** A request the simulator answered. */
export interface ApolloSimulatorRequest {
  method: string;
  /** The route template (`POST /people/{id}` → `/people/{id}`), or the raw path when unknown. */
  route: string;
  path: string;
  query: URLSearchParams;
  status: number;
}

/** A simulated Apollo API. */
export interface ApolloSimulator {
  readonly baseUrl: string;
  /** The fake API as one web-standard handler (faults included). */
  readonly fetch: FetchHandler;
  /** msw handlers for `setupServer(...simulator.handlers)`. */
  readonly handlers: RequestHandler[];
  /** Serves the simulator on a real local HTTP server. */
  listen(port?: number): Promise<ListeningServer>;
  /** The simulated team's data, with direct edits. */
  readonly store: ApolloSimulatorStore;
  /** Requests answered so far (the most recent 10 000), oldest first. */
  readonly requests: readonly ApolloSimulatorRequest[];
  /** Forgets the recorded requests. */
  clearRequests(): void;
  /** Changes the plan (`free` turns on the plan gate). */
  setPlan(plan: 'paid' | 'free'): void;
  /** Changes the API key's scopes (`undefined` for a master key). */
  setKeyScopes(scopes: readonly string[] | undefined): void;
  /** Sets the window limits of a route (`POST /people/match`) or scope, or of every route when `route` is omitted. */
  setRateLimits(limits: ApolloSimulatorWindowLimits, route?: string): void;
  /** What the fault injector did. */
  readonly faultStats: FaultStats;
}

const DEFAULT_BASE_URL = 'https://api.apollo.io/api/v1';
const DEFAULT_LIMITS: Required<ApolloSimulatorWindowLimits> = { minute: 600, hour: 6000, day: 50_000 };
const WINDOWS = [
  ['minute', 60_000],
  ['hour', 3_600_000],
  ['day', 86_400_000],
] as const;
const MAX_RECORDED = 10_000;

/** The 429 of an injected burst: Apollo's body, with a short `retry-after` so clients recover. */
const burstResponse = (): Response => {
  const response = tooManyRequests('api/v1', 600, 'minute');
  response.headers.set('retry-after', '1');
  return response;
};

const HEADER_NAMES = {
  current: {
    minute: ['x-rate-limit-minute', 'x-minute-usage', 'x-minute-requests-left'],
    hour: ['x-rate-limit-hourly', 'x-hourly-usage', 'x-hourly-requests-left'],
    day: ['x-rate-limit-24-hour', 'x-24-hour-usage', 'x-24-hour-requests-left'],
  },
  legacy: {
    minute: ['x-rate-limit-minute', 'x-minute-usage', 'x-minute-requests-left'],
    hour: ['x-rate-limit-hourly', 'x-hourly-usage', 'x-hourly-requests-left'],
    day: ['x-rate-limit-daily', 'x-daily-usage', 'x-daily-requests-left'],
  },
} as const;

interface CompiledRoute extends SimulatedRoute {
  pattern: RegExp;
  names: string[];
}

const compile = (route: SimulatedRoute): CompiledRoute => {
  const names: string[] = [];
  const source = route.path
    .replace(/[.*+?^$()|[\]\\]/g, '\\$&')
    .replace(/\\?\{(\w+)\\?\}/g, (_match, name: string) => {
      names.push(name);
      return '([^/]+)';
    });
  return { ...route, pattern: new RegExp(`^${source}$`), names };
};

/**
 * Creates a stateful fake of Apollo's REST API: seeded people and organizations to
 * search and enrich (with hits, misses and the credits they cost), the team's contacts,
 * accounts, deals, sequences and tasks, Apollo's error bodies (text/plain 401, key-scope
 * and plan-gate 403s, bulk 400s, 422s), per-route minute/hour/day windows with Apollo's
 * usage headers and 429 body, and fault injection.
 *
 * @example
 * ```ts
 * import { setupServer } from 'msw/node';
 * import { createApolloClient } from '@salesos/apollo';
 * import { createApolloSimulator } from '@salesos/apollo/testing';
 *
 * const simulator = createApolloSimulator({ seed: 7 });
 * const server = setupServer(...simulator.handlers);
 * server.listen();
 * const client = createApolloClient({ apiKey: 'test-key' });
 * const person = simulator.store.people.values().next().value;
 * const { person: match } = await client.people.enrich({ email: person.email });
 * ```
 */
export function createApolloSimulator(options: ApolloSimulatorOptions = {}): ApolloSimulator {
  const baseUrl = (options.baseUrl ?? DEFAULT_BASE_URL).replace(/\/+$/, '');
  const basePath = new URL(baseUrl).pathname.replace(/\/+$/, '');
  const clock = options.clock ?? systemClock;
  const store = createSimulatorStore({
    seed: options.seed ?? 1,
    people: options.people ?? 200,
    organizations: options.organizations ?? 40,
    contacts: options.contacts ?? 25,
    accounts: options.accounts ?? 10,
    creditLimit: options.creditLimit ?? 10_000,
    clock,
  });
  // Literal paths first, so `/opportunities/search` is not taken for `/opportunities/{opportunity_id}`.
  const routes = [...prospectingRoutes, ...crmRoutes, ...engagementRoutes]
    .map(compile)
    .sort((left, right) => left.names.length - right.names.length);
  const headerNames = HEADER_NAMES[options.rateLimitHeaders ?? 'current'];
  let plan = options.plan ?? 'paid';
  let keyScopes = options.keyScopes;
  let defaultLimits: ApolloSimulatorWindowLimits = { ...DEFAULT_LIMITS, ...options.rateLimits };
  const routeLimits = new Map(Object.entries(options.routeRateLimits ?? {}));
  const requests: ApolloSimulatorRequest[] = [];
  // Scope → window → { start of the fixed window, calls counted in it }.
  const usage = new Map<string, Record<string, { start: number; count: number }>>();

  const limitsOf = (route: CompiledRoute): ApolloSimulatorWindowLimits => ({
    ...defaultLimits,
    ...routeLimits.get(route.scope),
    ...routeLimits.get(`${route.method} ${route.path}`),
  });

  const countersOf = (scope: string, now: number) => {
    let counters = usage.get(scope);
    if (!counters) {
      counters = {};
      usage.set(scope, counters);
    }
    for (const [window, length] of WINDOWS) {
      const start = Math.floor(now / length) * length;
      if (counters[window]?.start !== start) counters[window] = { start, count: 0 };
    }
    return counters as Record<'minute' | 'hour' | 'day', { start: number; count: number }>;
  };

  const apiUsage = () => {
    const now = clock.now();
    const stats: Record<string, unknown> = {};
    for (const route of routes) {
      const counters = countersOf(route.scope, now);
      const limits = limitsOf(route);
      const [prefix, action] = [route.scope.split('/').slice(0, -1).join('/'), route.scope.split('/').pop()];
      const entry: Record<string, unknown> = {};
      for (const [window] of WINDOWS) {
        const limit = limits[window] ?? null;
        const consumed = counters[window].count;
        entry[window === 'hour' ? 'hour' : window] = {
          limit,
          consumed,
          left_over: limit === null ? null : Math.max(0, limit - consumed),
        };
      }
      stats[JSON.stringify([prefix, action]).replace(',', ', ')] = entry;
    }
    return stats;
  };

  const handle = async (request: Request): Promise<Response> => {
    const url = new URL(request.url);
    const path = url.pathname.startsWith(basePath)
      ? url.pathname.slice(basePath.length) || '/'
      : url.pathname;
    let matched: { route: CompiledRoute; pathParams: Record<string, string> } | undefined;
    for (const route of routes) {
      if (route.method !== request.method) continue;
      const match = route.pattern.exec(path);
      if (!match) continue;
      const pathParams: Record<string, string> = {};
      route.names.forEach((name, index) => {
        pathParams[name] = decodeURIComponent(match[index + 1] ?? '');
      });
      matched = { route, pathParams };
      break;
    }
    const record = (status: number) => {
      requests.push({
        method: request.method,
        route: matched?.route.path ?? path,
        path,
        query: url.searchParams,
        status,
      });
      if (requests.length > MAX_RECORDED) requests.splice(0, requests.length - MAX_RECORDED);
    };

    const apiKey = request.headers.get('x-api-key');
    if (!apiKey) {
      const response = request.headers.get('authorization') ? invalidAccessCredentials() : invalidApiKey();
      record(response.status);
      return response;
    }
    if (options.apiKey !== undefined && apiKey !== options.apiKey) {
      record(401);
      return invalidApiKey();
    }
    if (!matched) {
      record(404);
      return json({ error: 'Not Found' }, 404);
    }
    const { route, pathParams } = matched;
    if (keyScopes && !keyScopes.includes(route.scope)) {
      record(403);
      return keyScopeDenied(route.scope);
    }
    if (route.paidOnly && plan === 'free') {
      record(403);
      return paidPlanRequired();
    }

    const now = clock.now();
    const counters = countersOf(route.scope, now);
    const limits = limitsOf(route);
    for (const [window] of WINDOWS) {
      const limit = limits[window];
      if (typeof limit === 'number' && counters[window].count >= limit) {
        record(429);
        return tooManyRequests(route.scope, limit, window);
      }
    }
    for (const [window] of WINDOWS) counters[window].count += 1;

    const params = await readParams(request, url);
    const response = await route.handle({
      store,
      params,
      pathParams,
      apiUsage,
      charge(credits) {
        if (credits <= 0) return;
        store.credits.consumed += credits;
        const key = `${route.method} ${route.path}`;
        store.credits.byRoute[key] = (store.credits.byRoute[key] ?? 0) + credits;
      },
    });
    if (response.ok) {
      for (const [window] of WINDOWS) {
        const [limitName, usageName, leftName] = headerNames[window];
        const limit = limits[window];
        const used = counters[window].count;
        response.headers.set(limitName, limit === null || limit === undefined ? '' : String(limit));
        response.headers.set(usageName, String(used));
        if (typeof limit === 'number') response.headers.set(leftName, String(Math.max(0, limit - used)));
      }
    }
    record(response.status);
    return response;
  };

  const faulty = withFaults(handle, {
    ...options.faults,
    rateLimitResponse: options.faults?.rateLimitResponse ?? burstResponse,
  });
  const fetch: FetchHandler = (request) => faulty(request);

  return {
    baseUrl,
    fetch,
    handlers: createMswHandlers(baseUrl, fetch),
    listen: (port) => listenFetchHandler(fetch, port),
    store,
    requests,
    clearRequests: () => {
      requests.length = 0;
    },
    setPlan: (next) => {
      plan = next;
    },
    setKeyScopes: (scopes) => {
      keyScopes = scopes;
    },
    setRateLimits: (limits, route) => {
      if (route === undefined) defaultLimits = { ...defaultLimits, ...limits };
      else routeLimits.set(route, { ...routeLimits.get(route), ...limits });
    },
    get faultStats() {
      return faulty.stats;
    },
  };
}
