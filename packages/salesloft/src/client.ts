import {
  type CircuitBreaker,
  type Clock,
  ConfigError,
  createHttpClient,
  type EventBus,
  type HttpAuth,
  type HttpClient,
  type Logger,
  type RateLimiter,
  type TokenProvider,
} from '@salesos/core';
import { parseSalesloftError } from './errors.ts';
import { createSalesloftRateLimiter } from './ratelimit/salesloft-rate-limiter.ts';
import { createAccountsResource, type SalesloftAccountsResource } from './resources/accounts.ts';
import { createActivitiesResource, type SalesloftActivitiesResource } from './resources/activities.ts';
import {
  createCadenceMembershipsResource,
  type SalesloftCadenceMembershipsResource,
} from './resources/cadence-memberships.ts';
import { createCadencesResource, type SalesloftCadencesResource } from './resources/cadences.ts';
import { createNotesResource, type SalesloftNotesResource } from './resources/notes.ts';
import { createPeopleResource, type SalesloftPeopleResource } from './resources/people.ts';
import type { SalesloftRequestOptions, SalesloftResourceContext } from './resources/resource-context.ts';
import { createStepsResource, type SalesloftStepsResource } from './resources/steps.ts';
import { createTasksResource, type SalesloftTasksResource } from './resources/tasks.ts';
import { createUsersResource, type SalesloftUsersResource } from './resources/users.ts';
import {
  createWebhookSubscriptionsResource,
  type SalesloftWebhookSubscriptionsResource,
} from './resources/webhook-subscriptions.ts';
import type { SalesloftUser } from './schemas/user.ts';
import { VERSION } from './version.ts';

/** SalesLoft's versioned API root. */
export const SALESLOFT_BASE_URL = 'https://api.salesloft.com/v2';

/** Options of `createSalesloftClient`. */
export interface SalesloftClientOptions {
  /** API key (`ak_…`), sent as a bearer token. Default: env `SALESLOFT_API_KEY`. Ignored when `tokenProvider` is given. */
  apiKey?: string | undefined;
  /** Supplies OAuth access tokens instead of an API key; called again with `forceRefresh` after a 401. Default: none. */
  tokenProvider?: TokenProvider | undefined;
  /** The versioned API root. Default `https://api.salesloft.com/v2`; env `SALESLOFT_BASE_URL`. */
  baseUrl?: string | undefined;
  /** Headers sent with every request. Default: none. */
  headers?: Record<string, string> | undefined;
  /** The fetch implementation. Default `globalThis.fetch`. */
  fetch?: typeof fetch | undefined;
  /** Per-attempt timeout in milliseconds. Default 30 000. */
  timeoutMs?: number | undefined;
  /** Retries after the first attempt (network errors, 408/425/429/5xx; POSTs only when safe). Default 3. */
  maxRetries?: number | undefined;
  /** Where debug and warning lines go, with secrets redacted. Default: nothing. */
  logger?: Logger | undefined;
  /** Receives `http.*` and `ratelimit.wait` events. Default: none. */
  events?: EventBus | undefined;
  /**
   * Admits requests under SalesLoft's team budget. Default: a new `createSalesloftRateLimiter()`
   * (600 cost per minute, page-depth costs). Pass one limiter to every client of a team; `false` disables.
   */
  rateLimiter?: RateLimiter | false | undefined;
  /** Records per page when a list call sets no `per_page`. Default 100 (SalesLoft's maximum). */
  perPage?: number | undefined;
  /** Fails fast after repeated 5xx and network failures. Default: core's breaker; `false` disables. */
  circuitBreaker?: CircuitBreaker | false | undefined;
  /** Time source for retries and rate limiting. Default: the system clock. */
  clock?: Clock | undefined;
}

/** A typed SalesLoft API v2 client. */
export interface SalesloftClient {
  people: SalesloftPeopleResource;
  accounts: SalesloftAccountsResource;
  cadences: SalesloftCadencesResource;
  cadenceMemberships: SalesloftCadenceMembershipsResource;
  steps: SalesloftStepsResource;
  users: SalesloftUsersResource;
  /** The user the credentials belong to (`/v2/me`); the same as `users.me()`. */
  me(options?: SalesloftRequestOptions): Promise<SalesloftUser>;
  notes: SalesloftNotesResource;
  tasks: SalesloftTasksResource;
  activities: SalesloftActivitiesResource;
  webhookSubscriptions: SalesloftWebhookSubscriptionsResource;
  /** The underlying HTTP client, for endpoints without a typed method. Paths are below `baseUrl`. */
  readonly http: HttpClient;
  /** The limiter in use, if any. */
  readonly rateLimiter: RateLimiter | undefined;
}

const readEnv = (name: string): string | undefined => {
  const value = typeof process === 'undefined' ? undefined : process.env[name];
  return value === undefined || value.trim() === '' ? undefined : value.trim();
};

/**
 * Creates a SalesLoft client: typed namespaces over `https://api.salesloft.com/v2` with
 * auto-pagination, zod-validated responses, retries and SalesLoft's cost budget.
 *
 * @example
 * ```ts
 * import { createSalesloftClient } from '@salesos/salesloft';
 *
 * const salesloft = createSalesloftClient({ apiKey: process.env.SALESLOFT_API_KEY });
 * for await (const person of salesloft.people.list({ updated_at: { gte: '2026-01-01T00:00:00Z' } })) {
 *   console.log(person.id, person.email_address);
 * }
 * const membership = await salesloft.cadenceMemberships.create({ person_id: 42, cadence_id: 7 });
 * ```
 */
export function createSalesloftClient(options: SalesloftClientOptions = {}): SalesloftClient {
  let auth: HttpAuth;
  if (options.tokenProvider) {
    auth = { type: 'oauth', tokenProvider: options.tokenProvider };
  } else {
    const apiKey = options.apiKey ?? readEnv('SALESLOFT_API_KEY');
    if (!apiKey) {
      throw new ConfigError(
        'createSalesloftClient: no credentials. Pass "apiKey" (or "tokenProvider" for OAuth), or set the SALESLOFT_API_KEY environment variable.',
      );
    }
    auth = { type: 'bearer', token: apiKey };
  }
  const perPage = options.perPage ?? 100;
  if (!Number.isInteger(perPage) || perPage < 1 || perPage > 100) {
    throw new ConfigError(
      `createSalesloftClient: "perPage" must be an integer from 1 to 100, got ${perPage}.`,
    );
  }
  const rateLimiter =
    options.rateLimiter === false
      ? undefined
      : (options.rateLimiter ??
        createSalesloftRateLimiter({
          ...(options.clock ? { clock: options.clock } : {}),
          ...(options.events ? { events: options.events } : {}),
        }));

  const http = createHttpClient({
    vendor: 'salesloft',
    baseUrl: options.baseUrl ?? readEnv('SALESLOFT_BASE_URL') ?? SALESLOFT_BASE_URL,
    auth,
    headers: options.headers,
    timeoutMs: options.timeoutMs,
    maxRetries: options.maxRetries,
    rateLimiter,
    fetch: options.fetch,
    logger: options.logger,
    events: options.events,
    errorParser: parseSalesloftError,
    // SalesLoft reads `idempotency_key` from the task body, not from a header.
    idempotencyHeader: false,
    userAgent: `salesos-salesloft/${VERSION}`,
    circuitBreaker: options.circuitBreaker,
    clock: options.clock,
  });

  const context: SalesloftResourceContext = { perPage };
  const users = createUsersResource(http, context);
  return {
    people: createPeopleResource(http, context),
    accounts: createAccountsResource(http, context),
    cadences: createCadencesResource(http, context),
    cadenceMemberships: createCadenceMembershipsResource(http, context),
    steps: createStepsResource(http, context),
    users,
    me: (callOptions) => users.me(callOptions),
    notes: createNotesResource(http, context),
    tasks: createTasksResource(http, context),
    activities: createActivitiesResource(http, context),
    webhookSubscriptions: createWebhookSubscriptionsResource(http),
    http,
    rateLimiter,
  };
}
