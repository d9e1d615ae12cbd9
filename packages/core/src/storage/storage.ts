/**
 * One part of a storage key: a string or a finite number.
 *
 * Strings must be well-formed Unicode (no lone surrogates). Numbers must be finite;
 * `-0` is stored as `0`.
 */
export type KeyPart = string | number;

/**
 * A storage key: a non-empty tuple of parts, such as `['tenant', 't1', 'person', 42]`.
 *
 * Keys have ONE total order, the same in every implementation:
 * - keys are compared part by part, left to right;
 * - a number sorts before any string;
 * - numbers compare by numeric value (`-1 < 0 < 2 < 10`);
 * - strings compare by Unicode code point (the same as comparing their UTF-8 bytes, and
 *   NOT the same as JavaScript's UTF-16 `<` for characters above U+FFFF);
 * - a key that is a strict prefix of another sorts first (`['a'] < ['a', 0]`).
 *
 * `compareKeys(a, b)` implements this order and `encodeKey(key)` maps a key to bytes whose
 * `memcmp` order is the same, so adapters can store keys as `BLOB`/`bytea` and list with an
 * index range scan.
 */
export type Key = readonly KeyPart[];

/**
 * A stored entry. `value` is a copy: changing it never changes what is stored.
 */
export interface Entry<T = unknown> {
  readonly key: Key;
  readonly value: T;
  /**
   * Opaque version of the entry, set by the commit that last wrote it. Every commit gets a
   * new versionstamp that sorts after (as a string) every versionstamp the same storage
   * gave before. Compare versionstamps for equality only across storages.
   */
  readonly versionstamp: string;
}

/** What `get` answers for a key that is not stored (or has expired). */
export interface EntryMissing {
  readonly key: Key;
  readonly value: null;
  readonly versionstamp: null;
}

/** An entry, or the marker of a missing one (`value` and `versionstamp` both `null`). */
export type EntryMaybe<T = unknown> = Entry<T> | EntryMissing;

/**
 * Which keys `list` walks. Start is inclusive, end is exclusive. A `prefix` selects the
 * keys that start with it, NOT the prefix key itself (as in Deno KV).
 *
 * - `{ prefix }`: every key under `prefix` (`{ prefix: [] }` is every key).
 * - `{ prefix, start }`: keys under `prefix` that are `>= start`.
 * - `{ prefix, end }`: keys under `prefix` that are `< end`.
 * - `{ start, end }`: keys with `start <= key < end`.
 */
export type ListSelector =
  | { readonly prefix: Key }
  | { readonly prefix: Key; readonly start: Key }
  | { readonly prefix: Key; readonly end: Key }
  | { readonly start: Key; readonly end: Key };

/** How `list` walks the selected keys. */
export interface ListOptions {
  /** Stop after this many entries. Default: no limit. */
  limit?: number;
  /** Walk from the highest key down. Default `false`. */
  reverse?: boolean;
  /**
   * A `ListIterator.cursor` from an earlier `list` with the same selector and `reverse`:
   * the walk resumes right after the entry that cursor was read at. A cursor never widens
   * the selection: keys outside the selector are never returned.
   */
  cursor?: string;
  /** How many entries an adapter fetches per round trip (a hint; default chosen by the adapter). */
  batchSize?: number;
}

/**
 * The async iterable `list` returns. Entries come in strict key order (descending with
 * `reverse`), each at most once. The walk is not a snapshot: an entry is yielded if it was
 * live when its batch was read.
 */
export interface ListIterator<T = unknown> extends AsyncIterableIterator<Entry<T>> {
  /**
   * Where to resume: pass it as `ListOptions.cursor` to continue right after the last
   * entry yielded so far. Before the first entry it is the cursor the walk started from
   * (`''`, meaning "from the start", when none was given).
   */
  readonly cursor: string;
}

/** Options of `set`. */
export interface SetOptions {
  /**
   * Milliseconds after which the entry expires. An expired entry is never returned by
   * `get`, `getMany` or `list`, and an atomic check treats it as missing. Default: never.
   */
  expireIn?: number;
}

/**
 * A condition of an atomic operation: the entry at `key` must currently have this
 * `versionstamp`, or must not exist when it is `null`. An `Entry` or `EntryMaybe` from `get`
 * is a valid check.
 */
export interface AtomicCheck {
  /** The key whose entry is checked. */
  readonly key: Key;
  /** The versionstamp the entry must have, or `null` for "must not exist (or has expired)". */
  readonly versionstamp: string | null;
}

/**
 * The arguments `AtomicOperation.check` accepts, as one type for wrappers that pass them on:
 * a key and its versionstamp, or any number of `AtomicCheck`s. `normalizeAtomicChecks`
 * turns either form into a list of checks.
 */
export type AtomicCheckArguments = readonly [key: Key, versionstamp: string | null] | readonly AtomicCheck[];

/** The outcome of a commit that was applied. */
export interface CommitSuccess {
  readonly ok: true;
  /** The versionstamp every entry written by this commit now carries. */
  readonly versionstamp: string;
}

/** The outcome of a commit that was not applied because a check failed. */
export interface CommitFailure {
  readonly ok: false;
}

/** What `AtomicOperation.commit()` answers. */
export type CommitResult = CommitSuccess | CommitFailure;

/**
 * A batch of checks and mutations that commits all or nothing.
 *
 * On `commit()` every check is evaluated; if one fails nothing is written and the result is
 * `{ ok: false }`. Otherwise every mutation is applied, in the order they were added, as one
 * step that no other commit interleaves with, and every written entry carries the commit's
 * new versionstamp. The methods return the same operation so calls chain.
 *
 * @example
 * ```ts
 * for (;;) {
 *   const current = await storage.get<number>(['counter']);
 *   const result = await storage
 *     .atomic()
 *     .check(current)
 *     .set(['counter'], (current.value ?? 0) + 1)
 *     .commit();
 *   if (result.ok) break;
 * }
 * ```
 */
export interface AtomicOperation {
  /**
   * Adds a condition: the entry at `key` must have `versionstamp` when the batch commits, or
   * must not exist (or have expired) when `versionstamp` is `null`.
   *
   * Throws `StorageError` when `versionstamp` is neither a string nor `null`.
   *
   * @example
   * ```ts
   * await storage.atomic().check(['user', 'ada'], null).set(['user', 'ada'], profile).commit();
   * ```
   */
  check(key: Key, versionstamp: string | null): this;
  /**
   * Adds conditions, in the style of Deno KV. An `Entry` or `EntryMaybe` from `get` is a
   * valid check, so `check(await storage.get(key))` guards a read-modify-write.
   *
   * Throws `StorageError` when an argument is not an object with a `key` array and a
   * `versionstamp` that is a string or `null`.
   *
   * @example
   * ```ts
   * const current = await storage.get(['counter']);
   * await storage.atomic().check(current, { key: ['lock'], versionstamp: null }).commit();
   * ```
   */
  check(...checks: AtomicCheck[]): this;
  /** Writes `value` at `key`. */
  set(key: Key, value: unknown, options?: SetOptions): this;
  /** Removes `key` (no error if it is missing). */
  delete(key: Key): this;
  /**
   * Adds `amount` to the number stored at `key` (a missing key counts as `0`). The commit
   * rejects with `StorageError` if the stored value is not a number.
   */
  sum(key: Key, amount: number): this;
  /**
   * Applies the batch. Resolves `{ ok: false }` when a check failed; rejects only for
   * invalid input or a failure of the underlying store.
   */
  commit(): Promise<CommitResult>;
}

/**
 * An ordered key-value store in the style of Deno KV: the one place engines keep state.
 *
 * Values are JSON-compatible (`null`, booleans, finite numbers, strings, arrays, plain
 * objects). Implementations copy values in and out, so callers never share stored state.
 * Keys are validated: an empty key, a part that is not a string or a finite number, or a
 * string with a lone surrogate rejects with `InvalidKeyError` naming the bad part.
 *
 * Implementations: `createMemoryStorage()` here; `@salesos/sqlite` and `@salesos/postgres`.
 * Every implementation passes `describeStorageConformance` from `@salesos/core/testing`.
 * `scopeStorage(storage, tenantId)` gives a tenant a view it cannot leave.
 */
export interface Storage {
  /** Reads one entry; `{ key, value: null, versionstamp: null }` when it is missing. */
  get<T = unknown>(key: Key): Promise<EntryMaybe<T>>;
  /** Reads several entries in one consistent read; answers in the order of `keys`. */
  getMany<T = unknown>(keys: readonly Key[]): Promise<EntryMaybe<T>[]>;
  /** Walks the selected entries in key order. See `ListSelector`, `ListOptions`, `ListIterator`. */
  list<T = unknown>(selector: ListSelector, options?: ListOptions): ListIterator<T>;
  /** Writes one entry unconditionally. */
  set(key: Key, value: unknown, options?: SetOptions): Promise<CommitSuccess>;
  /** Removes one entry; no error if it is missing. */
  delete(key: Key): Promise<void>;
  /** Starts an all-or-nothing batch. */
  atomic(): AtomicOperation;
  /** Releases resources. Calls after `close()` reject with `StorageError`. */
  close(): Promise<void>;
}
