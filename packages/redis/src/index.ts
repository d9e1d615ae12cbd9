// @salesos/redis: core's Queue on BullMQ, Cache and a distributed RateLimiter on Redis.

export { type BullmqQueue, type BullmqQueueOptions, createBullmqQueue } from './bullmq-queue.ts';
export { createRedisCache, type RedisCache, type RedisCacheOptions } from './redis-cache.ts';
export type { RedisConnection } from './redis-connection.ts';
export {
  createRedisRateLimiter,
  type RedisRateLimiter,
  type RedisRateLimiterOptions,
} from './redis-rate-limiter.ts';
export { VERSION } from './version.ts';
