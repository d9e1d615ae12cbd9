import { HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import {
  type ApiError,
  AuthenticationError,
  CircuitOpenError,
  ConfigError,
  InvalidRequestError,
  NetworkError,
  NotFoundError,
  PermissionError,
  RateLimitError,
  ResponseValidationError,
  SalesOSError,
  ServerError,
  TimeoutError,
} from '../errors/index.ts';
import { createEventBus, type SalesOSEventMap } from '../events/event-bus.ts';
import type { Logger } from '../logger/logger.ts';
import { createCircuitBreaker } from '../ratelimit/circuit-breaker.ts';
import { createMockApi } from '../testing/mock-api.ts';
import { createTestClock } from '../testing/test-clock.ts';
import { VERSION } from '../version.ts';
import { createHttpClient } from './http-client.ts';
import { retryAfterMs } from './retry-policy.ts';
import type { HttpClientOptions } from './types.ts';

const baseUrl = 'https://api.example.test/v1';
const api = createMockApi(baseUrl);
const server = setupServer(...api.handlers);

beforeAll(() => server.listen({ onUnhandledFrame: 'error' }));
afterEach(() => api.reset());
afterAll(() => server.close());

const SECRET = 'sk_live_SUPERSECRET_123456';

const client = (overrides: Partial<HttpClientOptions> = {}) =>
  createHttpClient({
    vendor: 'example',
    baseUrl,
    auth: { type: 'bearer', token: SECRET },
    retryBaseMs: 1,
    retryMaxDelayMs: 5,
    circuitBreaker: false,
    ...overrides,
  });

describe('createHttpClient', () => {
  it('retries a 503 and then succeeds', async () => {
    api.on('GET', '/people/1', { status: 503, json: { error: 'busy' } }, { json: { id: 1 } });
    const result = await client().get('/people/{id}', { pathParams: { id: 1 } });
    expect(result).toEqual({ id: 1 });
    expect(api.calls).toHaveLength(2);
  });

  it('waits for Retry-After given in seconds', async () => {
    const waits: number[] = [];
    const events = createEventBus();
    events.on('http.retry', ({ delayMs }) => waits.push(delayMs));
    api.on('GET', '/things', { status: 429, headers: { 'retry-after': '2' }, json: {} }, { json: [] });
    const sleeps: number[] = [];
    const result = await client({
      events,
      clock: { now: () => Date.now(), sleep: async (ms) => void sleeps.push(ms) },
    }).get('/things');
    expect(result).toEqual([]);
    expect(waits).toEqual([2000]);
    expect(sleeps).toEqual([2000]);
  });

  it('waits for Retry-After given as an HTTP date', async () => {
    const now = Date.UTC(2026, 10, 22, 12, 0, 0);
    const later = new Date(now + 5000).toUTCString();
    api.on('GET', '/things', { status: 429, headers: { 'retry-after': later }, json: {} }, { json: [1] });
    const sleeps: number[] = [];
    await client({ clock: { now: () => now, sleep: async (ms) => void sleeps.push(ms) } }).get('/things');
    expect(sleeps).toEqual([5000]);
  });

  it.each([
    [400, InvalidRequestError],
    [401, AuthenticationError],
    [403, PermissionError],
    [404, NotFoundError],
    [422, InvalidRequestError],
  ])('does not retry a %i and throws its class', async (status, errorClass) => {
    api.on('GET', '/x', { status, json: { message: 'nope' } });
    const error = await client()
      .get('/x')
      .catch((caught: unknown) => caught);
    expect(errorClass.isInstance(error)).toBe(true);
    expect(api.calls).toHaveLength(1);
    expect((error as { attempts: number }).attempts).toBe(1);
  });

  it('does not retry a POST on 500 unless it is marked idempotent', async () => {
    api.on('POST', '/notes', { status: 500, json: { error: 'boom' } });
    await expect(client().post('/notes', { body: { a: 1 } })).rejects.toSatisfy(ServerError.isInstance);
    expect(api.calls).toHaveLength(1);

    api.reset();
    api.on('POST', '/notes', { status: 500, json: { error: 'boom' } }, { status: 201, json: { id: 9 } });
    await expect(client().post('/notes', { body: { a: 1 }, idempotent: true })).resolves.toEqual({ id: 9 });
    expect(api.calls).toHaveLength(2);
  });

  it('retries a POST that carries an idempotency key, sending the key each time', async () => {
    api.on('POST', '/tasks', { status: 502, json: {} }, { json: { ok: true } });
    await client().post('/tasks', { body: {}, idempotencyKey: 'task-1' });
    expect(api.calls.map((call) => call.headers.get('idempotency-key'))).toEqual(['task-1', 'task-1']);
  });

  it('gives TimeoutError when no answer comes in time', async () => {
    api.on('GET', '/slow', async () => {
      await new Promise((resolve) => setTimeout(resolve, 300));
      return Response.json({});
    });
    const error = await client({ timeoutMs: 50, maxRetries: 1 })
      .get('/slow')
      .catch((caught: unknown) => caught);
    expect(TimeoutError.isInstance(error)).toBe(true);
    expect((error as TimeoutError).attempts).toBe(2);
  });

  it('gives the right class with the number of attempts when retries run out', async () => {
    api.on('GET', '/down', { status: 503, json: { error: 'down' } });
    const error = await client({ maxRetries: 2 })
      .get('/down')
      .catch((caught: unknown) => caught);
    expect(ServerError.isInstance(error)).toBe(true);
    expect((error as ServerError).attempts).toBe(3);
    expect((error as ServerError).status).toBe(503);
    expect(api.calls).toHaveLength(3);
  });

  it('refreshes an OAuth token once on a 401 and repeats the request', async () => {
    const issued: boolean[] = [];
    let generation = 0;
    api.on('GET', '/me', (call) =>
      call.headers.get('authorization') === 'Bearer token-2'
        ? Response.json({ id: 'me' })
        : Response.json({ error: 'expired' }, { status: 401 }),
    );
    const http = client({
      auth: {
        type: 'oauth',
        tokenProvider: ({ forceRefresh }) => {
          issued.push(forceRefresh);
          generation += 1;
          return `token-${generation}`;
        },
      },
    });
    await expect(http.get('/me')).resolves.toEqual({ id: 'me' });
    expect(issued).toEqual([false, true]);
    expect(api.calls).toHaveLength(2);
  });

  it('gives up with AuthenticationError when the refreshed token is refused too', async () => {
    api.on('GET', '/me', { status: 401, json: { error: 'revoked' } });
    const http = client({ auth: { type: 'oauth', tokenProvider: () => 'token-x' } });
    await expect(http.get('/me')).rejects.toSatisfy(AuthenticationError.isInstance);
    expect(api.calls).toHaveLength(2);
  });

  it('never puts a secret in an error message, its JSON or its cause', async () => {
    api.on('GET', '/leak', {
      status: 401,
      json: {
        message: `invalid key ${SECRET}`,
        api_key: SECRET,
        echo: { authorization: `Bearer ${SECRET}` },
      },
    });
    const error = await client({ auth: { type: 'header', name: 'x-api-key', value: SECRET } })
      .get('/leak', { query: { api_key: SECRET } })
      .catch((caught: unknown) => caught);
    expect(SalesOSError.isInstance(error)).toBe(true);
    const texts = [
      String(error),
      (error as Error).message,
      JSON.stringify(error),
      String((error as Error).cause),
    ];
    for (const text of texts) expect(text).not.toContain(SECRET);
    expect(JSON.stringify(error)).toContain('[REDACTED]');
  });

  it('validates responses and names the endpoint and the field paths', async () => {
    api.on('GET', '/people/7', { json: { id: 'seven', email: 'a@b.c', extra: true } });
    const schema = z.looseObject({ id: z.number(), email: z.string() });
    const error = await client()
      .get('/people/{id}', { pathParams: { id: 7 }, schema })
      .catch((caught: unknown) => caught);
    expect(ResponseValidationError.isInstance(error)).toBe(true);
    expect((error as ResponseValidationError).endpoint).toBe('GET /people/{id}');
    expect((error as ResponseValidationError).issues[0]?.path).toBe('id');
    expect((error as Error).message).toContain('"id"');
  });

  it('passes unknown fields through a loose schema', async () => {
    api.on('GET', '/people/8', { json: { id: 8, email: 'a@b.c', vendor_added: 'x' } });
    const schema = z.looseObject({ id: z.number(), email: z.string() });
    await expect(client().get('/people/{id}', { pathParams: { id: 8 }, schema })).resolves.toMatchObject({
      vendor_added: 'x',
    });
  });

  it('refuses a missing or malformed path parameter with ConfigError before sending', async () => {
    await expect(client().get('/people/{id}', { pathParams: {} })).rejects.toThrow(ConfigError);
    const lone = client().get('/people/{id}', { pathParams: { id: 'a\ud800b' } });
    await expect(lone).rejects.toThrow(ConfigError);
    await expect(lone).rejects.toThrow(/path parameter "id" .*well-formed/i);
    expect(api.calls).toHaveLength(0);
  });

  it('sends auth, the User-Agent, query arrays and JSON bodies', async () => {
    api.on('PUT', '/people/3', { json: { ok: true } });
    await client({ userAgent: 'salesos-example/1.2.3' }).put('/people/{id}', {
      pathParams: { id: 3 },
      query: { 'ids[]': [1, 2], skip: undefined, flag: true },
      body: { first_name: 'Ada' },
    });
    const call = api.calls[0];
    expect(call?.headers.get('authorization')).toBe(`Bearer ${SECRET}`);
    expect(call?.headers.get('user-agent')).toMatch(/^salesos-example\/1\.2\.3 salesos-core\//);
    expect(call?.query.getAll('ids[]')).toEqual(['1', '2']);
    expect(call?.query.has('skip')).toBe(false);
    expect(call?.body).toEqual({ first_name: 'Ada' });
  });

  it('emits request, retry, response and error events with the path template', async () => {
    const events = createEventBus();
    const seen: string[] = [];
    events.onAny((type, payload) => seen.push(`${type} ${(payload as { path: string }).path}`));
    api.on('GET', '/people/5', { status: 500, json: {} }, { status: 404, json: {} });
    await client({ events })
      .get('/people/{id}', { pathParams: { id: 5 } })
      .catch(() => {});
    expect(seen).toEqual([
      'http.request /people/{id}',
      'http.response /people/{id}',
      'http.retry /people/{id}',
      'http.request /people/{id}',
      'http.response /people/{id}',
      'http.error /people/{id}',
    ]);
  });

  it('does not wait for a Retry-After longer than maxRetryAfterMs', async () => {
    api.on('GET', '/quota', {
      status: 429,
      headers: { 'retry-after': '3600' },
      json: { message: 'daily limit' },
    });
    const error = await client({ maxRetryAfterMs: 1000 })
      .get('/quota')
      .catch((caught: unknown) => caught);
    expect(RateLimitError.isInstance(error)).toBe(true);
    expect((error as RateLimitError).retryAfterMs).toBe(3_600_000);
    expect(api.calls).toHaveLength(1);
  });

  it('maps vendor error bodies through the error parser', async () => {
    api.on('POST', '/people', {
      status: 422,
      json: { errors: { email_address: ['has already been taken'] } },
    });
    const error = await client({
      errorParser: ({ body }) => ({
        message: 'validation failed',
        fieldErrors: Object.entries((body as { errors: Record<string, string[]> }).errors).map(
          ([path, messages]) => ({
            path,
            message: messages.join(', '),
          }),
        ),
      }),
    })
      .post('/people', { body: {} })
      .catch((caught: unknown) => caught);
    expect(InvalidRequestError.isInstance(error)).toBe(true);
    expect((error as InvalidRequestError).fieldErrors).toEqual([
      { path: 'email_address', message: 'has already been taken' },
    ]);
  });

  it('starts the timeout only once the rate limiter admits the call', async () => {
    api.on('GET', '/queued', { json: { ok: true } });
    const seen: { cost: number; path?: string | undefined }[] = [];
    const slowLimiter = {
      schedule: async <T>(cost: number, fn: () => Promise<T>, request?: { path: string }) => {
        seen.push({ cost, path: request?.path });
        await new Promise((resolve) => setTimeout(resolve, 120));
        return fn();
      },
      observe: () => {},
    };
    await expect(client({ timeoutMs: 60, rateLimiter: slowLimiter }).get('/queued')).resolves.toEqual({
      ok: true,
    });
    expect(seen).toEqual([{ cost: 1, path: '/queued' }]);
  });
});

/** A clock whose sleeps return at once and are recorded. */
const recordingClock = (now: () => number = () => Date.now()) => {
  const sleeps: number[] = [];
  return { sleeps, clock: { now, sleep: async (ms: number) => void sleeps.push(ms) } };
};

describe('createHttpClient retries of a POST', () => {
  it('retries a POST without idempotent or idempotencyKey on a 429: the vendor refused it before doing work', async () => {
    api.on(
      'POST',
      '/notes',
      { status: 429, headers: { 'retry-after': '1' }, json: { error: 'slow down' } },
      { status: 201, json: { id: 9 } },
    );
    const { sleeps, clock } = recordingClock();
    await expect(client({ clock }).post('/notes', { body: { a: 1 } })).resolves.toEqual({ id: 9 });
    expect(api.calls).toHaveLength(2);
    expect(sleeps).toEqual([1000]);
  });

  it.each([500, 502, 503])('does not retry a POST without idempotency on a %i', async (status) => {
    api.on('POST', '/notes', { status, json: { error: 'boom' } }, { status: 201, json: { id: 9 } });
    const error = await client()
      .post('/notes', { body: { a: 1 } })
      .catch((caught: unknown) => caught);
    expect(ServerError.isInstance(error)).toBe(true);
    expect((error as ServerError).status).toBe(status);
    expect((error as ServerError).attempts).toBe(1);
    expect(api.calls).toHaveLength(1);
  });

  it('does not retry a POST without idempotency on a network error: the vendor may have done the work', async () => {
    api.on('POST', '/notes', () => HttpResponse.error(), { status: 201, json: { id: 9 } });
    const error = await client()
      .post('/notes', { body: { a: 1 } })
      .catch((caught: unknown) => caught);
    expect(NetworkError.isInstance(error)).toBe(true);
    expect(api.calls).toHaveLength(1);
  });
});

describe('createHttpClient waits', () => {
  it.each([
    ['epoch seconds', (now: number) => String(now / 1000 + 7)],
    ['delta seconds', () => '7'],
  ])('waits until the reset of a 429 that carries x-ratelimit-reset (%s)', async (_form, reset) => {
    const now = Date.UTC(2026, 10, 22, 12, 0, 0);
    api.on(
      'GET',
      '/things',
      { status: 429, headers: { 'x-ratelimit-reset': reset(now) }, json: {} },
      { json: [] },
    );
    const { sleeps, clock } = recordingClock(() => now);
    await expect(client({ clock }).get('/things')).resolves.toEqual([]);
    expect(sleeps).toEqual([7000]);
  });

  it('backs off with jitter on a 503 that carries only a reset header', async () => {
    api.on(
      'GET',
      '/things',
      { status: 503, headers: { 'x-ratelimit-reset': '60', 'ratelimit-reset': '60' }, json: {} },
      { json: [] },
    );
    const { sleeps, clock } = recordingClock();
    await expect(client({ clock, retryBaseMs: 100, retryMaxDelayMs: 100 }).get('/things')).resolves.toEqual(
      [],
    );
    expect(sleeps).toHaveLength(1);
    expect(sleeps[0]).toBeLessThanOrEqual(100);
  });

  it('honours Retry-After on a 503', async () => {
    api.on('GET', '/things', { status: 503, headers: { 'retry-after': '3' }, json: {} }, { json: [] });
    const { sleeps, clock } = recordingClock();
    await client({ clock }).get('/things');
    expect(sleeps).toEqual([3000]);
  });

  it('leaves retryAfterMs unset on a 5xx whose only hint is a reset header', async () => {
    api.on('GET', '/down', { status: 500, headers: { 'x-ratelimit-reset': '60' }, json: {} });
    const error = await client({ maxRetries: 0 })
      .get('/down')
      .catch((caught: unknown) => caught);
    expect(ServerError.isInstance(error)).toBe(true);
    expect((error as ServerError).retryAfterMs).toBeUndefined();
  });
});

describe('retryAfterMs', () => {
  const now = Date.UTC(2026, 0, 1);
  it('reads reset headers only for a 429, and Retry-After for a 429 or 503', () => {
    const reset = new Headers({ 'x-ratelimit-reset': '5' });
    const retryAfter = new Headers({ 'retry-after': '2' });
    expect(retryAfterMs(reset, now, 429)).toBe(5000);
    expect(retryAfterMs(reset, now, 503)).toBeUndefined();
    expect(retryAfterMs(reset, now, 500)).toBeUndefined();
    expect(retryAfterMs(retryAfter, now, 503)).toBe(2000);
    expect(retryAfterMs(retryAfter, now, 502)).toBeUndefined();
    // Without a status (a limiter that already knows it saw a 429) every hint counts.
    expect(retryAfterMs(reset, now)).toBe(5000);
  });
});

describe('createHttpClient OAuth', () => {
  const REFRESH_TOKEN = 'rt_REFRESH_SECRET_987654';
  const CLIENT_SECRET = 'cs_CLIENT_SECRET_456789';

  const secretTexts = (error: unknown): string[] => {
    const cause = (error as Error).cause as Error | undefined;
    return [
      String(error),
      (error as Error).message,
      (error as Error).stack ?? '',
      JSON.stringify(error),
      String(cause),
      cause?.message ?? '',
      cause?.stack ?? '',
    ];
  };

  it('wraps a throwing tokenProvider in AuthenticationError with a redacted cause and an http.error event', async () => {
    const events = createEventBus();
    const failures: SalesOSEventMap['http.error'][] = [];
    events.on('http.error', (payload) => failures.push(payload));
    const http = client({
      events,
      auth: {
        type: 'oauth',
        tokenProvider: () => {
          throw new Error(
            `token endpoint answered invalid_grant for refresh_token=${REFRESH_TOKEN} and "client_secret": "${CLIENT_SECRET}" (Bearer ${REFRESH_TOKEN})`,
          );
        },
      },
    });
    const error = await http.get('/me').catch((caught: unknown) => caught);
    expect(AuthenticationError.isInstance(error)).toBe(true);
    expect((error as Error).message).toMatch(
      /example GET \/me: the OAuth tokenProvider failed .*invalid_grant/,
    );
    expect((error as AuthenticationError).retryable).toBe(false);
    expect((error as Error).cause).toBeInstanceOf(Error);
    expect(((error as Error).cause as Error).message).toContain('[REDACTED]');
    for (const text of secretTexts(error)) {
      expect(text).not.toContain(REFRESH_TOKEN);
      expect(text).not.toContain(CLIENT_SECRET);
    }
    expect(failures).toEqual([expect.objectContaining({ path: '/me', errorCode: 'authentication_error' })]);
    expect(api.calls).toHaveLength(0);
  });

  it('wraps a tokenProvider that rejects while refreshing after a 401, redacting secrets it was given', async () => {
    api.on('GET', '/me', { status: 401, json: { error: 'expired' } });
    const http = client({
      secrets: [CLIENT_SECRET],
      auth: {
        type: 'oauth',
        tokenProvider: async ({ forceRefresh }) => {
          if (forceRefresh) throw new Error(`refresh refused (client ${CLIENT_SECRET})`);
          return 'token-1';
        },
      },
    });
    const error = await http.get('/me').catch((caught: unknown) => caught);
    expect(AuthenticationError.isInstance(error)).toBe(true);
    expect((error as Error).message).toContain('refreshing the access token after a 401');
    for (const text of secretTexts(error)) expect(text).not.toContain(CLIENT_SECRET);
    expect(api.calls).toHaveLength(1);
  });

  it('refuses a tokenProvider that returns no token with AuthenticationError', async () => {
    const http = client({ auth: { type: 'oauth', tokenProvider: () => '' } });
    await expect(http.get('/me')).rejects.toThrow(/tokenProvider failed .*empty string/);
    expect(api.calls).toHaveLength(0);
  });

  it('shares one refresh between concurrent requests that all get a 401', async () => {
    const issued: boolean[] = [];
    let generation = 0;
    api.on('GET', '/me', (call) =>
      call.headers.get('authorization') === 'Bearer token-2'
        ? Response.json({ id: 'me' })
        : Response.json({ error: 'expired' }, { status: 401 }),
    );
    const http = client({
      auth: {
        type: 'oauth',
        tokenProvider: async ({ forceRefresh }) => {
          issued.push(forceRefresh);
          await new Promise((resolve) => setTimeout(resolve, 10));
          generation += 1;
          return `token-${generation}`;
        },
      },
    });
    const results = await Promise.all(Array.from({ length: 5 }, () => http.get('/me')));
    expect(results).toEqual(Array.from({ length: 5 }, () => ({ id: 'me' })));
    expect(issued).toEqual([false, true]);
    expect(api.calls).toHaveLength(10);
  });

  it('shares one refresh also when the 401s arrive after the new token', async () => {
    const issued: boolean[] = [];
    let generation = 0;
    let first = true;
    api.on('GET', '/me', async (call) => {
      if (call.headers.get('authorization') === 'Bearer token-2') return Response.json({ id: 'me' });
      // The first 401 comes back at once; the others only after the refresh is done.
      if (!first) await new Promise((resolve) => setTimeout(resolve, 40));
      first = false;
      return Response.json({ error: 'expired' }, { status: 401 });
    });
    const http = client({
      auth: {
        type: 'oauth',
        tokenProvider: ({ forceRefresh }) => {
          issued.push(forceRefresh);
          generation += 1;
          return `token-${generation}`;
        },
      },
    });
    await expect(Promise.all(Array.from({ length: 5 }, () => http.get('/me')))).resolves.toHaveLength(5);
    expect(issued).toEqual([false, true]);
  });
});

describe('createHttpClient timeouts', () => {
  it('gives TimeoutError when the headers arrive but the body stalls', async () => {
    let cancelled = false;
    api.on(
      'GET',
      '/stall',
      () =>
        new Response(
          new ReadableStream<Uint8Array>({
            start(controller) {
              // Headers and a first chunk, then nothing: the stream never closes.
              controller.enqueue(new TextEncoder().encode('{"partial":'));
            },
            cancel() {
              cancelled = true;
            },
          }),
          { headers: { 'content-type': 'application/json' } },
        ),
    );
    const started = performance.now();
    const error = await client({ timeoutMs: 80, maxRetries: 1 })
      .get('/stall')
      .catch((caught: unknown) => caught);
    expect(TimeoutError.isInstance(error)).toBe(true);
    expect((error as Error).message).toContain('within 80 ms');
    expect((error as TimeoutError).attempts).toBe(2);
    expect(performance.now() - started).toBeLessThan(2000);
    expect(api.calls).toHaveLength(2);
    // The client cancelled the stalled stream, which frees the connection.
    expect(cancelled).toBe(true);
  });

  it('counts the time to the headers against the body read', async () => {
    api.on('GET', '/slow-body', async () => {
      await new Promise((resolve) => setTimeout(resolve, 60));
      let timer: ReturnType<typeof setTimeout> | undefined;
      return new Response(
        new ReadableStream<Uint8Array>({
          start(controller) {
            timer = setTimeout(() => {
              controller.enqueue(new TextEncoder().encode('{}'));
              controller.close();
            }, 60);
          },
          cancel() {
            clearTimeout(timer);
          },
        }),
        { headers: { 'content-type': 'application/json' } },
      );
    });
    // 60 ms to the headers and 60 more to the body: over 100 ms in all, though each part is under it.
    await expect(client({ timeoutMs: 100, maxRetries: 0 }).get('/slow-body')).rejects.toSatisfy(
      TimeoutError.isInstance,
    );
  });
});

describe('createHttpClient retryable failures', () => {
  it('retries a network error and then succeeds', async () => {
    api.on('GET', '/flaky', () => HttpResponse.error(), { json: { ok: true } });
    await expect(client().get('/flaky')).resolves.toEqual({ ok: true });
    expect(api.calls).toHaveLength(2);
  });

  it('gives NetworkError with the attempts when the connection keeps failing', async () => {
    api.on('GET', '/flaky', () => HttpResponse.error());
    const error = await client({ maxRetries: 2 })
      .get('/flaky')
      .catch((caught: unknown) => caught);
    expect(NetworkError.isInstance(error)).toBe(true);
    expect((error as NetworkError).attempts).toBe(3);
    expect(api.calls).toHaveLength(3);
  });

  it.each([408, 425, 504])('retries a %i and then succeeds', async (status) => {
    api.on('GET', '/things', { status, json: {} }, { json: [1] });
    await expect(client().get('/things')).resolves.toEqual([1]);
    expect(api.calls).toHaveLength(2);
  });
});

describe('createHttpClient options', () => {
  it('sends through the injected fetch', async () => {
    const seen: { url: string; authorization: string | null }[] = [];
    const injected: typeof fetch = async (input) => {
      const request = input as Request;
      seen.push({ url: request.url, authorization: request.headers.get('authorization') });
      return Response.json({ via: 'injected' });
    };
    await expect(client({ fetch: injected }).get('/people/{id}', { pathParams: { id: 4 } })).resolves.toEqual(
      {
        via: 'injected',
      },
    );
    expect(seen).toEqual([{ url: `${baseUrl}/people/4`, authorization: `Bearer ${SECRET}` }]);
    expect(api.calls).toHaveLength(0);
  });

  it('sends the exact VERSION of @salesos/core in the User-Agent', async () => {
    api.on('GET', '/ua', { json: {} });
    await client().get('/ua');
    expect(VERSION).toBe('0.0.0-test');
    const tokens = api.calls[0]?.headers.get('user-agent')?.split(' ');
    expect(tokens).toContain(`salesos-core/${VERSION}`);
    expect(tokens).toContain(`node/${process.versions.node}`);
  });

  it('is created without a Node.js process object, leaving the runtime out of the User-Agent', async () => {
    api.on('GET', '/ua', { json: {} });
    const saved = globalThis.process;
    let bare: ReturnType<typeof client>;
    try {
      // Browsers, web workers and edge runtimes have no `process`.
      (globalThis as { process?: unknown }).process = undefined;
      bare = client();
    } finally {
      globalThis.process = saved;
    }
    await bare.get('/ua');
    expect(api.calls[0]?.headers.get('user-agent')).toBe(`salesos-core/${VERSION}`);
  });

  it('logs attempts and failures with authorization and x-api-key redacted', async () => {
    const lines: { level: string; fields: unknown; message: string | undefined }[] = [];
    const record =
      (level: string) =>
      (fields: Record<string, unknown> | string, message?: string): void =>
        void lines.push(
          typeof fields === 'string' ? { level, fields: {}, message: fields } : { level, fields, message },
        );
    const logger: Logger = {
      debug: record('debug'),
      info: record('info'),
      warn: record('warn'),
      error: record('error'),
    };
    api.on('GET', '/ok', { json: {} });
    api.on('GET', '/leak', { status: 401, json: { message: `bad key ${SECRET}`, api_key: SECRET } });
    await client({ logger }).get('/ok');
    await client({ logger, auth: { type: 'header', name: 'x-api-key', value: SECRET } })
      .get('/leak')
      .catch(() => {});
    await client({ logger, auth: { type: 'header', name: 'x-custom-auth', value: SECRET } }).get('/ok');

    const debug = lines.filter((line) => line.level === 'debug');
    expect(debug).toHaveLength(3);
    const headersOf = (index: number) =>
      (debug[index]?.fields as { headers?: Record<string, string> } | undefined)?.headers ?? {};
    expect(headersOf(0).authorization).toBe('[REDACTED]');
    expect(headersOf(1)['x-api-key']).toBe('[REDACTED]');
    expect(headersOf(2)['x-custom-auth']).toBe('[REDACTED]');
    expect(headersOf(0)['user-agent']).toContain(`salesos-core/${VERSION}`);
    expect(lines.some((line) => line.level === 'warn' && line.message?.includes('failed with 401'))).toBe(
      true,
    );
    expect(JSON.stringify(lines)).not.toContain(SECRET);
  });
});

describe('createHttpClient with a circuit breaker', () => {
  it('fails fast with CircuitOpenError after N consecutive failures, then half-opens after the cool-down', async () => {
    const clock = createTestClock();
    const breaker = createCircuitBreaker({ failureThreshold: 3, cooldownMs: 1000, clock });
    const http = client({ circuitBreaker: breaker, clock, maxRetries: 0 });
    api.on('GET', '/down', { status: 503, json: {} });
    for (let index = 0; index < 3; index += 1) {
      await expect(http.get('/down')).rejects.toSatisfy(ServerError.isInstance);
    }
    expect(breaker.state).toBe('open');

    const error = await http.get('/down').catch((caught: unknown) => caught);
    expect(CircuitOpenError.isInstance(error)).toBe(true);
    expect((error as CircuitOpenError).retryAfterMs).toBe(1000);
    expect(api.calls).toHaveLength(3);

    await clock.advance(999);
    await expect(http.get('/down')).rejects.toSatisfy(CircuitOpenError.isInstance);
    expect(api.calls).toHaveLength(3);

    await clock.advance(1);
    expect(breaker.state).toBe('half-open');
    api.on('GET', '/down', { json: { ok: true } });
    await expect(http.get('/down')).resolves.toEqual({ ok: true });
    expect(breaker.state).toBe('closed');
    expect(api.calls).toHaveLength(4);
  });

  it('re-opens when the half-open trial fails', async () => {
    const clock = createTestClock();
    const breaker = createCircuitBreaker({ failureThreshold: 1, cooldownMs: 1000, clock });
    const http = client({ circuitBreaker: breaker, clock, maxRetries: 0 });
    api.on('GET', '/down', { status: 500, json: {} });
    await expect(http.get('/down')).rejects.toSatisfy(ServerError.isInstance);
    await clock.advance(1000);
    await expect(http.get('/down')).rejects.toSatisfy(ServerError.isInstance);
    expect(breaker.state).toBe('open');
    await expect(http.get('/down')).rejects.toSatisfy(CircuitOpenError.isInstance);
    expect(api.calls).toHaveLength(2);
  });

  it('does not count 4xx answers as failures', async () => {
    const breaker = createCircuitBreaker({ failureThreshold: 1, cooldownMs: 1000 });
    api.on('GET', '/missing', { status: 404, json: {} });
    await expect(client({ circuitBreaker: breaker }).get('/missing')).rejects.toSatisfy(
      NotFoundError.isInstance,
    );
    expect(breaker.state).toBe('closed');
  });
});

describe('createHttpClient defaults', () => {
  it('retries 3 times after the first attempt', async () => {
    api.on('GET', '/down', { status: 503, json: {} });
    const error = await client()
      .get('/down')
      .catch((caught: unknown) => caught);
    expect((error as ApiError).attempts).toBe(4);
    expect(api.calls).toHaveLength(4);
  });

  it('opens the default breaker after 5 consecutive failures for 30 s, announcing each state', async () => {
    const clock = createTestClock();
    const events = createEventBus();
    const states: string[] = [];
    events.on('circuit.state', ({ state }) => states.push(state));
    const http = client({ circuitBreaker: undefined, clock, events, maxRetries: 0 });
    api.on('GET', '/down', { status: 503, json: {} });
    for (let index = 0; index < 4; index += 1)
      await expect(http.get('/down')).rejects.toSatisfy(ServerError.isInstance);
    expect(states).toEqual([]);
    await expect(http.get('/down')).rejects.toSatisfy(ServerError.isInstance);
    expect(states).toEqual(['open']);
    const error = await http.get('/down').catch((caught: unknown) => caught);
    expect(CircuitOpenError.isInstance(error)).toBe(true);
    expect((error as CircuitOpenError).retryAfterMs).toBe(30_000);
    await clock.advance(29_999);
    await expect(http.get('/down')).rejects.toSatisfy(CircuitOpenError.isInstance);
    expect(api.calls).toHaveLength(5);
    await clock.advance(1);
    api.on('GET', '/down', { json: {} });
    await http.get('/down');
    expect(states).toEqual(['open', 'half-open', 'closed']);
    expect(api.calls).toHaveLength(6);
  });

  it('times an attempt out after 30 000 ms', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      const hanging: typeof fetch = (input) =>
        new Promise((_resolve, reject) => {
          const signal = (input as Request).signal;
          signal.addEventListener('abort', () => reject(signal.reason), { once: true });
        });
      let settled: unknown;
      const call = client({ fetch: hanging, maxRetries: 0 })
        .get('/hang')
        .then(
          () => 'resolved',
          (error: unknown) => error,
        )
        .then((outcome) => {
          settled = outcome;
        });
      await vi.advanceTimersByTimeAsync(29_999);
      expect(settled).toBeUndefined();
      await vi.advanceTimersByTimeAsync(1);
      await call;
      expect(TimeoutError.isInstance(settled)).toBe(true);
      expect((settled as Error).message).toContain('within 30000 ms');
    } finally {
      vi.useRealTimers();
    }
  });
});
