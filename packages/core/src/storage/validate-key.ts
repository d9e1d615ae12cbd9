import type { Key } from './storage.ts';
import { InvalidKeyError } from './storage-error.ts';

/** Options of `validateKey`. */
export interface ValidateKeyOptions {
  /** Accept `[]` (list selectors may be empty; stored keys may not). Default `false`. */
  allowEmpty?: boolean;
  /** What the key is, for the error message (`key`, `prefix`, `start`). Default `'key'`. */
  label?: string;
}

/**
 * Throws `InvalidKeyError` unless `key` is a valid storage key: an array (non-empty unless
 * `allowEmpty`) of strings and finite numbers, each string well-formed Unicode.
 * Adapters call it before touching their store.
 */
export function validateKey(key: unknown, options: ValidateKeyOptions = {}): asserts key is Key {
  const label = options.label ?? 'key';
  if (!Array.isArray(key)) {
    throw new InvalidKeyError(`Invalid storage ${label}: expected an array of strings and numbers.`);
  }
  if (key.length === 0 && options.allowEmpty !== true) {
    throw new InvalidKeyError(`Invalid storage ${label}: a key needs at least one part.`);
  }
  for (let index = 0; index < key.length; index += 1) {
    const part: unknown = key[index];
    if (typeof part === 'number') {
      if (!Number.isFinite(part)) {
        throw new InvalidKeyError(
          `Invalid storage ${label}: part ${index} is ${String(part)}; numbers must be finite.`,
          { partIndex: index },
        );
      }
    } else if (typeof part === 'string') {
      if (!part.isWellFormed()) {
        throw new InvalidKeyError(
          `Invalid storage ${label}: part ${index} has a lone surrogate; strings must be well-formed Unicode.`,
          { partIndex: index },
        );
      }
    } else {
      throw new InvalidKeyError(
        `Invalid storage ${label}: part ${index} is ${part === null ? 'null' : typeof part}; parts must be strings or finite numbers.`,
        { partIndex: index },
      );
    }
  }
}
