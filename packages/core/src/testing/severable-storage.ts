import { normalizeAtomicChecks } from '../storage/adapter-helpers.ts';
import type { AtomicCheckArguments, AtomicOperation, ListIterator, Storage } from '../storage/storage.ts';
import { StorageError } from '../storage/storage-error.ts';

/** A storage handle whose connection can be cut, as a process that dies loses its own. */
export interface SeverableStorage {
  /** The handle: every call passes through until `sever()`, then rejects with `StorageError`. */
  storage: Storage;
  /** Cuts the connection. The underlying storage is untouched and stays open. */
  sever(): void;
}

/**
 * Wraps a storage in a handle that can be cut off, to simulate a crashed process in tests
 * of code that shares a storage between processes (leases, queues, locks). Pair it with
 * `describeQueueConformance`'s `connect` for queues built on `Storage`.
 *
 * @example
 * ```ts
 * const link = severableStorage(storage);
 * const worker = createStorageQueue(link.storage, { leaseMs: 300 });
 * // ...later: the worker "dies"
 * link.sever();
 * ```
 */
export function severableStorage(storage: Storage): SeverableStorage {
  let severed = false;
  const guard = () => {
    if (severed) throw new StorageError('The storage connection was severed.');
  };
  const handle: Storage = {
    async get(key) {
      guard();
      return storage.get(key);
    },
    async getMany(keys) {
      guard();
      return storage.getMany(keys);
    },
    list<T>(
      selector: Parameters<Storage['list']>[0],
      options?: Parameters<Storage['list']>[1],
    ): ListIterator<T> {
      guard();
      const inner = storage.list<T>(selector, options);
      const iterator: ListIterator<T> = {
        get cursor() {
          return inner.cursor;
        },
        async next() {
          guard();
          return inner.next();
        },
        async return() {
          await inner.return?.();
          return { done: true, value: undefined };
        },
        [Symbol.asyncIterator]() {
          return iterator;
        },
      };
      return iterator;
    },
    async set(key, value, options) {
      guard();
      return storage.set(key, value, options);
    },
    async delete(key) {
      guard();
      return storage.delete(key);
    },
    atomic(): AtomicOperation {
      const inner = storage.atomic();
      const operation: AtomicOperation = {
        check(...checks: AtomicCheckArguments) {
          inner.check(...normalizeAtomicChecks(checks));
          return this;
        },
        set(key, value, options) {
          inner.set(key, value, options);
          return this;
        },
        delete(key) {
          inner.delete(key);
          return this;
        },
        sum(key, amount) {
          inner.sum(key, amount);
          return this;
        },
        async commit() {
          guard();
          return inner.commit();
        },
      };
      return operation;
    },
    async close() {
      severed = true;
    },
  };
  return {
    storage: handle,
    sever() {
      severed = true;
    },
  };
}
