import { verifyHmacSignature } from '@salesos/core';

/** Options of `verifyAttioSignature`. */
export interface VerifyAttioSignatureOptions {
  /** The raw request body, exactly as received (a string or its bytes). */
  payload: string | Uint8Array;
  /** The `Attio-Signature` (or `X-Attio-Signature`) header. */
  signature: string | null | undefined;
  /** The webhook's secret, from the answer of `webhooks.create`. */
  secret: string;
}

/** The headers Attio signs deliveries in (the second duplicates the first). */
export const ATTIO_SIGNATURE_HEADERS = ['attio-signature', 'x-attio-signature'] as const;

/**
 * Checks a webhook delivery's `Attio-Signature`: the hex HMAC-SHA256 of the raw body with the
 * webhook secret, compared in constant time. Answers `false`, never throws, for a missing,
 * malformed or wrong signature, or an empty secret. Attio signs no timestamp, so de-duplicate
 * on the `Idempotency-Key` header (the webhook handler does).
 *
 * @example
 * ```ts
 * const payload = await request.text();
 * const ok = verifyAttioSignature({
 *   payload,
 *   signature: request.headers.get('attio-signature'),
 *   secret: process.env.ATTIO_WEBHOOK_SECRET ?? '',
 * });
 * ```
 */
export function verifyAttioSignature(options: VerifyAttioSignatureOptions): boolean {
  if (typeof options.signature !== 'string' || options.signature === '') return false;
  if (typeof options.secret !== 'string' || options.secret === '') return false;
  return verifyHmacSignature({
    payload: options.payload,
    signature: options.signature,
    secret: options.secret,
    algorithm: 'sha256',
    encoding: 'hex',
  });
}
