import type { ApolloSimulatorStore } from '../simulator-store.ts';
import type { RequestParams } from './request-params.ts';

/** What a simulated route handler gets. */
export interface RouteContext {
  store: ApolloSimulatorStore;
  params: RequestParams;
  pathParams: Record<string, string>;
  /** Records credits the call spends. */
  charge(credits: number): void;
  /** Per-route window usage, in the shape of `POST /usage_stats/api_usage_stats`. */
  apiUsage(): Record<string, unknown>;
}

/** A simulated route. */
export interface SimulatedRoute {
  method: 'GET' | 'POST' | 'PATCH' | 'PUT';
  /** Path template below the base URL (`/people/{id}`). */
  path: string;
  /** Apollo's key scope of the route (`api/v1/people/match`). */
  scope: string;
  /** Only on paid plans. */
  paidOnly?: boolean;
  handle(context: RouteContext): Response | Promise<Response>;
}

/** Apollo's display limit: 500 pages of at most 100 records. */
export const MAX_PAGES = 500;
export const MAX_PER_PAGE = 100;

/** Cuts one page out of `items` and builds Apollo's `pagination` envelope. */
export function pageOf<T>(
  items: readonly T[],
  params: RequestParams,
  defaultPerPage = 10,
): {
  items: T[];
  pagination: { page: number; per_page: number; total_entries: number; total_pages: number };
} {
  const page = Math.max(1, Math.floor(params.int('page') ?? 1));
  const perPage = Math.min(MAX_PER_PAGE, Math.max(1, Math.floor(params.int('per_page') ?? defaultPerPage)));
  const totalPages = Math.ceil(items.length / perPage);
  const slice = page > MAX_PAGES ? [] : items.slice((page - 1) * perPage, page * perPage);
  return {
    items: slice,
    pagination: { page, per_page: perPage, total_entries: items.length, total_pages: totalPages },
  };
}

/** Case-insensitive "contains". */
export function contains(haystack: unknown, needle: string): boolean {
  return typeof haystack === 'string' && haystack.toLowerCase().includes(needle.toLowerCase());
}

/** A bare lower-case domain from a domain, URL or email. */
export function bareDomain(value: string): string {
  return value
    .trim()
    .toLowerCase()
    .replace(/^.*@/, '')
    .replace(/^https?:\/\//, '')
    .replace(/^www\./, '')
    .replace(/\/.*$/, '');
}

/** A LinkedIn URL without protocol, `www.` and trailing slash, for matching. */
export function normalizeLinkedin(value: string): string {
  return value
    .trim()
    .toLowerCase()
    .replace(/^https?:\/\//, '')
    .replace(/^www\./, '')
    .replace(/\/+$/, '');
}

/** Sorts records by a date field, newest first unless `ascending`. */
export function sortByDate<T extends Record<string, unknown>>(
  records: T[],
  field: string,
  ascending: boolean,
): T[] {
  return [...records].sort((left, right) => {
    const a = String(left[field] ?? '');
    const b = String(right[field] ?? '');
    return ascending ? a.localeCompare(b) : b.localeCompare(a);
  });
}
