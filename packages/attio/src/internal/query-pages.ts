import { type HttpClient, InvalidRequestError, type Paginator, paginateByOffset } from '@salesos/core';
import type { ZodType } from 'zod';
import type { AttioFilter } from '../filters/filter-builder.ts';
import { validateFilter } from '../filters/validate-filter.ts';
import type { AttioListControl } from '../resources/resource-context.ts';
import { paginateOptions } from '../resources/resource-context.ts';
import type { AttioAttributeTarget, AttioSchemaCache } from '../schema-cache/attio-schema-cache.ts';
import type { AttioSort } from '../schemas/record.ts';

/** Parameters of a records or entries query, in Attio's spelling. */
export interface AttioQueryParams extends AttioListControl {
  /** Which records: shorthand, verbose or built with `attioFilter`. Checked against attribute types before sending. */
  filter?: AttioFilter | undefined;
  /** Use a saved view's filter instead of `filter`. */
  filter_view_id?: string | undefined;
  /** Sort order: `[{ direction: 'asc', attribute: 'name', field: 'last_name' }]`. */
  sorts?: readonly AttioSort[] | undefined;
  /** Records per request. Default 500 (Attio's default). Cap the total with `.toArray({ limit })`. */
  limit?: number | undefined;
  /** Records to skip first. Default 0. */
  offset?: number | undefined;
}

/**
 * Checks `filter` against the attributes of the queried object or list. A filter naming an
 * attribute the cached schema does not know is checked again against a fresh schema before
 * it is refused, so a just-created attribute is never refused.
 */
export async function checkQueryFilter(
  schema: AttioSchemaCache,
  target: AttioAttributeTarget,
  identifier: string,
  filter: AttioFilter,
): Promise<void> {
  try {
    validateFilter(filter, await schema.attributes(target, identifier), { target: identifier });
  } catch (error) {
    if (!InvalidRequestError.isInstance(error) || !error.message.includes('no attribute')) throw error;
    validateFilter(filter, await schema.attributes(target, identifier, { fresh: true }), {
      target: identifier,
    });
  }
}

/**
 * Walks `POST …/query` with `limit`/`offset` in the body; a short page ends the walk.
 * `mapItems` turns each page's items into what the paginator yields.
 */
export function queryPages<T, Out = T>(
  http: HttpClient,
  path: string,
  pathParams: Record<string, string>,
  schema: ZodType<{ data: T[] }>,
  params: AttioQueryParams,
  beforeFirstPage: (() => Promise<void>) | undefined,
  mapItems?: (items: T[]) => Promise<Out[]>,
): Paginator<Out> {
  const { cursor, signal, limit, offset, filter, filter_view_id, sorts } = params;
  const start = offset ?? 0;
  let checked = beforeFirstPage === undefined;
  const body = {
    ...(filter === undefined ? {} : { filter }),
    ...(filter_view_id === undefined ? {} : { filter_view_id }),
    ...(sorts === undefined ? {} : { sorts }),
  };
  return paginateByOffset<Out>(
    async (pageOffset, pageSize, pageSignal) => {
      if (!checked) {
        await beforeFirstPage?.();
        checked = true;
      }
      const page = await http.post(path, {
        pathParams,
        body: { ...body, limit: pageSize, offset: start + pageOffset },
        schema,
        // A query reads; repeating it is safe.
        idempotent: true,
        ...(pageSignal ? { signal: pageSignal } : {}),
      });
      return { items: mapItems ? await mapItems(page.data) : (page.data as unknown as Out[]) };
    },
    { ...paginateOptions({ cursor, signal }), limit: limit ?? 500 },
  );
}
