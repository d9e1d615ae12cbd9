import {
  ConfigError,
  createHttpClient,
  type HttpClient,
  type RateLimiter,
  type TokenProvider,
} from '@salesos/core';
import type { ApolloClientOptions } from './client-options.ts';
import type { CreditTracker } from './credits/credit-tracker.ts';
import { parseApolloErrorBody } from './errors.ts';
import { createApolloContext } from './internal/apollo-context.ts';
import { type ApolloRateLimiter, createApolloRateLimiter } from './ratelimit/apollo-rate-limiter.ts';
import { windowOfRateLimitMessage } from './ratelimit/rate-limit-headers.ts';
import { type AccountsResource, createAccountsResource } from './resources/accounts.ts';
import { type ContactsResource, createContactsResource } from './resources/contacts.ts';
import { createDealsResource, type DealsResource } from './resources/deals.ts';
import { createOrganizationsResource, type OrganizationsResource } from './resources/organizations.ts';
import { createPeopleResource, type PeopleResource } from './resources/people.ts';
import { createSequencesResource, type SequencesResource } from './resources/sequences.ts';
import { createTasksResource, type TasksResource } from './resources/tasks.ts';
import { createUsageResource, type UsageResource } from './resources/usage.ts';
import {
  createEmailAccountsResource,
  createUsersResource,
  type EmailAccountsResource,
  type UsersResource,
} from './resources/users.ts';
import { VERSION } from './version.ts';

/** The default `baseUrl`: Apollo's versioned API root. */
export const APOLLO_BASE_URL = 'https://api.apollo.io/api/v1';

/** An Apollo.io API client. */
export interface ApolloClient {
  /** People API Search, enrichment (single and bulk) and people by id. */
  readonly people: PeopleResource;
  /** Organization enrichment, search, by id, and job postings. */
  readonly organizations: OrganizationsResource;
  /** The team's contacts. */
  readonly contacts: ContactsResource;
  /** The team's accounts. */
  readonly accounts: AccountsResource;
  /** Deals (Apollo's opportunities) and their stages. */
  readonly deals: DealsResource;
  /** Sequences (Apollo's emailer campaigns). */
  readonly sequences: SequencesResource;
  /** Tasks for the team's users. */
  readonly tasks: TasksResource;
  /** The team's users. */
  readonly users: UsersResource;
  /** Mailboxes linked to Apollo (the senders of sequences). */
  readonly emailAccounts: EmailAccountsResource;
  /** Apollo's API usage and credit balance. */
  readonly usage: UsageResource;
  /** The underlying HTTP client, for endpoints without a method here. */
  readonly http: HttpClient;
  /** The rate limiter in use (`undefined` when disabled). */
  readonly rateLimiter: RateLimiter | undefined;
  /** The credit tracker in use, if any. */
  readonly creditTracker: CreditTracker | undefined;
  /** The tenant whose credits the calls spend. */
  readonly tenantId: string;
}

const isApolloRateLimiter = (limiter: RateLimiter): limiter is ApolloRateLimiter =>
  typeof (limiter as Partial<ApolloRateLimiter>).exhaust === 'function' &&
  typeof (limiter as Partial<ApolloRateLimiter>).ready === 'function';

// Guarded as in the SalesLoft and Attio clients: `process` is absent in browsers, workers and edge runtimes.
const readEnv = (name: string): string | undefined => {
  const value = typeof process === 'undefined' ? undefined : process.env[name];
  return value === undefined || value.trim() === '' ? undefined : value.trim();
};

/**
 * Creates an Apollo.io client: typed namespaces over Apollo's REST API v1, responses
 * validated with zod, auto-pagination, Apollo's minute/hour/day windows learned from its
 * usage headers, errors mapped onto core's classes, and optional credit tracking.
 *
 * @example
 * ```ts
 * import { createApolloClient } from '@salesos/apollo';
 *
 * const apollo = createApolloClient(); // reads APOLLO_API_KEY
 * const people = apollo.people.search({ person_titles: ['head of sales'], organization_num_employees_ranges: ['51,200'] });
 * for await (const person of people) console.log(person.first_name, person.title);
 *
 * const { person } = await apollo.people.enrich({ email: 'tim@apollo.io' });
 * const deal = await apollo.deals.create({ name: 'Apollo pilot', amount: 12000 });
 * ```
 */
export function createApolloClient(options: ApolloClientOptions = {}): ApolloClient {
  const apiKey = options.apiKey ?? readEnv('APOLLO_API_KEY');
  if (!apiKey && !options.tokenProvider) {
    throw new ConfigError(
      'createApolloClient: no API key. Pass the "apiKey" option or set the APOLLO_API_KEY environment variable.',
    );
  }
  const tenantId = options.tenantId ?? 'default';
  if (typeof tenantId !== 'string' || tenantId === '') {
    throw new ConfigError('createApolloClient: "tenantId" must be a non-empty string.');
  }
  const rateLimiter =
    options.rateLimiter === false
      ? undefined
      : (options.rateLimiter ??
        createApolloRateLimiter({
          clock: options.clock,
          events: options.events,
          logger: options.logger,
          failFast: options.rateLimit?.failFast,
          maxWaitMs: options.rateLimit?.maxWaitMs,
        }));

  const apolloLimiter =
    rateLimiter !== undefined && isApolloRateLimiter(rateLimiter) ? rateLimiter : undefined;

  const http = createHttpClient({
    vendor: 'apollo',
    baseUrl: options.baseUrl ?? readEnv('APOLLO_BASE_URL') ?? APOLLO_BASE_URL,
    // Apollo takes API keys only in this header; as a bearer token they get a 401.
    auth: apiKey
      ? { type: 'header', name: 'x-api-key', value: apiKey }
      : { type: 'oauth', tokenProvider: options.tokenProvider as TokenProvider },
    headers: { 'cache-control': 'no-cache', ...options.headers },
    timeoutMs: options.timeoutMs,
    maxRetries: options.maxRetries,
    rateLimiter,
    circuitBreaker: options.circuitBreaker,
    fetch: options.fetch,
    logger: options.logger,
    events: options.events,
    clock: options.clock,
    userAgent: `salesos-apollo/${VERSION}`,
    errorParser: (context) => {
      const parsed = parseApolloErrorBody(context);
      // The Apollo limiter retries 429s itself once the window reopens (see createApolloContext):
      // a retry inside the HTTP client would wait for the window with the attempt's timeout running.
      if (context.status === 429 && apolloLimiter) parsed.retryable = false;
      // The 429 body names the window that ran out; the usage headers may not come with it.
      // A `retry-after` header, when Apollo sends one, already told the limiter how long to wait.
      if (context.status === 429 && parsed.message && !context.headers.has('retry-after') && apolloLimiter) {
        const window = windowOfRateLimitMessage(parsed.message);
        if (window) apolloLimiter.exhaust(window);
      }
      return parsed;
    },
  });

  const context = createApolloContext(http, {
    tenantId,
    creditTracker: options.creditTracker,
    events: options.events,
    rateLimiter: apolloLimiter,
    maxRetries: options.maxRetries ?? 3,
  });
  return {
    people: createPeopleResource(context),
    organizations: createOrganizationsResource(context),
    contacts: createContactsResource(context),
    accounts: createAccountsResource(context),
    deals: createDealsResource(context),
    sequences: createSequencesResource(context),
    tasks: createTasksResource(context),
    users: createUsersResource(context),
    emailAccounts: createEmailAccountsResource(context),
    usage: createUsageResource(context),
    http,
    rateLimiter,
    creditTracker: options.creditTracker,
    tenantId,
  };
}
