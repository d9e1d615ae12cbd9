import type { SideIndex } from './compile-definition.ts';
import type { RecordState } from './state.ts';

/** Entries past which a written index stops tracking and every lookup reads storage again. */
export const WRITTEN_INDEX_LIMIT = 1_000_000;

/**
 * The record states and key index entries one run has written, for a run that started with
 * none stored (and holds the lease, so nothing else writes them): what it has not written is
 * known to be absent and is not read, and a change equal to what it wrote (its own write
 * coming back) is recognised without reading the state. Past `limit` entries the index stops
 * tracking, to bound its memory, and answers "maybe" for everything.
 */
export interface WrittenIndex {
  /** Whether a state of record `id` of `side` may be stored (`false`: certainly not). */
  mayHoldRecord(side: SideIndex, id: string): boolean;
  /**
   * The state this run last wrote for the record, as committed; `undefined` when unknown.
   * Read-only: it is the object the index keeps.
   */
  lastWritten(side: SideIndex, id: string): Readonly<RecordState> | undefined;
  /** Notes the state a batch commits for a record (`null`: deleted); it must not change after. */
  noteRecord(side: SideIndex, id: string, state: RecordState | null): void;
  /** Whether a key index entry for `value` may be stored (`false`: certainly not). */
  mayHoldKey(value: string): boolean;
  /** Notes that a key index entry for `value` is written. */
  noteKey(value: string): void;
}

/** An empty written index that tracks up to `limit` entries. */
export function createWrittenIndex(limit = WRITTEN_INDEX_LIMIT): WrittenIndex {
  const records: [Map<string, RecordState>, Map<string, RecordState>] = [new Map(), new Map()];
  const keys = new Set<string>();
  let tracking = true;
  const full = () => records[0].size + records[1].size + keys.size >= limit;
  const stop = () => {
    tracking = false;
    records[0].clear();
    records[1].clear();
    keys.clear();
  };
  return {
    mayHoldRecord: (side, id) => !tracking || records[side].has(id),
    lastWritten: (side, id) => (tracking ? records[side].get(id) : undefined),
    noteRecord(side, id, state) {
      if (!tracking) return;
      if (state === null) records[side].delete(id);
      else if (full()) stop();
      else records[side].set(id, state);
    },
    mayHoldKey: (value) => !tracking || keys.has(value),
    noteKey(value) {
      if (!tracking) return;
      if (full()) stop();
      else keys.add(value);
    },
  };
}
