import { ConfigError, type Paginator, paginateByPage } from '@salesos/core';
import { ApolloResultLimitError } from '../errors.ts';

/** Apollo's display limit on searches: 50 000 records, at most 500 pages of at most 100. */
export const MAX_RECORDS = 50_000;
export const MAX_PAGES = 500;
export const MAX_PER_PAGE = 100;

/** What one page told about the listing. */
export interface ApolloPageResult<T> {
  items: T[];
  /** Total matching records, when Apollo says (string or number). */
  totalEntries?: number | string | null | undefined;
  /** Total pages, when Apollo says. */
  totalPages?: number | string | null | undefined;
}

/** Options of `paginateApollo`. */
export interface ApolloPaginateOptions<T> {
  /** `METHOD /path` for errors. */
  endpoint: string;
  /** Records per page (1–100). */
  perPage: number;
  /** The first page to fetch (1-based). */
  startPage?: number | undefined;
  /** Whether Apollo's 50 000-record ceiling applies to this search. */
  ceiling: boolean;
  /** A `Paginator.cursor` to resume from. */
  cursor?: string | undefined;
  signal?: AbortSignal | undefined;
  fetchPage(page: number, perPage: number, signal?: AbortSignal): Promise<ApolloPageResult<T>>;
}

const toCount = (value: number | string | null | undefined): number | undefined => {
  if (value === null || value === undefined || value === '') return undefined;
  const count = Number(value);
  return Number.isFinite(count) ? count : undefined;
};

/** Checks a caller's `per_page`. */
export function resolvePerPage(
  perPage: number | undefined,
  endpoint: string,
  fallback = MAX_PER_PAGE,
): number {
  if (perPage === undefined) return fallback;
  if (!Number.isInteger(perPage) || perPage < 1 || perPage > MAX_PER_PAGE) {
    throw new ConfigError(
      `${endpoint}: "per_page" must be an integer from 1 to ${MAX_PER_PAGE}, got ${perPage}.`,
    );
  }
  return perPage;
}

/**
 * A `Paginator` over Apollo's page-number searches. It reads the `pagination` envelope
 * (where `page` and `per_page` may be strings) or a top-level `total_entries`, tolerates a
 * `total_entries` of 0 next to a full page, and raises `ApolloResultLimitError` when the
 * walk reaches Apollo's 50 000-record / 500-page ceiling with records left, instead of
 * stopping silently.
 */
export function paginateApollo<T>(options: ApolloPaginateOptions<T>): Paginator<T> {
  const { perPage, endpoint } = options;
  const maxPages = Math.min(MAX_PAGES, Math.floor(MAX_RECORDS / perPage));
  let lastTotal: number | undefined;
  return paginateByPage<T>(
    async (page, signal) => {
      if (options.ceiling && page > maxPages) {
        const matched =
          lastTotal === undefined ? 'more records than that' : `${lastTotal.toLocaleString('en-US')} records`;
        throw new ApolloResultLimitError(
          `${endpoint} matched ${matched}, but Apollo returns at most ${MAX_RECORDS.toLocaleString('en-US')} records (${MAX_PAGES} pages of ${MAX_PER_PAGE}) for one search; ${((page - 1) * perPage).toLocaleString('en-US')} were returned. Narrow the filters (for example by location, company size or date range) and search each part.`,
          { endpoint, totalEntries: lastTotal, maxRecords: MAX_RECORDS, maxPages: MAX_PAGES },
        );
      }
      const result = await options.fetchPage(page, perPage, signal);
      const items = result.items;
      const totalPages = toCount(result.totalPages);
      // Apollo has been seen to report 0 next to a non-empty page: then the count means nothing.
      let total = toCount(result.totalEntries);
      if (total === 0 && items.length > 0) total = undefined;
      if (total !== undefined) lastTotal = total;
      let hasMore: boolean;
      if (items.length === 0) hasMore = false;
      else if (totalPages !== undefined && totalPages > 0) hasMore = page < totalPages;
      else if (total !== undefined) hasMore = page * perPage < total;
      else hasMore = items.length >= perPage;
      return { items, hasMore, ...(total === undefined ? {} : { total }) };
    },
    { startPage: options.startPage ?? 1, pageSize: perPage, cursor: options.cursor, signal: options.signal },
  );
}
