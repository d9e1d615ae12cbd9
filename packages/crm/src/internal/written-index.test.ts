import { describe, expect, it } from 'vitest';
import type { RecordState } from './state.ts';
import { createWrittenIndex } from './written-index.ts';

const state = (title: string, extra: Partial<RecordState> = {}): RecordState => ({
  p: null,
  v: { email: 'ada@acme.com', title },
  t: '2026-01-01T00:00:00.000Z',
  ...extra,
});

describe('createWrittenIndex', () => {
  it('knows absent what was never written or was deleted, and present what was written', () => {
    const index = createWrittenIndex();
    expect(index.mayHoldRecord(0, 'a')).toBe(false);
    index.noteRecord(0, 'a', state('CTO'));
    expect(index.mayHoldRecord(0, 'a')).toBe(true);
    expect(index.mayHoldRecord(1, 'a')).toBe(false);
    index.noteRecord(0, 'a', null);
    expect(index.mayHoldRecord(0, 'a')).toBe(false);
    expect(index.mayHoldKey('ada@acme.com')).toBe(false);
    index.noteKey('ada@acme.com');
    expect(index.mayHoldKey('ada@acme.com')).toBe(true);
  });

  it('answers the state last written for a record, and nothing once it was deleted', () => {
    const index = createWrittenIndex();
    index.noteRecord(1, 'b', state('CTO'));
    index.noteRecord(1, 'b', state('CEO'));
    expect(index.lastWritten(1, 'b')?.v.title).toBe('CEO');
    expect(index.lastWritten(0, 'b')).toBeUndefined();
    index.noteRecord(1, 'b', null);
    expect(index.lastWritten(1, 'b')).toBeUndefined();
  });

  it('stops tracking past its limit and then answers "maybe" for everything', () => {
    const index = createWrittenIndex(3);
    index.noteRecord(0, 'a', state('CTO'));
    index.noteRecord(1, 'b', state('CTO'));
    index.noteKey('ada@acme.com');
    expect(index.mayHoldRecord(0, 'z')).toBe(false);
    index.noteRecord(0, 'c', state('CTO'));
    expect(index.mayHoldRecord(0, 'z')).toBe(true);
    expect(index.mayHoldKey('nobody@acme.com')).toBe(true);
    expect(index.lastWritten(0, 'a')).toBeUndefined();
  });
});
