import { invalid, type RecordFilter, type SimulatorQuery, timestampOf } from './simulator-query.ts';
import type { SimulatorCollection, SimulatorRecord } from './simulator-store.ts';

type SortKey = number | string | undefined;

/** How one list endpoint filters and sorts. */
export interface ListSpec {
  collection: SimulatorCollection<SimulatorRecord>;
  /** Accepted `sort_by` values and the key each sorts on. */
  sortFields: Record<string, (record: SimulatorRecord) => SortKey>;
  defaultSort: string;
  defaultDirection: 'ASC' | 'DESC';
  /** The filters of this request; absent filters are `undefined`. */
  filters: (query: SimulatorQuery) => RecordFilter[];
  /** `/v2/users` pages only when `page` is sent; otherwise it answers every record. */
  pagesOnlyWithPage?: boolean;
}

/** Page and per-page as SalesLoft corrects them: page ≥ 1, per_page in [1, 100], default 25. */
export function readPaging(params: URLSearchParams): { page: number; perPage: number } {
  const rawPage = Number.parseInt(params.get('page') ?? '', 10);
  const rawPerPage = Number.parseInt(params.get('per_page') ?? '', 10);
  const page = Number.isFinite(rawPage) && rawPage >= 1 ? rawPage : 1;
  const perPage = Number.isFinite(rawPerPage) ? Math.min(100, Math.max(1, rawPerPage)) : 25;
  return { page, perPage };
}

/** A timestamp field as a sort key. */
export const byTimestamp =
  (field: string) =>
  (record: SimulatorRecord): SortKey =>
    timestampOf(record[field]);

/** A plain field as a sort key. */
export const byField =
  (read: (record: SimulatorRecord) => unknown) =>
  (record: SimulatorRecord): SortKey => {
    const value = read(record);
    if (typeof value === 'number') return value;
    if (typeof value === 'string') return value.toLowerCase();
    if (value && typeof value === 'object' && 'id' in value) return Number((value as { id: unknown }).id);
    return undefined;
  };

const compareKeys = (left: SortKey, right: SortKey): number => {
  if (left === right) return 0;
  if (left === undefined) return 1;
  if (right === undefined) return -1;
  if (typeof left === 'number' && typeof right === 'number') return left - right;
  return String(left) < String(right) ? -1 : 1;
};

interface SortedCache {
  version: number;
  records: SimulatorRecord[];
  keys: SortKey[];
}

/** Lists records for list endpoints, caching sorted copies until the collection changes. */
export function createLister() {
  const cache = new Map<string, SortedCache>();

  const sorted = (spec: ListSpec, sortBy: string, direction: 'ASC' | 'DESC'): SortedCache => {
    const cacheKey = `${spec.collection.name}:${sortBy}:${direction}`;
    const hit = cache.get(cacheKey);
    if (hit && hit.version === spec.collection.version) return hit;
    const read = spec.sortFields[sortBy] ?? ((record: SimulatorRecord) => record.id);
    const sign = direction === 'ASC' ? 1 : -1;
    const entries = spec.collection.all().map((record) => ({ record, key: read(record) }));
    // Ties break on id in the same direction, so a page boundary inside a tie is stable.
    entries.sort((left, right) => {
      if (left.key === undefined && right.key !== undefined) return 1;
      if (right.key === undefined && left.key !== undefined) return -1;
      return sign * (compareKeys(left.key, right.key) || left.record.id - right.record.id);
    });
    const value = {
      version: spec.collection.version,
      records: entries.map((entry) => entry.record),
      keys: entries.map((entry) => entry.key),
    };
    cache.set(cacheKey, value);
    return value;
  };

  return (spec: ListSpec, query: SimulatorQuery, options: { omitPaging: boolean }) => {
    const sortBy = query.value('sort_by') ?? spec.defaultSort;
    if (!(sortBy in spec.sortFields)) throw invalid('sort_by', 'is not included in the list');
    const rawDirection = query.value('sort_direction');
    const direction = rawDirection === undefined ? spec.defaultDirection : rawDirection.toUpperCase();
    if (direction !== 'ASC' && direction !== 'DESC') throw invalid('sort_direction', 'must be ASC or DESC');
    let filters = spec.filters(query).filter((filter) => filter !== undefined);
    const { records, keys } = sorted(spec, sortBy, direction);

    // Narrow a timestamp range on the sort field by binary search before scanning.
    let from = 0;
    let to = records.length;
    const range = sortBy === 'updated_at' || sortBy === 'created_at' ? query.range(sortBy) : undefined;
    if (range) {
      const tooLow = (key: SortKey) =>
        typeof key === 'number' &&
        ((range.gt !== undefined && key <= range.gt) || (range.gte !== undefined && key < range.gte));
      const tooHigh = (key: SortKey) =>
        typeof key === 'number' &&
        ((range.lt !== undefined && key >= range.lt) || (range.lte !== undefined && key > range.lte));
      // First index in [low, high) where `test` holds; `test` is false then true along the sorted keys.
      const firstWhere = (test: (key: SortKey) => boolean, low: number, high: number) => {
        while (low < high) {
          const middle = (low + high) >>> 1;
          if (test(keys[middle])) high = middle;
          else low = middle + 1;
        }
        return low;
      };
      const [skipWhile, stopAt] = direction === 'ASC' ? [tooLow, tooHigh] : [tooHigh, tooLow];
      from = firstWhere((key) => key === undefined || !skipWhile(key), 0, records.length);
      to = firstWhere((key) => key === undefined || stopAt(key), from, records.length);
      // The search applied this range; scanning for it again would only cost time.
      filters = filters.filter((filter) => (filter as { rangeField?: string }).rangeField !== sortBy);
    }

    // Without filters the sorted range is the answer: page through it without copying it.
    let matching: SimulatorRecord[] = records;
    if (filters.length > 0) {
      matching = [];
      for (let index = from; index < to; index += 1) {
        const record = records[index] as SimulatorRecord;
        if (filters.every((filter) => filter(record))) matching.push(record);
      }
      from = 0;
      to = matching.length;
    }

    const sendsPage = query.value('page') !== undefined;
    const { page, perPage } = readPaging(query.params);
    const total = to - from;
    let data: SimulatorRecord[];
    let paging: Record<string, unknown>;
    if (spec.pagesOnlyWithPage && !sendsPage) {
      data = matching.slice(from, to);
      paging = { per_page: total, current_page: 1, next_page: null, prev_page: null };
    } else {
      const start = Math.min(to, from + (page - 1) * perPage);
      data = matching.slice(start, Math.min(to, start + perPage));
      paging = {
        per_page: perPage,
        current_page: page,
        next_page: page * perPage < total ? page + 1 : null,
        prev_page: page > 1 ? page - 1 : null,
      };
    }
    if (query.bool('include_paging_counts')) {
      const limited = query.bool('limit_paging_counts') ? Math.min(total, 10_000) : total;
      paging.total_count = limited;
      paging.total_pages = Math.ceil(limited / (Number(paging.per_page) || 1));
    }
    const filtering: Record<string, string> = {};
    for (const [key, value] of query.params) {
      if (
        ![
          'page',
          'per_page',
          'sort_by',
          'sort_direction',
          'include_paging_counts',
          'limit_paging_counts',
        ].includes(key)
      )
        filtering[key] = value;
    }
    const metadata: Record<string, unknown> = {
      filtering,
      sorting: { sort_by: sortBy, sort_direction: direction },
    };
    if (!options.omitPaging) metadata.paging = paging;
    return { data, metadata };
  };
}
