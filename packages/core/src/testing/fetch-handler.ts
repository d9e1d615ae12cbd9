import type { AddressInfo } from 'node:net';

/**
 * A web-standard request handler: what every SalesOS simulator is built as.
 * Returning `Response.error()` simulates a connection reset (msw turns it into a
 * network error; `listenFetchHandler` destroys the socket).
 */
export type FetchHandler = (request: Request) => Response | Promise<Response>;

/** A running local HTTP server. */
export interface ListeningServer {
  /** Base URL of the server, such as `http://127.0.0.1:53011`. */
  url: string;
  port: number;
  /** Stops accepting connections and closes open ones. */
  close(): Promise<void>;
}

/**
 * Serves a `FetchHandler` on a real local HTTP server (127.0.0.1), for demos, other
 * processes and benchmarks. Port 0 (the default) picks a free port.
 *
 * @example
 * ```ts
 * const server = await listenFetchHandler((request) => new Response('ok'));
 * await fetch(server.url); // 'ok'
 * await server.close();
 * ```
 */
export async function listenFetchHandler(handler: FetchHandler, port = 0): Promise<ListeningServer> {
  const { createAdaptorServer } = await import('@hono/node-server');
  const server = createAdaptorServer({
    hostname: '127.0.0.1',
    fetch: async (request: Request, env: { incoming?: { socket?: { destroy(): void } } }) => {
      const response = await handler(request);
      // `Response.error()` stands for a connection reset: drop the socket, as a failing server would.
      if (response.type === 'error') {
        env.incoming?.socket?.destroy();
        return new Response(null, { status: 502 });
      }
      return response;
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${address.port}`,
    port: address.port,
    close: () =>
      new Promise<void>((resolve, reject) => {
        const closable = server as unknown as { closeAllConnections?: () => void };
        server.close((error) => (error ? reject(error) : resolve()));
        closable.closeAllConnections?.();
      }),
  };
}
