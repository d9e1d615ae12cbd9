import type { Key, KeyPart } from './storage.ts';
import { StorageError } from './storage-error.ts';
import { validateKey } from './validate-key.ts';

const NUMBER_TAG = 0x10;
const STRING_TAG = 0x20;
const STRING_END = 0x00;
const ESCAPE = 0xff;

const utf8Strict = new TextDecoder('utf-8', { fatal: true });

// One float64 in big-endian order: encodeKey never yields, so one scratch buffer serves every call.
const numberView = new DataView(new ArrayBuffer(8));
const numberBytes = new Uint8Array(numberView.buffer);

/**
 * Encodes a key as bytes whose unsigned byte-wise order (`memcmp`, `Buffer.compare`,
 * PostgreSQL `bytea`, SQLite `BLOB`) equals `compareKeys` order. Adapters store keys in this
 * form and turn list selectors into byte ranges with `resolveListRange`.
 *
 * Layout, part after part (no header, so a key's encoding is a prefix of its children's):
 * - number: `0x10`, then the IEEE-754 float64 big-endian with the sign bit flipped
 *   (non-negative) or every bit flipped (negative); `-0` is written as `0`;
 * - string: `0x20`, the UTF-8 bytes with each `0x00` written as `0x00 0xFF`, then `0x00`.
 *
 * Every encoding starts with `0x10` or `0x20`, so `[0x00]` sorts before and `[0xFF]` after
 * every key. Throws `InvalidKeyError` for an invalid key.
 *
 * @example
 * ```ts
 * const bytes = encodeKey(['person', 42]);
 * decodeKey(bytes); // ['person', 42]
 * ```
 */
export function encodeKey(key: Key, options?: { allowEmpty?: boolean }): Uint8Array {
  validateKey(key, { allowEmpty: options?.allowEmpty ?? false });
  // Size the whole key first so it is written into one allocation.
  let size = 0;
  for (let index = 0; index < key.length; index += 1) {
    const part = key[index] as KeyPart;
    size += typeof part === 'number' ? 9 : encodedStringSize(part);
  }
  const out = new Uint8Array(size);
  let offset = 0;
  for (let index = 0; index < key.length; index += 1) {
    const part = key[index] as KeyPart;
    offset = typeof part === 'number' ? writeNumber(out, offset, part) : writeString(out, offset, part);
  }
  return out;
}

function writeNumber(out: Uint8Array, offset: number, value: number): number {
  numberView.setFloat64(0, value === 0 ? 0 : value);
  out[offset] = NUMBER_TAG;
  if ((numberBytes[0] as number) & 0x80) {
    for (let index = 0; index < 8; index += 1) out[offset + 1 + index] = ~(numberBytes[index] as number);
  } else {
    out[offset + 1] = (numberBytes[0] as number) ^ 0x80;
    for (let index = 1; index < 8; index += 1) out[offset + 1 + index] = numberBytes[index] as number;
  }
  return offset + 9;
}

/** Bytes of a string part: tag, UTF-8 with each `0x00` escaped, terminator. The key is well-formed. */
function encodedStringSize(text: string): number {
  const length = text.length;
  let size = length + 2;
  let index = 0;
  for (; index < length; index += 1) {
    const unit = text.charCodeAt(index);
    if (unit >= 0x80) break;
    if (unit === 0) size += 1;
  }
  // Past ASCII, each code unit takes one byte more than one (below U+0800, or half a surrogate pair) or two.
  for (; index < length; index += 1) {
    const unit = text.charCodeAt(index);
    if (unit === 0) size += 1;
    else if (unit >= 0x80) size += unit < 0x800 || (unit >= 0xd800 && unit <= 0xdfff) ? 1 : 2;
  }
  return size;
}

function writeString(out: Uint8Array, start: number, text: string): number {
  const length = text.length;
  let offset = start;
  out[offset++] = STRING_TAG;
  let index = 0;
  // ASCII, the usual case: each code unit is its own byte.
  for (; index < length; index += 1) {
    const unit = text.charCodeAt(index);
    if (unit >= 0x80) break;
    out[offset++] = unit;
    if (unit === 0) out[offset++] = ESCAPE;
  }
  for (; index < length; index += 1) {
    const unit = text.charCodeAt(index);
    if (unit < 0x80) {
      out[offset++] = unit;
      if (unit === 0) out[offset++] = ESCAPE;
    } else if (unit < 0x800) {
      out[offset++] = 0xc0 | (unit >> 6);
      out[offset++] = 0x80 | (unit & 0x3f);
    } else if (unit >= 0xd800 && unit <= 0xdbff) {
      // A high surrogate: validateKey made sure a low one follows.
      index += 1;
      const codePoint = 0x10000 + ((unit - 0xd800) << 10) + (text.charCodeAt(index) - 0xdc00);
      out[offset++] = 0xf0 | (codePoint >> 18);
      out[offset++] = 0x80 | ((codePoint >> 12) & 0x3f);
      out[offset++] = 0x80 | ((codePoint >> 6) & 0x3f);
      out[offset++] = 0x80 | (codePoint & 0x3f);
    } else {
      out[offset++] = 0xe0 | (unit >> 12);
      out[offset++] = 0x80 | ((unit >> 6) & 0x3f);
      out[offset++] = 0x80 | (unit & 0x3f);
    }
  }
  out[offset++] = STRING_END;
  return offset;
}

/**
 * Decodes bytes written by `encodeKey` back into the key. Throws `StorageError` for bytes
 * that are not such an encoding.
 */
export function decodeKey(bytes: Uint8Array): KeyPart[] {
  const key: KeyPart[] = [];
  let offset = 0;
  const fail = (why: string): never => {
    throw new StorageError(`Cannot decode a storage key: ${why} at byte ${offset}.`);
  };
  while (offset < bytes.length) {
    const tag = bytes[offset];
    if (tag === NUMBER_TAG) {
      if (offset + 9 > bytes.length) fail('truncated number');
      // Copy: `bytes` may be a view into shared memory (a Node Buffer from a driver), and raw is flipped in place.
      const raw = new Uint8Array(bytes.subarray(offset + 1, offset + 9));
      if ((raw[0] as number) & 0x80) {
        raw[0] = (raw[0] as number) ^ 0x80;
      } else {
        for (let index = 0; index < 8; index += 1) raw[index] = ~(raw[index] as number) & 0xff;
      }
      const value = new DataView(raw.buffer).getFloat64(0);
      if (!Number.isFinite(value)) fail('non-finite number');
      key.push(value);
      offset += 9;
    } else if (tag === STRING_TAG) {
      offset += 1;
      const out: number[] = [];
      for (;;) {
        if (offset >= bytes.length) fail('unterminated string');
        const byte = bytes[offset] as number;
        if (byte === 0) {
          if (bytes[offset + 1] === ESCAPE) {
            out.push(0);
            offset += 2;
            continue;
          }
          offset += 1;
          break;
        }
        out.push(byte);
        offset += 1;
      }
      try {
        key.push(utf8Strict.decode(new Uint8Array(out)));
      } catch {
        fail('invalid UTF-8');
      }
    } else {
      fail(`unknown tag ${String(tag)}`);
    }
  }
  return key;
}
