import { describe, expect, it } from 'vitest';
import { createRandom } from '../../testing/random.ts';
import { compareCodeUnits, createOrderedIndex } from './ordered-index.ts';

const scanned = (
  index: ReturnType<typeof createOrderedIndex<string>>,
  low: string,
  high: string,
  reverse: boolean,
  limit = Number.POSITIVE_INFINITY,
): string[] => {
  const keys: string[] = [];
  index.scan(low, high, reverse, (key) => {
    keys.push(key);
    return keys.length < limit;
  });
  return keys;
};

describe('createOrderedIndex', () => {
  it('scans the half-open range [low, high) in both directions', () => {
    const index = createOrderedIndex<string>(compareCodeUnits);
    for (const key of ['d', 'b', 'h', 'f']) index.add(key);
    expect(scanned(index, 'b', 'h', false)).toEqual(['b', 'd', 'f']);
    expect(scanned(index, 'b', 'h', true)).toEqual(['f', 'd', 'b']);
    expect(scanned(index, 'a', 'z', true)).toEqual(['h', 'f', 'd', 'b']);
    expect(scanned(index, 'c', 'e', false)).toEqual(['d']);
    expect(scanned(index, 'c', 'e', true)).toEqual(['d']);
  });

  it('visits nothing for an empty index, an empty range or a range outside the keys', () => {
    const index = createOrderedIndex<string>(compareCodeUnits);
    expect(scanned(index, 'a', 'z', false)).toEqual([]);
    expect(scanned(index, 'a', 'z', true)).toEqual([]);
    for (const key of ['m', 'n']) index.add(key);
    expect(scanned(index, 'n', 'm', false)).toEqual([]);
    expect(scanned(index, 'm', 'm', true)).toEqual([]);
    expect(scanned(index, 'a', 'm', true)).toEqual([]);
    expect(scanned(index, 'o', 'z', false)).toEqual([]);
  });

  it('stops a scan as soon as the visitor answers false', () => {
    const index = createOrderedIndex<string>(compareCodeUnits);
    for (const key of ['a', 'b', 'c', 'd']) index.add(key);
    expect(scanned(index, 'a', 'z', false, 2)).toEqual(['a', 'b']);
    expect(scanned(index, 'a', 'z', true, 2)).toEqual(['d', 'c']);
  });

  it('keeps keys sorted and counted through random adds and deletes', () => {
    const random = createRandom(3);
    const index = createOrderedIndex<string>(compareCodeUnits);
    const expected = new Set<string>();
    for (let step = 0; step < 5_000; step += 1) {
      const key = `k${random.int(0, 800)}`;
      if (random.chance(0.4)) {
        expect(index.delete(key)).toBe(expected.delete(key));
      } else {
        index.add(key);
        expected.add(key);
      }
    }
    const sorted = [...expected].sort(compareCodeUnits);
    expect(index.size).toBe(sorted.length);
    expect(index.first()).toBe(sorted[0]);
    expect(scanned(index, '', '\uffff', false)).toEqual(sorted);
    expect(scanned(index, '', '\uffff', true)).toEqual([...sorted].reverse());
    index.clear();
    expect(index.size).toBe(0);
    expect(index.first()).toBeUndefined();
  });
});
