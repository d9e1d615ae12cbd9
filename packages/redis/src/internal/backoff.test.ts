import { describe, expect, it } from 'vitest';
import { bullBackoffStrategy, toBullBackoff } from './backoff.ts';

const delays = (backoff: Parameters<typeof toBullBackoff>[0], attempts: number) => {
  const options = toBullBackoff(backoff);
  const job = { opts: { backoff: options } } as unknown as Parameters<typeof bullBackoffStrategy>[3];
  return Array.from({ length: attempts }, (_, index) =>
    bullBackoffStrategy(index + 1, options.type, undefined, job),
  );
};

describe('toBullBackoff', () => {
  it("hands uncapped backoff to BullMQ's own strategies", () => {
    expect(toBullBackoff({ type: 'exponential', delayMs: 1000 })).toEqual({
      type: 'exponential',
      delay: 1000,
    });
    expect(toBullBackoff({ type: 'fixed', delayMs: 5 })).toEqual({ type: 'fixed', delay: 5 });
  });
});

describe('bullBackoffStrategy', () => {
  it('doubles an exponential delay up to maxDelayMs', () => {
    expect(delays({ type: 'exponential', delayMs: 100, maxDelayMs: 350 }, 4)).toEqual([100, 200, 350, 350]);
  });

  it('caps a fixed delay at maxDelayMs', () => {
    expect(delays({ type: 'fixed', delayMs: 500, maxDelayMs: 200 }, 2)).toEqual([200, 200]);
  });

  it('refuses a strategy it does not know', () => {
    expect(() => bullBackoffStrategy(1, 'linear')).toThrow(/Unknown backoff strategy/);
  });
});
