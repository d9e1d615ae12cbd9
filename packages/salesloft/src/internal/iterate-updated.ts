import { ConfigError, type HttpClient, type Paginator, paginate } from '@salesos/core';
import type { ZodType } from 'zod';
import type { SalesloftList } from '../schemas/common.ts';
import type { ListControl } from './list-pages.ts';
import { splitListOptions, toSalesloftQuery } from './query.ts';
import { formatTimestampMicros, parseTimestampMicros } from './timestamp.ts';

/** Options of the incremental `iterate` methods. */
export interface IterateUpdatedOptions extends ListControl {
  /** Only records updated after this time (ISO-8601 or `Date`); omitted, every record, oldest first. */
  since?: string | Date | undefined;
  /** Only records updated at or before this time. */
  until?: string | Date | undefined;
  /**
   * How far before `since` to reach back, in milliseconds, for records whose `updated_at` was
   * written late (commit lag, clock skew). Those records come again; handle them idempotently.
   * Default 1 000.
   */
  overlapMs?: number | undefined;
  /** Records per request, 1–100. Default 100. */
  per_page?: number | undefined;
}

interface IterateState {
  /** Exclusive lower bound on `updated_at`, in microseconds. */
  after: number | null;
  /** Page within the current slice: above 1 only while more than a page of records share one timestamp. */
  page: number;
  /** `id@micros` of records at the lower bound already handed out. */
  skip: string[];
}

const encode = (state: IterateState) => Buffer.from(JSON.stringify(state), 'utf8').toString('base64url');
const decode = (cursor: string): IterateState => {
  const state = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as IterateState;
  if (typeof state.page !== 'number' || !Array.isArray(state.skip)) throw new Error('shape');
  return state;
};

const toMicros = (value: string | Date, option: string): number => {
  const micros =
    value instanceof Date
      ? Number.isNaN(value.getTime())
        ? undefined
        : value.getTime() * 1000
      : parseTimestampMicros(value);
  if (micros === undefined) {
    throw new ConfigError(
      `"${option}" must be an ISO-8601 timestamp or a Date, got "${String(value).slice(0, 40)}".`,
    );
  }
  return micros;
};

const micros = (record: { updated_at?: string | null | undefined }) =>
  typeof record.updated_at === 'string' ? (parseTimestampMicros(record.updated_at) ?? 0) : 0;

/**
 * Walks records by `updated_at` ascending for syncs, without deep pages. Each request asks
 * for page 1 of `updated_at[gt]=<last timestamp seen>`, so the lower bound slides forward
 * and every request costs 1 however long the walk is. Records sharing the boundary
 * timestamp are skipped by id when they come again; only a run of more than `per_page`
 * records with one timestamp moves on to page 2, 3… of that slice.
 */
export function iterateUpdated<T extends { id: number; updated_at?: string | null | undefined }>(
  http: HttpClient,
  path: string,
  schema: ZodType<SalesloftList<T>>,
  options: (IterateUpdatedOptions & Record<string, unknown>) | undefined,
): Paginator<T> {
  const { cursor, signal, vendor } = splitListOptions(options);
  const {
    since,
    until,
    overlapMs,
    per_page: rawPerPage,
    ...filters
  } = vendor as IterateUpdatedOptions & Record<string, unknown>;
  const perPage = Math.min(100, Math.max(1, Math.floor(rawPerPage ?? 100)));
  const overlapMicros = Math.max(0, overlapMs ?? 1000) * 1000;
  const initial: IterateState = {
    after: since === undefined ? null : toMicros(since, 'since') - overlapMicros,
    page: 1,
    skip: [],
  };
  const untilMicros = until === undefined ? undefined : toMicros(until, 'until');

  return paginate<T>(
    async (pageCursor, pageSignal) => {
      const state = pageCursor === undefined ? initial : decode(pageCursor);
      const range: Record<string, string> = {};
      if (state.after !== null) range.gt = formatTimestampMicros(state.after);
      if (untilMicros !== undefined) range.lte = formatTimestampMicros(untilMicros);
      const query = toSalesloftQuery({
        ...filters,
        ...(Object.keys(range).length > 0 ? { updated_at: range } : {}),
        sort_by: 'updated_at',
        sort_direction: 'ASC',
        per_page: perPage,
        page: state.page,
      });
      const body = await http.get(path, { query, schema, signal: pageSignal });
      const records = body.data;
      const skip = new Set(state.skip);
      const items = records.filter((record) => !skip.has(`${record.id}@${micros(record)}`));
      const last = records[records.length - 1];
      const first = records[0];
      if (records.length < perPage || body.metadata?.paging?.next_page === null || !last || !first) {
        return { items, nextCursor: null };
      }
      const lastMicros = micros(last);
      let next: IterateState;
      if (micros(first) === lastMicros) {
        // The whole page shares one timestamp: stay on this slice and read its next page.
        next = { ...state, page: state.page + 1 };
      } else {
        next = {
          after: lastMicros - 1,
          page: 1,
          skip: records
            .filter((record) => micros(record) === lastMicros)
            .map((record) => `${record.id}@${lastMicros}`),
        };
      }
      return { items, nextCursor: encode(next) };
    },
    { cursor, signal },
  );
}
