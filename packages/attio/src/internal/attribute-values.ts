import type { HttpClient, Paginator, ShorthandOptions } from '@salesos/core';
import type { AttioAttributeValuesParams } from '../resources/records.ts';
import { listOf } from '../schemas/common.ts';
import { type AttioValue, AttioValueSchema } from '../schemas/value.ts';
import { offsetPages } from './pages.ts';

const ValueList = listOf(AttioValueSchema);

/**
 * Writes the values of a record or an entry: `PUT` when `multiselect` is `'overwrite'`
 * (multiselect values become exactly the given ones), else `PATCH` (they are added).
 */
export function writeValues<T>(
  http: HttpClient,
  path: string,
  request: ShorthandOptions<T>,
  multiselect: 'append' | 'overwrite' | undefined,
): Promise<T> {
  return multiselect === 'overwrite' ? http.put(path, request) : http.patch(path, request);
}

/** The values of one attribute of a record or an entry (`…/attributes/{attribute}/values`), 100 per request by default. */
export function attributeValues(
  http: HttpClient,
  path: string,
  pathParams: Record<string, string>,
  params: AttioAttributeValuesParams,
): Paginator<AttioValue> {
  const { cursor, signal, limit, ...rest } = params;
  return offsetPages(http, path, pathParams, ValueList, rest, limit ?? 100, { cursor, signal });
}
