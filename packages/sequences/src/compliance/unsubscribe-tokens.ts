import { ConfigError } from '@salesos/core';
import { normalizeEmail } from '../internal/email-address.ts';
import { assertSecret, createSealer } from '../internal/signed-token.ts';

/** Whom an unsubscribe token stands for. */
export interface UnsubscribeRecipient {
  /** Tenant the recipient belongs to. */
  tenantId: string;
  /** The recipient's address (stored lower-cased). */
  email: string;
}

/** Options of `createUnsubscribeTokens`. */
export interface UnsubscribeTokensOptions {
  /** Key material for the tokens, at least 16 characters. Keep it secret and stable: changing it voids sent links. */
  secret: string;
}

/** Creates and reads opaque unsubscribe tokens. */
export interface UnsubscribeTokens {
  /** The token of a recipient: opaque (the address cannot be read from it), tamper-proof, and always the same for one recipient. */
  create(recipient: UnsubscribeRecipient): string;
  /** The recipient a token stands for, or `undefined` when it is malformed or forged. */
  verify(token: string): UnsubscribeRecipient | undefined;
  /** `baseUrl` with the recipient's token in its `token` query parameter. */
  url(baseUrl: string, recipient: UnsubscribeRecipient): string;
}

/**
 * Opaque per-recipient unsubscribe tokens (AES-256-GCM with a synthetic IV), for the
 * `List-Unsubscribe` header and the link in the email body.
 *
 * @example
 * ```ts
 * const tokens = createUnsubscribeTokens({ secret: process.env.UNSUBSCRIBE_SECRET! });
 * const link = tokens.url('https://example.com/unsubscribe', { tenantId: 't1', email: 'ada@acme.com' });
 * ```
 */
export function createUnsubscribeTokens(options: UnsubscribeTokensOptions): UnsubscribeTokens {
  assertSecret(options?.secret, 'createUnsubscribeTokens');
  const sealer = createSealer(options.secret, 'unsubscribe');
  const create = (recipient: UnsubscribeRecipient) =>
    sealer.seal({ t: recipient.tenantId, e: normalizeEmail(recipient.email) });
  return {
    create,
    verify(token) {
      const payload = sealer.open(token) as { t?: unknown; e?: unknown } | undefined;
      if (!payload || typeof payload.t !== 'string' || typeof payload.e !== 'string') return undefined;
      return { tenantId: payload.t, email: payload.e };
    },
    url(baseUrl, recipient) {
      let url: URL;
      try {
        url = new URL(baseUrl);
      } catch (error) {
        throw new ConfigError(`Unsubscribe URL "${baseUrl}" is not an absolute URL`, { cause: error });
      }
      url.searchParams.set('token', create(recipient));
      return url.toString();
    },
  };
}
