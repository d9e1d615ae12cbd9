import { ConfigError } from '../errors/client-errors.ts';
import { normalizeAtomicChecks } from './adapter-helpers.ts';
import { compareKeys } from './compare-keys.ts';
import type {
  AtomicCheckArguments,
  AtomicOperation,
  Entry,
  EntryMaybe,
  Key,
  KeyPart,
  ListIterator,
  ListOptions,
  ListSelector,
  Storage,
} from './storage.ts';
import { StorageError } from './storage-error.ts';
import { validateKey } from './validate-key.ts';

/** The first part of every key a tenant view writes: `['tenant', tenantId, ...key]`. */
export const TENANT_KEY_PREFIX = 'tenant';

// The smallest finite number: `[...key, LOWEST]` is the first key strictly under `key`.
const LOWEST = -Number.MAX_VALUE;

/** The smallest key that sorts after `key` and every key under it. */
function keyAfterSubtree(key: Key): Key {
  const last = key.at(-1) as KeyPart;
  const head = key.slice(0, -1);
  if (typeof last === 'string') return [...head, `${last}\u0000`];
  if (last === Number.MAX_VALUE) return [...head, ''];
  return [...head, nextUp(last)];
}

function nextUp(value: number): number {
  if (value === 0) return Number.MIN_VALUE;
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, value);
  const bits = view.getBigUint64(0);
  view.setBigUint64(0, value > 0 ? bits + 1n : bits - 1n);
  return view.getFloat64(0);
}

const maxKey = (left: Key, right: Key): Key => (compareKeys(left, right) >= 0 ? left : right);
const minKey = (left: Key, right: Key): Key => (compareKeys(left, right) <= 0 ? left : right);

/**
 * A tenant's view of a storage: every key is stored as `['tenant', tenantId, ...key]` and
 * handed back without that prefix. Through the view nothing outside the tenant's prefix
 * can be read, listed, checked or written, whatever keys, list ranges or cursors are given.
 *
 * `close()` closes only the view; the underlying storage stays open.
 *
 * @example
 * ```ts
 * const acme = scopeStorage(storage, 'acme');
 * await acme.set(['person', 'p1'], { email: 'ada@acme.com' }); // stored at ['tenant', 'acme', 'person', 'p1']
 * ```
 */
export function scopeStorage(storage: Storage, tenantId: string): Storage {
  if (typeof tenantId !== 'string' || tenantId.length === 0 || !tenantId.isWellFormed()) {
    throw new ConfigError('scopeStorage: tenantId must be a non-empty string.');
  }
  const prefix: Key = [TENANT_KEY_PREFIX, tenantId];
  const lowest: Key = [...prefix, LOWEST];
  const afterAll = keyAfterSubtree(prefix);
  let closed = false;

  const assertOpen = () => {
    if (closed) throw new StorageError(`The storage view of tenant "${tenantId}" is closed.`);
  };
  const inner = (key: Key, label = 'key'): Key => {
    validateKey(key, { label });
    return [...prefix, ...key];
  };
  const outer = (key: Key): Key => {
    if (key.length <= prefix.length || key[0] !== prefix[0] || key[1] !== prefix[1]) {
      throw new StorageError(
        `The storage returned a key outside tenant "${tenantId}"; refusing to hand it out.`,
      );
    }
    return key.slice(prefix.length);
  };
  const outerEntry = <T>(entry: EntryMaybe<T>): EntryMaybe<T> =>
    ({ ...entry, key: outer(entry.key) }) as EntryMaybe<T>;

  const innerSelector = (selector: ListSelector): { start: Key; end: Key } => {
    const { prefix: keyPrefix, start, end } = selector as { prefix?: Key; start?: Key; end?: Key };
    let lower = lowest;
    let upper = afterAll;
    if (keyPrefix !== undefined) {
      validateKey(keyPrefix, { allowEmpty: true, label: 'list prefix' });
      const full = [...prefix, ...keyPrefix];
      lower = maxKey(lower, [...full, LOWEST]);
      upper = minKey(upper, keyAfterSubtree(full));
    } else if (start === undefined || end === undefined) {
      throw new StorageError(
        'Invalid list selector: expected { prefix }, { prefix, start }, { prefix, end } or { start, end }.',
      );
    }
    if (start !== undefined) {
      validateKey(start, { allowEmpty: true, label: 'list start' });
      lower = maxKey(lower, [...prefix, ...start]);
    }
    if (end !== undefined) {
      validateKey(end, { allowEmpty: true, label: 'list end' });
      upper = minKey(upper, [...prefix, ...end]);
    }
    if (compareKeys(lower, upper) > 0) upper = lower;
    return { start: lower, end: upper };
  };

  return {
    async get<T>(key: Key) {
      assertOpen();
      return outerEntry(await storage.get<T>(inner(key)));
    },
    async getMany<T>(keys: readonly Key[]) {
      assertOpen();
      const entries = await storage.getMany<T>(keys.map((key) => inner(key)));
      return entries.map(outerEntry);
    },
    list<T>(selector: ListSelector, options?: ListOptions): ListIterator<T> {
      assertOpen();
      const source = storage.list<T>(innerSelector(selector), options);
      const iterator: ListIterator<T> = {
        get cursor() {
          return source.cursor;
        },
        async next() {
          const result = await source.next();
          if (result.done) return result;
          return { done: false, value: outerEntry(result.value) as Entry<T> };
        },
        async return() {
          await source.return?.();
          return { done: true, value: undefined };
        },
        [Symbol.asyncIterator]() {
          return iterator;
        },
      };
      return iterator;
    },
    async set(key, value, options) {
      assertOpen();
      return storage.set(inner(key), value, options);
    },
    async delete(key) {
      assertOpen();
      return storage.delete(inner(key));
    },
    atomic(): AtomicOperation {
      const operation = storage.atomic();
      const view: AtomicOperation = {
        check(...checks: AtomicCheckArguments) {
          operation.check(
            ...normalizeAtomicChecks(checks).map((check) => ({
              key: inner(check.key, 'check key'),
              versionstamp: check.versionstamp,
            })),
          );
          return this;
        },
        set(key, value, options) {
          operation.set(inner(key), value, options);
          return this;
        },
        delete(key) {
          operation.delete(inner(key));
          return this;
        },
        sum(key, amount) {
          operation.sum(inner(key), amount);
          return this;
        },
        async commit() {
          assertOpen();
          return operation.commit();
        },
      };
      return view;
    },
    async close() {
      closed = true;
    },
  };
}
