import { randomUUID } from 'node:crypto';
import { spawnWorker } from '@salesos/core/testing';
import { afterAll, describe, expect, it } from 'vitest';
import type { WorkerMessage, WorkerSettings } from './__fixtures__/redis-worker.ts';
import { deleteKeys, TEST_REDIS_URL, testRedis, uniquePrefix } from './internal/test-redis.ts';

const redis = testRedis();
const prefix = `${uniquePrefix('limiter-processes')}:`;
const script = new URL('./__fixtures__/redis-worker.ts', import.meta.url);

afterAll(async () => {
  await deleteKeys(redis, prefix);
  await redis.quit();
});

describe('createRedisRateLimiter, across processes', () => {
  it('keeps the calls of two processes sharing a key within one budget per window', async () => {
    const budget = 10;
    const windowMs = 400;
    const settings: WorkerSettings = {
      mode: 'limit',
      url: TEST_REDIS_URL,
      prefix,
      key: `tenant-${randomUUID()}`,
      budget,
      windowMs,
      calls: 15,
    };
    const processes = [
      spawnWorker<WorkerMessage>(script, settings),
      spawnWorker<WorkerMessage>(script, settings),
    ];
    await Promise.all(processes.map((worker) => worker.waitFor((message) => message.type === 'ready')));
    for (const worker of processes) worker.child.send({ type: 'go' });
    const admitted = await Promise.all(
      processes.map((worker) => worker.waitFor((message) => message.type === 'admitted')),
    );
    const times = admitted
      .flatMap((message) => (message.type === 'admitted' ? message.at : []))
      .sort((a, b) => a - b);
    expect(times).toHaveLength(30);
    // Admission times are taken after the charge, so allow a little slack at the end of each window.
    const slackMs = 50;
    for (const [index, start] of times.entries()) {
      const inWindow = times.slice(index).filter((time) => time < start + windowMs - slackMs).length;
      expect(inWindow).toBeLessThanOrEqual(budget);
    }
  }, 30_000);
});
