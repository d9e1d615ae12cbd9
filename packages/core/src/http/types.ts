import type { ZodType } from 'zod';
import type { EventBus } from '../events/event-bus.ts';
import type { Logger } from '../logger/logger.ts';
import type { CircuitBreaker } from '../ratelimit/circuit-breaker.ts';
import type { RateLimiter } from '../ratelimit/rate-limiter.ts';

/**
 * Supplies OAuth access tokens. Called once for the first token and with
 * `forceRefresh: true` after a 401, before the request is repeated; concurrent requests
 * share one call (a burst of 401s makes one refresh). If it throws or rejects, the request
 * fails with `AuthenticationError` whose `cause` is the provider's error with secrets redacted.
 */
export type TokenProvider = (context: { forceRefresh: boolean }) => string | Promise<string>;

/** How requests authenticate. */
export type HttpAuth =
  | { type: 'bearer'; token: string }
  | { type: 'header'; name: string; value: string }
  | { type: 'oauth'; tokenProvider: TokenProvider }
  | { type: 'none' };

/** Scalar query values; arrays repeat the key as given (`{ 'ids[]': [1, 2] }`). */
export type QueryValue = string | number | boolean | null | undefined;
/** A query string as an object; `null` and `undefined` values are left out. */
export type Query = Record<string, QueryValue | readonly QueryValue[]>;

/** What a vendor's error body says, as its parser reads it. */
export interface ParsedErrorBody {
  message?: string | undefined;
  vendorCode?: string | undefined;
  fieldErrors?: { path: string; message: string; code?: string }[] | undefined;
  /** Overrides the error class's default for this status. */
  retryable?: boolean | undefined;
  /** Overrides the status used to pick the error class (a vendor's 403 that is a plan gate…). */
  status?: number | undefined;
}

/** Reads a vendor error body. Receives the parsed JSON (or text) of a non-2xx response. */
export type ErrorBodyParser = (context: {
  status: number;
  body: unknown;
  headers: Headers;
}) => ParsedErrorBody;

/** Options of `createHttpClient`. Only `vendor` and `baseUrl` are required. */
export interface HttpClientOptions {
  /** Vendor name used in errors, logs and events (`salesloft`). */
  vendor: string;
  /** The versioned API root (`https://api.salesloft.com/v2`). */
  baseUrl: string;
  /** How requests authenticate. Default: none. */
  auth?: HttpAuth | undefined;
  /** Headers sent with every request. Default: none. */
  headers?: Record<string, string> | undefined;
  /** Per-attempt timeout in milliseconds, from admission by the rate limiter to the last byte of the body. Default 30 000. */
  timeoutMs?: number | undefined;
  /** Retries after the first attempt. Default 3. */
  maxRetries?: number | undefined;
  /** Retry backoff base in milliseconds (full jitter). Default 500. */
  retryBaseMs?: number | undefined;
  /** Retry backoff cap in milliseconds. Default 30 000. */
  retryMaxDelayMs?: number | undefined;
  /** A `Retry-After` longer than this is not waited for: the call fails with `RateLimitError`. Default 120 000. */
  maxRetryAfterMs?: number | undefined;
  /** Admits requests under the vendor's limits. Default: none. */
  rateLimiter?: RateLimiter | undefined;
  /** Fails fast after repeated failures. Default: a breaker opening after 5 failures for 30 s; `false` disables. */
  circuitBreaker?: CircuitBreaker | false | undefined;
  /** The fetch implementation. Default: `globalThis.fetch`. */
  fetch?: typeof fetch | undefined;
  /** Where debug and warning lines go, with secrets redacted. Default: nothing. */
  logger?: Logger | undefined;
  /** Receives `http.request`, `http.response`, `http.retry`, `http.error` and `circuit.state`. Default: none. */
  events?: EventBus | undefined;
  /** Reads the vendor's error bodies into message, code and field errors. Default: a generic reader of `message`/`error`/`detail`. */
  errorParser?: ErrorBodyParser | undefined;
  /** Header carrying `idempotencyKey`. Default `Idempotency-Key`; `false` sends none (the vendor wants it in the body). */
  idempotencyHeader?: string | false | undefined;
  /** Product token prepended to the User-Agent (`salesos-salesloft/0.1.0`). Default: none. */
  userAgent?: string | undefined;
  /** Header holding the vendor's request id. Default: `x-request-id`. */
  requestIdHeader?: string | undefined;
  /** Extra secrets to redact from errors and logs (webhook secrets, client secrets). Default: none. */
  secrets?: readonly string[] | undefined;
  /** Time source for backoff waits and the default circuit breaker. Default: the system clock. */
  clock?: import('../clock/clock.ts').Clock | undefined;
}

/** HTTP methods the client sends. GET, HEAD, PUT and DELETE are idempotent, so always retryable. */
export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'HEAD';

/** One call of `http.request` / `http.requestRaw`. Only `path` is required. */
export interface RequestOptions<T = unknown> {
  /** HTTP method. Default `GET`. */
  method?: HttpMethod | undefined;
  /** Path template below `baseUrl`, with `{name}` placeholders filled from `pathParams`. */
  path: string;
  /** Values of the `{name}` placeholders in `path`, URL-encoded. Default: none (a placeholder without a value is a `ConfigError`). */
  pathParams?: Record<string, string | number> | undefined;
  /** Query string; arrays repeat the key, `null`/`undefined` are left out. Default: none. */
  query?: Query | undefined;
  /** JSON body. Default: none. */
  body?: unknown;
  /** Headers of this call, over the client's. Default: none. */
  headers?: Record<string, string> | undefined;
  /** Validates the parsed body; a mismatch raises `ResponseValidationError`. Default: no validation. */
  schema?: ZodType<T> | undefined;
  /** Marks a POST/PATCH as safe to repeat, so it is retried like a GET. Default `false` (retried on 429 only). */
  idempotent?: boolean | undefined;
  /** Sent in the idempotency header; makes the call retryable. Default: none. */
  idempotencyKey?: string | undefined;
  /** Rate-limit cost; default from the limiter's `costOf`, else 1. */
  cost?: number | undefined;
  /** Timeout of each attempt in ms, to the last byte of the body. Default: the client's `timeoutMs` (30 000). */
  timeoutMs?: number | undefined;
  /** Retries after the first attempt. Default: the client's `maxRetries` (3). */
  maxRetries?: number | undefined;
  /** Aborts the call, including a retry wait; the promise rejects with the signal's reason. Default: none. */
  signal?: AbortSignal | undefined;
}

/** A full response, from `http.requestRaw`. */
export interface HttpResponse<T> {
  /** The parsed (and validated) body; `undefined` when empty. */
  data: T;
  /** HTTP status of the successful attempt. */
  status: number;
  /** Response headers of the successful attempt. */
  headers: Headers;
  /** Attempts made, including the first. */
  attempts: number;
}

/** Options of the `get/post/put/patch/delete(path, options)` shorthands: `RequestOptions` without `method` and `path`. */
export type ShorthandOptions<T> = Omit<RequestOptions<T>, 'method' | 'path'>;

/** The client `createHttpClient` returns. Every method rejects with a `SalesOSError` subclass. */
export interface HttpClient {
  /** Sends a request and resolves to the parsed (and validated) body. */
  request<T = unknown>(options: RequestOptions<T>): Promise<T>;
  /** Like `request`, with status, headers and attempts. */
  requestRaw<T = unknown>(options: RequestOptions<T>): Promise<HttpResponse<T>>;
  /** Sends a GET to `path` (a template below `baseUrl`). */
  get<T = unknown>(path: string, options?: ShorthandOptions<T>): Promise<T>;
  /** Sends a POST; retried only on 429 unless `idempotent` or `idempotencyKey` is given. */
  post<T = unknown>(path: string, options?: ShorthandOptions<T>): Promise<T>;
  /** Sends a PUT. */
  put<T = unknown>(path: string, options?: ShorthandOptions<T>): Promise<T>;
  /** Sends a PATCH; retried only on 429 unless `idempotent` or `idempotencyKey` is given. */
  patch<T = unknown>(path: string, options?: ShorthandOptions<T>): Promise<T>;
  /** Sends a DELETE. */
  delete<T = unknown>(path: string, options?: ShorthandOptions<T>): Promise<T>;
  /** The vendor name given to `createHttpClient`. */
  readonly vendor: string;
  /** `baseUrl` without trailing slashes. */
  readonly baseUrl: string;
}
