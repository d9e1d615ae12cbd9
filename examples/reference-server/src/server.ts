import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import type { Logger } from 'pino';
import { createApp } from './app.ts';
import type { Config } from './config.ts';
import { createDependencies, type Dependencies, type DependenciesOptions } from './dependencies.ts';
import { createLogger } from './observability/logger.ts';

/** A running reference server. */
export interface RunningServer {
  /** `http://host:port` of the server. */
  url: string;
  deps: Dependencies;
  /**
   * Graceful shutdown: stops taking connections, lets requests in flight finish, waits for the
   * queue to drain (up to `SHUTDOWN_TIMEOUT_MS`), then closes the queue, simulators and storage.
   */
  close(): Promise<void>;
}

/**
 * Builds the dependencies, the app, and serves it on `config.host:config.port` (port 0 picks a
 * free one). `personalDataStores` adds stores to data subject requests (see `createDependencies`).
 *
 * @example
 * ```ts
 * const server = await startServer(loadConfig());
 * process.once('SIGTERM', () => void server.close());
 * ```
 */
export async function startServer(
  config: Config,
  options: { logger?: Logger; personalDataStores?: DependenciesOptions['personalDataStores'] } = {},
): Promise<RunningServer> {
  const logger = options.logger ?? createLogger({ level: config.logLevel });
  const deps = await createDependencies(config, {
    logger,
    ...(options.personalDataStores ? { personalDataStores: options.personalDataStores } : {}),
  });
  const app = createApp(deps);
  const server = await new Promise<ReturnType<typeof serve>>((resolve, reject) => {
    const listening = serve({ fetch: app.fetch, hostname: config.host, port: config.port }, () =>
      resolve(listening),
    );
    listening.once('error', reject);
  });
  const address = server.address() as AddressInfo;
  const url = `http://${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}`;
  logger.info(
    {
      url,
      storage: config.storage.kind,
      queue: config.queue.kind,
      vendors: Object.fromEntries(
        Object.entries(config.vendors).map(([name, vendor]) => [
          name,
          'apiKey' in vendor ? 'live' : 'simulator',
        ]),
      ),
    },
    'listening',
  );

  let closing: Promise<void> | undefined;
  return {
    url,
    deps,
    close() {
      closing ??= (async () => {
        logger.info('shutting down: no new connections, draining the queue');
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          // Idle keep-alive sockets would hold close() open; requests in flight still finish.
          (server as { closeIdleConnections?: () => void }).closeIdleConnections?.();
        });
        await deps.close();
        logger.info('stopped');
      })();
      return closing;
    },
  };
}
