import { OrderedSet } from '@js-sdsl/ordered-set';

/**
 * A sorted set of keys on a red-black tree: `add` and `delete` take O(log n), `first` O(1),
 * a range scan O(log n + k) for k visited keys.
 */
export interface OrderedIndex<K> {
  /** Number of keys. */
  readonly size: number;
  /** Adds `key` (no change when it is there). */
  add(key: K): void;
  /** Removes `key`; answers whether it was there. */
  delete(key: K): boolean;
  /** The smallest key, if any. */
  first(): K | undefined;
  /**
   * Visits the keys with `low <= key < high`, ascending, or descending with `reverse`, until
   * `visit` answers `false`. The index must not change while a scan runs.
   */
  scan(low: K, high: K, reverse: boolean, visit: (key: K) => boolean): void;
  /** Removes every key. */
  clear(): void;
}

/** Creates an `OrderedIndex` ordered by `compare` (negative when the left key sorts first). */
export function createOrderedIndex<K>(compare: (left: K, right: K) => number): OrderedIndex<K> {
  const tree = new OrderedSet<K>([], compare);
  return {
    get size() {
      return tree.size();
    },
    add(key) {
      tree.insert(key);
    },
    delete(key) {
      return tree.eraseElementByKey(key);
    },
    first() {
      return tree.front();
    },
    scan(low, high, reverse, visit) {
      if (compare(low, high) >= 0) return;
      if (reverse) {
        const first = tree.begin();
        // The last key below `high`, then walk down.
        const cursor = tree.reverseUpperBound(high);
        while (cursor.isAccessible()) {
          const key = cursor.pointer;
          if (compare(key, low) < 0) return;
          if (!visit(key)) return;
          if (cursor.equals(first)) return;
          cursor.pre();
        }
        return;
      }
      const cursor = tree.lowerBound(low);
      while (cursor.isAccessible()) {
        const key = cursor.pointer;
        if (compare(key, high) >= 0) return;
        if (!visit(key)) return;
        cursor.next();
      }
    },
    clear() {
      tree.clear();
    },
  };
}

/**
 * Orders strings by UTF-16 code unit. On latin1 strings (one char per byte, as made from
 * `encodeKey` output) that is byte order.
 */
export const compareCodeUnits = (left: string, right: string): number =>
  left < right ? -1 : left > right ? 1 : 0;
