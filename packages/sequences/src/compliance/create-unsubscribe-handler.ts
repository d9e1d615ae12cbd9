import { type Logger, noopLogger } from '@salesos/core';
import { createUnsubscribeTokens, type UnsubscribeRecipient } from './unsubscribe-tokens.ts';

/** Options of `createUnsubscribeHandler`. */
export interface UnsubscribeHandlerOptions {
  /** The secret the tokens were created with (the engine's `unsubscribe.secret`). */
  secret: string;
  /**
   * Called once per valid request with the recipient; typically `(recipient) => engine.unsubscribe(recipient)`.
   * Throwing answers 500 so the mail client tries again.
   */
  onUnsubscribe: (recipient: UnsubscribeRecipient) => unknown;
  /** Where failures of `onUnsubscribe` are logged. Default: no logging. */
  logger?: Logger;
}

const TEXT = { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' };

function tokenOf(request: Request): string | undefined {
  const url = new URL(request.url);
  const fromQuery = url.searchParams.get('token');
  if (fromQuery) return fromQuery;
  const last = url.pathname.split('/').filter(Boolean).at(-1);
  return last ? decodeURIComponent(last) : undefined;
}

/**
 * The one-click unsubscribe endpoint of RFC 8058, as a web-standard handler. It acts on POST
 * only (mail scanners follow links with GET, which must never unsubscribe anyone), reads the
 * token from the `token` query parameter or the last path segment, needs no cookie or
 * authentication, and answers 200 once `onUnsubscribe` has run. A bad or forged token
 * answers 400 and calls nothing.
 *
 * @example
 * ```ts
 * const unsubscribe = createUnsubscribeHandler({
 *   secret: process.env.UNSUBSCRIBE_SECRET!,
 *   onUnsubscribe: (recipient) => engine.unsubscribe(recipient),
 * });
 * app.post('/unsubscribe', (context) => unsubscribe(context.req.raw)); // Hono
 * ```
 */
export function createUnsubscribeHandler(
  options: UnsubscribeHandlerOptions,
): (request: Request) => Promise<Response> {
  const tokens = createUnsubscribeTokens({ secret: options.secret });
  const logger = options.logger ?? noopLogger;
  return async (request) => {
    if (request.method !== 'POST') {
      return new Response('Use POST to unsubscribe.', { status: 405, headers: { ...TEXT, allow: 'POST' } });
    }
    const token = tokenOf(request);
    const recipient = token === undefined ? undefined : tokens.verify(token);
    if (!recipient)
      return new Response('This unsubscribe link is not valid.', { status: 400, headers: TEXT });
    try {
      await options.onUnsubscribe(recipient);
    } catch (error) {
      logger.error({ err: error, tenantId: recipient.tenantId }, 'unsubscribe failed');
      return new Response('Unsubscribe failed, please try again.', { status: 500, headers: TEXT });
    }
    return new Response('You have been unsubscribed.', { status: 200, headers: TEXT });
  };
}
