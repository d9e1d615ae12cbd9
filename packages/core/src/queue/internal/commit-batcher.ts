import type { AtomicOperation, CommitResult, Storage } from '../../storage/storage.ts';

/** Adds one write's checks and mutations to an atomic operation. */
export type BuildWrite = (operation: AtomicOperation) => void;

/** Merges independent atomic writes into fewer commits. */
export interface CommitBatcher {
  /**
   * Commits the checks and mutations `build` adds, alone or together with other writes, and
   * answers as if it had been committed alone: `{ ok: false }` when one of ITS checks failed.
   * Writes that share a `group` never go into the same commit; writes of different groups
   * must touch different keys.
   */
  commit(group: string, build: BuildWrite): Promise<CommitResult>;
}

interface Pending {
  group: string;
  build: BuildWrite;
  resolve: (result: CommitResult) => void;
  reject: (error: unknown) => void;
}

/**
 * Group commit: writes that arrive while a commit is under way wait for it, then go to the
 * storage as one atomic operation, so N writes cost one round trip instead of N.
 *
 * A merged commit is all or nothing, so when one of its checks fails no write of it was
 * applied; every write is then committed again on its own to learn which one failed. A commit
 * that rejects (the storage failed) rejects every write in it, as each would have alone: it
 * may or may not have been applied, so committing the writes again could misreport them.
 * Callers validate keys before handing writes over, so a bad key cannot fail its neighbours.
 */
export function createCommitBatcher(storage: Storage, maxWrites = 100): CommitBatcher {
  let pending: Pending[] = [];
  let running = false;

  const commitAlone = async (write: Pending) => {
    const operation = storage.atomic();
    write.build(operation);
    return operation.commit();
  };

  const commitEach = (batch: Pending[]) =>
    Promise.all(batch.map((write) => commitAlone(write).then(write.resolve, write.reject)));

  const commitBatch = async (batch: Pending[]) => {
    if (batch.length === 1) {
      await commitEach(batch);
      return;
    }
    let operation: AtomicOperation;
    try {
      operation = storage.atomic();
      for (const write of batch) write.build(operation);
    } catch {
      // A write the storage refuses (a value it cannot store) fails alone, not its neighbours.
      await commitEach(batch);
      return;
    }
    let merged: CommitResult;
    try {
      merged = await operation.commit();
    } catch (error) {
      for (const write of batch) write.reject(error);
      return;
    }
    if (merged.ok) {
      for (const write of batch) write.resolve(merged);
      return;
    }
    await commitEach(batch);
  };

  const drain = async () => {
    try {
      while (pending.length > 0) {
        const batch: Pending[] = [];
        const later: Pending[] = [];
        const groups = new Set<string>();
        for (const write of pending) {
          if (batch.length < maxWrites && !groups.has(write.group)) {
            groups.add(write.group);
            batch.push(write);
          } else {
            later.push(write);
          }
        }
        pending = later;
        await commitBatch(batch);
      }
    } finally {
      running = false;
    }
  };

  return {
    commit(group, build) {
      return new Promise<CommitResult>((resolve, reject) => {
        pending.push({ group, build, resolve, reject });
        if (running) return;
        running = true;
        // Writes made in the same turn of the event loop go out together.
        queueMicrotask(() => void drain());
      });
    },
  };
}
