import ky, { isNetworkError, isTimeoutError, type Options } from 'ky';
import pRetry, { AbortError } from 'p-retry';
import type { ZodType } from 'zod';
import { type Clock, systemClock } from '../clock/clock.ts';
import { type ApiError, AuthenticationError, createApiError } from '../errors/api-error.ts';
import { ConfigError, NetworkError, ResponseValidationError, TimeoutError } from '../errors/client-errors.ts';
import { SalesOSError } from '../errors/salesos-error.ts';
import type { HttpEventBase } from '../events/event-bus.ts';
import { errorMessage } from '../internal/error-message.ts';
import { createRedactor } from '../internal/redact.ts';
import { noopLogger } from '../logger/logger.ts';
import { type CircuitBreaker, createCircuitBreaker } from '../ratelimit/circuit-breaker.ts';
import { VERSION } from '../version.ts';
import { fullJitterDelay, isIdempotentCall, retryAfterMs } from './retry-policy.ts';
import type {
  HttpClient,
  HttpClientOptions,
  HttpResponse,
  Query,
  RequestOptions,
  ShorthandOptions,
  TokenProvider,
} from './types.ts';

/** A path template split once into literal text and parameter names (`/people/{id}`). */
type CompiledPath = { literals: string[]; names: string[] };
const compiledPaths = new Map<string, CompiledPath>();
const compilePath = (template: string): CompiledPath => {
  let compiled = compiledPaths.get(template);
  if (!compiled) {
    const parts = template.split(/\{(\w+)\}/);
    compiled = {
      literals: parts.filter((_part, index) => index % 2 === 0),
      names: parts.filter((_part, index) => index % 2 === 1),
    };
    // Templates are few and fixed in code; the bound only guards against paths built per call.
    if (compiledPaths.size < 1000) compiledPaths.set(template, compiled);
  }
  return compiled;
};

const fillPath = (template: string, params: Record<string, string | number> | undefined): string => {
  if (!template.includes('{')) return template;
  const { literals, names } = compilePath(template);
  let path = literals[0] as string;
  for (let index = 0; index < names.length; index += 1) {
    const name = names[index] as string;
    const value = params?.[name];
    if (value === undefined || value === '') {
      throw new ConfigError(`Missing path parameter "${name}" for ${template}.`);
    }
    const text = String(value);
    // encodeURIComponent throws a bare URIError on a lone surrogate.
    if (!text.isWellFormed()) {
      throw new ConfigError(
        `Path parameter "${name}" for ${template} is not well-formed Unicode (it holds a lone surrogate).`,
      );
    }
    path += encodeURIComponent(text) + literals[index + 1];
  }
  return path;
};

const toSearch = (query: Query | undefined): string => {
  if (!query) return '';
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    const values = Array.isArray(value) ? value : [value];
    for (const item of values) {
      if (item === undefined || item === null) continue;
      params.append(key, String(item));
    }
  }
  return params.toString();
};

const TIMED_OUT: unique symbol = Symbol('timed out');
/** The runtime part of the User-Agent; `process` is absent in browsers, workers and edge runtimes. */
const runtimeToken = (): string | undefined =>
  typeof process === 'undefined' || !process.versions?.node ? undefined : `node/${process.versions.node}`;

/** Decodes whole bodies (never streaming, so one instance serves every call). */
const utf8 = new TextDecoder();

/**
 * Reads the whole body as text within `timeLeftMs`. ky's timer stops once the headers
 * arrive; without this a vendor that sends headers and then stalls the body would hold
 * the call forever. The stream is read through our own reader so it can be cancelled,
 * which releases the connection.
 */
const readText = async (
  response: Response,
  timeLeftMs: number,
  signal: AbortSignal | undefined,
): Promise<string | typeof TIMED_OUT> => {
  const stream = response.body;
  if (stream === null) return '';
  const reader = stream.getReader();
  const readAll = (async () => {
    // Chunks are decoded once at the end, by one shared decoder: most bodies arrive in one chunk.
    const chunks: Uint8Array[] = [];
    let length = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      length += value.byteLength;
    }
    if (chunks.length === 1) return utf8.decode(chunks[0]);
    const whole = new Uint8Array(length);
    let offset = 0;
    for (const chunk of chunks) {
      whole.set(chunk, offset);
      offset += chunk.byteLength;
    }
    return utf8.decode(whole);
  })();
  const abandon = () => {
    // The read's outcome no longer matters; cancelling it ends the stream and frees the socket.
    readAll.catch(() => {});
    reader.cancel().catch(() => {});
  };
  let timer: ReturnType<typeof setTimeout> | undefined;
  let onAbort: (() => void) | undefined;
  const stop = new Promise<typeof TIMED_OUT>((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    timer = setTimeout(resolve, Math.max(0, timeLeftMs), TIMED_OUT);
    if (signal) {
      onAbort = () => reject(signal.reason);
      signal.addEventListener('abort', onAbort, { once: true });
    }
  });
  try {
    const result = await Promise.race([readAll, stop]);
    if (result === TIMED_OUT) abandon();
    return result;
  } catch (error) {
    abandon();
    throw error;
  } finally {
    clearTimeout(timer);
    if (onAbort) signal?.removeEventListener('abort', onAbort);
  }
};

const parseBody = (response: Response, text: string): unknown => {
  if (text === '') return undefined;
  const type = response.headers.get('content-type') ?? '';
  if (type.includes('json') || /^\s*[[{]/.test(text)) {
    try {
      return JSON.parse(text);
    } catch {
      return text;
    }
  }
  return text;
};

const defaultMessage = (body: unknown): string | undefined => {
  if (typeof body === 'string') return body.slice(0, 300);
  if (body && typeof body === 'object') {
    const record = body as Record<string, unknown>;
    for (const key of ['message', 'error', 'error_message', 'detail', 'title']) {
      const value = record[key];
      if (typeof value === 'string' && value !== '') return value;
    }
  }
  return undefined;
};

/** Failures that say the vendor is unwell (not the caller's mistake) count against the breaker. */
const isBreakerFailure = (error: unknown): boolean => {
  if (TimeoutError.isInstance(error) || NetworkError.isInstance(error)) return true;
  const status = (error as ApiError | undefined)?.status;
  return typeof status === 'number' && status >= 500;
};

/**
 * Creates the HTTP client every vendor package is built on: authentication, retries
 * with full-jitter backoff and `Retry-After`, timeouts, rate limiting, a circuit
 * breaker, response validation, events and redaction of secrets.
 *
 * @example
 * ```ts
 * import { createHttpClient } from '@salesos/core';
 * import { z } from 'zod';
 *
 * const http = createHttpClient({
 *   vendor: 'example',
 *   baseUrl: 'https://api.example.com/v1',
 *   auth: { type: 'bearer', token: process.env.EXAMPLE_TOKEN ?? '' },
 * });
 * const person = await http.get('/people/{id}', {
 *   pathParams: { id: 42 },
 *   schema: z.looseObject({ id: z.number(), email: z.string() }),
 * });
 * ```
 */
export function createHttpClient(options: HttpClientOptions): HttpClient {
  if (!options.vendor) throw new ConfigError('createHttpClient: "vendor" is required.');
  if (!options.baseUrl) throw new ConfigError(`createHttpClient(${options.vendor}): "baseUrl" is required.`);
  try {
    new URL(options.baseUrl);
  } catch {
    throw new ConfigError(`createHttpClient(${options.vendor}): "baseUrl" must be an absolute URL.`);
  }

  const vendor = options.vendor;
  const baseUrl = options.baseUrl.replace(/\/+$/, '');
  const clock: Clock = options.clock ?? systemClock;
  const logger = options.logger ?? noopLogger;
  const auth = options.auth ?? { type: 'none' as const };
  const maxRetriesDefault = options.maxRetries ?? 3;
  const timeoutDefault = options.timeoutMs ?? 30_000;
  const retryBaseMs = options.retryBaseMs ?? 500;
  const retryMaxDelayMs = options.retryMaxDelayMs ?? 30_000;
  const maxRetryAfterMs = options.maxRetryAfterMs ?? 120_000;
  const idempotencyHeader = options.idempotencyHeader ?? 'Idempotency-Key';
  const requestIdHeader = options.requestIdHeader ?? 'x-request-id';
  const breaker: CircuitBreaker | undefined =
    options.circuitBreaker === false
      ? undefined
      : (options.circuitBreaker ??
        createCircuitBreaker({
          name: vendor,
          clock,
          onStateChange: (state) => options.events?.emit('circuit.state', { vendor, state }),
        }));

  const redactor = createRedactor(options.secrets ?? []);
  if (auth.type === 'bearer') redactor.add(auth.token);
  if (auth.type === 'header') redactor.add(auth.value);

  const userAgent = [options.userAgent, `salesos-core/${VERSION}`, runtimeToken()].filter(Boolean).join(' ');

  // Headers that never change between calls are ky defaults, so a plain call merges nothing.
  const staticHeaders: Record<string, string> = {
    accept: 'application/json',
    'user-agent': userAgent,
    ...options.headers,
    ...(auth.type === 'bearer' ? { authorization: `Bearer ${auth.token}` } : {}),
    ...(auth.type === 'header' ? { [auth.name]: auth.value } : {}),
  };
  const api = ky.create({
    prefix: `${baseUrl}/`,
    retry: 0,
    throwHttpErrors: false,
    // ky's own per-attempt timer: cheaper than a composed AbortSignal per request.
    timeout: timeoutDefault,
    headers: staticHeaders,
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });

  // OAuth: the token in use, and the one call to the token provider in flight, if any.
  // Every request that needs a token meanwhile waits for that call (single flight), so
  // a burst of 401s on an expired token makes one refresh, not one per request.
  let oauthToken: string | undefined;
  let tokenRequest: Promise<string> | undefined;
  const requestToken = (tokenProvider: TokenProvider, forceRefresh: boolean): Promise<string> => {
    const pending = Promise.resolve()
      .then(() => tokenProvider({ forceRefresh }))
      .then((token: unknown) => {
        if (typeof token !== 'string' || token === '') {
          throw new TypeError(
            `it returned ${token === '' ? 'an empty string' : typeof token} instead of an access token`,
          );
        }
        redactor.add(token);
        oauthToken = token;
        return token;
      });
    tokenRequest = pending;
    const settle = () => {
      if (tokenRequest === pending) tokenRequest = undefined;
    };
    pending.then(settle, settle);
    return pending;
  };
  /** The token for a new attempt; `rejected` is the token a 401 just refused. */
  const tokenFor = (tokenProvider: TokenProvider, rejected: string | undefined): Promise<string> | string => {
    if (tokenRequest) return tokenRequest;
    if (rejected === undefined) return oauthToken ?? requestToken(tokenProvider, false);
    // Another request already refreshed it after its own 401: use the new one.
    if (oauthToken !== undefined && oauthToken !== rejected) return oauthToken;
    return requestToken(tokenProvider, true);
  };

  /** Headers of one attempt beyond the static ones: the OAuth token, the call's own, the idempotency key. */
  const attemptHeaders = (
    request: RequestOptions<unknown>,
    oauth: string | undefined,
  ): Record<string, string> | undefined => {
    const key = idempotencyHeader === false ? undefined : request.idempotencyKey;
    if (oauth === undefined && key === undefined && request.headers === undefined) return undefined;
    return {
      ...request.headers,
      ...(oauth === undefined ? {} : { authorization: `Bearer ${oauth}` }),
      ...(key === undefined ? {} : { [idempotencyHeader as string]: key }),
    };
  };

  async function requestRaw<T>(request: RequestOptions<T>): Promise<HttpResponse<T>> {
    const method = request.method ?? 'GET';
    const template = request.path.startsWith('/') ? request.path : `/${request.path}`;
    const filledPath = fillPath(template, request.pathParams);
    const search = toSearch(request.query);
    // The query goes into the input: given as searchParams, ky builds its Request twice.
    const input = `${filledPath.slice(1)}${search ? `?${search}` : ''}`;
    const url = `${baseUrl}/${input}`;
    let redactedUrl: string | undefined;
    const safeUrl = () => {
      redactedUrl ??= redactor.url(url);
      return redactedUrl;
    };
    const endpoint = `${method} ${template}`;
    const limitRequest = { method, path: template, query: request.query };
    const cost = request.cost ?? options.rateLimiter?.costOf?.(limitRequest) ?? 1;
    const timeoutMs = request.timeoutMs ?? timeoutDefault;
    const maxRetries = request.maxRetries ?? maxRetriesDefault;
    const idempotent = isIdempotentCall(method, request.idempotent, request.idempotencyKey);
    const startedAt = clock.now();
    let attempts = 0;
    let refreshedAuth = false;

    const base = (attempt: number): HttpEventBase => ({ vendor, method, path: template, attempt, cost });

    const oauthFailure = (error: unknown, refreshing: boolean): AuthenticationError => {
      // The provider's error is the host's (an OAuth library's): it may quote a refresh token or client secret.
      const reason = redactor.text(errorMessage(error)).slice(0, 300);
      const cause = new Error(reason);
      cause.name = error instanceof Error ? error.name : 'Error';
      return new AuthenticationError(
        `${vendor} ${endpoint}: the OAuth tokenProvider failed while ${
          refreshing ? 'refreshing the access token after a 401' : 'getting an access token'
        }: ${reason}. The request was not sent${refreshing ? ' again' : ''}; check the provider's credentials (client id and secret, refresh token).`,
        { vendor, method, url: safeUrl(), retryable: false, cause },
      );
    };

    const send = async (attempt: number, rejectedToken?: string): Promise<HttpResponse<T>> => {
      attempts = attempt;
      let oauth: string | undefined;
      if (auth.type === 'oauth') {
        // Before the breaker admits the call: a provider failure must not leave a half-open trial hanging.
        try {
          oauth = await tokenFor(auth.tokenProvider, rejectedToken);
        } catch (error) {
          throw oauthFailure(error, rejectedToken !== undefined);
        }
      }
      breaker?.beforeCall();
      const headers = attemptHeaders(request, oauth);
      options.events?.emit('http.request', base(attempt));
      if (options.logger)
        logger.debug(
          {
            vendor,
            method,
            path: template,
            attempt,
            headers: redactor.value({ ...staticHeaders, ...headers }),
          },
          `${vendor} ${endpoint} attempt ${attempt}`,
        );
      const attemptStarted = clock.now();

      const exchange = async () => {
        // The timeout starts once the rate limiter admits the call: waiting for budget is not the vendor being slow.
        // It covers the body too: ky's timer stops at the headers, readText bounds the rest.
        const exchangeStarted = performance.now();
        let response: Response;
        try {
          // Only what differs from the instance's defaults: every option given is merged by ky.
          const init: Options = { method };
          if (headers) init.headers = headers;
          if (timeoutMs !== timeoutDefault) init.timeout = timeoutMs;
          if (request.signal) init.signal = request.signal;
          if (request.body !== undefined) init.json = request.body;
          response = await api(input, init);
        } catch (error) {
          if (request.signal?.aborted) throw new AbortError(request.signal.reason ?? error);
          if (isTimeoutError(error)) {
            throw new TimeoutError(`${vendor} did not answer ${endpoint} within ${timeoutMs} ms.`, {
              vendor,
              method,
              url: safeUrl(),
            });
          }
          const cause = isNetworkError(error) ? (error as { cause?: unknown }).cause : error;
          const reason = cause instanceof Error ? redactor.string(cause.message) : 'connection failed';
          throw new NetworkError(`Could not reach ${vendor} for ${endpoint}: ${reason}.`, {
            vendor,
            method,
            url: safeUrl(),
          });
        }
        options.rateLimiter?.observe({
          status: response.status,
          headers: response.headers,
          cost,
          request: limitRequest,
        });
        if (response.status === 204 || response.status === 205) return { response, body: undefined };
        let text: string | typeof TIMED_OUT;
        try {
          text = await readText(response, timeoutMs - (performance.now() - exchangeStarted), request.signal);
        } catch (error) {
          if (request.signal?.aborted) throw new AbortError(request.signal.reason ?? error);
          const reason = error instanceof Error ? redactor.string(error.message) : 'connection lost';
          throw new NetworkError(
            `The connection to ${vendor} broke while reading the response to ${endpoint}: ${reason}.`,
            { vendor, method, url: safeUrl() },
          );
        }
        if (text === TIMED_OUT) {
          throw new TimeoutError(
            `${vendor} sent the headers of ${endpoint} but not the whole body within ${timeoutMs} ms.`,
            { vendor, method, url: safeUrl() },
          );
        }
        return { response, body: parseBody(response, text) };
      };

      let outcome: { response: Response; body: unknown };
      try {
        outcome = options.rateLimiter
          ? await options.rateLimiter.schedule(cost, exchange, limitRequest)
          : await exchange();
      } catch (error) {
        if (isBreakerFailure(error)) breaker?.recordFailure();
        throw error;
      }
      const { response, body } = outcome;

      options.events?.emit('http.response', {
        ...base(attempt),
        status: response.status,
        durationMs: clock.now() - attemptStarted,
      });

      if (response.ok) {
        breaker?.recordSuccess();
        let data = body as T;
        if (request.schema) data = validate(request.schema, body, endpoint);
        return { data, status: response.status, headers: response.headers, attempts: attempt };
      }

      if (response.status === 401 && oauth !== undefined && !refreshedAuth) {
        refreshedAuth = true;
        // The vendor answered: a 401 is no sign of it failing (and frees a half-open trial).
        breaker?.recordSuccess();
        return send(attempt, oauth);
      }

      const parsed =
        options.errorParser?.({ status: response.status, body, headers: response.headers }) ?? {};
      const status = parsed.status ?? response.status;
      // Reset headers only set the wait of a 429 (and Retry-After of a 429 or 503): a 5xx that
      // happens to carry the window's reset time backs off as usual.
      const waitMs = retryAfterMs(response.headers, clock.now(), status);
      const message = redactor.string(
        `${vendor} ${endpoint} failed with ${response.status}${
          (parsed.message ?? defaultMessage(body)) ? `: ${parsed.message ?? defaultMessage(body)}` : ''
        }`,
      );
      const error = createApiError(message, {
        vendor,
        status,
        vendorCode: parsed.vendorCode,
        requestId: response.headers.get(requestIdHeader) ?? undefined,
        method,
        url: safeUrl(),
        fieldErrors: parsed.fieldErrors,
        retryAfterMs: waitMs,
        body: redactor.value(body),
        ...(parsed.retryable === undefined ? {} : { retryable: parsed.retryable }),
      });
      if (isBreakerFailure(error)) breaker?.recordFailure();
      else breaker?.recordSuccess();
      throw error;
    };

    try {
      return await pRetry((attempt) => send(attempt), {
        retries: maxRetries,
        minTimeout: 0,
        maxTimeout: 0,
        randomize: false,
        shouldRetry: async ({ error, attemptNumber }) => {
          if (!SalesOSError.isInstance(error)) return false;
          const apiError = error as ApiError;
          if (!apiError.retryable) return false;
          // A 429 means the call was refused before any work, so even a POST is safe to repeat.
          if (!idempotent && apiError.status !== 429) return false;
          const hinted = apiError.retryAfterMs;
          if (hinted !== undefined && hinted > maxRetryAfterMs) return false;
          const delayMs = hinted ?? fullJitterDelay(attemptNumber, retryBaseMs, retryMaxDelayMs);
          options.events?.emit('http.retry', {
            ...base(attemptNumber),
            status: apiError.status,
            delayMs,
            errorCode: apiError.code,
          });
          logger.info(
            { vendor, method, path: template, attempt: attemptNumber, status: apiError.status, delayMs },
            `${vendor} ${endpoint} failed (${apiError.code}); retrying in ${delayMs} ms`,
          );
          await clock.sleep(delayMs, request.signal);
          return true;
        },
      });
    } catch (error) {
      if (SalesOSError.isInstance(error)) {
        const apiError = error as ApiError;
        if (typeof apiError.attempts === 'number') apiError.attempts = Math.max(attempts, 1);
        options.events?.emit('http.error', {
          ...base(attempts),
          status: apiError.status,
          durationMs: clock.now() - startedAt,
          errorCode: apiError.code,
        });
        logger.warn(
          { vendor, method, path: template, attempts, status: apiError.status, code: apiError.code },
          redactor.string(apiError.message),
        );
      }
      throw error;
    }
  }

  function validate<T>(schema: ZodType<T>, body: unknown, endpoint: string): T {
    const result = schema.safeParse(body);
    if (result.success) return result.data;
    const issues = result.error.issues.map((issue) => ({
      path: issue.path.map(String).join('.') || '(root)',
      message: issue.message,
    }));
    const summary = issues
      .slice(0, 5)
      .map((issue) => `"${issue.path}": ${issue.message}`)
      .join('; ');
    throw new ResponseValidationError(
      `${vendor} ${endpoint} returned an unexpected body: ${summary}${issues.length > 5 ? ` (+${issues.length - 5} more)` : ''}`,
      { vendor, endpoint, issues },
    );
  }

  const request = async <T>(requestOptions: RequestOptions<T>): Promise<T> =>
    (await requestRaw(requestOptions)).data;
  const shorthand =
    (method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE') =>
    <T>(path: string, rest: ShorthandOptions<T> = {}) =>
      request<T>({ ...rest, method, path });

  return {
    vendor,
    baseUrl,
    request,
    requestRaw,
    get: shorthand('GET'),
    post: shorthand('POST'),
    put: shorthand('PUT'),
    patch: shorthand('PATCH'),
    delete: shorthand('DELETE'),
  };
}
