import { encodeKey } from './encode-key.ts';
import type { Entry, Key, ListIterator, ListOptions, ListSelector } from './storage.ts';
import { StorageError } from './storage-error.ts';
import { validateKey } from './validate-key.ts';

/** A range of encoded keys: `start <= encodeKey(key) < end`, compared byte-wise. */
export interface KeyRange {
  /** Inclusive lower bound. */
  start: Uint8Array;
  /** Exclusive upper bound. */
  end: Uint8Array;
}

const BEFORE_ALL = Uint8Array.of(0x00);
const AFTER_ALL = Uint8Array.of(0xff);

const concat = (left: Uint8Array, right: Uint8Array): Uint8Array => {
  const out = new Uint8Array(left.length + right.length);
  out.set(left, 0);
  out.set(right, left.length);
  return out;
};

/** Byte-wise comparison of two encoded keys or bounds (`memcmp` order). */
export function compareBytes(left: Uint8Array, right: Uint8Array): number {
  return Buffer.compare(left, right);
}

const maxBytes = (left: Uint8Array, right: Uint8Array) => (compareBytes(left, right) >= 0 ? left : right);
const minBytes = (left: Uint8Array, right: Uint8Array) => (compareBytes(left, right) <= 0 ? left : right);

/** Turns an entry's key into the cursor that resumes right after it. */
export function cursorAfter(key: Key): string {
  return Buffer.from(encodeKey(key)).toString('base64url');
}

/**
 * Turns a list selector, plus the cursor and direction of `options`, into the byte range of
 * encoded keys to read. Adapters that store `encodeKey` bytes list with
 * `WHERE key >= start AND key < end ORDER BY key [DESC] LIMIT n`.
 * Throws `StorageError` for a malformed selector or cursor, `InvalidKeyError` for a bad key.
 */
export function resolveListRange(selector: ListSelector, options: ListOptions = {}): KeyRange {
  if (typeof selector !== 'object' || selector === null) {
    throw new StorageError(
      'Invalid list selector: expected { prefix }, { prefix, start }, { prefix, end } or { start, end }.',
    );
  }
  const { prefix, start, end } = selector as { prefix?: Key; start?: Key; end?: Key };
  let range: KeyRange;
  if (prefix !== undefined) {
    if (start !== undefined && end !== undefined) {
      throw new StorageError('Invalid list selector: give prefix with start or with end, not both.');
    }
    validateKey(prefix, { allowEmpty: true, label: 'list prefix' });
    const encodedPrefix = encodeKey(prefix, { allowEmpty: true });
    // Children of the prefix continue with a tag byte (0x10 or 0x20): 0x00 and 0xFF bound them.
    range = { start: concat(encodedPrefix, BEFORE_ALL), end: concat(encodedPrefix, AFTER_ALL) };
    if (start !== undefined) {
      validateKey(start, { allowEmpty: true, label: 'list start' });
      range.start = maxBytes(range.start, encodeKey(start, { allowEmpty: true }));
    }
    if (end !== undefined) {
      validateKey(end, { allowEmpty: true, label: 'list end' });
      range.end = minBytes(range.end, encodeKey(end, { allowEmpty: true }));
    }
  } else if (start !== undefined && end !== undefined) {
    validateKey(start, { allowEmpty: true, label: 'list start' });
    validateKey(end, { allowEmpty: true, label: 'list end' });
    range = { start: encodeKey(start, { allowEmpty: true }), end: encodeKey(end, { allowEmpty: true }) };
  } else {
    throw new StorageError(
      'Invalid list selector: expected { prefix }, { prefix, start }, { prefix, end } or { start, end }.',
    );
  }
  if (options.cursor !== undefined && options.cursor !== '') {
    const after = decodeCursor(options.cursor);
    if (options.reverse === true) range.end = minBytes(range.end, after);
    else range.start = maxBytes(range.start, concat(after, BEFORE_ALL));
  }
  return range;
}

function decodeCursor(cursor: string): Uint8Array {
  if (typeof cursor !== 'string' || !/^[A-Za-z0-9_-]+$/.test(cursor)) {
    throw new StorageError('Invalid list cursor: pass a value read from ListIterator.cursor.');
  }
  return new Uint8Array(Buffer.from(cursor, 'base64url'));
}

/** One round trip of a list walk: read up to `limit` entries in `range`, in key order. */
export interface ListBatchRequest extends KeyRange {
  /** Read from the end of the range down. */
  reverse: boolean;
  /** Most entries to return. */
  limit: number;
}

/**
 * Reads one batch: up to `limit` live (not expired) entries whose encoded key is in
 * `[start, end)`, ascending (descending when `reverse`). Fewer than `limit` means the range
 * is exhausted.
 */
export type ListBatchFetcher<T> = (request: ListBatchRequest) => Promise<Entry<T>[]>;

/** Options of `createListIterator`. */
export interface CreateListIteratorOptions {
  /** Entries per batch when `ListOptions.batchSize` is not given. Default `100`. */
  defaultBatchSize?: number;
}

/**
 * Builds the `ListIterator` a `Storage.list` returns from a function that reads one batch:
 * selector and cursor resolution, batching, `limit` and the resumable `cursor` are handled
 * here, so an adapter only writes a range query. Validates the selector at once (throws).
 *
 * @example
 * ```ts
 * list(selector, options) {
 *   return createListIterator(selector, options, async ({ start, end, reverse, limit }) =>
 *     rows(await sql`select key, value, version from kv where key >= ${start} and key < ${end}
 *       order by key ${reverse ? sql`desc` : sql`asc`} limit ${limit}`));
 * }
 * ```
 */
export function createListIterator<T>(
  selector: ListSelector,
  options: ListOptions | undefined,
  fetchBatch: ListBatchFetcher<T>,
  settings: CreateListIteratorOptions = {},
): ListIterator<T> {
  const listOptions = options ?? {};
  const range = resolveListRange(selector, listOptions);
  const reverse = listOptions.reverse === true;
  const limit = listOptions.limit ?? Number.POSITIVE_INFINITY;
  if (!(limit >= 0)) throw new StorageError(`Invalid list limit ${String(limit)}: expected a number >= 0.`);
  const batchSize = Math.max(1, Math.floor(listOptions.batchSize ?? settings.defaultBatchSize ?? 100));

  let remaining = limit;
  let buffer: Entry<T>[] = [];
  let exhausted = compareBytes(range.start, range.end) >= 0;
  let finished = false;
  let lastKey: Key | undefined;
  let cursor = listOptions.cursor ?? '';
  let pending: Promise<unknown> = Promise.resolve();

  const step = async (): Promise<IteratorResult<Entry<T>, undefined>> => {
    if (finished || remaining <= 0) {
      finished = true;
      return { done: true, value: undefined };
    }
    if (buffer.length === 0 && !exhausted) {
      const want = Math.min(batchSize, remaining);
      const batch = await fetchBatch({ start: range.start, end: range.end, reverse, limit: want });
      if (batch.length < want) exhausted = true;
      const last = batch.at(-1);
      if (last) {
        const encoded = encodeKey(last.key);
        if (reverse) range.end = encoded;
        else range.start = concat(encoded, BEFORE_ALL);
        if (compareBytes(range.start, range.end) >= 0) exhausted = true;
      }
      buffer = batch;
    }
    const entry = buffer.shift();
    if (!entry) {
      finished = true;
      return { done: true, value: undefined };
    }
    remaining -= 1;
    lastKey = entry.key;
    return { done: false, value: entry };
  };

  const iterator: ListIterator<T> = {
    get cursor() {
      if (lastKey !== undefined) {
        cursor = cursorAfter(lastKey);
        lastKey = undefined;
      }
      return cursor;
    },
    next() {
      const result = pending.then(step);
      pending = result.catch(() => undefined);
      return result;
    },
    async return() {
      finished = true;
      buffer = [];
      return { done: true, value: undefined };
    },
    [Symbol.asyncIterator]() {
      return iterator;
    },
  };
  return iterator;
}
