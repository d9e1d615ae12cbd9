import { ConfigError, scopeStorage } from '@salesos/core';
import type { ConflictResolution, SyncConflict } from '../engine/types.ts';
import { type CompiledDefinition, SIDE_NAMES } from './compile-definition.ts';
import type { RunEnvironment } from './execute-run.ts';
import { acquireLease } from './lease.ts';
import { createRecordWriter } from './record-writer.ts';
import { loadReferenceLinks, UNLINKED } from './references.ts';
import { keyLayout, type RecordState } from './state.ts';
import { project, sameValues, valuesEqual } from './values.ts';

/** Settles a stored conflict: writes the chosen value where it differs, then clears the conflict. */
export async function resolveStoredConflict(
  environment: RunEnvironment,
  definition: CompiledDefinition,
  conflictId: string,
  resolution: ConflictResolution,
): Promise<void> {
  const winner = 'winner' in resolution ? resolution.winner : undefined;
  if (winner !== undefined && winner !== 'left' && winner !== 'right') {
    throw new ConfigError(
      `resolveConflict: "winner" must be "left" or "right" (got ${JSON.stringify(winner)}).`,
    );
  }
  if (winner === undefined && !('value' in resolution)) {
    throw new ConfigError('resolveConflict: give { winner: "left" | "right" } or { value }.');
  }
  const storage = scopeStorage(environment.storage, definition.tenantId);
  const keys = keyLayout(definition.prefix);
  const lease = await acquireLease(storage, keys.lease(), {
    owner: environment.owner,
    leaseMs: environment.leaseMs,
    syncId: definition.id,
  });
  try {
    const conflict = (await storage.get<SyncConflict>(keys.conflict(conflictId))).value;
    if (conflict === null) {
      throw new ConfigError(`Sync "${definition.id}" has no conflict "${conflictId}" waiting for review.`);
    }
    const field = definition.fields.find(
      (candidate) =>
        candidate.fields[0] === conflict.leftField && candidate.fields[1] === conflict.rightField,
    );
    const [leftEntry, rightEntry] = await storage.getMany<RecordState>([
      keys.record(0, conflict.leftId),
      keys.record(1, conflict.rightId),
    ]);
    const records = [leftEntry?.value ?? null, rightEntry?.value ?? null] as const;
    if (field === undefined || records[0] === null || records[1] === null) {
      // The mapping or the pair is gone: nothing is left to settle.
      lease.committed(await lease.guard(storage.atomic().delete(keys.conflict(conflictId))).commit());
      return;
    }
    const ids = [conflict.leftId, conflict.rightId] as const;
    const stored: readonly [RecordState, RecordState] = [records[0], records[1]];
    const currentValues = [
      stored[0].v[field.fields[0]] ?? null,
      stored[1].v[field.fields[1]] ?? null,
    ] as const;
    const given = 'value' in resolution ? { [field.fields[0]]: resolution.value } : {};
    const links = await loadReferenceLinks(storage, definition, [[stored[0].v, given], [stored[1].v]]);
    // A value for the other side: transformed, and for a reference, in the other side's ids.
    const convert = (from: 0 | 1, value: unknown) => {
      const transform = field.transforms[from];
      const converted = transform
        ? transform(value, { from: SIDE_NAMES[from], values: stored[from].v })
        : value;
      if (!field.reference) return converted;
      const translated = links.translate(field, from, converted);
      if (translated !== UNLINKED) return translated;
      throw new ConfigError(
        `resolveConflict: ${JSON.stringify(converted)} of the ${SIDE_NAMES[from]} "${field.fields[from]}" refers to a ${field.reference.entity} not linked to the other side yet; run the ${field.reference.entity} sync first.`,
      );
    };
    let wanted: [unknown, unknown];
    if (winner === 'left') wanted = [currentValues[0], convert(0, currentValues[0])];
    else if (winner === 'right') wanted = [convert(1, currentValues[1]), currentValues[1]];
    else {
      const value = (resolution as { value: unknown }).value;
      wanted = [value, convert(0, value)];
    }
    const writer = createRecordWriter({ clock: environment.clock, retry: environment.retry, dryRun: false });
    const states: [RecordState, RecordState] = [{ ...stored[0] }, { ...stored[1] }];
    for (const side of [0, 1] as const) {
      if (valuesEqual(wanted[side], currentValues[side])) continue;
      const sideConfig = definition.sides[side];
      const result = await writer.upsert(sideConfig, { [field.fields[side]]: wanted[side] }, ids[side], [
        'id',
      ]);
      states[side].v = project(result.record, sideConfig.fields);
      if (typeof result.record.updatedAt === 'string') states[side].t = result.record.updatedAt;
    }
    for (const side of [0, 1] as const) {
      const state = states[side];
      if (state.b) {
        const base = { ...state.b, [field.fields[side]]: state.v[field.fields[side]] ?? null };
        if (sameValues(base, state.v, definition.sides[side].fields)) delete state.b;
        else state.b = base;
      }
    }
    const open = (states[0].c ?? []).filter((name) => name !== field.name);
    if (open.length > 0) states[0].c = open;
    else delete states[0].c;
    const result = await lease
      .guard(storage.atomic())
      .set(keys.record(0, ids[0]), states[0])
      .set(keys.record(1, ids[1]), states[1])
      .delete(keys.conflict(conflictId))
      .commit();
    lease.committed(result);
  } finally {
    await lease.release().catch(() => undefined);
  }
}
