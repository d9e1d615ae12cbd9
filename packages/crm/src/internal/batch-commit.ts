import type { AtomicCheck, CommitResult, Key, Storage } from '@salesos/core';

// The engine's keys never hold a number and a string at the same position, so joining is unique.
const identify = (key: Key): string => key.join('\u0000');

interface Mutation {
  key: Key;
  value: unknown;
  remove: boolean;
  expireIn: number | undefined;
}

/**
 * Collects the writes of one batch and commits them as one `atomic()`: the state of every
 * record of the batch and the checkpoint land together or not at all. A key written twice
 * keeps its last write.
 */
export class BatchCommit {
  readonly #mutations = new Map<string, Mutation>();
  readonly #sums: { key: Key; amount: number }[] = [];

  set(key: Key, value: unknown, expireIn?: number): void {
    this.#mutations.set(identify(key), { key, value, remove: false, expireIn });
  }

  delete(key: Key): void {
    this.#mutations.set(identify(key), { key, value: null, remove: true, expireIn: undefined });
  }

  sum(key: Key, amount: number): void {
    if (amount !== 0) this.#sums.push({ key, amount });
  }

  get size(): number {
    return this.#mutations.size + this.#sums.length;
  }

  async commit(storage: Storage, checks: readonly AtomicCheck[] = []): Promise<CommitResult> {
    const operation = storage.atomic();
    if (checks.length > 0) operation.check(...checks);
    for (const mutation of this.#mutations.values()) {
      if (mutation.remove) operation.delete(mutation.key);
      else if (mutation.expireIn === undefined) operation.set(mutation.key, mutation.value);
      else operation.set(mutation.key, mutation.value, { expireIn: mutation.expireIn });
    }
    for (const { key, amount } of this.#sums) operation.sum(key, amount);
    return operation.commit();
  }
}
