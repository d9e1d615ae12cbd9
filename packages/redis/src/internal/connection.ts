import { Redis, type RedisOptions } from 'ioredis';
import type { RedisConnection } from '../redis-connection.ts';

/** A client opened for an adapter, and whether the adapter must close it. */
export interface OpenedClient {
  client: Redis;
  owned: boolean;
}

/** True for an ioredis client (or cluster) rather than options or a URL. */
export function isRedisClient(connection: RedisConnection): connection is Redis {
  return (
    typeof connection === 'object' &&
    connection !== null &&
    typeof (connection as Redis).duplicate === 'function' &&
    typeof (connection as Redis).evalsha === 'function'
  );
}

/**
 * Opens a client on `connection`. A client that was given is used as it is, unless
 * `overrides` are needed, in which case a duplicate with them is opened (and owned).
 */
export function openClient(connection: RedisConnection, overrides?: RedisOptions): OpenedClient {
  if (isRedisClient(connection)) {
    if (overrides === undefined) return { client: connection, owned: false };
    return { client: connection.duplicate(overrides), owned: true };
  }
  if (typeof connection === 'string') return { client: new Redis(connection, overrides ?? {}), owned: true };
  return { client: new Redis({ ...connection, ...overrides }), owned: true };
}

/** Closes a client the adapter opened: `QUIT` when connected, else drop the socket. */
export async function closeClient(opened: OpenedClient): Promise<void> {
  if (!opened.owned) return;
  const { client } = opened;
  if (client.status === 'end') return;
  if (client.status === 'ready') {
    await client.quit().catch(() => client.disconnect());
  } else {
    client.disconnect();
  }
}

/** Escapes the glob characters of `text` for `SCAN MATCH`. */
export function escapeGlob(text: string): string {
  return text.replace(/[*?[\]\\]/g, (character) => `\\${character}`);
}
