import type { Clock } from '@salesos/core';

/**
 * A clock on which time passes `factor` times faster than on the wall: `sleep(1000)` takes
 * 1000 / factor real milliseconds and `now()` moves on by 1000. Retry backoffs, `Retry-After`
 * waits and circuit-breaker cooldowns keep their proportions while a test runs in seconds.
 */
export function createScaledClock(factor: number, start = Date.now()): Clock {
  const origin = performance.now();
  return {
    now: () => start + Math.round((performance.now() - origin) * factor),
    sleep: (ms, signal) =>
      new Promise<void>((resolve, reject) => {
        if (signal?.aborted) {
          reject(signal.reason);
          return;
        }
        const onAbort = () => {
          clearTimeout(timer);
          reject(signal?.reason);
        };
        const timer = setTimeout(
          () => {
            signal?.removeEventListener('abort', onAbort);
            resolve();
          },
          Math.max(0, ms / factor),
        );
        signal?.addEventListener('abort', onAbort, { once: true });
      }),
  };
}
