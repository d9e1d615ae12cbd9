import { ConfigError, type Query, type QueryValue } from '@salesos/core';

/** A `{ min, max }` range filter (`revenue_range`, `organization_num_jobs_range`…). */
export interface ApolloRange<T extends number | string = number> {
  min?: T | undefined;
  max?: T | undefined;
}

type FilterValue = QueryValue | readonly QueryValue[] | ApolloRange<number | string>;

/**
 * Rejects filter names the endpoint does not know: Apollo ignores them silently and
 * answers with its default sample, which looks like a working search.
 */
export function assertKnownFilters(
  filters: object,
  known: readonly string[],
  endpoint: string,
  ignore: readonly string[] = [],
): void {
  const unknown = Object.keys(filters).filter(
    (key) =>
      !known.includes(key) &&
      !ignore.includes(key) &&
      (filters as Record<string, unknown>)[key] !== undefined,
  );
  if (unknown.length > 0) {
    throw new ConfigError(
      `${endpoint} has no filter ${unknown.map((key) => `"${key}"`).join(', ')}; Apollo would ignore it and return unfiltered results. Known filters: ${known.join(', ')}.`,
    );
  }
}

/**
 * Turns filters into Apollo's query parameters: arrays as `name[]` (repeated), ranges as
 * `name[min]` / `name[max]`, scalars as they are.
 */
export function toApolloQuery(filters: Record<string, FilterValue | undefined>): Query {
  const query: Query = {};
  for (const [key, value] of Object.entries(filters)) {
    if (value === undefined || value === null) continue;
    if (Array.isArray(value)) {
      if (value.length > 0) query[`${key}[]`] = value as readonly QueryValue[];
      continue;
    }
    if (typeof value === 'object') {
      const range = value as ApolloRange<number | string>;
      if (range.min !== undefined) query[`${key}[min]`] = range.min;
      if (range.max !== undefined) query[`${key}[max]`] = range.max;
      continue;
    }
    query[key] = value as QueryValue;
  }
  return query;
}

/** Copies the defined fields of `input`, so `undefined` never reaches a JSON body. */
export function definedFields<T extends object>(input: T): Partial<T> {
  const copy: Partial<T> = {};
  for (const [key, value] of Object.entries(input)) {
    if (value !== undefined) (copy as Record<string, unknown>)[key] = value;
  }
  return copy;
}
