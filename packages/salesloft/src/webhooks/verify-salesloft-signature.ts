import { verifyHmacSignature } from '@salesos/core';

/** Options of `verifySalesloftSignature`. */
export interface VerifySalesloftSignatureOptions {
  /** The raw request body, exactly as received. */
  payload: string | Uint8Array;
  /** The `x-salesloft-signature` header: hex HMAC-SHA1 of the body. */
  signature: string | null | undefined;
  /** The subscription's `callback_token`. */
  secret: string;
}

/** The header carrying the signature of a SalesLoft delivery. */
export const SALESLOFT_SIGNATURE_HEADER = 'x-salesloft-signature';
/** The header carrying the event type of a SalesLoft delivery. */
export const SALESLOFT_EVENT_HEADER = 'x-salesloft-event';

/**
 * Checks a SalesLoft webhook signature: hex HMAC-SHA1 of the raw body keyed with the
 * subscription's callback token, compared in constant time. Answers `false`, never throws,
 * for a missing, malformed or wrong signature.
 *
 * @example
 * ```ts
 * const body = await request.text();
 * const valid = verifySalesloftSignature({
 *   payload: body,
 *   signature: request.headers.get('x-salesloft-signature'),
 *   secret: process.env.SALESLOFT_WEBHOOK_TOKEN ?? '',
 * });
 * ```
 */
export function verifySalesloftSignature(options: VerifySalesloftSignatureOptions): boolean {
  try {
    const { payload, signature, secret } = options;
    if (typeof signature !== 'string' || signature === '' || typeof secret !== 'string' || secret === '')
      return false;
    return verifyHmacSignature({ payload, signature, secret, algorithm: 'sha1', encoding: 'hex' });
  } catch {
    return false;
  }
}
