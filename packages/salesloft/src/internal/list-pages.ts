import { type HttpClient, type Paginator, paginate } from '@salesos/core';
import type { ZodType } from 'zod';
import type { SalesloftList } from '../schemas/common.ts';
import { splitListOptions, toSalesloftQuery } from './query.ts';

/** Options every list method accepts besides the vendor's filters. */
export interface ListControl {
  /** A `Paginator.cursor` saved earlier: the walk resumes right after it. */
  cursor?: string | undefined;
  /** Aborts the walk (between pages and in flight). */
  signal?: AbortSignal | undefined;
}

/**
 * Walks a SalesLoft list endpoint page by page, following `metadata.paging.next_page`.
 * When `paging` is missing (some endpoints leave it out) a full page means "try the next one".
 */
export function listPages<T>(
  http: HttpClient,
  path: string,
  schema: ZodType<SalesloftList<T>>,
  params: (Record<string, unknown> & ListControl) | undefined,
  options: { paged?: boolean; perPage?: number } = {},
): Paginator<T> {
  const { cursor, signal, vendor } = splitListOptions(params);
  const paged = options.paged ?? true;
  const { page: startPage, ...rest } = vendor;
  // 100 per page (SalesLoft's maximum) unless asked otherwise: the fewest requests for the budget.
  const filters = paged ? { ...rest, per_page: rest.per_page ?? options.perPage ?? 100 } : rest;
  const perPage = typeof filters.per_page === 'number' ? filters.per_page : 100;
  return paginate<T>(
    async (pageCursor, pageSignal) => {
      const page =
        pageCursor === undefined ? (typeof startPage === 'number' ? startPage : 1) : Number(pageCursor);
      const query = toSalesloftQuery(paged ? { ...filters, page } : filters);
      const body = await http.get(path, { query, schema, signal: pageSignal });
      if (!paged) return { items: body.data, nextCursor: null };
      const paging = body.metadata?.paging;
      let next: number | null;
      if (paging && paging.next_page !== undefined) next = paging.next_page ?? null;
      else next = body.data.length >= Math.min(100, Math.max(1, perPage)) ? page + 1 : null;
      return {
        items: body.data,
        nextCursor: next === null ? null : String(next),
        total: paging?.total_count ?? undefined,
      };
    },
    { cursor, signal },
  );
}
