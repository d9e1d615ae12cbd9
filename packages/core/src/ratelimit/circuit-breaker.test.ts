import { describe, expect, it } from 'vitest';
import { CircuitOpenError } from '../errors/client-errors.ts';
import { createTestClock } from '../testing/test-clock.ts';
import { createCircuitBreaker } from './circuit-breaker.ts';

const fail = () => Promise.reject(new Error('down'));

describe('createCircuitBreaker', () => {
  it('opens after N consecutive failures and fails fast', async () => {
    const breaker = createCircuitBreaker({ failureThreshold: 3, cooldownMs: 1000, clock: createTestClock() });
    for (let index = 0; index < 3; index += 1) await expect(breaker.execute(fail)).rejects.toThrow('down');
    expect(breaker.state).toBe('open');
    let called = false;
    const error = await breaker
      .execute(async () => {
        called = true;
      })
      .catch((caught: unknown) => caught);
    expect(CircuitOpenError.isInstance(error)).toBe(true);
    expect((error as CircuitOpenError).retryAfterMs).toBe(1000);
    expect(called).toBe(false);
  });

  it('half-opens after the cool-down; a good trial closes it, a bad one re-opens it', async () => {
    const clock = createTestClock();
    const breaker = createCircuitBreaker({ failureThreshold: 1, cooldownMs: 1000, clock });
    await expect(breaker.execute(fail)).rejects.toThrow();
    await clock.advance(1000);
    expect(breaker.state).toBe('half-open');
    await expect(breaker.execute(fail)).rejects.toThrow('down');
    expect(breaker.state).toBe('open');
    await clock.advance(1000);
    await expect(breaker.execute(async () => 'ok')).resolves.toBe('ok');
    expect(breaker.state).toBe('closed');
  });

  it('does not count errors the caller says are not failures', async () => {
    const breaker = createCircuitBreaker({ failureThreshold: 1 });
    await expect(breaker.execute(fail, () => false)).rejects.toThrow();
    expect(breaker.state).toBe('closed');
  });
});
