import type { AtomicCheck, AtomicOperation, CommitResult, Key, Storage } from '@salesos/core';
import { SyncLockedError } from '../errors/sync-locked-error.ts';
import type { BatchCommit } from './batch-commit.ts';

/** A sync's lease in storage, held by one run or job at a time across processes. */
export interface Lease {
  /** The check that every commit of the holder carries: it fails once the lease was lost. */
  checks(): AtomicCheck[];
  /** Extends the lease in the same commit (every commit that carries `checks()` must). */
  renew(commit: BatchCommit): void;
  /** Adds the check and the extension to an atomic operation. */
  guard(operation: AtomicOperation): AtomicOperation;
  /** Records the commit's outcome; throws `SyncLockedError` when the lease was lost. */
  committed(result: CommitResult): void;
  release(): Promise<void>;
}

interface LeaseValue {
  owner: string;
}

/** Takes the lease at `key`, or throws `SyncLockedError` when another holder has it. */
export async function acquireLease(
  storage: Storage,
  key: Key,
  options: { owner: string; leaseMs: number; syncId: string },
): Promise<Lease> {
  const locked = () =>
    new SyncLockedError(`Sync "${options.syncId}" is busy: another run or job holds its lease.`, {
      syncId: options.syncId,
    });
  const current = await storage.get<LeaseValue>(key);
  if (current.value !== null && current.value.owner !== options.owner) throw locked();
  const taken = await storage
    .atomic()
    .check(current)
    .set(key, { owner: options.owner }, { expireIn: options.leaseMs })
    .commit();
  if (!taken.ok) throw locked();
  let versionstamp: string = taken.versionstamp;
  return {
    checks: () => [{ key, versionstamp }],
    renew: (commit) => commit.set(key, { owner: options.owner }, options.leaseMs),
    guard: (operation) =>
      operation
        .check({ key, versionstamp })
        .set(key, { owner: options.owner }, { expireIn: options.leaseMs }),
    committed(result) {
      if (!result.ok) throw locked();
      versionstamp = result.versionstamp;
    },
    async release() {
      await storage.atomic().check({ key, versionstamp }).delete(key).commit();
    },
  };
}
