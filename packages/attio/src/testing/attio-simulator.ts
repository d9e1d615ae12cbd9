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
import type { AttioWebhookEventType } from '../schemas/webhook.ts';
import { SimulatorError } from './simulator-error.ts';
import { createSimulatorRoutes } from './simulator-routes.ts';
import { createSimulatorStore, type SimulatorActor, type SimulatorEvent } from './simulator-store.ts';
import type { AttioSimulatorStore } from './simulator-types.ts';
import {
  type AttioSimulatedDelivery,
  buildDelivery,
  signAttioBody,
  subscriptionMatches,
} from './simulator-webhooks.ts';

/** Options of `createAttioSimulator`. */
export interface AttioSimulatorOptions {
  /** Seed of every generated id and record, so runs repeat. Default `1`. */
  seed?: number;
  /** Faults injected before requests reach the fake API (latency, 5xx, resets, 429 bursts). Default: none. */
  faults?: FaultOptions;
  /** The API root the msw handlers answer. Default `https://api.attio.com/v2`. */
  baseUrl?: string;
  /** How many records to generate at the start. Default `{ companies: 10, people: 25, deals: 5 }`. */
  records?: { people?: number; companies?: number; deals?: number };
  /**
   * Attio's limits: reads (GET and queries) and writes per second, each a token bucket of that
   * size refilled every second. Over the limit answers 429 with an HTTP-date `Retry-After`.
   * Default `{ reads: 100, writes: 25 }`; `false` turns them off.
   */
  rateLimits?: { reads?: number; writes?: number } | false;
  /**
   * Score-based limits of records and entries queries: each query costs `costOf(body)` (default
   * 1 + filter conditions + sorts) from a `budget` per sliding `windowMs` (default 10 000). Over
   * budget answers 429 without `Retry-After`. Default: off.
   */
  queryScore?: { budget: number; windowMs?: number; costOf?: (body: Record<string, unknown>) => number };
  /** The only token accepted. Default: any non-empty token. */
  apiKey?: string;
  /** Secret that `webhooks.delivery()` signs with. Default: a fixed test secret. */
  webhookSecret?: string;
  /** Time source of timestamps and rate limits. Default: the system clock. */
  clock?: Clock;
}

/** One request the simulator answered (faulted requests included). */
export interface AttioSimulatorCall {
  method: string;
  /** The path below the API root (`/objects/people/records/query`). */
  path: string;
  /** The matched route's template as Attio's OpenAPI document writes it, or `undefined`. */
  template: string | undefined;
  /** Query parameters, each with all its values. */
  query: Record<string, string[]>;
  body: unknown;
  status: number;
}

/** An event as `webhooks.delivery()` takes it: ids are completed with the workspace id. */
export interface AttioSimulatorEventInput {
  event_type: AttioWebhookEventType | (string & {});
  id?: Record<string, unknown>;
  actor?: SimulatorActor;
  [field: string]: unknown;
}

/** Options of `webhooks.delivery()`. */
export interface AttioSimulatorDeliveryOptions {
  /** Signing secret. Default: the simulator's `webhookSecret`. */
  secret?: string;
  webhookId?: string;
  /** Default: a new id. Reuse one to build a redelivery. */
  idempotencyKey?: string;
}

/** The webhook side of the simulator. */
export interface AttioSimulatorWebhooks {
  /** The secret `delivery()` signs with. */
  readonly secret: string;
  /** Every event the simulator's state raised, oldest first. */
  readonly events: readonly SimulatorEvent[];
  /** Deliveries raised for webhooks registered through the API, not yet sent. */
  readonly outbox: readonly AttioSimulatedDelivery[];
  /**
   * Builds a signed delivery, with an `Idempotency-Key`, of one event (`delivery('record.created',
   * { id: { object_id, record_id } })`) or of several (`delivery([{ event_type, id }, …])`).
   */
  delivery(
    events: AttioWebhookEventType | (string & {}) | readonly AttioSimulatorEventInput[],
    data?: Omit<AttioSimulatorEventInput, 'event_type'>,
    options?: AttioSimulatorDeliveryOptions,
  ): AttioSimulatedDelivery;
  /** Signs a body as Attio does (hex HMAC-SHA256). */
  sign(body: string, secret?: string): string;
  /** Removes and answers every delivery of the outbox. */
  take(): AttioSimulatedDelivery[];
  /** POSTs one delivery to `url` (default: its `targetUrl`). */
  send(delivery: AttioSimulatedDelivery, url?: string, fetchImplementation?: typeof fetch): Promise<Response>;
  /**
   * POSTs every outbox delivery to its webhook's `target_url`; a 2xx removes it, anything else
   * keeps it for the next flush (at-least-once, like Attio).
   */
  flush(options?: { fetch?: typeof fetch }): Promise<{ delivered: number; failed: number }>;
}

/** Counts of what the simulator did. */
export interface AttioSimulatorStats {
  requests: number;
  /** 429s answered by the simulated rate limits (not by injected faults). */
  rateLimited: number;
  /** What the fault injector did. */
  faults: FaultStats | undefined;
}

/** A running fake Attio API. */
export interface AttioSimulator {
  /** The fake API as one web-standard handler. */
  fetch: (request: Request) => Promise<Response>;
  /** msw handlers serving the fake API under `baseUrl`: `setupServer(...simulator.handlers)`. */
  handlers: RequestHandler[];
  /** Serves the fake API on a real local HTTP server; `url` is its API root (ends in `/v2`). */
  listen(port?: number): Promise<{ url: string; port: number; close(): Promise<void> }>;
  /** The fake workspace: seed it, read it, edit it as a user would. */
  store: AttioSimulatorStore;
  /** The API root the msw handlers answer. */
  baseUrl: string;
  webhooks: AttioSimulatorWebhooks;
  /** Every request answered, oldest first. */
  readonly calls: readonly AttioSimulatorCall[];
  readonly stats: AttioSimulatorStats;
}

const json = (status: number, body: unknown, headers: Record<string, string> = {}): Response =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });

/** Attio's `Retry-After`: an HTTP date, at whole seconds, so it is rounded up. */
const retryAfterDate = (epochMs: number): string => new Date(Math.ceil(epochMs / 1000) * 1000).toUTCString();

const rateLimitBody = (message: string) => ({
  status_code: 429,
  type: 'rate_limit_error',
  code: 'rate_limit_exceeded',
  message,
});

const isRead = (method: string, path: string): boolean =>
  method === 'GET' || method === 'HEAD' || (method === 'POST' && path.endsWith('/query'));

const countConditions = (filter: unknown): number => {
  if (filter === null || typeof filter !== 'object') return 0;
  if (Array.isArray(filter)) return filter.reduce((sum: number, item) => sum + countConditions(item), 0);
  return Object.entries(filter).reduce(
    (sum, [key, value]) => sum + (key.startsWith('$') ? countConditions(value) : 1),
    0,
  );
};

/**
 * Creates a stateful fake of Attio's REST API v2: objects and attributes, records queries
 * with filters, sorts, limit and offset, assert semantics, lists and entries, notes, tasks,
 * threads and comments, webhooks with signed deliveries, Attio's error bodies, its rate limits
 * (429 with an HTTP-date `Retry-After`) and injected faults. Serve it through msw
 * (`handlers`) or a real local server (`listen()`).
 *
 * @example
 * ```ts
 * import { setupServer } from 'msw/node';
 * import { createAttioClient } from '@salesos/attio';
 * import { createAttioSimulator } from '@salesos/attio/testing';
 *
 * const simulator = createAttioSimulator({ seed: 7 });
 * const server = setupServer(...simulator.handlers);
 * server.listen();
 * const client = createAttioClient({ apiKey: 'test-key' });
 * const people = await client.records.query('people').toArray();
 * ```
 */
export function createAttioSimulator(options: AttioSimulatorOptions = {}): AttioSimulator {
  const clock = options.clock ?? systemClock;
  const random = createRandom(options.seed ?? 1);
  const baseUrl = (options.baseUrl ?? 'https://api.attio.com/v2').replace(/\/+$/, '');
  const basePath = new URL(baseUrl).pathname.replace(/\/+$/, '');
  const webhookSecret = options.webhookSecret ?? 'attio-simulator-webhook-secret';
  const raised: SimulatorEvent[] = [];
  const outbox: AttioSimulatedDelivery[] = [];
  const calls: AttioSimulatorCall[] = [];
  const stats: AttioSimulatorStats = { requests: 0, rateLimited: 0, faults: undefined };

  // Events raised while the store is being built (before `store` exists) have no webhook to go to.
  let ready = false;
  const store = createSimulatorStore({
    random,
    now: () => clock.now(),
    onEvent: (event) => {
      raised.push(event);
      if (!ready) return;
      for (const webhook of store.webhookStates()) {
        if (webhook.status !== 'active') continue;
        const subscribed = webhook.subscriptions.some(
          (subscription) =>
            subscription.event_type === event.event_type && subscriptionMatches(subscription.filter, event),
        );
        if (!subscribed) continue;
        outbox.push(
          buildDelivery(webhook.id.webhook_id, [event], webhook.secret, store.uuid(), webhook.target_url),
        );
      }
    },
  });
  const records = options.records ?? {};
  store.seed('companies', records.companies ?? 10);
  store.seed('people', records.people ?? 25);
  store.seed('deals', records.deals ?? 5);
  ready = true;

  const newSecret = () => Array.from({ length: 64 }, () => random.int(0, 15).toString(16)).join('');
  const routes = createSimulatorRoutes(store, newSecret);

  // -- rate limits: one token bucket for reads, one for writes
  const limits = options.rateLimits === false ? undefined : { reads: 100, writes: 25, ...options.rateLimits };
  const buckets = {
    reads: { tokens: limits?.reads ?? 0, updatedAt: clock.now() },
    writes: { tokens: limits?.writes ?? 0, updatedAt: clock.now() },
  };
  const takeToken = (kind: 'reads' | 'writes'): number => {
    if (!limits) return 0;
    const size = limits[kind];
    const bucket = buckets[kind];
    const now = clock.now();
    bucket.tokens = Math.min(size, bucket.tokens + ((now - bucket.updatedAt) / 1000) * size);
    bucket.updatedAt = now;
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return 0;
    }
    return Math.ceil(((1 - bucket.tokens) / size) * 1000);
  };

  const scoreWindow: { at: number; cost: number }[] = [];
  const takeScore = (body: unknown): boolean => {
    const policy = options.queryScore;
    if (!policy) return true;
    const windowMs = policy.windowMs ?? 10_000;
    const now = clock.now();
    while (scoreWindow.length > 0 && (scoreWindow[0]?.at ?? now) <= now - windowMs) scoreWindow.shift();
    const record = (body ?? {}) as Record<string, unknown>;
    const cost =
      policy.costOf?.(record) ??
      1 + countConditions(record.filter) + (Array.isArray(record.sorts) ? record.sorts.length : 0);
    const used = scoreWindow.reduce((sum, item) => sum + item.cost, 0);
    if (used + cost > policy.budget) return false;
    scoreWindow.push({ at: now, cost });
    return true;
  };

  const authorised = (request: Request): boolean => {
    const header = request.headers.get('authorization') ?? '';
    let token = '';
    if (/^bearer /i.test(header)) token = header.slice(7).trim();
    else if (/^basic /i.test(header)) {
      token = Buffer.from(header.slice(6).trim(), 'base64').toString('utf8').replace(/:$/, '');
    }
    if (token === '') return false;
    return options.apiKey === undefined || token === options.apiKey;
  };

  const handle = async (request: Request): Promise<Response> => {
    stats.requests += 1;
    const url = new URL(request.url);
    const method = request.method.toUpperCase();
    const path = url.pathname.startsWith(basePath)
      ? url.pathname.slice(basePath.length) || '/'
      : url.pathname;
    const query: Record<string, string[]> = {};
    for (const [key, value] of url.searchParams) {
      query[key] = [...(query[key] ?? []), value];
    }
    const text = method === 'GET' || method === 'HEAD' ? '' : await request.text();
    const call: AttioSimulatorCall = { method, path, template: undefined, query, body: undefined, status: 0 };
    calls.push(call);
    const answer = (response: Response) => {
      call.status = response.status;
      return response;
    };
    try {
      if (!url.pathname.startsWith(basePath))
        throw new SimulatorError(404, 'not_found', `No route for ${url.pathname}.`);
      if (text !== '') {
        try {
          call.body = JSON.parse(text);
        } catch {
          throw new SimulatorError(400, 'validation_type', 'The request body is not valid JSON.');
        }
      }
      if (!authorised(request)) {
        throw new SimulatorError(401, 'unauthorized', 'The access token is missing, invalid or revoked.', {
          type: 'auth_error',
        });
      }
      const kind = isRead(method, path) ? 'reads' : 'writes';
      const waitMs = takeToken(kind);
      if (waitMs > 0) {
        stats.rateLimited += 1;
        return answer(
          json(429, rateLimitBody(`Rate limit of ${limits?.[kind]} ${kind} per second exceeded.`), {
            'retry-after': retryAfterDate(clock.now() + waitMs),
          }),
        );
      }
      if (method === 'GET' && path === '/self') {
        call.template = '/self';
        return answer(
          json(200, {
            active: true,
            scope:
              'record_permission:read-write object_configuration:read-write list_entry:read-write list_configuration:read-write note:read-write task:read-write comment:read-write webhook:read-write user_management:read',
            client_id: store.apiActor.id,
            token_type: 'Bearer',
            exp: null,
            iat: Math.floor(clock.now() / 1000),
            sub: store.workspaceId,
            aud: store.apiActor.id,
            iss: 'attio.com',
            authorized_by_workspace_member_id: store.uiActor.id,
            workspace_id: store.workspaceId,
            workspace_name: 'Simulated Workspace',
            workspace_slug: 'simulated-workspace',
            workspace_logo_url: null,
          }),
        );
      }
      const matched = routes.match(method, path);
      if (!matched) throw new SimulatorError(404, 'not_found', `No route for ${method} ${path}.`);
      call.template = matched.route.template;
      if (path.endsWith('/query') && !takeScore(call.body)) {
        stats.rateLimited += 1;
        return answer(json(429, rateLimitBody('Query complexity limit exceeded; retry later.')));
      }
      const result = routes.run(matched.route, {
        params: matched.params,
        query: url.searchParams,
        body: call.body,
        actor: store.apiActor,
      });
      return answer(json(200, result));
    } catch (error) {
      if (error instanceof SimulatorError) return answer(json(error.status, error.toBody(), error.headers));
      return answer(
        json(500, {
          status_code: 500,
          type: 'internal_error',
          code: 'internal_error',
          message: error instanceof Error ? error.message : 'Internal error',
        }),
      );
    }
  };

  const faulty = options.faults
    ? withFaults(handle, {
        rateLimitResponse: () =>
          json(429, rateLimitBody('Rate limit exceeded.'), {
            'retry-after': retryAfterDate(clock.now() + 1),
          }),
        ...options.faults,
      })
    : undefined;
  if (faulty) stats.faults = faulty.stats;
  const fetchHandler = async (request: Request): Promise<Response> =>
    faulty ? faulty(request) : handle(request);

  const toEvent = (input: AttioSimulatorEventInput): SimulatorEvent => {
    const { event_type, id, actor, ...rest } = input;
    return {
      event_type,
      id: { workspace_id: store.workspaceId, ...id },
      actor: actor ?? store.uiActor,
      ...rest,
    };
  };

  const webhooks: AttioSimulatorWebhooks = {
    secret: webhookSecret,
    events: raised,
    outbox,
    delivery(events, data = {}, deliveryOptions = {}) {
      const inputs: AttioSimulatorEventInput[] =
        typeof events === 'string' ? [{ ...data, event_type: events }] : [...events];
      return buildDelivery(
        deliveryOptions.webhookId ?? store.uuid(),
        inputs.map(toEvent),
        deliveryOptions.secret ?? webhookSecret,
        deliveryOptions.idempotencyKey ?? store.uuid(),
      );
    },
    sign: (body, secret = webhookSecret) => signAttioBody(body, secret),
    take: () => outbox.splice(0, outbox.length),
    send(delivery, url, fetchImplementation = globalThis.fetch) {
      const target = url ?? delivery.targetUrl;
      if (!target) throw new Error('This delivery has no target URL: pass one.');
      return fetchImplementation(target, { method: 'POST', headers: delivery.headers, body: delivery.body });
    },
    async flush(flushOptions = {}) {
      let delivered = 0;
      let failed = 0;
      for (const delivery of outbox.splice(0, outbox.length)) {
        try {
          const response = await webhooks.send(delivery, undefined, flushOptions.fetch);
          if (response.ok) {
            delivered += 1;
            continue;
          }
        } catch {
          // A failed delivery stays queued, as Attio retries it later.
        }
        failed += 1;
        outbox.push(delivery);
      }
      return { delivered, failed };
    },
  };

  return {
    fetch: fetchHandler,
    handlers: createMswHandlers(baseUrl, fetchHandler),
    async listen(port) {
      const server = await listenFetchHandler(fetchHandler, port);
      return { url: `${server.url}${basePath}`, port: server.port, close: () => server.close() };
    },
    store,
    baseUrl,
    webhooks,
    calls,
    stats,
  };
}
