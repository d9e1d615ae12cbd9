import type { Query, QueryValue } from '@salesos/core';

const RANGE_KEYS = new Set(['gt', 'gte', 'lt', 'lte']);

const scalar = (value: unknown): QueryValue => {
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value;
  return undefined;
};

/**
 * Turns list parameters in SalesLoft's spelling into a query: arrays become repeated
 * `name[]`, range objects `name[gt]`, other objects (`custom_fields`) `name[key]`.
 * `undefined` values are left out; keys already written with brackets pass through.
 */
export function toSalesloftQuery(params: Record<string, unknown>): Query {
  const query: Query = {};
  for (const [key, value] of Object.entries(params)) {
    if (value === undefined) continue;
    if (Array.isArray(value)) {
      query[key.endsWith('[]') ? key : `${key}[]`] = value.map(scalar);
    } else if (value !== null && typeof value === 'object' && !(value instanceof Date)) {
      for (const [inner, innerValue] of Object.entries(value)) {
        if (innerValue === undefined) continue;
        if (!RANGE_KEYS.has(inner) && key !== 'custom_fields' && key !== 'user_relationships') continue;
        query[`${key}[${inner}]`] = scalar(innerValue);
      }
    } else {
      query[key] = scalar(value);
    }
  }
  return query;
}

/** Splits our own options (`cursor`, `signal`) from the vendor's parameters. */
export function splitListOptions<
  Params extends { cursor?: string | undefined; signal?: AbortSignal | undefined },
>(
  params: Params | undefined,
): { cursor: string | undefined; signal: AbortSignal | undefined; vendor: Record<string, unknown> } {
  const { cursor, signal, ...vendor } = params ?? ({} as Params);
  return { cursor, signal, vendor };
}
