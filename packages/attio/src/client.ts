import {
  type Cache,
  type CircuitBreaker,
  type Clock,
  ConfigError,
  createCircuitBreaker,
  createHttpClient,
  createMemoryCache,
  createTokenBucketLimiter,
  type EventBus,
  type HttpAuth,
  type HttpClient,
  type Logger,
  type RateLimiter,
  type TokenProvider,
} from '@salesos/core';
import {
  type AttioPlainValues,
  decodeRecord,
  decodeValues,
  type EncodeValuesOptions,
  encodeValues,
} from './codec/value-codec.ts';
import { parseAttioError } from './errors.ts';
import { createRoutedHttpClient } from './internal/routed-http-client.ts';
import { type AttioAttributesResource, createAttributesResource } from './resources/attributes.ts';
import { type AttioEntriesResource, createEntriesResource } from './resources/entries.ts';
import { type AttioListsResource, createListsResource } from './resources/lists.ts';
import { type AttioNotesResource, createNotesResource } from './resources/notes.ts';
import { type AttioObjectsResource, createObjectsResource } from './resources/objects.ts';
import { type AttioRecordsResource, createRecordsResource } from './resources/records.ts';
import { type AttioRequestOptions, callOptions } from './resources/resource-context.ts';
import { type AttioTasksResource, createTasksResource } from './resources/tasks.ts';
import {
  type AttioCommentsResource,
  type AttioThreadsResource,
  createCommentsResource,
  createThreadsResource,
} from './resources/threads.ts';
import { type AttioWebhooksResource, createWebhooksResource } from './resources/webhooks.ts';
import {
  type AttioWorkspaceMembersResource,
  createWorkspaceMembersResource,
} from './resources/workspace-members.ts';
import { type AttioSchemaCache, createAttioSchemaCache } from './schema-cache/attio-schema-cache.ts';
import { listOf } from './schemas/common.ts';
import { type AttioEntry, AttioListSchema } from './schemas/list.ts';
import type { AttioRecord } from './schemas/record.ts';
import { type AttioSelf, AttioSelfSchema } from './schemas/self.ts';
import { VERSION } from './version.ts';

/** Attio's versioned API root. */
export const ATTIO_BASE_URL = 'https://api.attio.com/v2';

/** Attio's published limits: 100 reads and 25 writes per second. */
export const ATTIO_RATE_LIMITS = { reads: 100, writes: 25 } as const;

// The default buckets burst to 80% of the limit and refill at the full rate: requests reach Attio
// later than they leave, unevenly, and the headroom keeps a burst's arrivals under Attio's bucket.
const BURST_SHARE = 0.8;

/** Separate limiters for reads (GET and queries) and for writes. */
export interface AttioRateLimiters {
  read: RateLimiter;
  write: RateLimiter;
}

/** Options of `createAttioClient`. */
export interface AttioClientOptions {
  /** Workspace API key or OAuth access token, sent as a bearer token. Default: env `ATTIO_API_KEY`. Ignored when `tokenProvider` is given. */
  apiKey?: string | undefined;
  /** Supplies OAuth access tokens instead of an API key; called again with `forceRefresh` after a 401. Default: none. */
  tokenProvider?: TokenProvider | undefined;
  /** The versioned API root. Default `https://api.attio.com/v2`; env `ATTIO_BASE_URL`. */
  baseUrl?: string | undefined;
  /** Headers sent with every request. Default: none. */
  headers?: Record<string, string> | undefined;
  /** The fetch implementation. Default `globalThis.fetch`. */
  fetch?: typeof fetch | undefined;
  /** Per-attempt timeout in milliseconds. Default 30 000. */
  timeoutMs?: number | undefined;
  /** Retries after the first attempt (network errors, 408/425/429/5xx; writes only when safe). Default 3. */
  maxRetries?: number | undefined;
  /** Where debug and warning lines go, with secrets redacted. Default: nothing. */
  logger?: Logger | undefined;
  /** Receives `http.*` and `ratelimit.wait` events. Default: none. */
  events?: EventBus | undefined;
  /**
   * Admits requests under Attio's limits. Default: two token buckets refilling at 100 reads/s
   * (GETs and queries) and 25 writes/s, bursting to 80% of that. Pass `{ read, write }` to share limiters between clients of one
   * workspace, one `RateLimiter` for both kinds, or `false` to disable.
   */
  rateLimiter?: AttioRateLimiters | RateLimiter | false | undefined;
  /** Where objects, lists and attributes are cached. Default: a new in-memory cache (`createMemoryCache`). */
  cache?: Cache | undefined;
  /** How long the schema is cached, in milliseconds. Default 1 800 000 (30 minutes). */
  schemaTtlMs?: number | undefined;
  /** Check query filters against attribute types before sending. Default `true`. */
  validateFilters?: boolean | undefined;
  /** Fails fast after repeated 5xx and network failures. Default: core's breaker; `false` disables. */
  circuitBreaker?: CircuitBreaker | false | undefined;
  /** Time source for retries and rate limiting. Default: the system clock. */
  clock?: Clock | undefined;
}

/** Schema-aware encoding and decoding of values, with the attributes from `client.schema`. */
export interface AttioClientCodec {
  /** Decodes a record's values with its object's attributes (exact single vs multiselect). */
  decodeRecord(object: string, record: Pick<AttioRecord, 'values'>): Promise<AttioPlainValues>;
  /** Decodes an entry's `entry_values` with its list's attributes. */
  decodeEntry(list: string, entry: Pick<AttioEntry, 'entry_values'>): Promise<AttioPlainValues>;
  /** Encodes plain values for a record of `object` (see `encodeValues`). */
  encodeValues(
    object: string,
    values: Readonly<Record<string, unknown>>,
    options?: EncodeValuesOptions,
  ): Promise<Record<string, unknown>>;
  /** Encodes plain values for an entry of `list`. */
  encodeEntryValues(
    list: string,
    values: Readonly<Record<string, unknown>>,
    options?: EncodeValuesOptions,
  ): Promise<Record<string, unknown>>;
}

/** A typed Attio REST API v2 client. */
export interface AttioClient {
  objects: AttioObjectsResource;
  attributes: AttioAttributesResource;
  records: AttioRecordsResource;
  lists: AttioListsResource;
  entries: AttioEntriesResource;
  notes: AttioNotesResource;
  tasks: AttioTasksResource;
  threads: AttioThreadsResource;
  comments: AttioCommentsResource;
  webhooks: AttioWebhooksResource;
  workspaceMembers: AttioWorkspaceMembersResource;
  /** What Attio says about the token in use (`GET /v2/self`): workspace, scopes, expiry. */
  self(options?: AttioRequestOptions): Promise<AttioSelf>;
  /** Cached objects, lists and attributes; feed it webhook events to drop stale entries. */
  schema: AttioSchemaCache;
  /** Encoding and decoding of values with the cached schema. */
  codec: AttioClientCodec;
  /** The underlying HTTP client (reads and writes each behind their limiter). Paths are below `baseUrl`. */
  readonly http: HttpClient;
  /** The limiters in use, if any. */
  readonly rateLimiter: AttioRateLimiters | undefined;
}

const readEnv = (name: string): string | undefined => {
  const value = typeof process === 'undefined' ? undefined : process.env[name];
  return value === undefined || value.trim() === '' ? undefined : value.trim();
};

const isLimiterPair = (value: unknown): value is AttioRateLimiters =>
  typeof value === 'object' && value !== null && 'read' in value && 'write' in value;

/**
 * Creates an Attio client: typed namespaces over `https://api.attio.com/v2`, zod-validated
 * responses, auto-pagination, Attio's read and write limits, a schema cache, and the value
 * codec and filter check built on it.
 *
 * @example
 * ```ts
 * import { attioFilter, createAttioClient, decodeRecord } from '@salesos/attio';
 *
 * const attio = createAttioClient({ apiKey: process.env.ATTIO_API_KEY });
 * const person = await attio.records.assert('people', {
 *   matching_attribute: 'email_addresses',
 *   values: { email_addresses: ['ada@example.com'], name: 'Lovelace, Ada' },
 * });
 * for await (const company of attio.records.query('companies', {
 *   filter: attioFilter.attribute('domains', 'root_domain').eq('example.com'),
 *   sorts: [{ direction: 'asc', attribute: 'name' }],
 * })) {
 *   console.log(decodeRecord(company).name);
 * }
 * ```
 */
export function createAttioClient(options: AttioClientOptions = {}): AttioClient {
  let auth: HttpAuth;
  if (options.tokenProvider) {
    auth = { type: 'oauth', tokenProvider: options.tokenProvider };
  } else {
    const apiKey = options.apiKey ?? readEnv('ATTIO_API_KEY');
    if (!apiKey) {
      throw new ConfigError(
        'createAttioClient: no credentials. Pass "apiKey" (or "tokenProvider" for OAuth), or set the ATTIO_API_KEY environment variable.',
      );
    }
    auth = { type: 'bearer', token: apiKey };
  }
  if (options.schemaTtlMs !== undefined && !(options.schemaTtlMs > 0)) {
    throw new ConfigError(`createAttioClient: "schemaTtlMs" must be a positive number of milliseconds.`);
  }

  const onWait = (reason: string) => (waitMs: number) =>
    options.events?.emit('ratelimit.wait', { vendor: 'attio', waitMs, reason });
  let rateLimiter: AttioRateLimiters | undefined;
  if (options.rateLimiter === false) rateLimiter = undefined;
  else if (isLimiterPair(options.rateLimiter)) rateLimiter = options.rateLimiter;
  else if (options.rateLimiter) rateLimiter = { read: options.rateLimiter, write: options.rateLimiter };
  else {
    const clock = options.clock ? { clock: options.clock } : {};
    rateLimiter = {
      read: createTokenBucketLimiter({
        capacity: ATTIO_RATE_LIMITS.reads * BURST_SHARE,
        refillPerSecond: ATTIO_RATE_LIMITS.reads,
        onWait: onWait('attio reads per second'),
        ...clock,
      }),
      write: createTokenBucketLimiter({
        capacity: ATTIO_RATE_LIMITS.writes * BURST_SHARE,
        refillPerSecond: ATTIO_RATE_LIMITS.writes,
        onWait: onWait('attio writes per second'),
        ...clock,
      }),
    };
  }
  // One breaker for both halves: Attio is one service.
  const circuitBreaker =
    options.circuitBreaker === false
      ? false
      : (options.circuitBreaker ??
        createCircuitBreaker({
          name: 'attio',
          ...(options.clock ? { clock: options.clock } : {}),
          onStateChange: (state) => options.events?.emit('circuit.state', { vendor: 'attio', state }),
        }));

  const baseUrl = options.baseUrl ?? readEnv('ATTIO_BASE_URL') ?? ATTIO_BASE_URL;
  const makeHttp = (limiter: RateLimiter | undefined) =>
    createHttpClient({
      vendor: 'attio',
      baseUrl,
      auth,
      headers: options.headers,
      timeoutMs: options.timeoutMs,
      maxRetries: options.maxRetries,
      rateLimiter: limiter,
      fetch: options.fetch,
      logger: options.logger,
      events: options.events,
      errorParser: parseAttioError,
      userAgent: `salesos-attio/${VERSION}`,
      circuitBreaker,
      clock: options.clock,
    });
  const http = createRoutedHttpClient(makeHttp(rateLimiter?.read), makeHttp(rateLimiter?.write));

  const objects = createObjectsResource(http);
  const ListList = listOf(AttioListSchema);
  const cache = createAttioSchemaCache({
    cache: (options.cache ?? createMemoryCache()).namespace('attio:schema'),
    ttlMs: options.schemaTtlMs,
    fetchObjects: () => objects.list().toArray(),
    fetchLists: async () => (await http.get('/lists', { schema: ListList })).data,
    // Attio pages attributes by limit and offset: walk every page, or a wide object would be cut short.
    fetchAttributes: (target, identifier) => attributes.list(target, identifier).toArray(),
  });
  const attributes = createAttributesResource(http, cache);
  const context = { schema: cache, validateFilters: options.validateFilters ?? true };

  const codec: AttioClientCodec = {
    decodeRecord: async (object, record) => decodeRecord(record, await cache.attributes('objects', object)),
    decodeEntry: async (list, entry) =>
      decodeValues(entry.entry_values, await cache.attributes('lists', list)),
    encodeValues: async (object, values, encodeOptions = {}) =>
      encodeValues(values, await cache.attributes('objects', object), { target: object, ...encodeOptions }),
    encodeEntryValues: async (list, values, encodeOptions = {}) =>
      encodeValues(values, await cache.attributes('lists', list), { target: list, ...encodeOptions }),
  };

  return {
    objects,
    attributes,
    records: createRecordsResource(http, context),
    lists: createListsResource(http, cache),
    entries: createEntriesResource(http, context),
    notes: createNotesResource(http),
    tasks: createTasksResource(http),
    threads: createThreadsResource(http),
    comments: createCommentsResource(http),
    webhooks: createWebhooksResource(http),
    workspaceMembers: createWorkspaceMembersResource(http),
    self: async (callOptionsGiven) =>
      http.get('/self', { schema: AttioSelfSchema, ...callOptions(callOptionsGiven) }),
    schema: cache,
    codec,
    http,
    rateLimiter,
  };
}
