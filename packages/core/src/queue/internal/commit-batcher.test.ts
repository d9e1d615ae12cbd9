import { describe, expect, it } from 'vitest';
import { createMemoryStorage } from '../../storage/memory-storage.ts';
import type { Storage } from '../../storage/storage.ts';
import { StorageError } from '../../storage/storage-error.ts';
import { createCommitBatcher } from './commit-batcher.ts';

/** A storage that counts commits and can be told to fail the next ones. */
function countingStorage(inner: Storage) {
  const state = { commits: 0, failNext: 0 };
  const storage: Storage = {
    ...inner,
    get: (key) => inner.get(key),
    getMany: (keys) => inner.getMany(keys),
    list: (selector, options) => inner.list(selector, options),
    atomic() {
      const operation = inner.atomic();
      const commit = operation.commit.bind(operation);
      operation.commit = async () => {
        state.commits += 1;
        if (state.failNext > 0) {
          state.failNext -= 1;
          throw new StorageError('The connection dropped.');
        }
        return commit();
      };
      return operation;
    },
  };
  return { storage, state };
}

const create = (key: string, value: unknown) => (operation: ReturnType<Storage['atomic']>) =>
  operation.check({ key: [key], versionstamp: null }).set([key], value);

describe('createCommitBatcher', () => {
  it('commits writes made together as one commit', async () => {
    const { storage, state } = countingStorage(createMemoryStorage());
    const batcher = createCommitBatcher(storage);
    const results = await Promise.all(
      ['a', 'b', 'c', 'd'].map((key) => batcher.commit(key, create(key, key.toUpperCase()))),
    );
    expect(results.every((result) => result.ok)).toBe(true);
    expect(state.commits).toBe(1);
    const stored = await storage.getMany([['a'], ['b'], ['c'], ['d']]);
    expect(stored.map((entry) => entry.value)).toEqual(['A', 'B', 'C', 'D']);
  });

  it('answers { ok: false } only to the write whose check failed', async () => {
    const storage = createMemoryStorage();
    await storage.set(['b'], 'taken');
    const batcher = createCommitBatcher(storage);
    const results = await Promise.all(['a', 'b', 'c'].map((key) => batcher.commit(key, create(key, 1))));
    expect(results.map((result) => result.ok)).toEqual([true, false, true]);
    const stored = await storage.getMany([['a'], ['b'], ['c']]);
    expect(stored.map((entry) => entry.value)).toEqual([1, 'taken', 1]);
  });

  it('never lets two writes of one group pass in the same commit', async () => {
    const storage = createMemoryStorage();
    const batcher = createCommitBatcher(storage);
    const results = await Promise.all([
      batcher.commit('job-1', create('job-1', 'first')),
      batcher.commit('job-1', create('job-1', 'second')),
    ]);
    expect(results.map((result) => result.ok)).toEqual([true, false]);
    expect((await storage.get(['job-1'])).value).toBe('first');
  });

  it('fails only the write whose value the storage refuses', async () => {
    const storage = createMemoryStorage();
    const batcher = createCommitBatcher(storage);
    const outcomes = await Promise.allSettled([
      batcher.commit('a', create('a', 1)),
      batcher.commit('b', create('b', undefined)),
      batcher.commit('c', create('c', 3)),
    ]);
    expect(outcomes.map((outcome) => outcome.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect((await storage.get(['c'])).value).toBe(3);
  });

  it('rejects every write of a commit the storage failed, and keeps working after', async () => {
    const { storage, state } = countingStorage(createMemoryStorage());
    const batcher = createCommitBatcher(storage);
    state.failNext = 1;
    const outcomes = await Promise.allSettled([
      batcher.commit('a', create('a', 1)),
      batcher.commit('b', create('b', 2)),
    ]);
    expect(outcomes.map((outcome) => outcome.status)).toEqual(['rejected', 'rejected']);
    expect((await storage.get(['a'])).versionstamp).toBeNull();
    expect((await batcher.commit('a', create('a', 1))).ok).toBe(true);
  });

  it('splits large bursts into commits of at most maxWrites', async () => {
    const { storage, state } = countingStorage(createMemoryStorage());
    const batcher = createCommitBatcher(storage, 10);
    const keys = Array.from({ length: 25 }, (_, index) => `k${index}`);
    const results = await Promise.all(keys.map((key) => batcher.commit(key, create(key, key))));
    expect(results.every((result) => result.ok)).toBe(true);
    expect(state.commits).toBe(3);
  });
});
