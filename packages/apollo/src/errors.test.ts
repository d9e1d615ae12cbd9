import {
  AuthenticationError,
  InvalidRequestError,
  NotFoundError,
  PermissionError,
  RateLimitError,
} from '@salesos/core';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createApolloClient } from './client.ts';
import {
  APOLLO_KEY_SCOPE_CODE,
  APOLLO_PAID_PLAN_CODE,
  isApolloKeyScopeError,
  isApolloPlanError,
  parseApolloErrorBody,
} from './errors.ts';
import { createApolloSimulator } from './testing/index.ts';

const simulator = createApolloSimulator({ seed: 3, apiKey: 'right-key-9876' });
const server = setupServer(...simulator.handlers);
const client = createApolloClient({ apiKey: 'right-key-9876', maxRetries: 0 });

beforeAll(() => server.listen({ onUnhandledFrame: 'error' }));
afterEach(() => {
  simulator.setPlan('paid');
  simulator.setKeyScopes(undefined);
  simulator.setRateLimits({ minute: 600, hour: 6000, day: 50_000 });
});
afterAll(() => server.close());

const failure = async (promise: Promise<unknown>): Promise<unknown> => {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to fail');
};

describe('Apollo error mapping', () => {
  it('maps the text/plain 401 to AuthenticationError without leaking the key', async () => {
    const wrong = createApolloClient({ apiKey: 'wrong-key-1234', maxRetries: 0 });
    const error = await failure(wrong.deals.stages());
    expect(AuthenticationError.isInstance(error)).toBe(true);
    const authError = error as AuthenticationError;
    expect(authError.status).toBe(401);
    expect(authError.message).toMatch(/Invalid API key/);
    expect(authError.message).toMatch(/x-api-key/);
    expect(JSON.stringify(authError.toJSON())).not.toContain('wrong-key-1234');
    expect(authError.message).not.toContain('wrong-key-1234');
  });

  it('tells a key-scope 403 apart from a paid-plan 403', async () => {
    simulator.setKeyScopes(['api/v1/people/match']);
    const scope = await failure(client.contacts.search().toArray());
    simulator.setKeyScopes(undefined);
    simulator.setPlan('free');
    const plan = await failure(client.contacts.search().toArray());

    expect(PermissionError.isInstance(scope)).toBe(true);
    expect(PermissionError.isInstance(plan)).toBe(true);
    expect((scope as PermissionError).vendorCode).toBe(APOLLO_KEY_SCOPE_CODE);
    expect((plan as PermissionError).vendorCode).toBe(APOLLO_PAID_PLAN_CODE);
    expect(isApolloKeyScopeError(scope)).toBe(true);
    expect(isApolloPlanError(scope)).toBe(false);
    expect(isApolloPlanError(plan)).toBe(true);
    expect(isApolloKeyScopeError(plan)).toBe(false);
    expect((scope as Error).message).toMatch(/api\/v1\/contacts\/search/);
    expect((plan as Error).message).toMatch(/paid plan/);
  });

  it('keeps the bulk 400 error_code', async () => {
    const error = await failure(client.http.post('/people/bulk_match', { body: { details: [] } }));
    expect(InvalidRequestError.isInstance(error)).toBe(true);
    expect((error as InvalidRequestError).status).toBe(400);
    expect((error as InvalidRequestError).vendorCode).toBe('INVALID_REQUEST');
    expect((error as Error).message).toMatch(/missing details/);
  });

  it('maps a 422 { error } to InvalidRequestError with the field when Apollo names it', async () => {
    const invalid = await failure(client.contacts.update('ffffffffffffffffffffffff', { title: 'x' }));
    expect(InvalidRequestError.isInstance(invalid)).toBe(true);
    expect((invalid as InvalidRequestError).status).toBe(422);
    expect((invalid as Error).message).toMatch(/not a valid ID/);

    const missing = await failure(client.http.get('/organizations/enrich'));
    expect((missing as InvalidRequestError).fieldErrors).toEqual([
      { path: 'domain', message: "Required parameter 'domain' missing" },
    ]);
  });

  it('maps "does not exist" and the deals 404 to NotFoundError', async () => {
    expect(NotFoundError.isInstance(await failure(client.people.get('000000000000000000000000')))).toBe(true);
    expect(NotFoundError.isInstance(await failure(client.deals.get('000000000000000000000000')))).toBe(true);
  });

  it('maps the 429 { message } to RateLimitError', async () => {
    simulator.setRateLimits({ minute: null, hour: null, day: null });
    simulator.setRateLimits({ hour: 0 }, 'GET /opportunity_stages');
    const error = await failure(client.deals.stages());
    expect(RateLimitError.isInstance(error)).toBe(true);
    expect((error as Error).message).toMatch(/times per hour/);
  });
});

describe('parseApolloErrorBody', () => {
  const headers = new Headers();

  it('reads every documented shape', () => {
    expect(
      parseApolloErrorBody({
        status: 400,
        headers,
        body: {
          status: 'failed',
          error_code: 'RECORD_LIMIT_EXCEEDED',
          error_message: 'domain count cannot be more than 10',
        },
      }),
    ).toMatchObject({ vendorCode: 'RECORD_LIMIT_EXCEEDED', message: 'domain count cannot be more than 10' });
    // A bulk 400 Apollo labels text/plain still holds JSON.
    expect(
      parseApolloErrorBody({
        status: 400,
        headers,
        body: '{ "status": "failed", "error_code": "INVALID_REQUEST", "error_message": "invalid request, missing domains" }',
      }),
    ).toMatchObject({ vendorCode: 'INVALID_REQUEST' });
    expect(
      parseApolloErrorBody({
        status: 403,
        headers,
        body: { error: 'This API key is not authorized to access api/v1/tasks/search. Request an API key…' },
      }),
    ).toMatchObject({ vendorCode: APOLLO_KEY_SCOPE_CODE });
    expect(
      parseApolloErrorBody({
        status: 422,
        headers,
        body: { error: 'Cannot be emailed', error_code: 'DNC_ENFORCEMENT_BLOCKED' },
      }),
    ).toMatchObject({ vendorCode: 'DNC_ENFORCEMENT_BLOCKED' });
    expect(
      parseApolloErrorBody({
        status: 404,
        headers,
        body: { error_code: 'result_pending', retry_after_seconds: 10 },
      }),
    ).toMatchObject({
      vendorCode: 'result_pending',
      retryable: true,
    });
  });
});
