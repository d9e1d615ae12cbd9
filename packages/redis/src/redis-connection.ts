import type { Redis, RedisOptions } from 'ioredis';

/**
 * Where Redis is, for every factory of this package: an ioredis client of your own (shared,
 * never closed by SalesOS), ioredis options, or a `redis://` URL.
 *
 * @example
 * ```ts
 * createRedisCache({ connection: 'redis://127.0.0.1:6379' });
 * createRedisCache({ connection: { host: 'redis.internal', port: 6379, password: process.env.REDIS_PASSWORD } });
 * createRedisCache({ connection: new Redis(process.env.REDIS_URL) });
 * ```
 */
export type RedisConnection = Redis | RedisOptions | string;
