import { type Clock, systemClock } from '../clock/clock.ts';
import { createAtomicOperation } from './adapter-helpers.ts';
import { encodeKey } from './encode-key.ts';
import { compareCodeUnits, createOrderedIndex } from './internal/ordered-index.ts';
import { createListIterator } from './list-iterator.ts';
import type {
  AtomicCheck,
  AtomicOperation,
  CommitResult,
  CommitSuccess,
  Entry,
  EntryMaybe,
  Key,
  ListIterator,
  ListOptions,
  ListSelector,
  SetOptions,
  Storage,
} from './storage.ts';
import { StorageError } from './storage-error.ts';

/** Options of `createMemoryStorage`. */
export interface MemoryStorageOptions {
  /** Time source for `expireIn`. Default `systemClock`; tests pass `createTestClock()`. */
  clock?: Clock;
}

/** The in-memory `Storage`, with a count of live entries for tests. */
export interface MemoryStorage extends Storage {
  /** Number of stored entries that have not expired. */
  readonly size: number;
}

/** Where a slot sits in key order: its encoded key as a latin1 string. */
interface Ordered {
  readonly sortable: string;
}

interface Slot extends Ordered {
  readonly key: Key;
  value: unknown;
  versionstamp: string;
  expiresAt: number | undefined;
}

type Mutation =
  // `value` is already the storage's own copy.
  | { type: 'set'; key: Key; value: unknown; expireIn: number | undefined }
  | { type: 'delete'; key: Key }
  | { type: 'sum'; key: Key; amount: number };

/** When a slot with a time to live expires: ordered by time, then by key. */
interface Expiry {
  readonly at: number;
  readonly sortable: string;
}

const compareOrdered = (left: Ordered, right: Ordered): number =>
  compareCodeUnits(left.sortable, right.sortable);

const compareExpiries = (left: Expiry, right: Expiry): number =>
  left.at - right.at || compareCodeUnits(left.sortable, right.sortable);

// Encoded keys as latin1 strings: one char per byte, so `<` on them is byte order.
const bytesToSortable = (bytes: Uint8Array): string =>
  Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
const toSortable = (key: Key): string => bytesToSortable(encodeKey(key));

const copyValue = (value: unknown): unknown =>
  typeof value === 'object' && value !== null ? structuredClone(value) : value;

/**
 * The key a new slot keeps: one the caller cannot change afterwards, with `-0` stored as `0`.
 * A frozen key (such as one read back from this storage) is kept as it is.
 */
const ownKey = (key: Key): Key => {
  let negativeZero = false;
  for (const part of key) if (Object.is(part, -0)) negativeZero = true;
  if (!negativeZero && Object.isFrozen(key)) return key;
  return Object.freeze(key.map((part) => (part === 0 ? 0 : part)));
};

/**
 * Creates a `Storage` held in this process's memory: fast, ordered, and gone when the
 * process exits. Suited to tests, single-process tools and as the reference implementation
 * of the contract.
 *
 * @example
 * ```ts
 * const storage = createMemoryStorage();
 * await storage.set(['person', 'p1'], { email: 'ada@example.com' });
 * for await (const entry of storage.list({ prefix: ['person'] })) console.log(entry.key, entry.value);
 * ```
 */
export function createMemoryStorage(options: MemoryStorageOptions = {}): MemoryStorage {
  const clock = options.clock ?? systemClock;
  // Point reads go through the hash map. The ordered index holds the same slots, sorted by
  // `sortable` (which never changes, so overwrites update a slot in place), and serves list
  // ranges. The expiry index finds what has expired without walking every slot.
  const slots = new Map<string, Slot>();
  const order = createOrderedIndex<Ordered>(compareOrdered);
  const expiries = createOrderedIndex<Expiry>(compareExpiries);
  let version = 0n;
  let closed = false;

  const assertOpen = () => {
    if (closed) throw new StorageError('The memory storage is closed.');
  };

  const live = (sortable: string, now: number): Slot | undefined => {
    const slot = slots.get(sortable);
    if (slot === undefined) return undefined;
    if (slot.expiresAt !== undefined && slot.expiresAt <= now) {
      remove(sortable);
      return undefined;
    }
    return slot;
  };

  const remove = (sortable: string) => {
    const slot = slots.get(sortable);
    if (slot === undefined) return;
    slots.delete(sortable);
    order.delete(slot);
    if (slot.expiresAt !== undefined) expiries.delete({ at: slot.expiresAt, sortable });
  };

  const put = (
    sortable: string,
    key: Key,
    value: unknown,
    versionstamp: string,
    expiresAt: number | undefined,
  ) => {
    const slot = slots.get(sortable);
    if (slot === undefined) {
      const added: Slot = { sortable, key: ownKey(key), value, versionstamp, expiresAt };
      slots.set(sortable, added);
      order.add(added);
      if (expiresAt !== undefined) expiries.add({ at: expiresAt, sortable });
      return;
    }
    // An overwrite leaves the key order alone; only a changed expiry moves in its index. Equal
    // encodings mean equal keys (`-0` is stored as `0`), so the slot keeps the key it has.
    if (slot.expiresAt !== expiresAt) {
      if (slot.expiresAt !== undefined) expiries.delete({ at: slot.expiresAt, sortable });
      if (expiresAt !== undefined) expiries.add({ at: expiresAt, sortable });
    }
    slot.value = value;
    slot.versionstamp = versionstamp;
    slot.expiresAt = expiresAt;
  };

  const sweep = (now: number) => {
    for (let next = expiries.first(); next !== undefined && next.at <= now; next = expiries.first()) {
      expiries.delete(next);
      remove(next.sortable);
    }
  };

  const toEntry = <T>(slot: Slot): Entry<T> => ({
    key: slot.key,
    value: copyValue(slot.value) as T,
    versionstamp: slot.versionstamp,
  });

  const missing = <T>(key: Key): EntryMaybe<T> => ({ key: [...key], value: null, versionstamp: null });

  const checkExpireIn = (expireIn: number | undefined) => {
    if (expireIn !== undefined && !(Number.isFinite(expireIn) && expireIn >= 0)) {
      throw new StorageError(`Invalid expireIn ${String(expireIn)}: expected milliseconds >= 0.`);
    }
  };

  const checkValue = (value: unknown, key: Key) => {
    if (value === undefined) {
      throw new StorageError(`Cannot store undefined at ${JSON.stringify(key)}: use delete, or store null.`);
    }
  };

  const commit = (checks: readonly AtomicCheck[], mutations: readonly Mutation[]): CommitResult => {
    assertOpen();
    const now = clock.now();
    // Encode and validate everything before deciding, so a bad key fails the whole batch.
    const encodedChecks = checks.map((check) => ({
      sortable: toSortable(check.key),
      versionstamp: check.versionstamp,
    }));
    const encodedMutations = mutations.map((mutation) => ({ mutation, sortable: toSortable(mutation.key) }));
    for (const check of encodedChecks) {
      const slot = live(check.sortable, now);
      if ((slot?.versionstamp ?? null) !== check.versionstamp) return { ok: false };
    }
    for (const { mutation, sortable } of encodedMutations) {
      if (mutation.type !== 'sum') continue;
      const current = live(sortable, now)?.value;
      if (current !== undefined && typeof current !== 'number') {
        throw new StorageError(
          `Cannot sum into ${JSON.stringify(mutation.key)}: the stored value is not a number.`,
        );
      }
    }
    version += 1n;
    const versionstamp = version.toString(16).padStart(20, '0');
    for (const { mutation, sortable } of encodedMutations) {
      if (mutation.type === 'delete') {
        remove(sortable);
      } else if (mutation.type === 'set') {
        const expiresAt = mutation.expireIn === undefined ? undefined : now + mutation.expireIn;
        put(sortable, mutation.key, mutation.value, versionstamp, expiresAt);
      } else {
        const slot = live(sortable, now);
        const current = (slot?.value as number | undefined) ?? 0;
        put(sortable, mutation.key, current + mutation.amount, versionstamp, slot?.expiresAt);
      }
    }
    sweep(now);
    return { ok: true, versionstamp };
  };

  const storage: MemoryStorage = {
    get size() {
      sweep(clock.now());
      return slots.size;
    },

    async get<T>(key: Key): Promise<EntryMaybe<T>> {
      assertOpen();
      const slot = live(toSortable(key), clock.now());
      return slot ? toEntry<T>(slot) : missing<T>(key);
    },

    async getMany<T>(keys: readonly Key[]): Promise<EntryMaybe<T>[]> {
      assertOpen();
      const now = clock.now();
      const sortables = keys.map(toSortable);
      return sortables.map((sortable, index) => {
        const slot = live(sortable, now);
        return slot ? toEntry<T>(slot) : missing<T>(keys[index] as Key);
      });
    },

    list<T>(selector: ListSelector, listOptions?: ListOptions): ListIterator<T> {
      assertOpen();
      return createListIterator<T>(selector, listOptions, async ({ start, end, reverse, limit }) => {
        assertOpen();
        const now = clock.now();
        const low = { sortable: bytesToSortable(start) };
        const high = { sortable: bytesToSortable(end) };
        const entries: Entry<T>[] = [];
        const expired: string[] = [];
        order.scan(low, high, reverse, (ordered) => {
          const slot = ordered as Slot;
          if (slot.expiresAt !== undefined && slot.expiresAt <= now) expired.push(slot.sortable);
          else entries.push(toEntry<T>(slot));
          return entries.length < limit;
        });
        // The index must not change during a scan: drop what expired once it is done.
        for (const sortable of expired) remove(sortable);
        return entries;
      });
    },

    async set(key: Key, value: unknown, setOptions: SetOptions = {}): Promise<CommitSuccess> {
      checkValue(value, key);
      checkExpireIn(setOptions.expireIn);
      const mutation: Mutation = { type: 'set', key, value: copyValue(value), expireIn: setOptions.expireIn };
      return commit([], [mutation]) as CommitSuccess;
    },

    async delete(key: Key): Promise<void> {
      commit([], [{ type: 'delete', key }]);
    },

    atomic(): AtomicOperation {
      return createAtomicOperation({
        prepare: (value, key, expireIn) => {
          checkValue(value, key);
          checkExpireIn(expireIn);
          return copyValue(value);
        },
        commit,
      });
    },

    async close() {
      closed = true;
      slots.clear();
      order.clear();
      expiries.clear();
    },
  };
  return storage;
}
