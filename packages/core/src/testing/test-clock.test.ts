import { describe, expect, it } from 'vitest';
import { createTestClock } from './test-clock.ts';

const START = Date.UTC(2026, 0, 1);

describe('createTestClock', () => {
  it('starts at 2026-01-01T00:00:00Z, or at the time given, and stands still', async () => {
    expect(createTestClock().now()).toBe(START);
    expect(createTestClock(1_000).now()).toBe(1_000);
    const clock = createTestClock(new Date('2030-05-06T07:08:09Z'));
    expect(clock.now()).toBe(Date.parse('2030-05-06T07:08:09Z'));
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(clock.now()).toBe(Date.parse('2030-05-06T07:08:09Z'));
  });

  it('resolves sleeps as advance passes their due time, in due order, with now() at each due time', async () => {
    const clock = createTestClock();
    const woke: [string, number][] = [];
    const sleepFor = (label: string, ms: number) =>
      clock.sleep(ms).then(() => {
        woke.push([label, clock.now() - START]);
      });
    const all = [
      sleepFor('300', 300),
      sleepFor('100', 100),
      sleepFor('200', 200),
      sleepFor('100 again', 100),
    ];
    expect(clock.pendingSleeps).toBe(4);
    await clock.advance(99);
    expect(woke).toEqual([]);
    await clock.advance(151);
    expect(woke).toEqual([
      ['100', 100],
      ['100 again', 100],
      ['200', 200],
    ]);
    expect(clock.now() - START).toBe(250);
    expect(clock.pendingSleeps).toBe(1);
    await clock.advance(50);
    await Promise.all(all);
    expect(woke.at(-1)).toEqual(['300', 300]);
    expect(clock.pendingSleeps).toBe(0);
  });

  it('also resolves sleeps that woken code starts within the same advance', async () => {
    const clock = createTestClock();
    const steps: number[] = [];
    const loop = (async () => {
      for (let step = 0; step < 3; step += 1) {
        await clock.sleep(100);
        steps.push(clock.now() - START);
      }
    })();
    await clock.advance(250);
    expect(steps).toEqual([100, 200]);
    await clock.advance(50);
    await loop;
    expect(steps).toEqual([100, 200, 300]);
  });

  it('resolves sleep(0) and negative sleeps at once without moving time', async () => {
    const clock = createTestClock();
    await clock.sleep(0);
    await clock.sleep(-5);
    expect(clock.now()).toBe(START);
    expect(clock.pendingSleeps).toBe(0);
  });

  it('moves to an absolute time with setTime, resolving what falls due on the way', async () => {
    const clock = createTestClock();
    let woke = false;
    const sleeping = clock.sleep(60_000).then(() => {
      woke = true;
    });
    await clock.setTime(new Date(START + 59_999));
    expect(woke).toBe(false);
    await clock.setTime(START + 60_000);
    await sleeping;
    expect(woke).toBe(true);
    expect(clock.now()).toBe(START + 60_000);
  });

  it('never moves backwards: setTime to an earlier time, or advance by a negative amount, keeps the time', async () => {
    const clock = createTestClock();
    await clock.advance(1_000);
    await clock.setTime(START);
    expect(clock.now()).toBe(START + 1_000);
    await clock.setTime(new Date(0));
    expect(clock.now()).toBe(START + 1_000);
    await clock.advance(-500);
    expect(clock.now()).toBe(START + 1_000);
  });

  it('rejects an aborted sleep with the signal reason and drops it from the pending sleeps', async () => {
    const clock = createTestClock();
    const controller = new AbortController();
    const sleeping = clock.sleep(1_000, controller.signal);
    const other = clock.sleep(1_000);
    expect(clock.pendingSleeps).toBe(2);
    const reason = new Error('cancelled');
    controller.abort(reason);
    await expect(sleeping).rejects.toBe(reason);
    expect(clock.pendingSleeps).toBe(1);
    await clock.advance(1_000);
    await expect(other).resolves.toBeUndefined();
  });

  it('rejects at once a sleep whose signal is already aborted', async () => {
    const clock = createTestClock();
    const reason = new Error('too late');
    await expect(clock.sleep(1_000, AbortSignal.abort(reason))).rejects.toBe(reason);
    expect(clock.pendingSleeps).toBe(0);
  });

  it('keeps a sleep that resolved before its signal was aborted resolved', async () => {
    const clock = createTestClock();
    const controller = new AbortController();
    const sleeping = clock.sleep(10, controller.signal);
    await clock.advance(10);
    controller.abort(new Error('after the fact'));
    await expect(sleeping).resolves.toBeUndefined();
  });

  describe('runNext', () => {
    it('answers false and leaves the time alone when nothing is pending', async () => {
      const clock = createTestClock();
      expect(await clock.runNext()).toBe(false);
      expect(clock.now()).toBe(START);
    });

    it('jumps to the earliest pending sleep and resolves it (and any due at the same time)', async () => {
      const clock = createTestClock();
      const woke: string[] = [];
      void clock.sleep(500).then(() => woke.push('500'));
      void clock.sleep(200).then(() => woke.push('200'));
      void clock.sleep(200).then(() => woke.push('200 again'));
      expect(await clock.runNext()).toBe(true);
      expect(clock.now()).toBe(START + 200);
      expect(woke).toEqual(['200', '200 again']);
      expect(clock.pendingSleeps).toBe(1);
      expect(await clock.runNext()).toBe(true);
      expect(clock.now()).toBe(START + 500);
      expect(woke).toEqual(['200', '200 again', '500']);
      expect(await clock.runNext()).toBe(false);
    });
  });
});
