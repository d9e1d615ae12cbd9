import { createHash, randomUUID } from 'node:crypto';
import type { Change, Clock, EventBus, Logger, Storage } from '@salesos/core';
import type { RunCounts, SyncConflict, SyncDeadLetter } from '../engine/types.ts';
import { BatchCommit } from './batch-commit.ts';
import {
  type CompiledDefinition,
  type CompiledField,
  type CompiledSide,
  other,
  SIDE_NAMES,
  type SideIndex,
} from './compile-definition.ts';
import { createValues, decidePair, type PairDecision, type SideView } from './decide-pair.ts';
import type { Lease } from './lease.ts';
import { classifyFailure, RecordFailure, type RecordWriter, RunAbort } from './record-writer.ts';
import { loadReferenceLinks, type ReferenceLinks } from './references.ts';
import { runPool } from './run-pool.ts';
import type { DirtyMark, KeyEntry, KeyLayout, PendingDelete, RecordState } from './state.ts';
import { fingerprint, normaliseKey, project, sameValues, timeOf, type Values } from './values.ts';
import type { WrittenIndex } from './written-index.ts';

/** One change to handle, in the engine's form. */
export type Incoming =
  | { kind: 'upsert'; id: string; values: Values; updatedAt: string | null }
  | { kind: 'delete'; id: string; deletedAt: string }
  | { kind: 'settle'; id: string };

/** Everything a batch needs from the run or job that drives it. */
export interface ProcessorContext {
  definition: CompiledDefinition;
  storage: Storage;
  keys: KeyLayout;
  writer: RecordWriter;
  clock: Clock;
  events: EventBus | undefined;
  logger: Logger;
  concurrency: number;
  /** The run number; `0` for webhook jobs. Failed records are not retried again in the same run. */
  sequence: number;
  counts: RunCounts;
  sideCounts: [RunCounts, RunCounts];
  lease: Lease | null;
  /**
   * Collects the ids each side's walks saw, for delete inference: per side walked in full in a
   * run (a full run, or a side whose checkpoint expired), `null` for the others.
   */
  seen: [string[] | null, string[] | null];
  /** Stores a chunk of seen ids in the batch's commit. */
  onSeen?: ((commit: BatchCommit, side: SideIndex, ids: string[]) => void) | undefined;
  /**
   * Creates that may have landed before a crash, by the side they were made on. A record of
   * that side that appears unlinked with a matching fingerprint is linked to its source
   * instead of being created again; until then the source waits.
   */
  orphans: [OrphanIndex, OrphanIndex];
  /** Adds the caller's checkpoint to a batch's commit. */
  beforeCommit?: ((commit: BatchCommit) => void) | undefined;
  /**
   * On a run that started with no state stored: what it has written. State it has not
   * written is known to be absent and is not read.
   */
  written?: WrittenIndex | null | undefined;
}

/** Creates of one side that may have landed before a crash. */
export interface OrphanIndex {
  /** Fingerprint of the created values → source id on the other side. */
  byFingerprint: Map<string, string>;
  /** The source ids. */
  sources: Set<string>;
}

/** An empty orphan index. */
export const emptyOrphans = (): OrphanIndex => ({ byFingerprint: new Map(), sources: new Set() });

// A base value no real value equals: keeps a field "changed on both sides" until it is settled.
const UNSETTLED = { '\u0000unsettled': true };

const SIDE_KEYS = ['l', 'r'] as const;

/** Consecutive transient write failures after which a run stops instead of dead-lettering more. */
const TRANSIENT_STREAK_LIMIT = 10;

/** Converts a connector change to the engine's form. */
export function toIncoming(side: CompiledSide, change: Change<unknown>): Incoming {
  if (change.type === 'delete') return { kind: 'delete', id: String(change.id), deletedAt: change.deletedAt };
  const record = change.record as Record<string, unknown>;
  const updatedAt = change.updatedAt ?? (typeof record.updatedAt === 'string' ? record.updatedAt : null);
  return { kind: 'upsert', id: String(change.id), values: project(record, side.fields), updatedAt };
}

const stampOf = (item: Incoming): number =>
  item.kind === 'upsert'
    ? timeOf(item.updatedAt)
    : item.kind === 'delete'
      ? timeOf(item.deletedAt)
      : Number.NEGATIVE_INFINITY;

/** The stable id of the conflict of one pair on one field. */
export function conflictId(leftId: string, field: string): string {
  return `cf_${createHash('sha1').update(leftId).update('\u0000').update(field).digest('base64url').slice(0, 20)}`;
}

/**
 * The values to create a record's partner with (and the references left out of them because
 * their records are not linked yet), or why the transform could not make them.
 */
type PreparedCreate = { values: Values; pending: CompiledField[] } | { error: unknown };

/** `state` with its base marking `fields` (of `side`) as not synced yet, so they flow again. */
function withUnsynced(state: RecordState, side: SideIndex, fields: readonly CompiledField[]): RecordState {
  if (fields.length === 0) return state;
  const base = { ...(state.b ?? state.v) };
  for (const field of fields) base[field.fields[side]] = UNSETTLED;
  return { ...state, b: base };
}

/** Per-batch cache of loaded state and the commit being built. */
class Batch {
  readonly commit = new BatchCommit();
  readonly records: [Map<string, RecordState | null>, Map<string, RecordState | null>] = [
    new Map(),
    new Map(),
  ];
  readonly keyEntries = new Map<string, KeyEntry | null>();
  readonly changedKeys = new Set<string>();
  /** Records of each side claimed by a link in this batch (by id). */
  readonly claimed: [Set<string>, Set<string>] = [new Set(), new Set()];
  readonly failures: { side: SideIndex; id: string; failure: RecordFailure }[] = [];
  /** Records of each side whose state this batch writes or deletes (by id). */
  readonly touched: [Set<string>, Set<string>] = [new Set(), new Set()];
  linkedDelta = 0;
}

/** The engine's batch operations over one sync's state. */
export interface BatchProcessor {
  /** Records a batch of one side's changes without syncing them (they are settled later). */
  stage(side: SideIndex, changes: readonly Incoming[]): Promise<void>;
  /** Records and syncs a batch of one side's changes. */
  sync(side: SideIndex, changes: readonly Incoming[]): Promise<void>;
  /** Syncs every record of `side` marked dirty (skipping those that already failed in this run). */
  settle(side: SideIndex, batchSize: number, options?: { deferOrphans?: boolean }): Promise<void>;
  /** Applies the deletes waiting on `side`; answers how many were held back by the guard. */
  applyDeletes(
    side: SideIndex,
    options: { confirm: boolean; batchSize: number; runId: string },
  ): Promise<number>;
}

/** Creates the batch processor of one run or job. */
export function createBatchProcessor(context: ProcessorContext): BatchProcessor {
  const { definition, keys, writer, storage } = context;
  const sides = definition.sides;
  const keyField = definition.matchBy;
  const keyOf = (values: Values): string | null =>
    keyField === null ? null : normaliseKey(values[keyField]);

  const count = (side: SideIndex, counter: keyof RunCounts, amount = 1) => {
    context.counts[counter] += amount;
    context.sideCounts[side][counter] += amount;
  };

  const { written } = context;

  async function loadRecords(batch: Batch, side: SideIndex, ids: Iterable<string>): Promise<void> {
    const cache = batch.records[side];
    const wanted = new Set<string>();
    for (const id of ids) {
      if (cache.has(id)) continue;
      if (written && !written.mayHoldRecord(side, id)) cache.set(id, null);
      else wanted.add(id);
    }
    if (wanted.size === 0) return;
    const list = [...wanted];
    const entries = await storage.getMany<RecordState>(list.map((id) => keys.record(side, id)));
    for (let index = 0; index < list.length; index += 1) {
      cache.set(list[index] as string, entries[index]?.value ?? null);
    }
  }

  async function loadKeyEntries(batch: Batch, values: Iterable<string>): Promise<void> {
    const cache = batch.keyEntries;
    const wanted = new Set<string>();
    for (const value of values) {
      if (cache.has(value)) continue;
      if (written && !written.mayHoldKey(value)) cache.set(value, null);
      else wanted.add(value);
    }
    if (wanted.size === 0) return;
    const list = [...wanted];
    const entries = await storage.getMany<KeyEntry>(list.map((value) => keys.matchKey(value)));
    for (let index = 0; index < list.length; index += 1) {
      cache.set(list[index] as string, entries[index]?.value ?? null);
    }
  }

  const putRecord = (batch: Batch, side: SideIndex, id: string, state: RecordState) => {
    batch.records[side].set(id, state);
    batch.commit.set(keys.record(side, id), state);
    batch.touched[side].add(id);
  };

  const removeRecord = (batch: Batch, side: SideIndex, id: string) => {
    const state = batch.records[side].get(id);
    if (state?.c) for (const name of state.c) batch.commit.delete(keys.conflict(conflictId(id, name)));
    if (state?.q) batch.commit.delete(keys.dirty(side, id));
    if (state?.e) batch.commit.delete(keys.deadLetter(side, id));
    batch.records[side].set(id, null);
    batch.commit.delete(keys.record(side, id));
    batch.touched[side].add(id);
  };

  /** Stores a record that is in sync: its dirty mark and dead letter, if any, go. */
  const storeClean = (batch: Batch, side: SideIndex, id: string, state: RecordState) => {
    if (state.q) {
      batch.commit.delete(keys.dirty(side, id));
      delete state.q;
    }
    if (state.e) {
      batch.commit.delete(keys.deadLetter(side, id));
      delete state.e;
    }
    putRecord(batch, side, id, state);
  };

  /** Stores a record that still has something to sync, with its dirty mark. */
  const storeDirty = (
    batch: Batch,
    side: SideIndex,
    id: string,
    state: RecordState,
    mark: DirtyMark = {},
  ) => {
    state.q = 1;
    batch.commit.set(keys.dirty(side, id), mark);
    putRecord(batch, side, id, state);
  };

  /**
   * Stores a record synced but for references not linked yet: its dead letter goes, and its
   * dirty mark stays so a later run (not this one) syncs them once their records are linked.
   */
  const storePending = (batch: Batch, side: SideIndex, id: string, state: RecordState) => {
    if (state.e) {
      batch.commit.delete(keys.deadLetter(side, id));
      delete state.e;
    }
    storeDirty(batch, side, id, state, context.sequence > 0 ? { f: context.sequence } : {});
  };

  /** Reads the id-map entries of the references held by `changed` records of `side` and by the `partners`. */
  const linksFor = (
    batch: Batch,
    side: SideIndex,
    changed: readonly { next: RecordState }[],
    partners: readonly string[],
  ) => {
    const own = changed.map((entry) => entry.next.v);
    const theirs = partners.flatMap((id) => {
      const state = batch.records[other(side)].get(id);
      return state ? [state.v] : [];
    });
    return loadReferenceLinks(storage, definition, side === 0 ? [own, theirs] : [theirs, own]);
  };

  /** Moves a record's entry in the key index from `from` to `to` (entries must be loaded). */
  const moveKey = (
    batch: Batch,
    side: SideIndex,
    id: string,
    from: string | null | undefined,
    to: string | null | undefined,
  ) => {
    if (from === to) return;
    const letter = SIDE_KEYS[side];
    if (from) {
      const entry = batch.keyEntries.get(from);
      if (entry && entry[letter] === id) {
        const next = { ...entry };
        delete next[letter];
        batch.keyEntries.set(from, next);
        batch.changedKeys.add(from);
      }
    }
    if (to) {
      const entry = batch.keyEntries.get(to) ?? {};
      if (!entry[letter]) {
        batch.keyEntries.set(to, { ...entry, [letter]: id });
        batch.changedKeys.add(to);
      }
    }
  };

  const fail = (
    batch: Batch,
    side: SideIndex,
    id: string,
    failure: RecordFailure,
    state: RecordState | null,
  ) => {
    const current = state ?? batch.records[side].get(id) ?? null;
    if (current)
      storeDirty(batch, side, id, { ...current, e: 1 }, context.sequence > 0 ? { f: context.sequence } : {});
    else batch.commit.set(keys.dirty(side, id), context.sequence > 0 ? { f: context.sequence } : {});
    batch.failures.push({ side, id, failure });
    count(side, 'failed');
    context.events?.emit('crm.record_failed', {
      syncId: definition.id,
      tenantId: definition.tenantId,
      entity: definition.entity,
      side: SIDE_NAMES[side],
      id,
      reason: failure.reason,
      message: failure.message,
    });
    context.logger.warn(
      { syncId: definition.id, side: SIDE_NAMES[side], id, reason: failure.reason },
      `crm: record failed: ${failure.message}`,
    );
  };

  // Transient failures one after another mean the system is down, not that these records are bad.
  let transientStreak = 0;
  const asFailure = (error: unknown): RecordFailure => {
    const failure = classifyFailure(error);
    if (failure instanceof RunAbort) throw failure;
    transientStreak = failure.reason === 'transient' ? transientStreak + 1 : 0;
    if (transientStreak >= TRANSIENT_STREAK_LIMIT) {
      throw new RunAbort(`${TRANSIENT_STREAK_LIMIT} writes in a row failed: ${failure.message}`, {
        cause: error,
      });
    }
    return failure;
  };

  async function finish(batch: Batch): Promise<void> {
    const { commit } = batch;
    for (const value of batch.changedKeys) {
      const entry = batch.keyEntries.get(value);
      if (!entry || (!entry.l && !entry.r)) {
        commit.delete(keys.matchKey(value));
      } else {
        commit.set(keys.matchKey(value), entry);
        written?.noteKey(value);
      }
    }
    if (batch.failures.length > 0) {
      const previous = await storage.getMany<SyncDeadLetter>(
        batch.failures.map(({ side, id }) => keys.deadLetter(side, id)),
      );
      const failedAt = new Date(context.clock.now()).toISOString();
      batch.failures.forEach(({ side, id, failure }, index) => {
        const letter: SyncDeadLetter = {
          syncId: definition.id,
          side: SIDE_NAMES[side],
          id,
          reason: failure.reason,
          message: failure.message,
          attempts: (previous[index]?.value?.attempts ?? 0) + 1,
          failedAt,
        };
        commit.set(keys.deadLetter(side, id), letter);
      });
    }
    if (written) {
      // The states as they are committed: the last write of each record in the batch.
      for (const side of [0, 1] as const) {
        for (const id of batch.touched[side])
          written.noteRecord(side, id, batch.records[side].get(id) ?? null);
      }
    }
    commit.sum(keys.linked(), batch.linkedDelta);
    for (const side of [0, 1] as const) {
      const ids = context.seen[side];
      if (ids && ids.length > 0) context.onSeen?.(commit, side, ids.splice(0));
    }
    context.beforeCommit?.(commit);
    context.lease?.renew(commit);
    const result = await commit.commit(storage, context.lease?.checks() ?? []);
    if (context.lease) context.lease.committed(result);
    else if (!result.ok) throw new RunAbort('The batch commit was refused.');
  }

  /** Applies the incoming changes to the side's stored state; answers the records that changed. */
  async function absorb(batch: Batch, side: SideIndex, changes: readonly Incoming[]) {
    const latest = new Map<string, Incoming>();
    for (const change of changes) {
      if (change.kind !== 'settle') count(side, 'seen');
      if (change.kind === 'upsert') context.seen[side]?.push(change.id);
      const prior = latest.get(change.id);
      if (prior === undefined || stampOf(change) >= stampOf(prior)) latest.set(change.id, change);
    }
    if (written) {
      // This run's own writes coming back unchanged: skipped without reading their state (as
      // the checks below would skip them).
      const fields = sides[side].fields;
      for (const change of latest.values()) {
        if (change.kind !== 'upsert' || batch.records[side].has(change.id)) continue;
        const own = written.lastWritten(side, change.id);
        if (
          own !== undefined &&
          own.d === undefined &&
          own.t === change.updatedAt &&
          sameValues(own.v, change.values, fields)
        ) {
          latest.delete(change.id);
          count(side, 'skipped');
        }
      }
    }
    await loadRecords(batch, side, latest.keys());
    const changed: { id: string; previous: RecordState | null; next: RecordState }[] = [];
    const keyValues: string[] = [];
    for (const change of latest.values()) {
      const previous = batch.records[side].get(change.id) ?? null;
      if (change.kind === 'settle') {
        if (previous === null) batch.commit.delete(keys.dirty(side, change.id));
        else changed.push({ id: change.id, previous, next: { ...previous, q: 1 } });
        continue;
      }
      if (change.kind === 'delete') {
        if (previous === null || previous.d !== undefined) {
          count(side, 'skipped');
          continue;
        }
        changed.push({ id: change.id, previous, next: { ...previous, d: change.deletedAt } });
        if (previous.k) keyValues.push(previous.k);
        continue;
      }
      const changedAt = timeOf(change.updatedAt);
      if (previous !== null && changedAt !== Number.NEGATIVE_INFINITY && changedAt < timeOf(previous.t)) {
        // An older version than the one already seen: a late or out-of-order delivery.
        count(side, 'skipped');
        continue;
      }
      if (
        previous !== null &&
        previous.d === undefined &&
        sameValues(previous.v, change.values, sides[side].fields)
      ) {
        // Unchanged content: our own write coming back, a repeated delivery, or a field we do not map.
        count(side, 'skipped');
        if (previous.t !== change.updatedAt && previous.b === undefined && previous.x === undefined) {
          // Keep the newest version so an older out-of-order delivery is recognised as stale.
          putRecord(batch, side, change.id, { ...previous, t: change.updatedAt });
        }
        continue;
      }
      const key = keyOf(change.values);
      let next: RecordState;
      if (previous === null) {
        next = { p: null, v: change.values, t: change.updatedAt };
      } else {
        next = { ...previous, v: change.values, t: change.updatedAt };
        if (previous.d !== undefined) {
          // Deleted, then seen again: it exists after all; its partner's pending delete is dropped.
          delete next.d;
          if (previous.p) batch.commit.delete(keys.pendingDelete(other(side), previous.p));
        } else if (previous.b === undefined) {
          next.b = previous.v;
        }
      }
      if (key) next.k = key;
      else delete next.k;
      if (key) keyValues.push(key);
      if (previous?.k) keyValues.push(previous.k);
      changed.push({ id: change.id, previous, next });
    }
    await loadKeyEntries(batch, keyValues);
    for (const { id, previous, next } of changed) {
      if (next.d !== undefined) moveKey(batch, side, id, previous?.k, undefined);
      else moveKey(batch, side, id, previous?.k, next.k);
    }
    return changed;
  }

  async function stage(side: SideIndex, changes: readonly Incoming[]): Promise<void> {
    const batch = new Batch();
    const changed = await absorb(batch, side, changes);
    for (const { id, next } of changed) {
      if (next.x === undefined) storeDirty(batch, side, id, next);
      else putRecord(batch, side, id, next);
    }
    await finish(batch);
  }

  /** Stores a pair's outcome: both states, the link, conflicts. */
  function settlePair(
    batch: Batch,
    side: SideIndex,
    ids: readonly [string, string],
    states: [RecordState, RecordState],
    decision: PairDecision,
    firstContact: boolean,
  ) {
    const unsettled = new Set(decision.unsettled.map((field) => field.name));
    for (const index of [0, 1] as const) {
      const state = states[index];
      delete state.b;
      if (unsettled.size > 0) {
        const base = { ...state.v };
        for (const field of decision.unsettled) base[field.fields[index]] = UNSETTLED;
        state.b = base;
      }
      state.p = ids[other(index)];
      delete state.x;
    }
    const pending = ([0, 1] as const).map((index) =>
      decision.pending.filter((entry) => entry.from === index).map((entry) => entry.field),
    );
    for (const index of [0, 1] as const)
      states[index] = withUnsynced(states[index], index, pending[index] ?? []);
    const left = states[0];
    const previousOpen = new Set(left.c ?? []);
    if (unsettled.size > 0) left.c = [...unsettled];
    else delete left.c;
    for (const name of previousOpen) {
      if (!unsettled.has(name)) batch.commit.delete(keys.conflict(conflictId(ids[0], name)));
    }
    for (const index of [0, 1] as const) {
      if (pending[index]?.length) storePending(batch, index, ids[index], states[index]);
      else storeClean(batch, index, ids[index], states[index]);
    }
    if (firstContact) {
      batch.linkedDelta += 1;
      count(side, 'linked');
    }
    const detectedAt = new Date(context.clock.now()).toISOString();
    for (const detected of decision.conflicts) {
      const conflict: SyncConflict = {
        id: conflictId(ids[0], detected.field.name),
        syncId: definition.id,
        tenantId: definition.tenantId,
        entity: definition.entity,
        leftId: ids[0],
        rightId: ids[1],
        leftField: detected.field.fields[0],
        rightField: detected.field.fields[1],
        leftValue: detected.values[0],
        rightValue: detected.values[1],
        leftUpdatedAt: states[0].t,
        rightUpdatedAt: states[1].t,
        detectedAt,
        resolution: detected.winner === 'manual' ? 'manual' : SIDE_NAMES[detected.winner],
      };
      if (detected.winner === 'manual') batch.commit.set(keys.conflict(conflict.id), conflict);
      if (detected.winner !== 'manual' || !previousOpen.has(detected.field.name)) {
        count(side, 'conflicts');
        context.events?.emit('crm.conflict_detected', conflict);
      }
    }
  }

  /** Syncs a pair that is linked, or matched for the first time. */
  async function syncPair(
    batch: Batch,
    side: SideIndex,
    id: string,
    state: RecordState,
    partnerId: string,
    partner: RecordState,
    firstContact: boolean,
    links: ReferenceLinks,
  ): Promise<void> {
    const target = other(side);
    const view = (record: RecordState): SideView => ({
      current: record.v,
      base: firstContact ? null : (record.b ?? record.v),
      updatedAt: timeOf(record.t),
    });
    const views: [SideView, SideView] =
      side === 0 ? [view(state), view(partner)] : [view(partner), view(state)];
    let decision: PairDecision;
    try {
      decision = decidePair(definition, views, links);
    } catch (error) {
      fail(batch, side, id, new RecordFailure('transform', messageOf(error)), state);
      return;
    }
    const ids: [string, string] = side === 0 ? [id, partnerId] : [partnerId, id];
    const states: [RecordState, RecordState] =
      side === 0 ? [{ ...state }, { ...partner }] : [{ ...partner }, { ...state }];
    for (const write of [target, side] as const) {
      const patch = decision.writes[write];
      if (patch === null) continue;
      try {
        const result = await writer.upsert(sides[write], patch, ids[write], ['id']);
        states[write].v = project(result.record, sides[write].fields);
        states[write].t = recordTime(result.record) ?? states[write].t;
        count(write, 'updated');
        transientStreak = 0;
      } catch (error) {
        const failure = asFailure(error);
        if (firstContact) {
          fail(batch, side, id, failure, state);
          return;
        }
        // Keep both bases: the next attempt sees the change again and finds what already landed.
        for (const index of [0, 1] as const) {
          const original = index === side ? state : partner;
          states[index].b = original.b ?? original.v;
          putRecord(batch, index, ids[index], states[index]);
        }
        fail(batch, side, id, failure, null);
        return;
      }
    }
    settlePair(batch, side, ids, states, decision, firstContact);
  }

  /** Creates the partner of an unlinked record on the other side, with the values `prepared` for it. */
  async function createPartner(
    batch: Batch,
    side: SideIndex,
    id: string,
    state: RecordState,
    prepared: PreparedCreate,
  ): Promise<void> {
    const target = other(side);
    if ('error' in prepared) {
      fail(batch, side, id, new RecordFailure('transform', messageOf(prepared.error)), state);
      return;
    }
    const { values } = prepared;
    // The key index holds every record read from the other side: no entry means no match
    // there, so this is a plain create. A record created there since it was read is caught by
    // the system's own uniqueness rules or linked by key on a later read.
    const matchBy = ['id'];
    let result: Awaited<ReturnType<RecordWriter['upsert']>>;
    try {
      result = await writer.upsert(sides[target], values, null, matchBy);
    } catch (error) {
      fail(batch, side, id, asFailure(error), state);
      return;
    }
    transientStreak = 0;
    const partnerId = String(result.record.id);
    const partnerValues = project(result.record, sides[target].fields);
    let existing: RecordState | null = null;
    if (!result.created) {
      await loadRecords(batch, target, [partnerId]);
      existing = batch.records[target].get(partnerId) ?? null;
    }
    if (batch.claimed[target].has(partnerId) || (existing?.p && existing.p !== id)) {
      const takenBy = existing?.p ?? 'another record of this batch';
      let takeover = false;
      if (existing?.p && !batch.claimed[target].has(partnerId)) {
        await loadRecords(batch, side, [existing.p]);
        const previousPartner = batch.records[side].get(existing.p);
        if (previousPartner === null || previousPartner?.d !== undefined) {
          // The record it was linked to is gone: the match takes its place.
          takeover = true;
          batch.commit.delete(keys.pendingDelete(target, partnerId));
          if (previousPartner) removeRecord(batch, side, existing.p);
          batch.linkedDelta -= 1;
        }
      }
      if (!takeover) {
        fail(
          batch,
          side,
          id,
          new RecordFailure(
            'duplicate_key',
            `The ${SIDE_NAMES[target]} record ${partnerId} matched by ${keyField ?? 'id'} is already linked to ${SIDE_NAMES[side]} record ${takenBy}.`,
          ),
          state,
        );
        return;
      }
    }
    batch.claimed[target].add(partnerId);
    const partnerState: RecordState = { p: id, v: partnerValues, t: recordTime(result.record) };
    const partnerKey = keyOf(partnerValues);
    if (partnerKey) partnerState.k = partnerKey;
    if (partnerKey) await loadKeyEntries(batch, [partnerKey]);
    if (existing?.k) await loadKeyEntries(batch, [existing.k]);
    moveKey(batch, target, partnerId, existing?.k, partnerKey);
    const linkedState: RecordState = { ...state, p: partnerId };
    delete linkedState.b;
    const sourceState = withUnsynced(linkedState, side, prepared.pending);
    if (prepared.pending.length > 0) storePending(batch, side, id, sourceState);
    else storeClean(batch, side, id, sourceState);
    if (existing?.q) partnerState.q = 1;
    if (existing?.e) partnerState.e = 1;
    storeClean(batch, target, partnerId, partnerState);
    batch.linkedDelta += 1;
    count(side, 'linked');
    count(target, result.created ? 'created' : 'updated');
    context.seen[target]?.push(partnerId);
  }

  /** A record of `side` was deleted: unlink, or queue its partner's delete or archive. */
  function handleDelete(batch: Batch, side: SideIndex, id: string, state: RecordState) {
    const target = other(side);
    const partnerId = state.p;
    const partner = partnerId ? batch.records[target].get(partnerId) : null;
    if (!partnerId || !partner) {
      removeRecord(batch, side, id);
      return;
    }
    if (partner.d !== undefined) {
      removeRecord(batch, side, id);
      removeRecord(batch, target, partnerId);
      batch.commit.delete(keys.pendingDelete(side, id));
      batch.commit.delete(keys.pendingDelete(target, partnerId));
      moveKey(batch, target, partnerId, partner.k, undefined);
      batch.linkedDelta -= 1;
      return;
    }
    const propagates = sides[target].creates && definition.deletePolicy !== 'ignore';
    if (!propagates) {
      const detached: RecordState = { ...partner, p: null, x: 1 };
      delete detached.b;
      delete detached.c;
      storeClean(batch, target, partnerId, detached);
      removeRecord(batch, side, id);
      batch.linkedDelta -= 1;
      return;
    }
    const pending: PendingDelete = {
      action: definition.deletePolicy === 'archive' ? 'archive' : 'delete',
      source: id,
      at: state.d ?? new Date(context.clock.now()).toISOString(),
    };
    storeClean(batch, side, id, state);
    batch.commit.set(keys.pendingDelete(target, partnerId), pending);
  }

  async function sync(side: SideIndex, changes: readonly Incoming[]): Promise<void> {
    const batch = new Batch();
    const target = other(side);
    const changed = await absorb(batch, side, changes);
    const orphans = context.orphans[side];
    // Partners, and the records of the other side that hold the same key.
    const partnerIds: string[] = [];
    const keyValues: string[] = [];
    for (const { next } of changed) {
      if (next.p) partnerIds.push(next.p);
      else if (next.k) keyValues.push(next.k);
    }
    await loadKeyEntries(batch, keyValues);
    const candidates = new Map<string, string>();
    for (const { id, previous, next } of changed) {
      if (next.p || next.x !== undefined || next.d !== undefined) continue;
      let candidate: string | undefined;
      // Only a record never seen before can be a create that landed before a crash.
      if (orphans.sources.size > 0 && previous === null) {
        const print = fingerprint(next.v, sides[side].createFields);
        candidate = orphans.byFingerprint.get(print);
        if (candidate !== undefined) {
          orphans.byFingerprint.delete(print);
          orphans.sources.delete(candidate);
        }
      }
      candidate ??= next.k ? batch.keyEntries.get(next.k)?.[SIDE_KEYS[target]] : undefined;
      if (candidate !== undefined && candidate !== '') {
        candidates.set(id, candidate);
        partnerIds.push(candidate);
      }
    }
    await loadRecords(batch, target, partnerIds);
    const links = await linksFor(batch, side, changed, partnerIds);

    const tasks: (() => Promise<void>)[] = [];
    const creates: { id: string; state: RecordState }[] = [];
    // Matching keys of the creates of this batch: a second record with one of them would get a
    // duplicate partner, where a later batch would find the first's partner already linked.
    const createdKeys = new Map<string, string>();
    for (const { id, next } of changed) {
      if (next.d !== undefined) {
        handleDelete(batch, side, id, next);
        continue;
      }
      if (next.x !== undefined) {
        storeClean(batch, side, id, next);
        continue;
      }
      const partner = next.p ? batch.records[target].get(next.p) : null;
      if (next.p && partner) {
        if (partner.d !== undefined) {
          // The partner was deleted and its delete is waiting: the delete wins.
          storeClean(batch, side, id, next);
          continue;
        }
        const partnerId = next.p;
        tasks.push(() => syncPair(batch, side, id, next, partnerId, partner, false, links));
        continue;
      }
      const unlinked: RecordState = next.p ? { ...next, p: null } : next;
      const candidateId = candidates.get(id);
      const candidate = candidateId === undefined ? null : (batch.records[target].get(candidateId) ?? null);
      if (
        candidateId !== undefined &&
        candidate !== null &&
        candidate.d === undefined &&
        candidate.x === undefined
      ) {
        if (candidate.p !== null || batch.claimed[target].has(candidateId)) {
          const holder = candidate.p ?? 'another record of this batch';
          fail(
            batch,
            side,
            id,
            new RecordFailure(
              'duplicate_key',
              `The ${SIDE_NAMES[target]} record ${candidateId} with the same ${keyField ?? 'content'} is already linked to ${SIDE_NAMES[side]} record ${holder}.`,
            ),
            unlinked,
          );
          continue;
        }
        batch.claimed[target].add(candidateId);
        tasks.push(() => syncPair(batch, side, id, unlinked, candidateId, candidate, true, links));
        continue;
      }
      if (!sides[target].creates) {
        // One-way sync and this side is the target: nothing is created from it.
        storeClean(batch, side, id, unlinked);
        continue;
      }
      if (context.orphans[target].sources.has(id)) {
        // A create of this record may have landed before a crash: wait until the other side was read again.
        storeDirty(batch, side, id, unlinked);
        continue;
      }
      const first = unlinked.k === undefined ? undefined : createdKeys.get(unlinked.k);
      if (first !== undefined) {
        fail(
          batch,
          side,
          id,
          new RecordFailure(
            'duplicate_key',
            `The ${SIDE_NAMES[side]} record ${first} with the same ${keyField ?? 'content'} is already being linked to a new ${SIDE_NAMES[target]} record.`,
          ),
          unlinked,
        );
        continue;
      }
      if (unlinked.k !== undefined) createdKeys.set(unlinked.k, id);
      creates.push({ id, state: unlinked });
    }
    if (creates.length > 0) {
      // Written before the creates: after a crash, the next run recognises what already landed.
      const items: [SideIndex, string, string][] = [];
      for (const create of creates) {
        let prepared: PreparedCreate;
        try {
          const pending: CompiledField[] = [];
          const values = createValues(definition, target, create.state.v, links, pending);
          prepared = { values, pending };
        } catch (error) {
          // createPartner dead-letters the record.
          prepared = { error };
        }
        if ('values' in prepared) {
          items.push([side, create.id, fingerprint(prepared.values, sides[target].createFields)]);
        }
        tasks.push(() => createPartner(batch, side, create.id, create.state, prepared));
      }
      const intentKey = keys.intent(target, `${context.sequence}:${randomUUID()}`);
      await storage.set(intentKey, { items });
      batch.commit.delete(intentKey);
    }
    await runPool(tasks, context.concurrency);
    await finish(batch);
  }

  async function settle(side: SideIndex, batchSize: number): Promise<void> {
    let chunk: Incoming[] = [];
    for await (const entry of storage.list<DirtyMark>({ prefix: keys.dirtyPrefix(side) })) {
      if (context.sequence > 0 && entry.value.f === context.sequence) continue;
      chunk.push({ kind: 'settle', id: String(entry.key.at(-1)) });
      if (chunk.length >= batchSize) {
        await sync(side, chunk);
        chunk = [];
      }
    }
    if (chunk.length > 0) await sync(side, chunk);
  }

  async function applyDeletes(
    side: SideIndex,
    options: { confirm: boolean; batchSize: number; runId: string },
  ): Promise<number> {
    const pending: [string, PendingDelete][] = [];
    for await (const entry of storage.list<PendingDelete>({ prefix: keys.pendingDeletes(side) })) {
      pending.push([String(entry.key.at(-1)), entry.value]);
    }
    if (pending.length === 0) return 0;
    const linked = (await storage.get<number>(keys.linked())).value ?? 0;
    if (!options.confirm && pending.length > definition.maxDeleteRatio * linked) {
      context.events?.emit('crm.deletes_blocked', {
        syncId: definition.id,
        tenantId: definition.tenantId,
        entity: definition.entity,
        runId: options.runId,
        side: SIDE_NAMES[side],
        count: pending.length,
        linked,
        maxDeleteRatio: definition.maxDeleteRatio,
      });
      context.logger.warn(
        { syncId: definition.id, side: SIDE_NAMES[side], count: pending.length, linked },
        'crm: mass-delete guard held deletes back; run with confirmDeletes to apply them',
      );
      return pending.length;
    }
    const source = other(side);
    for (let start = 0; start < pending.length; start += options.batchSize) {
      const chunk = pending.slice(start, start + options.batchSize);
      const batch = new Batch();
      await loadRecords(
        batch,
        side,
        chunk.map(([id]) => id),
      );
      await loadRecords(
        batch,
        source,
        chunk.map(([, entry]) => entry.source),
      );
      const keyValues: string[] = [];
      for (const [id] of chunk) {
        const key = batch.records[side].get(id)?.k;
        if (key) keyValues.push(key);
      }
      await loadKeyEntries(batch, keyValues);
      const tasks = chunk.map(([id, entry]) => async () => {
        const record = batch.records[side].get(id) ?? null;
        const done = () => {
          batch.commit.delete(keys.pendingDelete(side, id));
          const sourceState = batch.records[source].get(entry.source);
          if (sourceState && sourceState.d !== undefined) removeRecord(batch, source, entry.source);
        };
        if (record === null || record.p !== entry.source) {
          done();
          return;
        }
        try {
          if (entry.action === 'delete') {
            try {
              await writer.remove(sides[side], id);
            } catch (error) {
              const failure = asFailure(error);
              if (failure.reason !== 'not_found') throw failure;
            }
            removeRecord(batch, side, id);
            moveKey(batch, side, id, record.k, undefined);
            count(side, 'deleted');
          } else {
            const result = await writer.upsert(sides[side], { ...(sides[side].archive ?? {}) }, id, ['id']);
            const archived: RecordState = {
              ...record,
              p: null,
              x: 1,
              v: project(result.record, sides[side].fields),
            };
            delete archived.b;
            delete archived.c;
            storeClean(batch, side, id, archived);
            count(side, 'archived');
          }
        } catch (error) {
          fail(batch, side, id, asFailure(error), null);
          return;
        }
        batch.linkedDelta -= 1;
        done();
      });
      await runPool(tasks, context.concurrency);
      await finish(batch);
    }
    return 0;
  }

  return { stage, sync, settle, applyDeletes };
}

const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));

function recordTime(record: Record<string, unknown>): string | null {
  return typeof record.updatedAt === 'string' ? record.updatedAt : null;
}
