import { ConfigError } from '../errors/client-errors.ts';

/** One page as a fetcher returns it. */
export interface PageResult<T> {
  items: T[];
  /** Cursor of the next page; `null` or `undefined` when this was the last. */
  nextCursor?: string | null | undefined;
  /** Total number of records, when the API says. */
  total?: number | undefined;
}

/** One page as `Paginator.pages()` yields it. */
export interface Page<T> extends PageResult<T> {
  /** Cursor that fetched this page (`undefined` for the first). */
  cursor: string | undefined;
}

/** Fetches the page at `cursor` (`undefined` for the first page). */
export type PageFetcher<T> = (cursor: string | undefined, signal?: AbortSignal) => Promise<PageResult<T>>;

/**
 * Auto-pagination over any API. Iterate records with `for await`, pages with
 * `.pages()`, or collect with `.toArray({ limit })`. Only one page is held in memory
 * at a time, however many records the listing has.
 *
 * `cursor` is a string you can store and pass back (`paginate(fetchPage, { cursor })`
 * or a vendor list's `{ cursor }` option) to resume right after the last record
 * handed out, even in the middle of a page.
 *
 * @example
 * ```ts
 * const people = client.people.list({ per_page: 100 });
 * for await (const person of people) {
 *   await save(person);
 *   await checkpoint(people.cursor);
 * }
 * ```
 */
export interface Paginator<T> extends AsyncIterable<T> {
  /** Yields whole pages. */
  pages(): AsyncIterable<Page<T>>;
  /** Collects records, at most `limit` of them (default: all). */
  toArray(options?: { limit?: number }): Promise<T[]>;
  /** Resume position after the last record or page handed out; `undefined` before the start. */
  readonly cursor: string | undefined;
  /** `true` once the listing has been walked to its end. */
  readonly done: boolean;
}

/** Options of `paginate`, `paginateByPage` and `paginateByOffset`. All are optional. */
export interface PaginateOptions {
  /** A `Paginator.cursor` saved earlier: iteration resumes right after it. Default: from the start. */
  cursor?: string | undefined;
  /** Aborts the walk between pages (and is passed to the fetcher). Default: none. */
  signal?: AbortSignal | undefined;
}

interface Position {
  /** Page cursor (`null` = first page). */
  page: string | null;
  /** Records of that page already handed out. */
  skip: number;
  /** The walk reached its end. */
  end?: boolean;
}

const encodePosition = (position: Position): string =>
  Buffer.from(JSON.stringify(position), 'utf8').toString('base64url');

const decodePosition = (cursor: string): Position => {
  try {
    const parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as Position;
    if (typeof parsed !== 'object' || parsed === null || typeof parsed.skip !== 'number')
      throw new Error('shape');
    if (parsed.page !== null && typeof parsed.page !== 'string') throw new Error('shape');
    return parsed;
  } catch {
    throw new ConfigError(
      `Invalid pagination cursor "${cursor.slice(0, 40)}": pass a value read from Paginator.cursor.`,
    );
  }
};

/**
 * Creates a `Paginator` from a function that fetches one page by cursor.
 *
 * @example
 * ```ts
 * const paginator = paginate(async (cursor) => {
 *   const body = await http.get('/things', { query: { after: cursor } });
 *   return { items: body.data, nextCursor: body.next };
 * });
 * ```
 */
export function paginate<T>(fetchPage: PageFetcher<T>, options: PaginateOptions = {}): Paginator<T> {
  let position: Position | undefined =
    options.cursor === undefined ? undefined : decodePosition(options.cursor);
  let started = false;

  async function* walkPages(): AsyncGenerator<{ page: Page<T>; skip: number }> {
    if (started) throw new ConfigError('A Paginator can be iterated once; create another to start again.');
    started = true;
    if (position?.end) return;
    let pageCursor: string | undefined = position?.page ?? undefined;
    let skip = position?.skip ?? 0;
    for (;;) {
      options.signal?.throwIfAborted();
      const result = await fetchPage(pageCursor, options.signal);
      const next = result.nextCursor ?? undefined;
      yield { page: { ...result, cursor: pageCursor, nextCursor: next ?? null }, skip };
      if (next === undefined || result.items.length === 0) {
        position = { page: pageCursor ?? null, skip: result.items.length, end: true };
        return;
      }
      pageCursor = next;
      skip = 0;
    }
  }

  const paginator: Paginator<T> = {
    async *[Symbol.asyncIterator]() {
      for await (const { page, skip } of walkPages()) {
        for (let index = skip; index < page.items.length; index += 1) {
          position = { page: page.cursor ?? null, skip: index + 1 };
          yield page.items[index] as T;
        }
        if (page.nextCursor) position = { page: page.nextCursor, skip: 0 };
      }
    },
    async *pages() {
      for await (const { page, skip } of walkPages()) {
        const items = skip > 0 ? page.items.slice(skip) : page.items;
        position = page.nextCursor
          ? { page: page.nextCursor, skip: 0 }
          : { page: page.cursor ?? null, skip: page.items.length };
        yield { ...page, items };
      }
    },
    async toArray({ limit = Number.POSITIVE_INFINITY } = {}) {
      const collected: T[] = [];
      if (limit <= 0) return collected;
      for await (const item of paginator) {
        collected.push(item);
        if (collected.length >= limit) break;
      }
      return collected;
    },
    get cursor() {
      return position === undefined ? undefined : encodePosition(position);
    },
    get done() {
      return position?.end === true;
    },
  };
  return paginator;
}

/**
 * A `Paginator` over a page-number API. `fetchPage(page)` returns the items of page
 * `page` (1-based by default) and, when known, whether more pages follow; without
 * `hasMore`, a page shorter than `pageSize` (or empty) ends the walk. Options: `startPage`
 * (default 1), `pageSize` (default: none, only an empty page ends the walk), and
 * `PaginateOptions` (`cursor` resumes at the saved page and record).
 */
export function paginateByPage<T>(
  fetchPage: (
    page: number,
    signal?: AbortSignal,
  ) => Promise<{ items: T[]; hasMore?: boolean | undefined; total?: number }>,
  options: PaginateOptions & { startPage?: number; pageSize?: number } = {},
): Paginator<T> {
  const startPage = options.startPage ?? 1;
  return paginate(async (cursor, signal) => {
    const page = cursor === undefined ? startPage : Number(cursor);
    const result = await fetchPage(page, signal);
    const hasMore =
      result.hasMore ??
      (options.pageSize === undefined ? result.items.length > 0 : result.items.length >= options.pageSize);
    return { items: result.items, nextCursor: hasMore ? String(page + 1) : null, total: result.total };
  }, options);
}

/**
 * A `Paginator` over an offset/limit API. `fetchPage(offset, limit)` returns up to
 * `limit` items; a short page (or reaching `total`) ends the walk. Options: `limit` (default
 * 100), and `PaginateOptions` (`cursor` resumes at the saved offset and record).
 */
export function paginateByOffset<T>(
  fetchPage: (offset: number, limit: number, signal?: AbortSignal) => Promise<{ items: T[]; total?: number }>,
  options: PaginateOptions & { limit?: number } = {},
): Paginator<T> {
  const limit = options.limit ?? 100;
  return paginate(async (cursor, signal) => {
    const offset = cursor === undefined ? 0 : Number(cursor);
    const result = await fetchPage(offset, limit, signal);
    const nextOffset = offset + result.items.length;
    const more = result.items.length >= limit && (result.total === undefined || nextOffset < result.total);
    return { items: result.items, nextCursor: more ? String(nextOffset) : null, total: result.total };
  }, options);
}
