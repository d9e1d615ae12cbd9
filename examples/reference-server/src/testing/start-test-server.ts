import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { loadConfig } from '../config.ts';
import { createLogger } from '../observability/logger.ts';
import { type RunningServer, startServer } from '../server.ts';

/** A reference server started for a test, on a free loopback port with its own data folder. */
export interface TestServer extends RunningServer {
  /** The server's log lines (JSON text), when `captureLogs` was set. */
  logLines: string[];
  /** Calls the server with an API key (`GET` without a body, `POST` with a JSON one). */
  call(key: string | null, path: string, json?: unknown, headers?: Record<string, string>): Promise<Response>;
  /** Closes the server (draining its queue) and removes its data folder. */
  close(): Promise<void>;
}

/**
 * Starts the reference server in-process as `main.ts` would, from `environment` on top of test
 * defaults: port 0, SQLite in a new temporary folder, simulated vendors, logs off (or captured
 * with `captureLogs`), and a short shutdown timeout.
 *
 * @example
 * ```ts
 * const server = await startTestServer({ API_KEYS: 'ci:ci-key-0123456789abcdef' });
 * const response = await server.call('ci-key-0123456789abcdef', '/api/leads/search', { limit: 1 });
 * await server.close();
 * ```
 */
export async function startTestServer(
  environment: Record<string, string> = {},
  options: { captureLogs?: boolean } = {},
): Promise<TestServer> {
  const directory = await mkdtemp(join(tmpdir(), 'salesos-server-'));
  const logLines: string[] = [];
  const destination = new Writable({
    write(chunk, _encoding, done) {
      logLines.push(...String(chunk).split('\n').filter(Boolean));
      done();
    },
  });
  const config = loadConfig({
    PORT: '0',
    DATA_DIR: directory,
    UNSUBSCRIBE_SECRET: 'a-test-unsubscribe-secret-of-32-chars-or-more',
    SHUTDOWN_TIMEOUT_MS: '2000',
    ...environment,
  });
  let running: RunningServer;
  try {
    running = await startServer(config, {
      logger: createLogger({ level: options.captureLogs ? 'info' : 'silent', destination }),
    });
  } catch (error) {
    await rm(directory, { recursive: true, force: true });
    throw error;
  }
  return {
    url: running.url,
    deps: running.deps,
    logLines,
    call(key, path, json, headers = {}) {
      return fetch(`${running.url}${path}`, {
        method: json === undefined ? 'GET' : 'POST',
        headers: {
          'content-type': 'application/json',
          ...(key === null ? {} : { 'x-api-key': key }),
          ...headers,
        },
        ...(json === undefined ? {} : { body: JSON.stringify(json) }),
      });
    },
    async close() {
      try {
        await running.close();
      } finally {
        await rm(directory, { recursive: true, force: true });
      }
    },
  };
}

/**
 * Polls `check` every 25 ms until it answers something truthy, and answers that (queue workers
 * and sync runs work in the background); throws once `timeoutMs` (default 10 s) has passed.
 */
export async function eventually<T>(
  check: () => Promise<T | undefined | false> | T | undefined | false,
  timeoutMs = 10_000,
): Promise<T> {
  for (let attempt = 0; attempt < timeoutMs / 25; attempt += 1) {
    const value = await check();
    if (value) return value;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error('The condition did not hold in time.');
}
