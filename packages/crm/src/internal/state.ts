import type { Key } from '@salesos/core';
import type { RunCounts } from '../engine/types.ts';
import type { SideIndex } from './compile-definition.ts';
import type { Values } from './values.ts';

/**
 * What the engine remembers of one record of one side (kept short: there is one per record).
 * - `p`: the partner's id on the other side, `null` while unlinked.
 * - `v`: the mapped values last seen (or written).
 * - `b`: the values at the last sync of the pair, present while they differ from `v`
 *   (changes not yet synced, a failed write, or a field waiting for manual review).
 * - `t`: the record's `updatedAt` last seen, ISO-8601.
 * - `k`: its normalised matching key.
 * - `d`: set when the record was deleted (kept while the partner's delete waits).
 * - `x`: detached: unlinked by a delete under `deletePolicy: 'ignore'` and never synced again.
 * - `c`: (left records) fields of the pair with a conflict waiting for review.
 * - `q`: a dirty mark exists for the record; `e`: a dead letter exists (so clean records
 *   cost no deletes).
 */
export interface RecordState {
  p: string | null;
  v: Values;
  b?: Values;
  t: string | null;
  k?: string;
  d?: string;
  x?: 1;
  c?: string[];
  q?: 1;
  e?: 1;
}

/** Key index entry: the record ids holding one matching key, by side. */
export interface KeyEntry {
  l?: string;
  r?: string;
}

/** A dirty mark: the record has changes to sync. `f` is the run number that last failed it. */
export interface DirtyMark {
  f?: number;
}

/** A delete or archive waiting for the end of the run (and for the mass-delete guard). */
export interface PendingDelete {
  action: 'delete' | 'archive';
  /** The deleted partner on the other side. */
  source: string;
  at: string;
}

/** Creates a run is about to make, kept until the batch commits so a crash cannot duplicate them. */
export interface CreateIntent {
  /** `[source side, source id, fingerprint of the created values]`. */
  items: [SideIndex, string, string][];
}

/** The phases of a run, in order. */
export const PHASES = [
  'read-right',
  'sync-left',
  'settle',
  'catch-up-right',
  'catch-up-left',
  'settle-again',
  'infer-deletes',
  'apply-deletes',
] as const;
export type Phase = (typeof PHASES)[number];

/** The checkpoint of a run in progress. */
export interface RunState {
  runId: string;
  /** Increases by one per run of the pair. */
  sequence: number;
  mode: 'full' | 'incremental';
  phase: Phase;
  startedAt: string;
  /** Where each side's walk stands (`null`: from the beginning). */
  cursors: [string | null, string | null];
  /** Whether each side's listing reached its end during this run. */
  complete: [boolean, boolean];
  /**
   * Sides whose saved checkpoint the connector reported expired (`CheckpointExpiredError`):
   * walked from the beginning in this run, with deletes inferred as in a full run. Absent in
   * the state of a run stopped by an older version.
   */
  expired?: [boolean, boolean];
  /** Whether the phase's walk has started (its cursor is inside this run). */
  batches: number;
  /** Number of the next seen-ids batch per side. */
  seenBatches: [number, number];
  counts: RunCounts;
  sideCounts: [RunCounts, RunCounts];
  blocked: [number, number];
  resumed: boolean;
  /** The run started with no record state at all: nothing can have been deleted since an earlier run. */
  fresh: boolean;
}

/** Storage keys of one sync's state, inside the tenant's scope. */
export interface KeyLayout {
  record(side: SideIndex, id: string): Key;
  records(side: SideIndex): Key;
  matchKey(value: string): Key;
  matchKeys(): Key;
  dirty(side: SideIndex, id: string): Key;
  dirtyPrefix(side: SideIndex): Key;
  deadLetter(side: SideIndex, id: string): Key;
  deadLetters(side: SideIndex): Key;
  conflict(id: string): Key;
  conflicts(): Key;
  pendingDelete(side: SideIndex, id: string): Key;
  pendingDeletes(side: SideIndex): Key;
  intent(side: SideIndex, id: string): Key;
  intents(side: SideIndex): Key;
  seen(side: SideIndex, batch: number): Key;
  seenPrefix(side: SideIndex): Key;
  cursor(side: SideIndex): Key;
  run(): Key;
  runSequence(): Key;
  lastRun(): Key;
  linked(): Key;
  lease(): Key;
  fieldSet(): Key;
}

/** The key layout under `prefix` (`['crm', '["person","salesloft","attio"]']`). */
export function keyLayout(prefix: readonly string[]): KeyLayout {
  const at = (...parts: (string | number)[]): Key => [...prefix, ...parts];
  return {
    record: (side, id) => at(`r${side}`, id),
    records: (side) => at(`r${side}`),
    matchKey: (value) => at('k', value),
    matchKeys: () => at('k'),
    dirty: (side, id) => at(`d${side}`, id),
    dirtyPrefix: (side) => at(`d${side}`),
    deadLetter: (side, id) => at(`x${side}`, id),
    deadLetters: (side) => at(`x${side}`),
    conflict: (id) => at('c', id),
    conflicts: () => at('c'),
    pendingDelete: (side, id) => at(`p${side}`, id),
    pendingDeletes: (side) => at(`p${side}`),
    intent: (side, id) => at(`i${side}`, id),
    intents: (side) => at(`i${side}`),
    seen: (side, batch) => at(`s${side}`, batch),
    seenPrefix: (side) => at(`s${side}`),
    cursor: (side) => at(`cursor${side}`),
    run: () => at('run'),
    runSequence: () => at('run-sequence'),
    lastRun: () => at('last-run'),
    linked: () => at('linked'),
    lease: () => at('lease'),
    fieldSet: () => at('field-set'),
  };
}

/** Fresh zero counters. */
export function emptyCounts(): RunCounts {
  return {
    seen: 0,
    created: 0,
    updated: 0,
    deleted: 0,
    archived: 0,
    skipped: 0,
    failed: 0,
    conflicts: 0,
    linked: 0,
  };
}
