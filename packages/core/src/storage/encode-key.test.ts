import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compareKeys, compareStrings } from './compare-keys.ts';
import { decodeKey, encodeKey } from './encode-key.ts';
import { compareBytes, resolveListRange } from './list-iterator.ts';
import type { Key } from './storage.ts';
import { InvalidKeyError, StorageError } from './storage-error.ts';

const part = fc.oneof(
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.integer(),
  fc.string({ unit: 'grapheme' }),
  fc.string({ unit: 'binary' }),
  fc.constantFrom('', '\u0000', 'a\u0000', '\uFFFD', '😀', '\uE000'),
);
const key = fc.array(part, { minLength: 1, maxLength: 4 });
// ASCII parts, non-ASCII parts and strings that turn non-ASCII part-way, side by side in one key.
const mixedPart = fc.oneof(
  fc.string({ unit: 'binary-ascii' }),
  fc.string({ unit: 'binary' }),
  fc
    .tuple(
      fc.string({ unit: 'binary-ascii' }),
      fc.string({ unit: 'binary' }),
      fc.string({ unit: 'binary-ascii' }),
    )
    .map(([head, middle, tail]) => head + middle + tail),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
);
const mixedKey = fc.array(mixedPart, { minLength: 1, maxLength: 6 });
const sign = (value: number) => Math.sign(value) || 0;
const codePoints = (text: string) => Array.from(text, (character) => character.codePointAt(0) as number);

describe('compareStrings', () => {
  it('orders by code point, unlike UTF-16 comparison', () => {
    expect('😀' < '\uFFFD').toBe(true);
    expect(compareStrings('😀', '\uFFFD')).toBe(1);
    expect(compareStrings('\uE000', '😀')).toBe(-1);
  });

  it('agrees with comparing code point sequences', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), fc.string({ unit: 'binary' }), (left, right) => {
        const a = codePoints(left);
        const b = codePoints(right);
        let expected = 0;
        for (let index = 0; index < Math.min(a.length, b.length) && expected === 0; index += 1) {
          expected = sign((a[index] as number) - (b[index] as number));
        }
        if (expected === 0) expected = sign(a.length - b.length);
        expect(sign(compareStrings(left, right))).toBe(expected);
      }),
    );
  });
});

describe('compareKeys', () => {
  it('sorts numbers before strings and a prefix before its children', () => {
    const sorted = [['b'], [2], ['a', 1], ['a'], [-1], ['a', 'x'], ['']].sort(compareKeys);
    expect(sorted).toEqual([[-1], [2], [''], ['a'], ['a', 1], ['a', 'x'], ['b']]);
  });
});

describe('encodeKey', () => {
  it('orders encodings byte-wise exactly as compareKeys orders keys', () => {
    fc.assert(
      fc.property(key, key, (left, right) => {
        expect(sign(compareBytes(encodeKey(left), encodeKey(right)))).toBe(sign(compareKeys(left, right)));
      }),
      { numRuns: 2000 },
    );
  });

  it('round-trips through decodeKey', () => {
    fc.assert(
      fc.property(key, (original) => {
        const expected = original.map((item) => (Object.is(item, -0) ? 0 : item));
        expect(decodeKey(encodeKey(original))).toEqual(expected);
      }),
    );
  });

  it('orders keys mixing ASCII and non-ASCII parts byte-wise exactly as compareKeys does', () => {
    fc.assert(
      fc.property(mixedKey, mixedKey, (left, right) => {
        expect(sign(compareBytes(encodeKey(left), encodeKey(right)))).toBe(sign(compareKeys(left, right)));
      }),
      { numRuns: 2000 },
    );
  });

  it('writes the documented bytes for a key mixing ASCII and non-ASCII parts', () => {
    const bytes = encodeKey(['person', 'Zoë', 42, 'a\u0000😀', '\uE000', -1.5, '']);
    expect([...bytes]).toEqual([
      ...[0x20, 0x70, 0x65, 0x72, 0x73, 0x6f, 0x6e, 0x00],
      ...[0x20, 0x5a, 0x6f, 0xc3, 0xab, 0x00],
      ...[0x10, 0xc0, 0x45, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00],
      ...[0x20, 0x61, 0x00, 0xff, 0xf0, 0x9f, 0x98, 0x80, 0x00],
      ...[0x20, 0xee, 0x80, 0x80, 0x00],
      ...[0x10, 0x40, 0x07, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff],
      ...[0x20, 0x00],
    ]);
  });

  it('writes strings as their UTF-8 bytes with each zero byte escaped', () => {
    const utf8 = new TextEncoder();
    fc.assert(
      fc.property(fc.array(fc.string({ unit: 'binary' }), { minLength: 1, maxLength: 6 }), (parts) => {
        const expected = parts.flatMap((text) => [
          0x20,
          ...[...utf8.encode(text)].flatMap((byte) => (byte === 0 ? [0x00, 0xff] : [byte])),
          0x00,
        ]);
        expect([...encodeKey(parts)]).toEqual(expected);
      }),
    );
  });

  it('writes -0 as 0', () => {
    expect(encodeKey([-0])).toEqual(encodeKey([0]));
  });

  it('rejects invalid keys naming the bad part', () => {
    expect(() => encodeKey(['ok', Number.NaN])).toThrow(InvalidKeyError);
    expect(() => encodeKey(['ok', Number.NaN])).toThrow(/part 1/);
    expect(() => encodeKey([])).toThrow(/at least one part/);
  });

  it('refuses to decode bytes that no key encodes to', () => {
    expect(() => decodeKey(Uint8Array.of(0x20, 0x61))).toThrow(StorageError);
    expect(() => decodeKey(Uint8Array.of(0x07))).toThrow(/unknown tag/);
  });
});

describe('resolveListRange', () => {
  const within = (range: { start: Uint8Array; end: Uint8Array }, candidate: Key) => {
    const bytes = encodeKey(candidate);
    return compareBytes(range.start, bytes) <= 0 && compareBytes(bytes, range.end) < 0;
  };

  it('selects the children of a prefix and not the prefix itself', () => {
    fc.assert(
      fc.property(key, key, (prefix, candidate) => {
        const range = resolveListRange({ prefix });
        const isChild =
          candidate.length > prefix.length &&
          prefix.every((item, index) => compareKeys([item], [candidate[index] as never]) === 0);
        expect(within(range, candidate)).toBe(isChild);
      }),
    );
  });

  it('rejects a malformed selector or cursor', () => {
    expect(() => resolveListRange({ start: ['a'] } as never)).toThrow(StorageError);
    expect(() => resolveListRange({ prefix: [] }, { cursor: 'not a cursor!' })).toThrow(/cursor/);
  });

  it('decodes a Buffer that is a view into shared memory without touching its bytes', () => {
    const encoded = encodeKey(['person', 1, -2.5]);
    // Drivers hand back Buffers carved out of one larger pool.
    const pool = Buffer.alloc(encoded.length + 64, 7);
    pool.set(encoded, 32);
    const view = pool.subarray(32, 32 + encoded.length);
    const before = Buffer.from(view);
    expect(decodeKey(view)).toEqual(['person', 1, -2.5]);
    expect(Buffer.compare(view, before)).toBe(0);
  });
});
