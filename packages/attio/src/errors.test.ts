import {
  ConflictError,
  createHttpClient,
  InvalidRequestError,
  NotFoundError,
  PermissionError,
} from '@salesos/core';
import { HttpResponse, http } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import filterError from './__fixtures__/error-filter.json' with { type: 'json' };
import notFound from './__fixtures__/error-not-found.json' with { type: 'json' };
import slugConflict from './__fixtures__/error-slug-conflict.json' with { type: 'json' };
import { parseAttioError } from './errors.ts';

const server = setupServer();
beforeAll(() => server.listen({ onUnhandledFrame: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

const BASE = 'https://attio.test/v2';
const httpClient = () =>
  createHttpClient({
    vendor: 'attio',
    baseUrl: BASE,
    errorParser: parseAttioError,
    maxRetries: 0,
    circuitBreaker: false,
  });
const answer = (status: number, body: unknown) =>
  server.use(http.all(`${BASE}/*`, () => HttpResponse.json(body as Record<string, unknown>, { status })));

describe('parseAttioError', () => {
  it('reads validation_errors into field errors whose paths are named in the message', () => {
    const parsed = parseAttioError({
      status: 400,
      headers: new Headers(),
      body: {
        status_code: 400,
        type: 'invalid_request_error',
        code: 'validation_type',
        message: 'Body payload validation error.',
        validation_errors: [
          {
            code: 'invalid_type',
            path: ['data', 'values', 'email_addresses', 0],
            message: 'Expected string',
            expected: 'string',
            received: 'number',
          },
        ],
      },
    });
    expect(parsed.vendorCode).toBe('validation_type');
    expect(parsed.fieldErrors).toEqual([
      {
        path: 'data.values.email_addresses.0',
        message: 'Expected string (expected string, received number)',
        code: 'invalid_type',
      },
    ]);
    expect(parsed.message).toContain('"data.values.email_addresses.0": Expected string');
  });

  it('leaves bodies that are not Attio errors to the defaults', () => {
    expect(
      parseAttioError({ status: 502, headers: new Headers(), body: '<html>Bad gateway</html>' }),
    ).toEqual({});
  });
});

describe('Attio errors through the HTTP client', () => {
  it('maps the spec examples: 404 not_found, 400 filter_error and 409 slug_conflict', async () => {
    answer(404, notFound);
    const missing = await httpClient()
      .get('/objects/people')
      .catch((error: unknown) => error);
    expect(NotFoundError.isInstance(missing)).toBe(true);
    expect((missing as NotFoundError).vendorCode).toBe('not_found');

    answer(400, filterError);
    const badFilter = await httpClient()
      .post('/objects/people/records/query', { body: {} })
      .catch((error: unknown) => error);
    expect(InvalidRequestError.isInstance(badFilter)).toBe(true);
    expect((badFilter as InvalidRequestError).message).toContain('Error in filter. [filter_error]');

    answer(409, slugConflict);
    const conflict = await httpClient()
      .post('/objects', { body: {} })
      .catch((error: unknown) => error);
    expect(ConflictError.isInstance(conflict)).toBe(true);
  });

  it('turns a 400 uniqueness_conflict into ConflictError and a 403 billing_error into PermissionError', async () => {
    answer(400, {
      status_code: 400,
      type: 'invalid_request_error',
      code: 'uniqueness_conflict',
      message: 'Taken.',
    });
    const clash = await httpClient()
      .post('/objects/people/records', { body: {} })
      .catch((error: unknown) => error);
    expect(ConflictError.isInstance(clash)).toBe(true);
    expect((clash as ConflictError).status).toBe(409);

    answer(403, {
      status_code: 403,
      type: 'invalid_request_error',
      code: 'billing_error',
      message: 'Upgrade.',
    });
    const billing = await httpClient()
      .post('/lists', { body: {} })
      .catch((error: unknown) => error);
    expect(PermissionError.isInstance(billing)).toBe(true);
    expect((billing as PermissionError).vendorCode).toBe('billing_error');
  });
});
