import type { AtomicCheck, AtomicCheckArguments, AtomicOperation, CommitResult, Key } from './storage.ts';
import { StorageError } from './storage-error.ts';

/**
 * Helpers for `Storage` adapters that store values as JSON text and count commits: the SQLite
 * and PostgreSQL adapters use them, and so can yours (see docs/writing-an-adapter.md).
 */

/**
 * Serialises a stored value as JSON text. Rejects `undefined` and values JSON cannot
 * represent at the top level (functions, symbols); nested values follow `JSON.stringify`.
 */
export function serializeStorageValue(value: unknown, key: Key): string {
  if (value === undefined) {
    throw new StorageError(`Cannot store undefined at ${JSON.stringify(key)}: use delete, or store null.`);
  }
  let text: string | undefined;
  try {
    text = JSON.stringify(value);
  } catch (error) {
    throw new StorageError(`Cannot store the value at ${JSON.stringify(key)}: it is not JSON-compatible.`, {
      cause: error,
    });
  }
  if (text === undefined) {
    throw new StorageError(`Cannot store the value at ${JSON.stringify(key)}: it is not JSON-compatible.`);
  }
  return text;
}

/** Parses JSON text written by `serializeStorageValue`. */
export function parseStorageValue<T>(text: string): T {
  return JSON.parse(text) as T;
}

/** A versionstamp from a commit counter: fixed width, so string order is numeric order. */
export function formatVersionstamp(version: number | bigint): string {
  return BigInt(version).toString(16).padStart(20, '0');
}

/** Validates `expireIn` and turns it into an absolute expiry time (`null`: never expires). */
export function expiryTime(expireIn: number | undefined, now: number): number | null {
  if (expireIn === undefined) return null;
  if (!(typeof expireIn === 'number' && Number.isFinite(expireIn) && expireIn >= 0)) {
    throw new StorageError(`Invalid expireIn ${String(expireIn)}: expected milliseconds >= 0.`);
  }
  return now + expireIn;
}

const describeValue = (value: unknown): string => {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return `the string ${JSON.stringify(value)}`;
  return typeof value === 'object' ? 'an object' : `${typeof value} ${String(value)}`;
};

// The key is not validated yet (that happens on commit), so it may not even be JSON.
const describeKey = (key: unknown): string => {
  try {
    return JSON.stringify(key) ?? 'the given key';
  } catch {
    return 'the given key';
  }
};

/**
 * Turns the arguments of `AtomicOperation.check` into a list of checks, whichever form they
 * come in: `check(key, versionstamp)` (the first argument is a key, that is an array) or
 * `check(...checks)` (objects with `key` and `versionstamp`, such as entries from `get`).
 * Storages built on `createAtomicOperation` get this for free; wrappers that implement
 * `AtomicOperation` themselves (tenant views, proxies) call it before passing checks on.
 *
 * Throws `StorageError` naming the argument when a versionstamp is neither a string nor
 * `null`, when a check is not an object, or when `check(key, versionstamp)` is given other
 * arguments. Keys themselves are validated by the storage, at the latest on commit
 * (`InvalidKeyError`).
 *
 * @example
 * ```ts
 * check(...args: AtomicCheckArguments) {
 *   inner.check(...normalizeAtomicChecks(args).map((check) => ({ ...check, key: [...prefix, ...check.key] })));
 *   return this;
 * }
 * ```
 */
export function normalizeAtomicChecks(args: AtomicCheckArguments): AtomicCheck[] {
  const list: readonly unknown[] = args;
  if (Array.isArray(list[0])) {
    const [key, versionstamp] = list as readonly [Key, unknown];
    if (list.length > 2) {
      throw new StorageError(
        `Invalid atomic check(key, versionstamp): expected 2 arguments, got ${list.length}. ` +
          'To add several checks at once, pass { key, versionstamp } objects.',
      );
    }
    if (versionstamp !== null && typeof versionstamp !== 'string') {
      throw new StorageError(
        `Invalid atomic check(key, versionstamp) at ${describeKey(key)}: "versionstamp" is ${describeValue(versionstamp)}; ` +
          'expected a versionstamp string, or null for "the key must not exist".',
      );
    }
    return [{ key, versionstamp }];
  }
  return list.map((check, index) => {
    if (typeof check !== 'object' || check === null || Array.isArray(check)) {
      throw new StorageError(
        `Invalid atomic check: argument ${index} is ${describeValue(check)}; ` +
          'expected check(key, versionstamp) or check({ key, versionstamp }, ...).',
      );
    }
    const { key, versionstamp } = check as { key: Key; versionstamp: unknown };
    if (versionstamp !== null && typeof versionstamp !== 'string') {
      throw new StorageError(
        `Invalid atomic check: "checks[${index}].versionstamp" is ${describeValue(versionstamp)}; ` +
          'expected a versionstamp string, or null for "the key must not exist".',
      );
    }
    return { key, versionstamp };
  });
}

/** One write of an atomic operation, with the value already prepared by the adapter. */
export type AtomicMutation<Value> =
  | { type: 'set'; key: Key; value: Value; expireIn: number | undefined }
  | { type: 'delete'; key: Key }
  | { type: 'sum'; key: Key; amount: number };

/** What `createAtomicOperation` needs from an adapter. */
export interface AtomicOperationOptions<Value> {
  /** Validates a value given to `set` and turns it into what the adapter stores (a copy, JSON text…). */
  prepare(value: unknown, key: Key, expireIn: number | undefined): Value;
  /** Applies the checks and writes all or nothing. Called at most once. */
  commit(checks: AtomicCheck[], mutations: AtomicMutation<Value>[]): CommitResult | Promise<CommitResult>;
}

/**
 * The `atomic()` builder every storage shares: collects checks and writes, validates them as
 * they are added (so a bad write throws at the call that made it), and hands them to the
 * adapter's `commit` once. `check` takes both forms, `check(key, versionstamp)` and
 * `check(...checks)` (see `normalizeAtomicChecks`); `commit` always receives check objects.
 */
export function createAtomicOperation<Value>(options: AtomicOperationOptions<Value>): AtomicOperation {
  const checks: AtomicCheck[] = [];
  const mutations: AtomicMutation<Value>[] = [];
  let committed = false;
  const operation: AtomicOperation = {
    check(...added: AtomicCheckArguments) {
      checks.push(...normalizeAtomicChecks(added));
      return this;
    },
    set(key, value, setOptions = {}) {
      mutations.push({
        type: 'set',
        key,
        value: options.prepare(value, key, setOptions.expireIn),
        expireIn: setOptions.expireIn,
      });
      return this;
    },
    delete(key) {
      mutations.push({ type: 'delete', key });
      return this;
    },
    sum(key, amount) {
      if (typeof amount !== 'number' || !Number.isFinite(amount)) {
        throw new StorageError(`Invalid sum amount ${String(amount)}: expected a finite number.`);
      }
      mutations.push({ type: 'sum', key, amount });
      return this;
    },
    async commit() {
      if (committed) throw new StorageError('This atomic operation was already committed.');
      committed = true;
      return options.commit(checks, mutations);
    },
  };
  return operation;
}
