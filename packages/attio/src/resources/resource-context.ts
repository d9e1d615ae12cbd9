import type { AttioSchemaCache } from '../schema-cache/attio-schema-cache.ts';

/** What every resource factory receives besides the HTTP client. */
export interface AttioResourceContext {
  /** Cached objects, lists and attributes. */
  schema: AttioSchemaCache;
  /** Check filters against attribute types before sending a query. */
  validateFilters: boolean;
}

/** Per-call options of single-request methods. */
export interface AttioRequestOptions {
  /** Aborts the call. */
  signal?: AbortSignal | undefined;
  /** Per-attempt timeout for this call, in milliseconds. */
  timeoutMs?: number | undefined;
  /** Retries for this call. */
  maxRetries?: number | undefined;
}

/** Options every listing method takes besides the vendor's parameters. */
export interface AttioListControl {
  /** A `Paginator.cursor` saved earlier: the walk resumes right after it. */
  cursor?: string | undefined;
  /** Aborts the walk. */
  signal?: AbortSignal | undefined;
}

/** Builds the per-call part of an HTTP request from `AttioRequestOptions`. */
export function callOptions(options: AttioRequestOptions | undefined) {
  return {
    ...(options?.signal ? { signal: options.signal } : {}),
    ...(options?.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
    ...(options?.maxRetries === undefined ? {} : { maxRetries: options.maxRetries }),
  };
}

/** `cursor` and `signal` as paginate options, without undefined members. */
export function paginateOptions(control: AttioListControl | undefined) {
  return {
    ...(control?.cursor === undefined ? {} : { cursor: control.cursor }),
    ...(control?.signal ? { signal: control.signal } : {}),
  };
}
