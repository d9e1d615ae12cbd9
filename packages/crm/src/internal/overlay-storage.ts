import {
  type AtomicCheck,
  type AtomicCheckArguments,
  type AtomicOperation,
  type CommitResult,
  compareKeys,
  type Entry,
  type EntryMaybe,
  type Key,
  type ListIterator,
  type ListOptions,
  type ListSelector,
  normalizeAtomicChecks,
  type Storage,
} from '@salesos/core';

interface Slot {
  key: Key;
  value: unknown;
  removed: boolean;
}

const OVERLAY_STAMP = 'overlay';

function inSelector(key: Key, selector: ListSelector): boolean {
  if ('prefix' in selector) {
    const { prefix } = selector;
    if (key.length <= prefix.length) return false;
    for (let index = 0; index < prefix.length; index += 1) if (key[index] !== prefix[index]) return false;
    if ('start' in selector && compareKeys(key, selector.start) < 0) return false;
    if ('end' in selector && compareKeys(key, selector.end) >= 0) return false;
    return true;
  }
  return compareKeys(key, selector.start) >= 0 && compareKeys(key, selector.end) < 0;
}

/**
 * A storage that reads through to `base` and keeps every write in memory: a dry run sees its
 * own writes and leaves the real state untouched. Lists merge both in key order (forward
 * walks without `cursor`, which is all the engine uses).
 */
export function createOverlayStorage(base: Storage): Storage {
  const slots = new Map<string, Slot>();
  const lookup = (key: Key) => slots.get(JSON.stringify(key));
  const write = (key: Key, value: unknown, removed: boolean): void => {
    slots.set(JSON.stringify(key), {
      key: [...key],
      value: removed ? null : structuredClone(value),
      removed,
    });
  };

  const fromSlot = <T>(key: Key, slot: Slot): EntryMaybe<T> =>
    slot.removed
      ? { key, value: null, versionstamp: null }
      : { key, value: structuredClone(slot.value) as T, versionstamp: OVERLAY_STAMP };

  const storage: Storage = {
    async get<T>(key: Key): Promise<EntryMaybe<T>> {
      const slot = lookup(key);
      return slot ? fromSlot<T>(key, slot) : base.get<T>(key);
    },
    async getMany<T>(keys: readonly Key[]): Promise<EntryMaybe<T>[]> {
      const missing = keys.filter((key) => !lookup(key));
      const fetched = missing.length > 0 ? await base.getMany<T>(missing) : [];
      let next = 0;
      return keys.map((key) => {
        const slot = lookup(key);
        if (slot) return fromSlot<T>(key, slot);
        const entry = fetched[next] as EntryMaybe<T>;
        next += 1;
        return entry;
      });
    },
    list<T>(selector: ListSelector, options: ListOptions = {}): ListIterator<T> {
      const inner = base.list<T>(selector, {
        ...(options.batchSize === undefined ? {} : { batchSize: options.batchSize }),
      });
      const own = [...slots.values()].filter((slot) => inSelector(slot.key, selector));
      own.sort((left, right) => compareKeys(left.key, right.key));
      const limit = options.limit ?? Number.POSITIVE_INFINITY;
      async function* merged(): AsyncGenerator<Entry<T>> {
        let index = 0;
        let yielded = 0;
        for await (const entry of inner) {
          while (index < own.length && compareKeys((own[index] as Slot).key, entry.key) < 0) {
            const slot = own[index] as Slot;
            index += 1;
            if (!slot.removed) {
              yield { key: slot.key, value: structuredClone(slot.value) as T, versionstamp: OVERLAY_STAMP };
              if (++yielded >= limit) return;
            }
          }
          const slot = lookup(entry.key);
          if (slot) {
            if (index < own.length && compareKeys((own[index] as Slot).key, entry.key) === 0) index += 1;
            if (slot.removed) continue;
            yield { key: entry.key, value: structuredClone(slot.value) as T, versionstamp: OVERLAY_STAMP };
          } else {
            yield entry;
          }
          if (++yielded >= limit) return;
        }
        for (; index < own.length; index += 1) {
          const slot = own[index] as Slot;
          if (slot.removed) continue;
          yield { key: slot.key, value: structuredClone(slot.value) as T, versionstamp: OVERLAY_STAMP };
          if (++yielded >= limit) return;
        }
      }
      const generator = merged();
      const iterator: ListIterator<T> = {
        cursor: '',
        next: () => generator.next(),
        return: async () => {
          await generator.return(undefined);
          return { done: true, value: undefined };
        },
        [Symbol.asyncIterator]() {
          return iterator;
        },
      };
      return iterator;
    },
    async set(key, value) {
      write(key, value, false);
      return { ok: true, versionstamp: OVERLAY_STAMP };
    },
    async delete(key) {
      write(key, null, true);
    },
    atomic(): AtomicOperation {
      const checks: AtomicCheck[] = [];
      const mutations: (() => Promise<void>)[] = [];
      const operation: AtomicOperation = {
        check(...added: AtomicCheckArguments) {
          // Both forms, `check(key, versionstamp)` and `check(...checks)`, as core storages take.
          checks.push(...normalizeAtomicChecks(added));
          return operation;
        },
        set(key, value) {
          mutations.push(async () => write(key, value, false));
          return operation;
        },
        delete(key) {
          mutations.push(async () => write(key, null, true));
          return operation;
        },
        sum(key, amount) {
          mutations.push(async () => {
            const current = (await storage.get<number>(key)).value ?? 0;
            write(key, current + amount, false);
          });
          return operation;
        },
        async commit(): Promise<CommitResult> {
          for (const check of checks) {
            const current = await storage.get(check.key);
            if (
              (current.versionstamp ?? null) !== check.versionstamp &&
              current.versionstamp !== OVERLAY_STAMP
            ) {
              return { ok: false };
            }
          }
          for (const mutation of mutations) await mutation();
          return { ok: true, versionstamp: OVERLAY_STAMP };
        },
      };
      return operation;
    },
    async close() {
      slots.clear();
    },
  };
  return storage;
}
