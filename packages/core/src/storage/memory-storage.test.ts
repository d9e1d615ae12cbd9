import { describe, expect, it, vi } from 'vitest';
import { ConfigError } from '../errors/client-errors.ts';
import { createRandom } from '../testing/random.ts';
import { describeStorageConformance } from '../testing/storage-conformance.ts';
import { createTestClock } from '../testing/test-clock.ts';
import { compareKeys } from './compare-keys.ts';
import { createMemoryStorage } from './memory-storage.ts';
import { scopeStorage } from './scope-storage.ts';
import type { Entry, Key, KeyPart, ListIterator } from './storage.ts';

async function collect(iterator: ListIterator<unknown>): Promise<Entry<unknown>[]> {
  const entries: Entry<unknown>[] = [];
  for await (const entry of iterator) entries.push(entry);
  return entries;
}

async function keysOf(iterator: ListIterator<unknown>): Promise<Key[]> {
  const keys: Key[] = [];
  for await (const entry of iterator) keys.push(entry.key);
  return keys;
}

// The one-argument form: the suite is named "Storage conformance".
describeStorageConformance(() => createMemoryStorage());

describeStorageConformance('scopeStorage over createMemoryStorage', () => {
  const base = createMemoryStorage();
  return { storage: scopeStorage(base, 'outer-tenant'), cleanup: () => base.close() };
});

describe('describeStorageConformance', () => {
  it('rejects a call without a factory with ConfigError naming it', () => {
    for (const args of [[], ['named only'], [{ storage: 'not a factory' }]]) {
      const call = () => (describeStorageConformance as (...input: unknown[]) => void)(...args);
      expect(call).toThrow(ConfigError);
      expect(call).toThrow('"factory" must be a function');
    }
  });
});

describe('createMemoryStorage', () => {
  it('expires entries on the injected clock', async () => {
    const clock = createTestClock();
    const storage = createMemoryStorage({ clock });
    await storage.set(['session'], 'open', { expireIn: 60_000 });
    await clock.advance(59_999);
    expect((await storage.get(['session'])).value).toBe('open');
    await clock.advance(1);
    expect((await storage.get(['session'])).versionstamp).toBeNull();
    expect(storage.size).toBe(0);
  });

  it('rejects undefined values instead of storing them', async () => {
    const storage = createMemoryStorage();
    await expect(storage.set(['x'], undefined)).rejects.toThrow(/undefined/);
  });

  it('refuses to commit one atomic operation twice', async () => {
    const storage = createMemoryStorage();
    const operation = storage.atomic().set(['x'], 1);
    await operation.commit();
    await expect(operation.commit()).rejects.toThrow(/already committed/);
  });

  it('lists thousands of keys written in random order back in key order, both ways', async () => {
    const random = createRandom(7);
    const storage = createMemoryStorage();
    const expected = new Map<string, Key>();
    for (let index = 0; index < 3_000; index += 1) {
      const key: Key = random.chance(0.5)
        ? ['item', random.int(-500, 500) / 4]
        : ['item', `name-${random.int(0, 2_000)}`, random.int(0, 3)];
      if (random.chance(0.2)) {
        await storage.delete(key);
        expected.delete(JSON.stringify(key));
      } else {
        await storage.set(key, index);
        expected.set(JSON.stringify(key), key);
      }
    }
    const sorted = [...expected.values()].sort(compareKeys);
    expect(await keysOf(storage.list({ prefix: ['item'] }, { batchSize: 37 }))).toEqual(sorted);
    expect(await keysOf(storage.list({ prefix: ['item'] }, { reverse: true, batchSize: 41 }))).toEqual(
      [...sorted].reverse(),
    );
    expect(storage.size).toBe(sorted.length);
  });

  it('reads a range bounded inside the stored keys, up to and including the first and last key', async () => {
    const storage = createMemoryStorage();
    for (const letter of ['b', 'd', 'f', 'h']) await storage.set(['letter', letter], letter);
    expect(await keysOf(storage.list({ start: ['letter', 'c'], end: ['letter', 'g'] }))).toEqual([
      ['letter', 'd'],
      ['letter', 'f'],
    ]);
    expect(
      await keysOf(storage.list({ start: ['letter', 'b'], end: ['letter', 'h'] }, { reverse: true })),
    ).toEqual([
      ['letter', 'f'],
      ['letter', 'd'],
      ['letter', 'b'],
    ]);
    expect(await keysOf(storage.list({ start: ['letter', 'a'], end: ['letter', 'b'] }))).toEqual([]);
    expect(
      await keysOf(storage.list({ start: ['letter', 'i'], end: ['letter', 'z'] }, { reverse: true })),
    ).toEqual([]);
  });

  it('skips and drops entries that expired in the middle of a listed range, both ways', async () => {
    const clock = createTestClock();
    const storage = createMemoryStorage({ clock });
    for (let index = 0; index < 10; index += 1) {
      await storage.set(['row', index], index, index % 3 === 0 ? { expireIn: 1_000 } : {});
    }
    await clock.advance(1_000);
    const kept = [1, 2, 4, 5, 7, 8].map((index) => ['row', index]);
    expect(await keysOf(storage.list({ prefix: ['row'] }, { batchSize: 2 }))).toEqual(kept);
    expect(await keysOf(storage.list({ prefix: ['row'] }, { reverse: true, batchSize: 2 }))).toEqual(
      [...kept].reverse(),
    );
    expect(storage.size).toBe(6);
  });

  it('keeps an entry whose time to live was extended or removed by a later write', async () => {
    const clock = createTestClock();
    const storage = createMemoryStorage({ clock });
    await storage.set(['extended'], 1, { expireIn: 100 });
    await storage.set(['extended'], 2, { expireIn: 1_000 });
    await storage.set(['cleared'], 1, { expireIn: 100 });
    await storage.set(['cleared'], 2);
    await storage.set(['shortened'], 1, { expireIn: 1_000 });
    await storage.set(['shortened'], 2, { expireIn: 100 });
    await clock.advance(100);
    expect((await storage.get(['extended'])).value).toBe(2);
    expect((await storage.get(['cleared'])).value).toBe(2);
    expect((await storage.get(['shortened'])).versionstamp).toBeNull();
    expect(storage.size).toBe(2);
    await clock.advance(900);
    expect((await storage.get(['extended'])).versionstamp).toBeNull();
    expect((await storage.get(['cleared'])).value).toBe(2);
    expect(storage.size).toBe(1);
  });

  it('keeps the time to live of a counter through sum', async () => {
    const clock = createTestClock();
    const storage = createMemoryStorage({ clock });
    await storage.set(['hits'], 1, { expireIn: 500 });
    await storage.atomic().sum(['hits'], 2).commit();
    expect((await storage.get(['hits'])).value).toBe(3);
    await clock.advance(500);
    expect((await storage.get(['hits'])).versionstamp).toBeNull();
  });

  it('drops expired entries it is not asked about once their time has passed', async () => {
    const clock = createTestClock();
    const storage = createMemoryStorage({ clock });
    for (let index = 0; index < 100; index += 1) await storage.set(['lease', index], index, { expireIn: 50 });
    await storage.set(['kept'], true);
    await clock.advance(50);
    expect(storage.size).toBe(1);
    const entries: Entry<unknown>[] = [];
    for await (const entry of storage.list({ prefix: [] })) entries.push(entry);
    expect(entries.map((entry) => entry.key)).toEqual([['kept']]);
  });

  it('keeps the key it stored when the caller changes the array it wrote with', async () => {
    const storage = createMemoryStorage();
    const key: KeyPart[] = ['person', 'p1'];
    await storage.set(key, 1);
    key[1] = 'p2';
    await storage.atomic().set(key, 2).commit();
    key.push('extra');
    const entries = await collect(storage.list({ prefix: ['person'] }));
    expect(entries.map((entry) => entry.key)).toEqual([
      ['person', 'p1'],
      ['person', 'p2'],
    ]);
    const stored = (entries[0]?.key ?? []) as KeyPart[];
    expect(stored).toEqual(['person', 'p1']);
    expect(() => stored.push('x')).toThrow(TypeError);
    expect((await storage.get(['person', 'p1'])).key).toEqual(['person', 'p1']);
  });

  it('stores -0 in a key as 0, whichever was written first', async () => {
    const storage = createMemoryStorage();
    await storage.set(['n', -0], 'first');
    await storage.set(['n', 0], 'second');
    await storage.set(Object.freeze(['m', -0]), 'frozen');
    const keys = (await collect(storage.list({ prefix: [] }))).map((entry) => entry.key);
    expect(keys).toEqual([
      ['m', 0],
      ['n', 0],
    ]);
    expect(keys.some((key) => Object.is(key[1], -0))).toBe(false);
    expect((await storage.get(['n', -0])).value).toBe('second');
  });

  it('writes back an entry read from it under the same key', async () => {
    const storage = createMemoryStorage();
    await storage.set(['account', 7], { plan: 'free' });
    const entry = await storage.get<{ plan: string }>(['account', 7]);
    await storage.atomic().check(entry).set(entry.key, { plan: 'pro' }).commit();
    expect(await collect(storage.list({ prefix: ['account'] }))).toMatchObject([
      { key: ['account', 7], value: { plan: 'pro' } },
    ]);
  });

  it('takes its copy of a value when the write is made', async () => {
    const storage = createMemoryStorage();
    let reads = 0;
    const value = {
      get plan() {
        reads += 1;
        return `plan-${reads}`;
      },
    };
    const operation = storage.atomic().set(['queued'], value);
    expect(reads).toBe(1);
    await operation.commit();
    await storage.set(['direct'], value);
    expect(reads).toBe(2);
    expect((await storage.get(['queued'])).value).toEqual({ plan: 'plan-1' });
    expect((await storage.get(['direct'])).value).toEqual({ plan: 'plan-2' });
  });

  it('copies a written value once, and a read value once per read', async () => {
    const storage = createMemoryStorage();
    const copies = vi.spyOn(globalThis, 'structuredClone');
    try {
      await storage.atomic().set(['queued'], { n: 1 }).set(['other'], { n: 2 }).commit();
      await storage.set(['direct'], { n: 3 });
      expect(copies).toHaveBeenCalledTimes(3);
      await storage.getMany([['queued'], ['direct']]);
      expect(copies).toHaveBeenCalledTimes(5);
    } finally {
      copies.mockRestore();
    }
  });

  it('keeps what an atomic set queued when the caller changes the value before commit', async () => {
    const storage = createMemoryStorage();
    const value = { tags: ['a'] };
    const operation = storage.atomic().set(['queued'], value);
    value.tags.push('b');
    await operation.commit();
    value.tags.push('c');
    const read = await storage.get<{ tags: string[] }>(['queued']);
    read.value?.tags.push('d');
    expect((await storage.get(['queued'])).value).toEqual({ tags: ['a'] });
  });

  it('releases its entries on close', async () => {
    const storage = createMemoryStorage();
    await storage.set(['a'], 1, { expireIn: 1_000 });
    await storage.close();
    expect(storage.size).toBe(0);
    await expect(storage.get(['a'])).rejects.toThrow(/closed/);
  });
});
