import type { MemoryConnector, Person } from '@salesos/core';
import { createTestClock } from '@salesos/core/testing';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createMemorySync, peopleDefinition } from '../__fixtures__/memory-sync.ts';

type Side = 'left' | 'right';
type Policy = 'last-write-wins' | 'left-wins' | 'right-wins';
const FIELDS = ['firstName', 'lastName', 'title'] as const;
type Field = (typeof FIELDS)[number];
type Values = Record<Field, string | null>;

type Operation =
  | { kind: 'create'; side: Side; values: Values; shared: boolean }
  | { kind: 'edit'; side: Side; pick: number; field: Field; value: string | null }
  | { kind: 'delete'; side: Side; pick: number }
  | { kind: 'tick'; ms: number }
  | { kind: 'sync'; mode: 'incremental' | 'full' };

const value = fc.constantFrom('a', 'b', 'c', null);
const side = fc.constantFrom<Side>('left', 'right');
const values = fc.record({ firstName: value, lastName: value, title: value });
const operation: fc.Arbitrary<Operation> = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.record({ kind: fc.constant('create' as const), side, values, shared: fc.boolean() }),
  },
  {
    weight: 5,
    arbitrary: fc.record({
      kind: fc.constant('edit' as const),
      side,
      pick: fc.nat(),
      field: fc.constantFrom(...FIELDS),
      value,
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('delete' as const), side, pick: fc.nat() }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('tick' as const), ms: fc.constantFrom(0, 1000) }) },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('sync' as const),
      mode: fc.constantFrom('incremental' as const, 'full' as const),
    }),
  },
);

/** What one system holds of one logical record (by email). */
interface Copy {
  id: string;
  values: Values;
  /** `updatedAt` in ms. */
  at: number;
}

/** The expected outcome, kept by the rules the engine documents. */
interface ModelRecord {
  email: string;
  copies: { left?: Copy | undefined; right?: Copy | undefined };
  /** Values both sides agreed on at the last sync; `null` before the first one. */
  base: Values | null;
  /** Whether a side deleted it (once it was synced). */
  gone: boolean;
}

const blank = (item: string | null) => item === null || item === '';

function expectedAfterSync(model: ModelRecord[], policy: Policy, now: number): void {
  for (const record of model) {
    const { left, right } = record.copies;
    if (record.gone) continue;
    if (record.base !== null && (!left || !right)) {
      // Linked and deleted on one side: the delete wins and propagates.
      record.gone = true;
      record.copies = {};
      continue;
    }
    if (!left && !right) continue;
    if (!left || !right) {
      const source = (left ?? right) as Copy;
      const target: Side = left ? 'right' : 'left';
      record.copies[target] = { id: '', values: { ...source.values }, at: now };
      record.base = { ...source.values };
      continue;
    }
    const merged = { ...left.values };
    let leftWritten = false;
    let rightWritten = false;
    for (const field of FIELDS) {
      const leftValue = left.values[field];
      const rightValue = right.values[field];
      if (leftValue === rightValue) continue;
      const first = record.base === null;
      const leftChanged = first || leftValue !== record.base?.[field];
      const rightChanged = first || rightValue !== record.base?.[field];
      let winner: Side;
      if (leftChanged && !rightChanged) winner = 'left';
      else if (rightChanged && !leftChanged) winner = 'right';
      else if (first && blank(leftValue) !== blank(rightValue)) winner = blank(rightValue) ? 'left' : 'right';
      else if (policy === 'left-wins') winner = 'left';
      else if (policy === 'right-wins') winner = 'right';
      else winner = right.at > left.at ? 'right' : 'left';
      merged[field] = winner === 'left' ? leftValue : rightValue;
      if (winner === 'left') rightWritten = true;
      else leftWritten = true;
    }
    record.copies = {
      left: { ...left, values: { ...merged }, at: leftWritten ? now : left.at },
      right: { ...right, values: { ...merged }, at: rightWritten ? now : right.at },
    };
    record.base = { ...merged };
  }
}

function snapshot(connector: MemoryConnector): Map<string, Values> {
  const result = new Map<string, Values>();
  for (const person of connector.remote.person.all()) {
    const email = String(person.email);
    expect(result.has(email), `duplicate ${email} in ${connector.id}`).toBe(false);
    result.set(email, {
      firstName: person.firstName ?? null,
      lastName: person.lastName ?? null,
      title: person.title ?? null,
    });
  }
  return result;
}

function expectedSnapshot(model: ModelRecord[], which: Side): Map<string, Values> {
  const result = new Map<string, Values>();
  for (const record of model) {
    const copy = record.copies[which];
    if (copy && !record.gone) result.set(record.email, copy.values);
  }
  return result;
}

describe('engine.run (property)', () => {
  it('converges both sides as the policy says, with no duplicates, no losses, and a second run writes nothing', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(operation, { minLength: 1, maxLength: 40 }),
        fc.constantFrom<Policy>('last-write-wins', 'left-wins', 'right-wins'),
        fc.integer({ min: 1, max: 5 }),
        async (operations, policy, pageSize) => {
          const clock = createTestClock();
          const sync = createMemorySync({ clock, pageSize });
          const connectors = { left: sync.left, right: sync.right };
          sync.engine.define(
            peopleDefinition(sync.left, sync.right, { conflictPolicy: policy, maxDeleteRatio: 1 }),
          );
          const model: ModelRecord[] = [];
          let emails = 0;
          const alive = (which: Side) => model.filter((record) => !record.gone && record.copies[which]);
          const check = () => {
            expect(snapshot(sync.left)).toEqual(expectedSnapshot(model, 'left'));
            expect(snapshot(sync.right)).toEqual(expectedSnapshot(model, 'right'));
          };
          const run = async (mode: 'incremental' | 'full') => {
            const summary = await sync.engine.run('people', { mode });
            expect(summary.status, summary.error).toBe('completed');
            expect(summary.counts.failed).toBe(0);
            expectedAfterSync(model, policy, clock.now());
            // Ids of copies the engine created.
            for (const which of ['left', 'right'] as const) {
              for (const person of connectors[which].remote.person.all()) {
                const record = model.find((item) => item.email === person.email);
                const copy = record?.copies[which];
                if (copy) copy.id = person.id;
              }
            }
            check();
          };

          for (const step of operations) {
            if (step.kind === 'tick') await clock.advance(step.ms);
            else if (step.kind === 'sync') await run(step.mode);
            else if (step.kind === 'create') {
              const other: Side = step.side === 'left' ? 'right' : 'left';
              const partnerless = model.find(
                (record) =>
                  !record.gone && record.base === null && record.copies[other] && !record.copies[step.side],
              );
              if (!(step.shared && partnerless)) emails += 1;
              const record =
                step.shared && partnerless
                  ? partnerless
                  : { email: `u${emails}@acme.com`, copies: {}, base: null, gone: false };
              if (record !== partnerless) model.push(record);
              const created: Person = connectors[step.side].remote.person.put({
                email: record.email,
                ...step.values,
              });
              record.copies[step.side] = { id: created.id, values: { ...step.values }, at: clock.now() };
            } else {
              const candidates = alive(step.side);
              if (candidates.length === 0) continue;
              const record = candidates[step.pick % candidates.length] as ModelRecord;
              const copy = record.copies[step.side] as Copy;
              if (step.kind === 'delete') {
                connectors[step.side].remote.person.delete(copy.id);
                record.copies[step.side] = undefined;
                if (record.base === null && !record.copies.left && !record.copies.right) record.gone = true;
              } else {
                const current = connectors[step.side].remote.person.get(copy.id);
                connectors[step.side].remote.person.put({ ...current, [step.field]: step.value });
                copy.values = { ...copy.values, [step.field]: step.value };
                copy.at = clock.now();
              }
            }
          }
          await clock.advance(1000);
          await run('incremental');
          sync.left.resetCalls();
          sync.right.resetCalls();
          const again = await sync.engine.run('people');
          expect(again.counts).toMatchObject({ created: 0, updated: 0, deleted: 0, failed: 0 });
          const writes = (connector: MemoryConnector) =>
            connector.calls.person.upsert + connector.calls.person.delete;
          expect(writes(sync.left) + writes(sync.right)).toBe(0);
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe('engine.run (property, manual review)', () => {
  it('leaves every field either agreed or stored for review with both current values, and a second run writes nothing', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(operation, { minLength: 1, maxLength: 30 }), async (operations) => {
        const clock = createTestClock();
        const sync = createMemorySync({ clock, pageSize: 3 });
        const connectors = { left: sync.left, right: sync.right };
        sync.engine.define(
          peopleDefinition(sync.left, sync.right, { conflictPolicy: 'manual', maxDeleteRatio: 1 }),
        );
        let emails = 0;
        const pick = (which: Side, index: number) => {
          const people = connectors[which].remote.person.all();
          return people.length === 0 ? undefined : people[index % people.length];
        };
        for (const step of operations) {
          if (step.kind === 'tick') await clock.advance(step.ms);
          else if (step.kind === 'sync')
            expect((await sync.engine.run('people', { mode: step.mode })).status).toBe('completed');
          else if (step.kind === 'create') {
            emails += 1;
            connectors[step.side].remote.person.put({ email: `m${emails}@acme.com`, ...step.values });
          } else {
            const person = pick(step.side, step.pick);
            if (!person) continue;
            if (step.kind === 'delete') connectors[step.side].remote.person.delete(person.id);
            else connectors[step.side].remote.person.put({ ...person, [step.field]: step.value });
          }
        }
        await clock.advance(1000);
        expect((await sync.engine.run('people')).status).toBe('completed');
        const left = snapshot(sync.left);
        const right = snapshot(sync.right);
        expect([...left.keys()].sort()).toEqual([...right.keys()].sort());
        const conflicts = await sync.engine.listConflicts('people');
        for (const [email, values] of left) {
          const other = right.get(email) as Values;
          for (const field of FIELDS) {
            if (values[field] === other[field]) continue;
            const leftId = sync.left.remote.person.all().find((person) => person.email === email)?.id;
            const stored = conflicts.find(
              (conflict) => conflict.leftId === leftId && conflict.leftField === field,
            );
            expect(stored, `${email}.${field} differs without a stored conflict`).toBeDefined();
            expect([stored?.leftValue, stored?.rightValue]).toEqual([values[field], other[field]]);
          }
        }
        sync.left.resetCalls();
        sync.right.resetCalls();
        const again = await sync.engine.run('people');
        expect(again.counts).toMatchObject({ created: 0, updated: 0, deleted: 0, failed: 0 });
      }),
      { numRuns: 150 },
    );
  });
});
