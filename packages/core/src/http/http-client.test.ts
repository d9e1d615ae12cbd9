import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  AuthenticationError,
  ConfigError,
  InvalidRequestError,
  NotFoundError,
  PermissionError,
  RateLimitError,
  ResponseValidationError,
  SalesOSError,
  ServerError,
  TimeoutError,
} from '../errors/index.ts';
import { createEventBus } from '../events/event-bus.ts';
import { createMockApi } from '../testing/mock-api.ts';
import { createHttpClient } from './http-client.ts';
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
