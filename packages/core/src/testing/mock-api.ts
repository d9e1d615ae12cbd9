import type { RequestHandler } from 'msw';
import type { FetchHandler } from './fetch-handler.ts';
import { createMswHandlers } from './msw-handlers.ts';

/** A request the mock API received. */
export interface RecordedCall {
  method: string;
  /** Path below the mock's base URL. */
  path: string;
  query: URLSearchParams;
  headers: Headers;
  /** Parsed JSON body, or the raw text. */
  body: unknown;
}

/** A canned answer: a `Response`, a function building one, or JSON with a status. */
export type MockReply =
  | Response
  | ((call: RecordedCall) => Response | Promise<Response>)
  | { status?: number; json?: unknown; headers?: Record<string, string> };

/** A mock HTTP API for tests: records every call and answers from per-route reply queues. */
export interface MockApi {
  /** msw handlers to pass to `setupServer`. */
  handlers: RequestHandler[];
  /** The same mock as a plain fetch handler. */
  fetch: FetchHandler;
  /** Every call received, in order. */
  calls: RecordedCall[];
  /**
   * Queues replies for `METHOD /path` (path below the base URL, query ignored). Each call
   * takes the next reply; the last one repeats.
   */
  on(method: string, path: string, ...replies: MockReply[]): MockApi;
  /** Forgets calls and replies. */
  reset(): void;
}

const toResponse = async (reply: MockReply, call: RecordedCall): Promise<Response> => {
  if (reply instanceof Response) return reply.clone();
  if (typeof reply === 'function') return reply(call);
  const headers = new Headers(reply.headers);
  if (reply.json !== undefined && !headers.has('content-type'))
    headers.set('content-type', 'application/json');
  return new Response(reply.json === undefined ? null : JSON.stringify(reply.json), {
    status: reply.status ?? 200,
    headers,
  });
};

/**
 * Creates a recording mock API under `baseUrl`.
 *
 * @example
 * ```ts
 * const api = createMockApi('https://api.example.com/v1');
 * const server = setupServer(...api.handlers);
 * server.listen();
 * api.on('GET', '/people/1', { status: 503 }, { json: { id: 1 } });
 * // …call it, then inspect api.calls
 * ```
 */
export function createMockApi(baseUrl: string): MockApi {
  const root = new URL(baseUrl.replace(/\/+$/, ''));
  const routes = new Map<string, MockReply[]>();
  const calls: RecordedCall[] = [];

  const fetchHandler: FetchHandler = async (request) => {
    const url = new URL(request.url);
    const path = url.pathname.startsWith(root.pathname)
      ? url.pathname.slice(root.pathname.length) || '/'
      : url.pathname;
    const text = await request.text();
    let body: unknown = text === '' ? undefined : text;
    try {
      if (text !== '') body = JSON.parse(text);
    } catch {
      // Not JSON: keep the text.
    }
    const call: RecordedCall = {
      method: request.method,
      path,
      query: url.searchParams,
      headers: request.headers,
      body,
    };
    calls.push(call);
    const queue = routes.get(`${request.method} ${path}`);
    if (!queue || queue.length === 0) {
      return new Response(JSON.stringify({ error: `no mock reply for ${request.method} ${path}` }), {
        status: 599,
        headers: { 'content-type': 'application/json' },
      });
    }
    const reply = queue.length > 1 ? (queue.shift() as MockReply) : (queue[0] as MockReply);
    return toResponse(reply, call);
  };

  const api: MockApi = {
    handlers: createMswHandlers(root.toString(), fetchHandler),
    fetch: fetchHandler,
    calls,
    on(method, path, ...replies) {
      routes.set(`${method.toUpperCase()} ${path}`, [...replies]);
      return api;
    },
    reset() {
      routes.clear();
      calls.length = 0;
    },
  };
  return api;
}
