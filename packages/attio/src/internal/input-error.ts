import { InvalidRequestError } from '@salesos/core';

/**
 * An `InvalidRequestError` raised before anything is sent: the same class Attio's own 400
 * maps to, so callers catch one class whether the check ran here or at Attio.
 */
export function attioInputError(message: string, path: string, vendorCode: string): InvalidRequestError {
  return new InvalidRequestError(message, {
    vendor: 'attio',
    vendorCode,
    retryable: false,
    fieldErrors: [{ path, message, code: vendorCode }],
  });
}

/** A short, secret-free description of a value for error messages. */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return `an array of ${value.length}`;
  if (value instanceof Date) return 'a Date';
  if (typeof value === 'string') return `"${value.length > 40 ? `${value.slice(0, 40)}…` : value}"`;
  if (typeof value === 'object') return 'an object';
  return `${typeof value} ${String(value)}`;
}
