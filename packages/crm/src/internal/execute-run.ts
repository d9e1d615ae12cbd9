import { randomUUID } from 'node:crypto';
import {
  CheckpointExpiredError,
  type Clock,
  type EventBus,
  type Logger,
  type Storage,
  scopeStorage,
} from '@salesos/core';
import type { RunCounts, RunOptions, RunSummary } from '../engine/types.ts';
import type { BatchCommit } from './batch-commit.ts';
import {
  type BatchProcessor,
  createBatchProcessor,
  emptyOrphans,
  type Incoming,
  type OrphanIndex,
  toIncoming,
} from './batch-processor.ts';
import { type CompiledDefinition, SIDE_NAMES, type SideIndex } from './compile-definition.ts';
import { acquireLease, type Lease } from './lease.ts';
import { createOverlayStorage } from './overlay-storage.ts';
import { createRecordWriter, type RetrySettings, RunAbort } from './record-writer.ts';
import {
  type CreateIntent,
  emptyCounts,
  type KeyLayout,
  keyLayout,
  PHASES,
  type Phase,
  type RecordState,
  type RunState,
} from './state.ts';
import { createWrittenIndex, type WrittenIndex } from './written-index.ts';

/** What a run needs from the engine. */
export interface RunEnvironment {
  storage: Storage;
  events: EventBus | undefined;
  logger: Logger;
  clock: Clock;
  concurrency: number;
  retry: RetrySettings;
  leaseMs: number;
  batchSize: number;
  owner: string;
}

const isoNow = (clock: Clock) => new Date(clock.now()).toISOString();

/** Loads the creates a crashed run may have made, by the side they were made on. */
async function loadOrphans(storage: Storage, keys: KeyLayout): Promise<[OrphanIndex, OrphanIndex]> {
  const orphans: [OrphanIndex, OrphanIndex] = [emptyOrphans(), emptyOrphans()];
  for (const target of [0, 1] as const) {
    for await (const entry of storage.list<CreateIntent>({ prefix: keys.intents(target) })) {
      for (const [, sourceId, print] of entry.value.items) {
        orphans[target].byFingerprint.set(print, sourceId);
        orphans[target].sources.add(sourceId);
      }
    }
  }
  return orphans;
}

async function deletePrefix(
  storage: Storage,
  prefix: readonly (string | number)[],
  batchSize: number,
): Promise<void> {
  let keys: (readonly (string | number)[])[] = [];
  for await (const entry of storage.list({ prefix })) {
    keys.push(entry.key);
    if (keys.length >= batchSize) {
      const operation = storage.atomic();
      for (const key of keys) operation.delete(key);
      await operation.commit();
      keys = [];
    }
  }
  if (keys.length > 0) {
    const operation = storage.atomic();
    for (const key of keys) operation.delete(key);
    await operation.commit();
  }
}

/** Runs one sync to the end (or to the first failure), resuming a run that stopped. */
export async function executeRun(
  environment: RunEnvironment,
  definition: CompiledDefinition,
  options: RunOptions,
): Promise<RunSummary> {
  const { clock } = environment;
  const dryRun = options.dryRun === true;
  const scoped = scopeStorage(environment.storage, definition.tenantId);
  const storage = dryRun ? createOverlayStorage(scoped) : scoped;
  const keys = keyLayout(definition.prefix);
  const lease: Lease | null = dryRun
    ? null
    : await acquireLease(scoped, keys.lease(), {
        owner: environment.owner,
        leaseMs: environment.leaseMs,
        syncId: definition.id,
      });
  const startedMs = clock.now();
  let state: RunState | undefined;
  let processor: BatchProcessor | undefined;
  // Set by a run that starts with no record state and no key index stored.
  let written: WrittenIndex | null = null;
  const writer = createRecordWriter({ clock, retry: environment.retry, dryRun });
  const events = dryRun ? undefined : environment.events;
  const base = { syncId: definition.id, tenantId: definition.tenantId, entity: definition.entity };

  const summarize = (status: RunSummary['status'], error?: string): RunSummary => {
    const current = state as RunState;
    const finishedMs = clock.now();
    return {
      syncId: definition.id,
      tenantId: definition.tenantId,
      runId: current.runId,
      mode: current.mode,
      dryRun,
      resumed: current.resumed,
      status,
      startedAt: current.startedAt,
      finishedAt: new Date(finishedMs).toISOString(),
      durationMs: finishedMs - startedMs,
      counts: { ...current.counts },
      sides: { left: { ...current.sideCounts[0] }, right: { ...current.sideCounts[1] } },
      complete: { left: current.complete[0], right: current.complete[1] },
      checkpointExpired: { left: current.expired?.[0] ?? false, right: current.expired?.[1] ?? false },
      blockedDeletes: { left: current.blocked[0], right: current.blocked[1] },
      ...(error === undefined ? {} : { error }),
      ...(dryRun ? { plan: writer.plan } : {}),
    };
  };

  try {
    const [saved, savedSequence, leftCursor, rightCursor, savedFieldSet] = await storage.getMany<unknown>([
      keys.run(),
      keys.runSequence(),
      keys.cursor(0),
      keys.cursor(1),
      keys.fieldSet(),
    ]);
    const initialized = leftCursor?.value !== null && rightCursor?.value !== null;
    const fieldSet = JSON.stringify(definition.sides.map((side) => side.fields));
    // A newly mapped field was never read on records nothing changed since: read everything again.
    const remapped = initialized && savedFieldSet?.value !== fieldSet;
    if (remapped) {
      environment.logger.info(
        { syncId: definition.id },
        'crm: the field map changed; this run reads both sides in full',
      );
    }
    const requested = remapped ? 'full' : (options.mode ?? 'incremental');
    const previous = saved?.value as RunState | null;
    if (previous && (previous.mode === 'full' || requested === 'incremental')) {
      state = { ...previous, resumed: true };
    } else {
      const mode = requested === 'full' || !initialized ? 'full' : 'incremental';
      let fresh = true;
      for (const side of [0, 1] as const) {
        for await (const _entry of storage.list({ prefix: keys.records(side) }, { limit: 1 })) fresh = false;
      }
      if (fresh) {
        let keyIndexEmpty = true;
        for await (const _entry of storage.list({ prefix: keys.matchKeys() }, { limit: 1 })) {
          keyIndexEmpty = false;
        }
        // Only this run writes the sync's state while it holds the lease: what it has not
        // written is not there. A resumed run cannot know what the stopped one wrote.
        if (keyIndexEmpty) written = createWrittenIndex();
      }
      state = {
        runId: randomUUID(),
        sequence: ((savedSequence?.value as number | null) ?? 0) + 1,
        mode,
        phase: PHASES[0],
        startedAt: isoNow(clock),
        cursors: mode === 'full' ? [null, null] : [leftCursor?.value as string, rightCursor?.value as string],
        complete: [false, false],
        expired: [false, false],
        batches: 0,
        seenBatches: [0, 0],
        counts: emptyCounts(),
        sideCounts: [emptyCounts(), emptyCounts()],
        blocked: [0, 0],
        resumed: false,
        fresh,
      };
      // A new run replaces one that stopped: its leftovers must not count as this run's.
      await deletePrefix(storage, keys.seenPrefix(0), environment.batchSize);
      await deletePrefix(storage, keys.seenPrefix(1), environment.batchSize);
      const operation = storage.atomic().set(keys.run(), state).set(keys.runSequence(), state.sequence);
      lease?.guard(operation);
      const result = await operation.commit();
      lease?.committed(result);
    }
    const orphans = await loadOrphans(storage, keys);
    if (
      orphans.some((index) => index.sources.size > 0) &&
      PHASES.indexOf(state.phase) > PHASES.indexOf('catch-up-right')
    ) {
      // Creates of a stopped batch may have landed after both sides were read: read them again.
      state.phase = 'catch-up-right';
    }
    const crashedCreates = orphans.map((index) => index.sources.size > 0);
    const run = state;
    run.expired ??= [false, false];
    const expired = run.expired;
    const counts: RunCounts = run.counts;
    // Seen ids only serve delete inference (sides walked in full), which a run starting from an
    // empty state skips.
    const walkedInFull = (side: SideIndex) => run.mode === 'full' || expired[side];
    const seen: [string[] | null, string[] | null] = [
      walkedInFull(0) && !run.fresh ? [] : null,
      walkedInFull(1) && !run.fresh ? [] : null,
    ];
    processor = createBatchProcessor({
      definition,
      storage,
      keys,
      writer,
      clock,
      events,
      logger: environment.logger,
      concurrency: environment.concurrency,
      sequence: run.sequence,
      counts,
      sideCounts: run.sideCounts,
      lease,
      seen,
      onSeen: (commit: BatchCommit, side: SideIndex, ids: string[]) => {
        commit.set(keys.seen(side, run.seenBatches[side]), ids);
        run.seenBatches[side] += 1;
      },
      orphans,
      beforeCommit: (commit: BatchCommit) => commit.set(keys.run(), run),
      written,
    });
    environment.events?.emit('crm.run_started', {
      ...base,
      runId: run.runId,
      mode: run.mode,
      dryRun,
      resumed: run.resumed,
    });
    const progress = (phase: Phase) => {
      run.batches += 1;
      environment.events?.emit('crm.progress', {
        ...base,
        runId: run.runId,
        phase,
        batches: run.batches,
        counts: { ...counts },
      });
    };
    const checkAbort = () => {
      if (options.signal?.aborted)
        throw new RunAbort('The run was aborted.', { cause: options.signal.reason });
    };

    /**
     * The connector cannot resume this side from its checkpoint: walk it from the beginning,
     * as a full run would, and infer its deletes only if that listing completes.
     */
    const expireCheckpoint = (
      side: SideIndex,
      phase: Phase,
      since: string,
      error: CheckpointExpiredError,
    ) => {
      // A side already walked in full keeps that listing's completeness and seen ids.
      if (!walkedInFull(side)) run.complete[side] = false;
      expired[side] = true;
      run.cursors[side] = null;
      if (!run.fresh) seen[side] ??= [];
      environment.logger.warn(
        { syncId: definition.id, side: SIDE_NAMES[side], phase, error: error.message },
        'crm: the connector reported the checkpoint expired; this side is read in full',
      );
      environment.events?.emit('crm.checkpoint_expired', {
        ...base,
        runId: run.runId,
        side: SIDE_NAMES[side],
        phase,
        checkpoint: since,
        ...(error.oldestAvailable === undefined ? {} : { oldestAvailable: error.oldestAvailable }),
        message: error.message,
      });
    };

    const walk = async (
      side: SideIndex,
      phase: Phase,
      handle: (side: SideIndex, changes: Incoming[]) => Promise<void>,
    ) => {
      const entity = definition.sides[side];
      const initialWalk = phase === 'read-right' || phase === 'sync-left';
      let restarted = false;
      for (;;) {
        const since = run.cursors[side] || undefined;
        // Only the listing's own failures can mean an expired checkpoint, not handling a batch.
        let handling = false;
        try {
          for await (const batch of entity.connector.listChanges({ since, signal: options.signal })) {
            handling = true;
            run.cursors[side] = batch.checkpoint;
            if (batch.complete && (initialWalk || restarted)) run.complete[side] = true;
            await handle(
              side,
              batch.changes.map((change) => toIncoming(entity, change)),
            );
            progress(phase);
            checkAbort();
            handling = false;
          }
          return;
        } catch (error) {
          // A listing from the beginning (no `since`) that reports expiry is a failure.
          if (handling || since === undefined || !CheckpointExpiredError.isInstance(error)) throw error;
          expireCheckpoint(side, phase, since, error);
          restarted = true;
        }
      }
    };
    const active = processor;
    const wroteTo = (side: SideIndex) => {
      const counts = run.sideCounts[side];
      return counts.created + counts.updated > 0 || crashedCreates[side];
    };
    const phases: Record<Phase, () => Promise<void>> = {
      'read-right': () => walk(1, 'read-right', active.stage),
      'sync-left': () => walk(0, 'sync-left', active.sync),
      settle: async () => {
        await active.settle(1, environment.batchSize);
        await active.settle(0, environment.batchSize);
      },
      // Reading a side again consumes the echoes of this run's writes to it, so the next run
      // starts past them; a side this run did not write to has none.
      'catch-up-right': async () => {
        if (wroteTo(1)) await walk(1, 'catch-up-right', active.sync);
      },
      'catch-up-left': async () => {
        if (wroteTo(0)) await walk(0, 'catch-up-left', active.sync);
      },
      'settle-again': async () => {
        // Both sides were read after any create a crash may have left behind: what is still
        // unmatched was never created.
        for (const index of orphans) {
          index.byFingerprint.clear();
          index.sources.clear();
        }
        await deletePrefix(storage, keys.intents(0), environment.batchSize);
        await deletePrefix(storage, keys.intents(1), environment.batchSize);
        await active.settle(1, environment.batchSize);
        await active.settle(0, environment.batchSize);
      },
      'infer-deletes': async () => {
        if (run.fresh) return;
        for (const side of [0, 1] as const) {
          if (!walkedInFull(side)) continue;
          if (!run.complete[side]) {
            environment.logger.warn(
              { syncId: definition.id, side: SIDE_NAMES[side] },
              'crm: the listing did not report completion; deletes are not inferred from it',
            );
            continue;
          }
          await inferDeletes(side);
        }
      },
      'apply-deletes': async () => {
        for (const side of [0, 1] as const) {
          run.blocked[side] = await active.applyDeletes(side, {
            confirm: options.confirmDeletes === true,
            batchSize: environment.batchSize,
            runId: run.runId,
          });
        }
      },
    };

    const inferDeletes = async (side: SideIndex) => {
      const seen = new Set<string>();
      for await (const entry of storage.list<string[]>({ prefix: keys.seenPrefix(side) })) {
        for (const id of entry.value) seen.add(id);
      }
      const deletedAt = isoNow(clock);
      let chunk: Incoming[] = [];
      for await (const entry of storage.list<RecordState>({ prefix: keys.records(side) })) {
        const id = String(entry.key.at(-1));
        if (entry.value.d !== undefined || seen.has(id)) continue;
        chunk.push({ kind: 'delete', id, deletedAt });
        if (chunk.length >= environment.batchSize) {
          await active.sync(side, chunk);
          progress('infer-deletes');
          chunk = [];
        }
      }
      if (chunk.length > 0) {
        await active.sync(side, chunk);
        progress('infer-deletes');
      }
    };

    for (let index = PHASES.indexOf(run.phase); index < PHASES.length; index += 1) {
      const phase = PHASES[index] as Phase;
      run.phase = phase;
      checkAbort();
      await phases[phase]();
      const next = PHASES[index + 1];
      if (next !== undefined) {
        run.phase = next;
        const operation = storage.atomic().set(keys.run(), run);
        lease?.guard(operation);
        lease?.committed(await operation.commit());
      }
    }

    const summary = summarize('completed');
    const operation = storage
      .atomic()
      .set(keys.cursor(0), run.cursors[0] ?? '')
      .set(keys.cursor(1), run.cursors[1] ?? '')
      .delete(keys.run())
      .set(keys.lastRun(), summary)
      .set(keys.fieldSet(), fieldSet);
    lease?.guard(operation);
    lease?.committed(await operation.commit());
    await deletePrefix(storage, keys.seenPrefix(0), environment.batchSize);
    await deletePrefix(storage, keys.seenPrefix(1), environment.batchSize);
    environment.events?.emit('crm.run_completed', { ...summary, entity: definition.entity });
    return summary;
  } catch (error) {
    if (state === undefined) throw error;
    const aborted = options.signal?.aborted === true;
    const message = error instanceof Error ? error.message : String(error);
    const summary = summarize(aborted ? 'aborted' : 'failed', aborted ? undefined : message);
    environment.logger.error(
      { syncId: definition.id, runId: state.runId, error: message },
      'crm: run stopped',
    );
    try {
      await storage.set(keys.lastRun(), summary);
    } catch {
      // The storage itself failed: the summary is still answered.
    }
    environment.events?.emit('crm.run_completed', { ...summary, entity: definition.entity });
    return summary;
  } finally {
    await lease?.release().catch(() => undefined);
  }
}
