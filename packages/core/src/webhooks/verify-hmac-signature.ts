import { createHmac, timingSafeEqual } from 'node:crypto';

/** Options of `verifyHmacSignature`. */
export interface VerifyHmacSignatureOptions {
  /** The exact bytes that were signed: the raw request body (or the vendor's signed string). */
  payload: string | Uint8Array;
  /** The signature the sender attached, without any scheme prefix (`sha256=`). */
  signature: string;
  /** The shared webhook secret. */
  secret: string | Uint8Array;
  /** HMAC hash. */
  algorithm: 'sha1' | 'sha256';
  /** How `signature` is written. */
  encoding: 'hex' | 'base64';
  /**
   * When the sender signed the delivery, in Unix seconds (number or numeric string). Given,
   * deliveries older or newer than `toleranceSeconds` are rejected (replay protection).
   */
  timestamp?: number | string | undefined;
  /** Allowed distance between `timestamp` and now, in seconds. Default `300`. */
  toleranceSeconds?: number | undefined;
  /** The current time in epoch milliseconds. Default `Date.now()`. */
  now?: number | undefined;
}

const DIGEST_BYTES = { sha1: 20, sha256: 32 } as const;
const HEX = /^[0-9a-fA-F]+$/;
const BASE64 = /^[A-Za-z0-9+/_-]+={0,2}$/;

/**
 * Checks an HMAC webhook signature in constant time. Answers `false`, never throws, for a
 * wrong, malformed, truncated or stale signature.
 *
 * @example
 * ```ts
 * const body = await request.text();
 * const valid = verifyHmacSignature({
 *   payload: body,
 *   signature: request.headers.get('x-signature') ?? '',
 *   secret: process.env.WEBHOOK_SECRET ?? '',
 *   algorithm: 'sha256',
 *   encoding: 'hex',
 * });
 * ```
 */
export function verifyHmacSignature(options: VerifyHmacSignatureOptions): boolean {
  try {
    const { payload, signature, secret, algorithm, encoding } = options;
    const expectedLength = DIGEST_BYTES[algorithm];
    if (expectedLength === undefined || typeof signature !== 'string') return false;
    if (typeof secret === 'string' ? secret.length === 0 : secret.byteLength === 0) return false;

    if (options.timestamp !== undefined) {
      const timestamp = Number(options.timestamp);
      if (!Number.isFinite(timestamp)) return false;
      const tolerance = options.toleranceSeconds ?? 300;
      const nowSeconds = (options.now ?? Date.now()) / 1000;
      if (Math.abs(nowSeconds - timestamp) > tolerance) return false;
    }

    const trimmed = signature.trim();
    let given: Buffer;
    if (encoding === 'hex') {
      if (trimmed.length !== expectedLength * 2 || !HEX.test(trimmed)) return false;
      given = Buffer.from(trimmed, 'hex');
    } else if (encoding === 'base64') {
      if (!BASE64.test(trimmed)) return false;
      given = Buffer.from(trimmed, 'base64');
    } else {
      return false;
    }
    if (given.length !== expectedLength) return false;

    const expected = createHmac(algorithm, secret).update(payload).digest();
    return timingSafeEqual(given, expected);
  } catch {
    return false;
  }
}
