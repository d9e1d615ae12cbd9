import type { Paginator, Query } from '@salesos/core';
import type { ZodType } from 'zod';
import type { ApolloListOptions } from '../resources/people.ts';
import type { ApolloPagination } from '../schemas/common.ts';
import { type ApolloContext, withCredits } from './apollo-context.ts';
import { type ApolloPageResult, paginateApollo, resolvePerPage } from './apollo-paginator.ts';
import { assertKnownFilters } from './query.ts';

/** The paging filters every Apollo search takes besides its own. */
export interface ApolloPageFilters {
  /** First page to fetch. Default 1. */
  page?: number;
  /** Records per page, 1–100. Default 100. */
  per_page?: number;
}

/** A page-numbered Apollo search endpoint and how its pages are asked for and read. */
export interface ApolloSearchSpec<Filters extends ApolloPageFilters, Response, T> {
  method: 'GET' | 'POST';
  /** Path template (`/accounts/search`); with `method` it names the endpoint in errors and the rate limiter's route. */
  path: string;
  pathParams?: Record<string, string> | undefined;
  /** Every filter the endpoint knows, `page` and `per_page` included; any other is rejected. */
  known: readonly string[];
  /** Whether Apollo's 50 000-record ceiling applies to this search. */
  ceiling: boolean;
  /** Where the filters go: a JSON body or the query string; `page` and `per_page` are added to it. */
  params(filters: Omit<Filters, 'page' | 'per_page'>): { body: Record<string, unknown> } | { query: Query };
  schema: ZodType<Response>;
  /** Reads one page of the response. */
  page(body: Response): ApolloPageResult<T>;
  /** Each page that finds records spends `pricePerPage` credits, reserved before it is fetched. */
  credits?: { operation: string; pricePerPage: number } | undefined;
}

/** Reads the records and Apollo's `pagination` envelope of one page. */
export function pageOf<T>(items: T[], pagination: ApolloPagination | null | undefined): ApolloPageResult<T> {
  return { items, totalEntries: pagination?.total_entries, totalPages: pagination?.total_pages };
}

/**
 * Walks an Apollo search page by page: rejects unknown filters and a bad `per_page` before
 * anything is sent, then fetches pages through `paginateApollo`. POST searches only read, so
 * they are retried like a GET.
 */
export function searchApollo<Filters extends ApolloPageFilters, Response, T>(
  context: ApolloContext,
  spec: ApolloSearchSpec<Filters, Response, T>,
  filters: Filters,
  options: ApolloListOptions,
): Paginator<T> {
  const endpoint = `${spec.method} ${spec.path}`;
  assertKnownFilters(filters, spec.known, endpoint);
  const { page: startPage, per_page: perPageFilter, ...rest } = filters;
  const perPage = resolvePerPage(perPageFilter, endpoint);
  const params = spec.params(rest);
  const fetchPage = async (pageNumber: number, size: number, signal?: AbortSignal) => {
    const paging = { page: pageNumber, per_page: size };
    const body = await context.request({
      method: spec.method,
      path: spec.path,
      ...(spec.pathParams ? { pathParams: spec.pathParams } : {}),
      ...('body' in params
        ? { body: { ...params.body, ...paging } }
        : { query: { ...params.query, ...paging } }),
      schema: spec.schema,
      ...(spec.method === 'POST' ? { idempotent: true } : {}),
      signal,
    });
    return spec.page(body);
  };
  const credits = spec.credits;
  return paginateApollo<T>({
    endpoint,
    perPage,
    startPage,
    ceiling: spec.ceiling,
    cursor: options.cursor,
    signal: options.signal,
    fetchPage: credits
      ? (pageNumber, size, signal) =>
          withCredits(context, credits.operation, credits.pricePerPage, async () => {
            const result = await fetchPage(pageNumber, size, signal);
            return {
              result,
              spent: result.items.length > 0 ? credits.pricePerPage : 0,
              source: 'price' as const,
            };
          })
      : fetchPage,
  });
}
