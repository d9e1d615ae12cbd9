import type { Key, KeyPart } from './storage.ts';

/**
 * Compares two strings by Unicode code point, which is also the order of their UTF-8
 * bytes. JavaScript's `<` compares UTF-16 code units instead, which puts U+E000–U+FFFF
 * after the characters above U+FFFF.
 */
export function compareStrings(left: string, right: string): number {
  if (left === right) return 0;
  const length = Math.min(left.length, right.length);
  for (let index = 0; index < length; index += 1) {
    const leftUnit = left.charCodeAt(index);
    const rightUnit = right.charCodeAt(index);
    if (leftUnit !== rightUnit) return codePointRank(leftUnit) < codePointRank(rightUnit) ? -1 : 1;
  }
  return left.length < right.length ? -1 : left.length > right.length ? 1 : 0;
}

// Surrogates (D800–DFFF) stand for code points above U+FFFF: move them above E000–FFFF.
const codePointRank = (unit: number): number =>
  unit >= 0xd800 && unit <= 0xdfff ? unit + 0x2000 : unit >= 0xe000 ? unit - 0x800 : unit;

/** Compares two key parts: numbers before strings, numbers by value, strings by code point. */
export function compareKeyParts(left: KeyPart, right: KeyPart): number {
  if (typeof left === 'number') {
    if (typeof right !== 'number') return -1;
    return left < right ? -1 : left > right ? 1 : 0;
  }
  if (typeof right === 'number') return 1;
  return compareStrings(left, right);
}

/**
 * Compares two keys in the one storage order (see `Key`): negative when `left` sorts first,
 * positive when `right` does, `0` when they are equal. `memcmp(encodeKey(a), encodeKey(b))`
 * agrees with it.
 *
 * @example
 * ```ts
 * [['b'], [2], ['a', 1], ['a']].sort(compareKeys); // [[2], ['a'], ['a', 1], ['b']]
 * ```
 */
export function compareKeys(left: Key, right: Key): number {
  const length = Math.min(left.length, right.length);
  for (let index = 0; index < length; index += 1) {
    const order = compareKeyParts(left[index] as KeyPart, right[index] as KeyPart);
    if (order !== 0) return order;
  }
  return left.length - right.length;
}
