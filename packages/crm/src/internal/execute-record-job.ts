import { scopeStorage } from '@salesos/core';
import { createBatchProcessor, emptyOrphans, type Incoming, toIncoming } from './batch-processor.ts';
import { type CompiledDefinition, other, SIDE_NAMES, type SideIndex } from './compile-definition.ts';
import type { RunEnvironment } from './execute-run.ts';
import { acquireLease } from './lease.ts';
import type { RecordJobData } from './parse-record-job.ts';
import { createRecordWriter, RunAbort } from './record-writer.ts';
import { emptyCounts, type KeyEntry, keyLayout, type RecordState } from './state.ts';
import { normaliseKey, project, sameValues, timeOf } from './values.ts';

/**
 * Syncs one changed record (from a webhook) with its partner. The partner is read fresh from
 * its system first, so a change there that no run has seen yet is compared, not overwritten.
 * Older versions than the one already seen are ignored, whatever order deliveries arrive in.
 */
export async function executeRecordJob(
  environment: RunEnvironment,
  definition: CompiledDefinition,
  data: RecordJobData,
): Promise<void> {
  const side: SideIndex = data.side === 'left' ? 0 : 1;
  const target = other(side);
  const storage = scopeStorage(environment.storage, definition.tenantId);
  const keys = keyLayout(definition.prefix);
  const lease = await acquireLease(storage, keys.lease(), {
    owner: environment.owner,
    leaseMs: environment.leaseMs,
    syncId: definition.id,
  });
  try {
    const counts = emptyCounts();
    const processor = createBatchProcessor({
      definition,
      storage,
      keys,
      writer: createRecordWriter({ clock: environment.clock, retry: environment.retry, dryRun: false }),
      clock: environment.clock,
      events: environment.events,
      logger: environment.logger,
      concurrency: 1,
      sequence: 0,
      counts,
      sideCounts: [emptyCounts(), emptyCounts()],
      lease,
      seen: [null, null],
      orphans: [emptyOrphans(), emptyOrphans()],
    });
    let incoming: Incoming = toIncoming(definition.sides[side], data.change);
    const own = (await storage.get<RecordState>(keys.record(side, incoming.id))).value;
    if (incoming.kind === 'delete' && own !== null && own.d === undefined) {
      incoming = await confirmDelete(environment, definition, side, incoming, own);
    }
    if (incoming.kind === 'upsert' && own !== null && own.d === undefined) {
      const stale =
        timeOf(incoming.updatedAt) !== Number.NEGATIVE_INFINITY && timeOf(incoming.updatedAt) < timeOf(own.t);
      // Our own write coming back, a repeated delivery, or an older version: nothing to do.
      if (stale || sameValues(own.v, incoming.values, definition.sides[side].fields)) return;
    }
    let partnerId = own?.p ?? null;
    if (partnerId === null && incoming.kind === 'upsert' && definition.matchBy !== null) {
      const key = own?.k ?? normaliseKey(incoming.values[definition.matchBy]);
      if (key) {
        const entry = (await storage.get<KeyEntry>(keys.matchKey(key))).value;
        partnerId = (target === 0 ? entry?.l : entry?.r) ?? null;
      }
    }
    if (partnerId !== null && incoming.kind === 'upsert') {
      const fresh = (await definition.sides[target].connector.get(partnerId)) as Record<
        string,
        unknown
      > | null;
      const now = new Date(environment.clock.now()).toISOString();
      const partnerChange: Incoming =
        fresh === null
          ? { kind: 'delete', id: partnerId, deletedAt: now }
          : toIncoming(definition.sides[target], {
              type: 'upsert',
              id: partnerId,
              record: fresh,
              updatedAt: typeof fresh.updatedAt === 'string' ? fresh.updatedAt : now,
            });
      if (partnerChange.kind === 'delete') await processor.sync(target, [partnerChange]);
      else await processor.stage(target, [partnerChange]);
    }
    await processor.sync(side, [incoming]);
    await processor.applyDeletes(target, {
      confirm: true,
      batchSize: environment.batchSize,
      runId: 'webhook',
    });
    await processor.applyDeletes(side, { confirm: true, batchSize: environment.batchSize, runId: 'webhook' });
    if (counts.failed > 0) {
      environment.logger.warn(
        { syncId: definition.id, id: incoming.id },
        'crm: webhook change failed; see dead letters',
      );
    }
  } catch (error) {
    if (error instanceof RunAbort) throw error.cause ?? error;
    throw error;
  } finally {
    await lease.release().catch(() => undefined);
  }
}

/**
 * A webhook's event type is not always covered by its signature (SalesLoft signs the body
 * only), so a genuine update replayed under a delete event would pass verification. A delete
 * is applied only when the system confirms the record is gone; otherwise the record is
 * synced as it is now.
 */
async function confirmDelete(
  environment: RunEnvironment,
  definition: CompiledDefinition,
  side: SideIndex,
  incoming: Extract<Incoming, { kind: 'delete' }>,
  own: RecordState,
): Promise<Incoming> {
  const current = (await definition.sides[side].connector.get(incoming.id)) as Record<string, unknown> | null;
  if (current === null) return incoming;
  const details = {
    syncId: definition.id,
    tenantId: definition.tenantId,
    entity: definition.entity,
    side: SIDE_NAMES[side],
    id: incoming.id,
    deletedAt: incoming.deletedAt,
  };
  environment.events?.emit('crm.delete_unconfirmed', details);
  environment.logger.warn(
    details,
    'crm: a webhook reported a delete but the record still exists in its system; it is synced as it is, not deleted',
  );
  return {
    kind: 'upsert',
    id: incoming.id,
    values: project(current, definition.sides[side].fields),
    updatedAt: typeof current.updatedAt === 'string' ? current.updatedAt : own.t,
  };
}
