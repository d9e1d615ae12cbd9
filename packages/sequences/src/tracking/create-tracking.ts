import { randomUUID } from 'node:crypto';
import {
  type Activity,
  type Clock,
  ConfigError,
  type EventBus,
  type Logger,
  noopLogger,
  systemClock,
} from '@salesos/core';
import { assertSecret, createSigner } from '../internal/signed-token.ts';
import { escapeHtml } from '../template/render-template.ts';

/** Which email a tracking link or pixel belongs to. */
export interface TrackingContext {
  tenantId: string;
  /** The canonical person the email went to. */
  personId: string;
  enrollmentId?: string;
  sequenceId?: string;
  stepIndex?: number;
  /** The engine's idempotency key of the send, or the sender's message id. */
  messageId?: string;
}

/** Options of `Tracking.instrument`. */
export interface InstrumentOptions {
  /** Add the open pixel. Default `true`. */
  opens?: boolean;
  /** Wrap `http(s)` links. Default `true`. */
  clicks?: boolean;
  /** Links to leave as they are (the unsubscribe link, for one). Links with `data-no-track` are always left. */
  skip?: (url: string) => boolean;
}

/** Options of `createTracking`. */
export interface TrackingOptions {
  /** Signs the tokens, at least 16 characters. Changing it voids links already sent. */
  secret: string;
  /** Absolute URL the handler is served at, such as `https://t.example.com/track`. Opens go to `<baseUrl>/o/<token>`, clicks to `<baseUrl>/c/<token>`. */
  baseUrl: string;
  /** Called with each open and click, as a canonical `Activity`; typically feeds `engine.handleActivity`. */
  onActivity?: (activity: Activity, context: { tenantId: string }) => unknown;
  /** Also emits `sequences.tracking.activity` here. */
  events?: EventBus;
  /** Time source of `occurredAt`. Default: the system clock. */
  clock?: Clock;
  /** Where failures of `onActivity` are logged. Default: no logging. */
  logger?: Logger;
}

/** Open and click tracking for the emails a sequence sends. */
export interface Tracking {
  /** Adds the open pixel and wraps every `http(s)` link of `html` in a signed click link. */
  instrument(html: string, context: TrackingContext, options?: InstrumentOptions): string;
  /** The open pixel URL of an email. */
  openUrl(context: TrackingContext): string;
  /** The click URL that records a click and redirects to `url`. */
  clickUrl(context: TrackingContext, url: string): string;
  /**
   * The web-standard handler for `<baseUrl>/o/<token>` (answers a 1×1 GIF) and
   * `<baseUrl>/c/<token>` (redirects to the wrapped link). Bad or forged tokens record nothing;
   * a bad click token answers 404 and never redirects.
   */
  handler: (request: Request) => Promise<Response>;
}

interface TokenPayload {
  k: 'o' | 'c';
  t: string;
  p: string;
  e?: string;
  s?: string;
  i?: number;
  m?: string;
  u?: string;
}

// The smallest transparent GIF.
const PIXEL = Buffer.from('R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7', 'base64');

const ENTITIES: Record<string, string> = {
  '&amp;': '&',
  '&quot;': '"',
  '&#39;': "'",
  '&lt;': '<',
  '&gt;': '>',
};

function decodeAttribute(value: string): string {
  return value.replace(/&(?:amp|quot|#39|lt|gt);/g, (entity) => ENTITIES[entity] as string);
}

function isPayload(value: unknown): value is TokenPayload {
  if (typeof value !== 'object' || value === null) return false;
  const payload = value as Partial<TokenPayload>;
  return (
    (payload.k === 'o' || payload.k === 'c') && typeof payload.t === 'string' && typeof payload.p === 'string'
  );
}

/**
 * Engagement tracking for emails we send: an open pixel and signed click links, and the
 * handler that turns hits into canonical `email_opened` / `email_clicked` activities.
 * The target of a click lives inside the signed token, so the handler only ever redirects to
 * links it wrapped itself: there is no open redirect.
 *
 * @example
 * ```ts
 * const tracking = createTracking({
 *   secret: process.env.TRACKING_SECRET!,
 *   baseUrl: 'https://t.example.com/track',
 *   onActivity: (activity, { tenantId }) => engine.handleActivity({ tenantId, activity }),
 * });
 * app.get('/track/*', (context) => tracking.handler(context.req.raw)); // Hono
 * const engine = createSequenceEngine({ ...options, tracking });
 * ```
 */
export function createTracking(options: TrackingOptions): Tracking {
  assertSecret(options?.secret, 'createTracking');
  let base: URL;
  try {
    base = new URL(options.baseUrl);
  } catch (error) {
    throw new ConfigError(`createTracking: "baseUrl" must be an absolute URL, got "${options.baseUrl}"`, {
      cause: error,
    });
  }
  const baseUrl = base.toString().replace(/\/+$/, '');
  const signer = createSigner(options.secret, 'tracking');
  const clock = options.clock ?? systemClock;
  const logger = options.logger ?? noopLogger;

  const tokenFor = (kind: 'o' | 'c', context: TrackingContext, url?: string) => {
    const payload: TokenPayload = { k: kind, t: context.tenantId, p: context.personId };
    if (context.enrollmentId !== undefined) payload.e = context.enrollmentId;
    if (context.sequenceId !== undefined) payload.s = context.sequenceId;
    if (context.stepIndex !== undefined) payload.i = context.stepIndex;
    if (context.messageId !== undefined) payload.m = context.messageId;
    if (url !== undefined) payload.u = url;
    return signer.sign(payload);
  };
  const openUrl = (context: TrackingContext) => `${baseUrl}/o/${tokenFor('o', context)}`;
  const clickUrl = (context: TrackingContext, url: string) => `${baseUrl}/c/${tokenFor('c', context, url)}`;

  const record = async (payload: TokenPayload, request: Request) => {
    const data: Record<string, unknown> = {};
    if (payload.e !== undefined) data.enrollmentId = payload.e;
    if (payload.s !== undefined) data.sequenceId = payload.s;
    if (payload.i !== undefined) data.stepIndex = payload.i;
    if (payload.m !== undefined) data.messageId = payload.m;
    if (payload.u !== undefined) data.url = payload.u;
    const userAgent = request.headers.get('user-agent');
    if (userAgent) data.userAgent = userAgent;
    const activity: Activity = {
      id: randomUUID(),
      type: payload.k === 'o' ? 'email_opened' : 'email_clicked',
      personId: payload.p,
      occurredAt: new Date(clock.now()).toISOString(),
      source: 'tracking',
      data,
    };
    options.events?.emit('sequences.tracking.activity', { tenantId: payload.t, activity });
    try {
      await options.onActivity?.(activity, { tenantId: payload.t });
    } catch (error) {
      logger.error({ err: error, tenantId: payload.t, type: activity.type }, 'tracking onActivity failed');
    }
  };

  const pixel = () =>
    new Response(PIXEL, {
      status: 200,
      headers: { 'content-type': 'image/gif', 'cache-control': 'no-store, max-age=0' },
    });

  return {
    openUrl,
    clickUrl,
    instrument(html, context, instrumentOptions = {}) {
      let result = html;
      if (instrumentOptions.clicks !== false) {
        result = result.replace(/<a\b[^>]*>/gi, (tag) => {
          if (/\sdata-no-track\b/i.test(tag)) return tag;
          return tag.replace(
            /(\shref\s*=\s*)(["'])(.*?)\2/i,
            (attribute, prefix: string, quote: string, raw: string) => {
              const url = decodeAttribute(raw.trim());
              if (!/^https?:\/\//i.test(url) || instrumentOptions.skip?.(url)) return attribute;
              return `${prefix}${quote}${escapeHtml(clickUrl(context, url))}${quote}`;
            },
          );
        });
      }
      if (instrumentOptions.opens !== false) {
        const image = `<img src="${escapeHtml(openUrl(context))}" width="1" height="1" alt="" style="display:block;width:1px;height:1px;border:0" />`;
        const closing = result.search(/<\/body\s*>(?![\s\S]*<\/body\s*>)/i);
        result =
          closing < 0 ? `${result}${image}` : `${result.slice(0, closing)}${image}${result.slice(closing)}`;
      }
      return result;
    },
    async handler(request) {
      if (request.method !== 'GET' && request.method !== 'HEAD') {
        return new Response(null, { status: 405, headers: { allow: 'GET, HEAD' } });
      }
      const segments = new URL(request.url).pathname.split('/').filter(Boolean);
      const kind = segments.at(-2);
      const token = decodeURIComponent(segments.at(-1) ?? '');
      const verified = signer.verify(token);
      const payload = isPayload(verified) && verified.k === kind ? verified : undefined;
      if (kind === 'o') {
        if (payload && request.method === 'GET') await record(payload, request);
        return pixel();
      }
      if (kind === 'c' && payload && typeof payload.u === 'string' && /^https?:\/\//i.test(payload.u)) {
        if (request.method === 'GET') await record(payload, request);
        return new Response(null, {
          status: 302,
          headers: { location: payload.u, 'cache-control': 'no-store' },
        });
      }
      return new Response('Not found', {
        status: 404,
        headers: { 'content-type': 'text/plain; charset=utf-8' },
      });
    },
  };
}
