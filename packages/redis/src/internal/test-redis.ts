import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';

/** The Redis the tests run against. */
export const TEST_REDIS_URL = process.env.SALESOS_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** A key prefix no other test run uses. */
export function uniquePrefix(label: string): string {
  return `salesos-test-${label}-${randomUUID().slice(0, 8)}`;
}

/** Deletes every key starting with `prefix`. */
export async function deleteKeys(redis: Redis, prefix: string): Promise<number> {
  let cursor = '0';
  let deleted = 0;
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
    cursor = next;
    if (keys.length > 0) deleted += await redis.unlink(...keys);
  } while (cursor !== '0');
  return deleted;
}

/** Opens a client for test bookkeeping. */
export function testRedis(): Redis {
  return new Redis(TEST_REDIS_URL);
}

/**
 * Closes, from the server side, every connection whose client name contains `tag` (as a
 * Redis restart or a network cut would); answers how many.
 */
export async function killClients(redis: Redis, tag: string): Promise<number> {
  const list = (await redis.client('LIST')) as string;
  const ids = list
    .split('\n')
    .filter((line) => line.includes(` name=${tag}`))
    .map((line) => /\bid=(\d+)/.exec(line)?.[1])
    .filter((id): id is string => id !== undefined);
  for (const id of ids) await redis.client('KILL', 'ID', id);
  return ids.length;
}
