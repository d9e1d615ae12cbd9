import { randomUUID } from 'node:crypto';
import { ConfigError, type EntityType, noopLogger, scopeStorage, systemClock } from '@salesos/core';
import type { SyncDefinition, SyncSide } from '../definition/sync-definition.ts';
import '../events.ts';
import { type CompiledDefinition, compileDefinition } from '../internal/compile-definition.ts';
import { executeRecordJob } from '../internal/execute-record-job.ts';
import { executeRun, type RunEnvironment } from '../internal/execute-run.ts';
import { parseRecordJob, type RecordJobData } from '../internal/parse-record-job.ts';
import { referencedPrefix } from '../internal/references.ts';
import { resolveStoredConflict } from '../internal/resolve-conflict.ts';
import { keyLayout } from '../internal/state.ts';
import type {
  RunSummary,
  SyncConflict,
  SyncDeadLetter,
  SyncEngine,
  SyncEngineOptions,
  SyncStatus,
} from './types.ts';

const positiveInteger = (value: number | undefined, fallback: number, name: string): number => {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < 1)
    throw new ConfigError(`createSyncEngine: "${name}" must be a positive integer.`);
  return value;
};

/**
 * Creates the bi-directional sync engine. It keeps two systems' people, companies or deals in
 * agreement through their `Connector`s, keeping its state (id maps, cursors, checkpoints,
 * conflicts, dead letters) in `storage` and taking webhook-driven work through `queue`.
 *
 * @example
 * ```ts
 * import { createMemoryQueue, createMemoryStorage } from '@salesos/core';
 * import { createSyncEngine } from '@salesos/crm';
 *
 * const engine = createSyncEngine({ storage: createMemoryStorage(), queue: createMemoryQueue() });
 * engine.define({
 *   id: 'people',
 *   tenantId: 'acme',
 *   left: salesloft,
 *   right: attio,
 *   entity: 'person',
 *   direction: 'both',
 *   fieldMap: [
 *     { left: 'email', right: 'email' },
 *     { left: 'firstName', right: 'firstName' },
 *     { left: 'title', right: 'title', owner: 'left' },
 *   ],
 *   conflictPolicy: 'last-write-wins',
 *   deletePolicy: 'ignore',
 * });
 * const summary = await engine.run('people'); // first run: full backfill
 * console.log(summary.counts); // { seen, created, updated, skipped, failed, conflicts, ... }
 * ```
 */
export function createSyncEngine(options: SyncEngineOptions): SyncEngine {
  if (typeof options !== 'object' || options === null)
    throw new ConfigError('createSyncEngine: options are required.');
  if (!options.storage)
    throw new ConfigError(
      'createSyncEngine: "storage" is required (a Storage from @salesos/core or an adapter).',
    );
  if (!options.queue)
    throw new ConfigError(
      'createSyncEngine: "queue" is required (a Queue from @salesos/core or an adapter).',
    );
  const environment: RunEnvironment = {
    storage: options.storage,
    events: options.events,
    logger: options.logger ?? noopLogger,
    clock: options.clock ?? systemClock,
    concurrency: positiveInteger(options.concurrency, 8, 'concurrency'),
    retry: {
      attempts: positiveInteger(options.retry?.attempts, 3, 'retry.attempts'),
      delayMs: options.retry?.delayMs ?? 500,
      maxDelayMs: options.retry?.maxDelayMs ?? 10_000,
    },
    leaseMs: positiveInteger(options.leaseMs, 60_000, 'leaseMs'),
    batchSize: positiveInteger(options.batchSize, 500, 'batchSize'),
    owner: randomUUID(),
  };
  const queueName = options.queueName ?? 'crm.sync-record';
  const definitions = new Map<string, CompiledDefinition>();
  const pairs = new Map<string, string>();
  const tails = new Map<string, Promise<unknown>>();

  /** Runs `work` after every earlier run, job or resolution of the same sync in this process. */
  const exclusive = <T>(syncId: string, work: () => Promise<T>): Promise<T> => {
    const previous = tails.get(syncId) ?? Promise.resolve();
    const result = previous.then(work, work);
    const tail = result.then(
      () => undefined,
      () => undefined,
    );
    tails.set(syncId, tail);
    void tail.then(() => {
      if (tails.get(syncId) === tail) tails.delete(syncId);
    });
    return result;
  };

  const definitionOf = (syncId: string): CompiledDefinition => {
    const definition = definitions.get(syncId);
    if (!definition) {
      throw new ConfigError(
        `No sync "${String(syncId)}" is defined: call engine.define({ id: ${JSON.stringify(syncId)}, ... }) first.`,
      );
    }
    return definition;
  };

  const pairKey = (tenantId: string, prefix: readonly string[]) => JSON.stringify([tenantId, ...prefix]);

  /**
   * A sync that maps reference fields needs the syncs of the referenced entities (same tenant,
   * same left and right connectors): their id maps translate the ids.
   */
  const requireReferencedSyncs = (definition: CompiledDefinition): void => {
    definition.fields.forEach((field, position) => {
      const entity = field.reference?.entity;
      if (
        entity === undefined ||
        pairs.has(pairKey(definition.tenantId, referencedPrefix(definition, entity)))
      ) {
        return;
      }
      const [left, right] = definition.sides.map((side) => side.connectorId);
      throw new ConfigError(
        `Sync "${definition.id}": fieldMap[${position}] maps "${field.fields[0]}", which holds ${entity} ids, but no ${entity} sync of tenant "${definition.tenantId}" between "${left}" (left) and "${right}" (right) is defined; define one (entity: '${entity}', the same left and right connectors) so its id map translates the ids.`,
      );
    });
  };

  /** The definition of a sync ready to run: defined, with the syncs its references need. */
  const runnable = (syncId: string): CompiledDefinition => {
    const definition = definitionOf(syncId);
    requireReferencedSyncs(definition);
    return definition;
  };

  options.queue.process<unknown>(queueName, async (job) => {
    // Jobs come from storage anyone may write to: nothing malformed is applied.
    const { definition, data } = parseRecordJob(job.id, job.data, definitionOf);
    requireReferencedSyncs(definition);
    await exclusive(definition.id, () => executeRecordJob(environment, definition, data));
  });

  const listValues = async <T>(
    definition: CompiledDefinition,
    prefixes: readonly (readonly (string | number)[])[],
  ) => {
    const storage = scopeStorage(environment.storage, definition.tenantId);
    const values: T[] = [];
    for (const prefix of prefixes) {
      for await (const entry of storage.list<T>({ prefix })) values.push(entry.value);
    }
    return values;
  };

  const countEntries = async (
    definition: CompiledDefinition,
    prefixes: readonly (readonly (string | number)[])[],
  ) => {
    const storage = scopeStorage(environment.storage, definition.tenantId);
    let total = 0;
    for (const prefix of prefixes) {
      for await (const _entry of storage.list({ prefix })) total += 1;
    }
    return total;
  };

  return {
    define(definition) {
      const compiled = compileDefinition(definition as unknown as SyncDefinition<EntityType>);
      if (definitions.has(compiled.id)) throw new ConfigError(`Sync "${compiled.id}" is already defined.`);
      const pair = pairKey(compiled.tenantId, compiled.prefix);
      const holder = pairs.get(pair);
      if (holder !== undefined) {
        throw new ConfigError(
          `Sync "${compiled.id}": sync "${holder}" already syncs ${compiled.entity} between "${compiled.sides[0].connectorId}" and "${compiled.sides[1].connectorId}" for tenant "${compiled.tenantId}"; they would share one id map.`,
        );
      }
      definitions.set(compiled.id, compiled);
      pairs.set(pair, compiled.id);
    },

    async run(syncId, runOptions = {}): Promise<RunSummary> {
      const definition = runnable(syncId);
      if (runOptions.mode !== undefined && runOptions.mode !== 'full' && runOptions.mode !== 'incremental') {
        throw new ConfigError(
          `engine.run: "mode" must be "full" or "incremental" (got ${JSON.stringify(runOptions.mode)}).`,
        );
      }
      return exclusive(syncId, () => executeRun(environment, definition, runOptions));
    },

    async status(syncId): Promise<SyncStatus> {
      const definition = definitionOf(syncId);
      const storage = scopeStorage(environment.storage, definition.tenantId);
      const keys = keyLayout(definition.prefix);
      const [run, cursor, lastRun, linked] = await storage.getMany<unknown>([
        keys.run(),
        keys.cursor(0),
        keys.lastRun(),
        keys.linked(),
      ]);
      return {
        syncId,
        tenantId: definition.tenantId,
        entity: definition.entity,
        state: tails.has(syncId) ? 'running' : run?.value ? 'interrupted' : 'idle',
        initialized: cursor?.value !== null && cursor?.value !== undefined,
        linked: (linked?.value as number | null) ?? 0,
        conflicts: await countEntries(definition, [keys.conflicts()]),
        deadLetters: await countEntries(definition, [keys.deadLetters(0), keys.deadLetters(1)]),
        pendingDeletes: await countEntries(definition, [keys.pendingDeletes(0), keys.pendingDeletes(1)]),
        lastRun: (lastRun?.value as RunSummary | null) ?? null,
      };
    },

    async listConflicts(syncId): Promise<SyncConflict[]> {
      const definition = definitionOf(syncId);
      const conflicts = await listValues<SyncConflict>(definition, [
        keyLayout(definition.prefix).conflicts(),
      ]);
      return conflicts.sort((left, right) => left.detectedAt.localeCompare(right.detectedAt));
    },

    async resolveConflict(syncId, conflictId, resolution) {
      const definition = runnable(syncId);
      if (typeof resolution !== 'object' || resolution === null) {
        throw new ConfigError('resolveConflict: give { winner: "left" | "right" } or { value }.');
      }
      return exclusive(syncId, () => resolveStoredConflict(environment, definition, conflictId, resolution));
    },

    async listDeadLetters(syncId): Promise<SyncDeadLetter[]> {
      const definition = definitionOf(syncId);
      const keys = keyLayout(definition.prefix);
      return listValues<SyncDeadLetter>(definition, [keys.deadLetters(0), keys.deadLetters(1)]);
    },

    async handleWebhook(syncId, side: SyncSide, payload, headers) {
      const definition = runnable(syncId);
      if (side !== 'left' && side !== 'right') {
        throw new ConfigError(
          `handleWebhook: "side" must be "left" or "right" (got ${JSON.stringify(side)}).`,
        );
      }
      const connector = definition.sides[side === 'left' ? 0 : 1].connector;
      const changes = await connector.parseWebhook(payload, headers);
      let enqueued = 0;
      for (const change of changes) {
        const version = change.type === 'upsert' ? change.updatedAt : change.deletedAt;
        const added = await options.queue.add<RecordJobData>(
          queueName,
          { syncId, side, change },
          {
            jobId: `${definition.tenantId}:${syncId}:${side}:${change.type}:${change.id}:${version}`,
            attempts: 10,
            backoff: { type: 'exponential', delayMs: 500, maxDelayMs: 30_000 },
          },
        );
        if (added.added) enqueued += 1;
      }
      return { enqueued, changes: changes.length };
    },
  };
}
