import { createMemoryConnector } from '@salesos/core';
import { describe, expect, it } from 'vitest';
import type { SyncDefinition } from '../definition/sync-definition.ts';
import { compileDefinition } from './compile-definition.ts';
import { createValues, decidePair, type SideView } from './decide-pair.ts';

const left = createMemoryConnector({ id: 'left' });
const right = createMemoryConnector({ id: 'right' });

function compile(overrides: Partial<SyncDefinition<'person'>> = {}) {
  return compileDefinition({
    id: 'people',
    tenantId: 'acme',
    left,
    right,
    entity: 'person',
    direction: 'both',
    fieldMap: [
      { left: 'email', right: 'email' },
      { left: 'title', right: 'title' },
      { left: 'firstName', right: 'firstName' },
    ],
    conflictPolicy: 'last-write-wins',
    deletePolicy: 'ignore',
    ...overrides,
  } as SyncDefinition);
}

const view = (
  current: Record<string, unknown>,
  base: Record<string, unknown> | null,
  updatedAt = 0,
): SideView => ({
  current,
  base,
  updatedAt,
});

describe('decidePair', () => {
  const base = { email: 'ada@x.com', title: 'CTO', firstName: 'Ada' };

  it('sends a field changed on one side to the other, and only that field', () => {
    const decision = decidePair(compile(), [view({ ...base, title: 'CEO' }, base), view(base, base)]);
    expect(decision.writes).toEqual([null, { title: 'CEO' }]);
    expect(decision.conflicts).toEqual([]);
  });

  it('merges different fields changed on each side without a conflict', () => {
    const decision = decidePair(compile(), [
      view({ ...base, title: 'CEO' }, base, 1),
      view({ ...base, firstName: 'Augusta' }, base, 2),
    ]);
    expect(decision.writes).toEqual([{ firstName: 'Augusta' }, { title: 'CEO' }]);
    expect(decision.conflicts).toEqual([]);
  });

  it('writes nothing when both sides made the same change', () => {
    const decision = decidePair(compile(), [
      view({ ...base, title: 'CEO' }, base),
      view({ ...base, title: 'CEO' }, base),
    ]);
    expect(decision.writes).toEqual([null, null]);
    expect(decision.conflicts).toEqual([]);
  });

  it('lets the later record win a conflict under last-write-wins, the left on a tie', () => {
    const definition = compile();
    const later = decidePair(definition, [
      view({ ...base, title: 'L' }, base, 5),
      view({ ...base, title: 'R' }, base, 9),
    ]);
    expect(later.writes).toEqual([{ title: 'R' }, null]);
    expect(later.conflicts.map((conflict) => conflict.winner)).toEqual([1]);
    const tie = decidePair(definition, [
      view({ ...base, title: 'L' }, base, 5),
      view({ ...base, title: 'R' }, base, 5),
    ]);
    expect(tie.writes).toEqual([null, { title: 'L' }]);
  });

  it('follows left-wins and right-wins whatever the timestamps', () => {
    const views: [SideView, SideView] = [
      view({ ...base, title: 'L' }, base, 1),
      view({ ...base, title: 'R' }, base, 9),
    ];
    expect(decidePair(compile({ conflictPolicy: 'left-wins' }), views).writes).toEqual([
      null,
      { title: 'L' },
    ]);
    expect(decidePair(compile({ conflictPolicy: 'right-wins' }), views).writes).toEqual([
      { title: 'R' },
      null,
    ]);
  });

  it('gives a conflict to the field owner, and falls back to the last write for fields without one', () => {
    const definition = compile({
      conflictPolicy: 'owner',
      fieldMap: [
        { left: 'email', right: 'email' },
        { left: 'title', right: 'title', owner: 'left' },
        { left: 'firstName', right: 'firstName' },
      ],
    });
    const decision = decidePair(definition, [
      view({ ...base, title: 'L', firstName: 'Lefty' }, base, 9),
      view({ ...base, title: 'R', firstName: 'Righty' }, base, 1),
    ]);
    expect(decision.writes).toEqual([null, { title: 'L', firstName: 'Lefty' }]);
    const later = decidePair(definition, [
      view({ ...base, title: 'L', firstName: 'Lefty' }, base, 1),
      view({ ...base, title: 'R', firstName: 'Righty' }, base, 9),
    ]);
    expect(later.writes).toEqual([{ firstName: 'Righty' }, { title: 'L' }]);
  });

  it('leaves a manual conflict unwritten and reports it unsettled', () => {
    const decision = decidePair(compile({ conflictPolicy: 'manual' }), [
      view({ ...base, title: 'L', firstName: 'Lefty' }, base),
      view({ ...base, title: 'R' }, base),
    ]);
    expect(decision.writes).toEqual([null, { firstName: 'Lefty' }]);
    expect(decision.unsettled.map((field) => field.name)).toEqual(['title>title']);
    expect(decision.conflicts[0]).toMatchObject({ winner: 'manual', values: ['L', 'R'] });
  });

  it('on first contact fills blanks from the other side instead of calling it a conflict', () => {
    const decision = decidePair(compile({ conflictPolicy: 'manual' }), [
      view({ email: 'ada@x.com', title: null, firstName: 'Ada' }, null),
      view({ email: 'ADA@x.com ', title: 'CTO', firstName: '' }, null),
    ]);
    expect(decision.writes).toEqual([{ title: 'CTO' }, { firstName: 'Ada' }]);
    expect(decision.conflicts).toEqual([]);
  });

  it('treats the matching key as equal when only case and spaces differ', () => {
    const decision = decidePair(compile(), [view({ ...base, email: 'Ada@X.com' }, base), view(base, base)]);
    expect(decision.writes).toEqual([null, null]);
  });

  it('mirrors one-way fields from their source, reverting edits on the target', () => {
    const definition = compile({
      fieldMap: [
        { left: 'email', right: 'email' },
        { left: 'title', right: 'title', direction: 'left-to-right' },
      ],
    });
    const decision = decidePair(definition, [
      view(base, base, 1),
      view({ ...base, title: 'Edited' }, base, 9),
    ]);
    expect(decision.writes).toEqual([null, { title: 'CTO' }]);
  });

  it('converts values with the transforms of the direction they travel', () => {
    const definition = compile({
      fieldMap: [
        { left: 'email', right: 'email' },
        {
          left: 'title',
          right: 'title',
          toRight: (value) => (typeof value === 'string' ? value.toUpperCase() : value),
          toLeft: (value) => (typeof value === 'string' ? value.toLowerCase() : value),
        },
      ],
    });
    const towardRight = decidePair(definition, [
      view({ ...base, title: 'ceo' }, base),
      view({ ...base, title: 'CTO' }, base),
    ]);
    expect(towardRight.writes).toEqual([null, { title: 'CEO' }]);
    const agreed = decidePair(definition, [
      view({ ...base, title: 'ceo' }, base),
      view({ ...base, title: 'CEO' }, base),
    ]);
    expect(agreed.writes).toEqual([null, null]);
    expect(createValues(definition, 1, { email: 'ada@x.com', title: 'vp' })).toEqual({
      email: 'ada@x.com',
      title: 'VP',
    });
  });
});
