/** What every resource factory receives besides the HTTP client. */
export interface SalesloftResourceContext {
  /** Records per page when a list call sets no `per_page`. SalesLoft allows 1–100. */
  perPage: number;
}

/** Per-call options of single-record methods. */
export interface SalesloftRequestOptions {
  /** Aborts the call. */
  signal?: AbortSignal | undefined;
  /** Per-attempt timeout for this call, in milliseconds. */
  timeoutMs?: number | undefined;
  /** Retries for this call. */
  maxRetries?: number | undefined;
}

/** A SalesLoft id: numbers on the wire; numeric strings are accepted. */
export type SalesloftId = number | string;

/** A timestamp range filter: `updated_at[gt]=…&updated_at[lte]=…` (microsecond precision). */
export interface SalesloftTimeRange {
  gt?: string | Date | undefined;
  gte?: string | Date | undefined;
  lt?: string | Date | undefined;
  lte?: string | Date | undefined;
}

/** Parameters every list method takes besides its filters. */
export interface SalesloftListParams {
  /** Records per page, 1–100. Default 100. */
  per_page?: number | undefined;
  /** First page to fetch. Default 1. Pages above 100 cost more of the rate budget. */
  page?: number | undefined;
  /** `ASC` or `DESC`. */
  sort_direction?: 'ASC' | 'DESC' | undefined;
  /** Adds `total_count` and `total_pages` to the paging metadata. */
  include_paging_counts?: boolean | undefined;
  /** Caps those counts at 10 000 records (cheaper for SalesLoft). */
  limit_paging_counts?: boolean | undefined;
  /** A `Paginator.cursor` saved earlier: the walk resumes right after it. */
  cursor?: string | undefined;
  /** Aborts the walk. */
  signal?: AbortSignal | undefined;
}

/** Builds the per-call part of an HTTP request from `SalesloftRequestOptions`. */
export function callOptions(options: SalesloftRequestOptions | undefined) {
  return {
    ...(options?.signal ? { signal: options.signal } : {}),
    ...(options?.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
    ...(options?.maxRetries === undefined ? {} : { maxRetries: options.maxRetries }),
  };
}
