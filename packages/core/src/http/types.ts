import type { ZodType } from 'zod';
import type { EventBus } from '../events/event-bus.ts';
import type { Logger } from '../logger/logger.ts';
import type { CircuitBreaker } from '../ratelimit/circuit-breaker.ts';
import type { RateLimiter } from '../ratelimit/rate-limiter.ts';

/**
 * Supplies OAuth access tokens. Called with `forceRefresh: true` after a 401, once,
 * before the request is repeated.
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

export interface HttpClientOptions {
  /** Vendor name used in errors, logs and events (`salesloft`). */
  vendor: string;
  /** The versioned API root (`https://api.salesloft.com/v2`). */
  baseUrl: string;
  /** How requests authenticate. Default: none. */
  auth?: HttpAuth | undefined;
  /** Headers sent with every request. */
  headers?: Record<string, string> | undefined;
  /** Per-attempt timeout in milliseconds. Default 30 000. */
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
  /** Receives `http.request`, `http.response`, `http.retry` and `http.error`. */
  events?: EventBus | undefined;
  /** Reads the vendor's error bodies into message, code and field errors. */
  errorParser?: ErrorBodyParser | undefined;
  /** Header carrying `idempotencyKey`. Default `Idempotency-Key`; `false` sends none (the vendor wants it in the body). */
  idempotencyHeader?: string | false | undefined;
  /** Product token prepended to the User-Agent (`salesos-salesloft/0.1.0`). */
  userAgent?: string | undefined;
  /** Header holding the vendor's request id. Default: `x-request-id`. */
  requestIdHeader?: string | undefined;
  /** Extra secrets to redact from errors and logs (webhook secrets, client secrets). */
  secrets?: readonly string[] | undefined;
  /** Time source for backoff waits. */
  clock?: import('../clock/clock.ts').Clock | undefined;
}

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'HEAD';

export interface RequestOptions<T = unknown> {
  method?: HttpMethod | undefined;
  /** Path template below `baseUrl`, with `{name}` placeholders filled from `pathParams`. */
  path: string;
  pathParams?: Record<string, string | number> | undefined;
  query?: Query | undefined;
  /** JSON body. */
  body?: unknown;
  headers?: Record<string, string> | undefined;
  /** Validates the parsed body; a mismatch raises `ResponseValidationError`. */
  schema?: ZodType<T> | undefined;
  /** Marks a POST/PATCH as safe to repeat, so it is retried like a GET. */
  idempotent?: boolean | undefined;
  /** Sent in the idempotency header; makes the call retryable. */
  idempotencyKey?: string | undefined;
  /** Rate-limit cost; default from the limiter's `costOf`, else 1. */
  cost?: number | undefined;
  timeoutMs?: number | undefined;
  maxRetries?: number | undefined;
  signal?: AbortSignal | undefined;
}

/** A full response, from `http.requestRaw`. */
export interface HttpResponse<T> {
  data: T;
  status: number;
  headers: Headers;
  attempts: number;
}

export type ShorthandOptions<T> = Omit<RequestOptions<T>, 'method' | 'path'>;

export interface HttpClient {
  /** Sends a request and resolves to the parsed (and validated) body. */
  request<T = unknown>(options: RequestOptions<T>): Promise<T>;
  /** Like `request`, with status, headers and attempts. */
  requestRaw<T = unknown>(options: RequestOptions<T>): Promise<HttpResponse<T>>;
  get<T = unknown>(path: string, options?: ShorthandOptions<T>): Promise<T>;
  post<T = unknown>(path: string, options?: ShorthandOptions<T>): Promise<T>;
  put<T = unknown>(path: string, options?: ShorthandOptions<T>): Promise<T>;
  patch<T = unknown>(path: string, options?: ShorthandOptions<T>): Promise<T>;
  delete<T = unknown>(path: string, options?: ShorthandOptions<T>): Promise<T>;
  readonly vendor: string;
  readonly baseUrl: string;
}
