import { type HttpResponse, http, type RequestHandler } from 'msw';
import type { FetchHandler } from './fetch-handler.ts';

/**
 * Turns a `FetchHandler` into msw handlers that answer every request under `baseUrl`
 * (any method, any path below it), so one simulator serves both msw and a real server.
 *
 * @example
 * ```ts
 * const server = setupServer(...createMswHandlers('https://api.example.com/v1', simulator.fetch));
 * ```
 */
export function createMswHandlers(baseUrl: string, handler: FetchHandler): RequestHandler[] {
  const root = baseUrl.replace(/\/+$/, '');
  return [
    http.all(`${root}/*`, async ({ request }) => {
      const response = await handler(request);
      return response as unknown as HttpResponse<never>;
    }),
  ];
}
