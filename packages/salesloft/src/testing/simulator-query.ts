import { parseTimestampMicros } from '../internal/timestamp.ts';
import type { SimulatorRecord } from './simulator-store.ts';

/** A JSON response in SalesLoft's style. */
export function jsonResponse(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(body === undefined ? null : JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json; charset=utf-8', ...headers },
  });
}

/** Thrown inside a route to answer with a SalesLoft error body. */
export class SimulatorReply extends Error {
  readonly response: Response;
  constructor(status: number, body: unknown) {
    super(`simulator reply ${status}`);
    this.response = jsonResponse(status, body);
  }
}

/** Answers 422 with `{ errors: { field: [message] } }`. */
export const invalid = (field: string, message: string): SimulatorReply =>
  new SimulatorReply(422, { errors: { [field]: [message] } });

/** Answers 404 with `{ error: 'Not Found' }`. */
export const notFound = (): SimulatorReply => new SimulatorReply(404, { error: 'Not Found' });

export type RangeOperator = 'gt' | 'gte' | 'lt' | 'lte';
const RANGE_OPERATORS: readonly RangeOperator[] = ['gt', 'gte', 'lt', 'lte'];

/** Reads SalesLoft's query conventions: `ids[]=1&ids[]=2`, `ids=1,2`, `updated_at[gt]=…`. */
export interface SimulatorQuery {
  readonly params: URLSearchParams;
  value(name: string): string | undefined;
  /** Every value of an array filter, or `undefined` when it is absent. */
  list(name: string): string[] | undefined;
  /** A timestamp range filter in microseconds; 422 when a bound is not a timestamp. */
  range(name: string): Partial<Record<RangeOperator, number>> | undefined;
  bool(name: string): boolean | undefined;
}

/** Wraps the query string of a request. */
export function createSimulatorQuery(params: URLSearchParams): SimulatorQuery {
  return {
    params,
    value(name) {
      const value = params.get(name);
      return value === null ? undefined : value;
    },
    list(name) {
      const raw = [...params.getAll(`${name}[]`), ...params.getAll(name)];
      if (raw.length === 0) return undefined;
      return raw
        .flatMap((value) => value.split(','))
        .map((value) => value.trim())
        .filter((value) => value !== '');
    },
    range(name) {
      let found = false;
      const bounds: Partial<Record<RangeOperator, number>> = {};
      for (const operator of RANGE_OPERATORS) {
        const raw = params.get(`${name}[${operator}]`);
        if (raw === null) continue;
        found = true;
        const micros = parseTimestampMicros(raw);
        if (micros === undefined) throw invalid(name, `${operator} must be an iso8601 timestamp`);
        bounds[operator] = micros;
      }
      return found ? bounds : undefined;
    },
    bool(name) {
      const value = params.get(name);
      if (value === null) return undefined;
      return value === 'true' || value === '1';
    },
  };
}

const timestampCache = new Map<string, number>();

/** Microseconds of a record's timestamp field (cached: list filters read it for every record). */
export function timestampOf(value: unknown): number | undefined {
  if (typeof value !== 'string') return undefined;
  let micros = timestampCache.get(value);
  if (micros === undefined) {
    micros = parseTimestampMicros(value);
    if (micros === undefined) return undefined;
    if (timestampCache.size > 500_000) timestampCache.clear();
    timestampCache.set(value, micros);
  }
  return micros;
}

/** True when `micros` lies within the range. */
export function inRange(micros: number | undefined, range: Partial<Record<RangeOperator, number>>): boolean {
  if (micros === undefined) return false;
  if (range.gt !== undefined && !(micros > range.gt)) return false;
  if (range.gte !== undefined && !(micros >= range.gte)) return false;
  if (range.lt !== undefined && !(micros < range.lt)) return false;
  if (range.lte !== undefined && !(micros <= range.lte)) return false;
  return true;
}

/** The id inside an embedded reference `{ id, _href }`. */
export function referenceId(value: unknown): string | undefined {
  if (value && typeof value === 'object' && 'id' in value) {
    const id = (value as { id: unknown }).id;
    return id === null || id === undefined ? undefined : String(id);
  }
  return undefined;
}

/** A predicate over records, or nothing when the filter is absent. */
export type RecordFilter = ((record: SimulatorRecord) => boolean) | undefined;

/** `name[]` filter matching a field (or a reference's id) against any of the values. */
export function listFilter(
  query: SimulatorQuery,
  name: string,
  read: (record: SimulatorRecord) => unknown,
  options: { caseInsensitive?: boolean; nullable?: boolean } = {},
): RecordFilter {
  const values = query.list(name);
  if (values === undefined) return undefined;
  const wantsNull = options.nullable === true && values.includes('_is_null');
  const normalize = (value: string) => (options.caseInsensitive ? value.toLowerCase() : value);
  const wanted = new Set(values.filter((value) => value !== '_is_null').map(normalize));
  return (record) => {
    const value = read(record);
    if (value === null || value === undefined || value === '') return wantsNull;
    return wanted.has(normalize(String(value)));
  };
}

/** A boolean filter (`currently_on_cadence=true`). */
export function boolFilter(
  query: SimulatorQuery,
  name: string,
  read: (record: SimulatorRecord) => unknown,
): RecordFilter {
  const wanted = query.bool(name);
  if (wanted === undefined) return undefined;
  return (record) => Boolean(read(record)) === wanted;
}

/** A timestamp range filter (`updated_at[gt]=…`). */
export function rangeFilter(query: SimulatorQuery, name: string): RecordFilter {
  const range = query.range(name);
  if (range === undefined) return undefined;
  // Tagged with its field, so a list sorted on that field can apply it by binary search instead.
  return Object.assign((record: SimulatorRecord) => inRange(timestampOf(record[name]), range), {
    rangeField: name,
  });
}
