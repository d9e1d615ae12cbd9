import { type HttpClient, type Paginator, paginate, paginateByOffset, type Query } from '@salesos/core';
import type { ZodType } from 'zod';
import { type AttioListControl, paginateOptions } from '../resources/resource-context.ts';

/**
 * Walks a GET endpoint paged by `limit` and `offset` query parameters; a page shorter than
 * `limit` ends the walk.
 */
export function offsetPages<T>(
  http: HttpClient,
  path: string,
  pathParams: Record<string, string> | undefined,
  schema: ZodType<{ data: T[] }>,
  query: Query,
  pageSize: number,
  control: AttioListControl | undefined,
  startOffset = 0,
): Paginator<T> {
  return paginateByOffset<T>(
    async (offset, limit, signal) => {
      const body = await http.get(path, {
        ...(pathParams ? { pathParams } : {}),
        query: { ...query, limit, offset: startOffset + offset },
        schema,
        ...(signal ? { signal } : {}),
      });
      return { items: body.data };
    },
    { ...paginateOptions(control), limit: pageSize },
  );
}

/** A listing Attio answers in one response (objects, lists, members, options, statuses). */
export function singlePage<T>(
  fetchAll: (signal: AbortSignal | undefined) => Promise<T[]>,
  control: AttioListControl | undefined,
): Paginator<T> {
  return paginate<T>(async (_cursor, signal) => ({ items: await fetchAll(signal), nextCursor: null }), {
    ...paginateOptions(control),
  });
}
