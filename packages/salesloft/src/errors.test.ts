import { describe, expect, it } from 'vitest';
import { parseSalesloftError } from './errors.ts';

const parse = (status: number, body: unknown) =>
  parseSalesloftError({ status, body, headers: new Headers() });

describe('parseSalesloftError', () => {
  it('reads the field errors of a 422', () => {
    expect(parse(422, { errors: { email_address: ['is already taken'] } })).toEqual({
      message: 'SalesLoft rejected "email_address" is already taken',
      fieldErrors: [{ path: 'email_address', message: 'is already taken' }],
    });
  });

  it('keeps every message of every field', () => {
    const parsed = parse(422, {
      errors: { domain: ["can't be blank", 'is invalid'], name: "can't be blank" },
    });
    expect(parsed.fieldErrors).toEqual([
      { path: 'domain', message: "can't be blank" },
      { path: 'domain', message: 'is invalid' },
      { path: 'name', message: "can't be blank" },
    ]);
  });

  it('reads the singular error of 401, 403, 404 and 429 bodies', () => {
    expect(parse(401, { error: 'Invalid Bearer token' })).toEqual({
      message: 'Invalid Bearer token',
      vendorCode: undefined,
    });
    expect(parse(429, { error: 'API rate limit exceeded' }).message).toBe('API rate limit exceeded');
  });

  it('keeps OAuth error codes as the vendor code', () => {
    expect(parse(400, { error: 'invalid_grant', error_description: 'The refresh token is revoked' })).toEqual(
      {
        message: 'invalid_grant: The refresh token is revoked',
        vendorCode: 'invalid_grant',
      },
    );
  });

  it('falls back to short text bodies and ignores anything else', () => {
    expect(parse(502, 'Bad Gateway')).toEqual({ message: 'Bad Gateway' });
    expect(parse(500, { unexpected: true })).toEqual({});
    expect(parse(500, undefined)).toEqual({});
  });
});
