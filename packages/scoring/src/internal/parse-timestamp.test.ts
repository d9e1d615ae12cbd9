import { createRandom } from '@salesos/core/testing';
import { describe, expect, it } from 'vitest';
import { parseTimestamp } from './parse-timestamp.ts';

describe('parseTimestamp', () => {
  it('reads canonical UTC date-times exactly as Date.parse does', () => {
    const random = createRandom(7);
    for (let index = 0; index < 2000; index += 1) {
      const time = random.int(Date.UTC(1970, 0, 1), Date.UTC(2100, 0, 1));
      const text = new Date(time).toISOString();
      expect(parseTimestamp(text)).toBe(time);
    }
  });

  it('reads offsets, missing and long fractions, and lower-case markers', () => {
    for (const text of [
      '2026-03-01T10:00:00+02:00',
      '2026-03-01T10:00:00-05:30',
      '2026-03-01T10:00:00Z',
      '2026-03-01T10:00:00.5Z',
      '2026-03-01T10:00:00.123456Z',
      '2026-03-01t10:00:00z',
      '2024-02-29T23:59:59.999Z',
    ]) {
      expect(parseTimestamp(text), text).toBe(Date.parse(text));
    }
  });

  it('answers NaN for text that is not a date-time', () => {
    expect(parseTimestamp('yesterday')).toBeNaN();
    expect(parseTimestamp('2026-13-01T00:00:00Z')).toBeNaN();
    expect(parseTimestamp('2026-02-30T00:00:00Z')).toBe(Date.parse('2026-02-30T00:00:00Z'));
  });
});
