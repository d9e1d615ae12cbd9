import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, StorageError } from '@salesos/core';
import { createTestClock, describeStorageConformance } from '@salesos/core/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { createSqliteStorage } from './sqlite-storage.ts';

const directory = mkdtempSync(join(tmpdir(), 'salesos-sqlite-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

// Every test of the kit shares one file, as an application's callers do.
const shared = join(directory, 'conformance.db');
describeStorageConformance('createSqliteStorage', () => createSqliteStorage({ path: shared }));

describeStorageConformance('createSqliteStorage in memory', () => createSqliteStorage({ path: ':memory:' }), {
  writers: 50,
});

describe('createSqliteStorage', () => {
  it('keeps entries across a close and a reopen of the file', async () => {
    const path = join(directory, 'durable.db');
    const first = createSqliteStorage({ path });
    const written = await first.set(['person', 'p1'], { email: 'ada@example.com' });
    await first.close();
    const second = createSqliteStorage({ path });
    const entry = await second.get(['person', 'p1']);
    expect(entry.value).toEqual({ email: 'ada@example.com' });
    expect(entry.versionstamp).toBe(written.versionstamp);
    const next = await second.set(['person', 'p2'], 1);
    expect(next.versionstamp > written.versionstamp).toBe(true);
    await second.close();
  });

  it("lets two storages on one file see and guard each other's writes", async () => {
    const path = join(directory, 'two.db');
    const left = createSqliteStorage({ path });
    const right = createSqliteStorage({ path });
    const seen = await left.get(['counter']);
    await right.set(['counter'], 1);
    const stale = await left.atomic().check(seen).set(['counter'], 100).commit();
    expect(stale.ok).toBe(false);
    expect((await left.get(['counter'])).value).toBe(1);
    await left.close();
    await right.close();
  });

  it('hides expired entries at once and deletes them on cleanup', async () => {
    const clock = createTestClock();
    const storage = createSqliteStorage({ path: ':memory:', clock, cleanupIntervalMs: 0 });
    await storage.set(['lease', 1], 'held', { expireIn: 1000 });
    await storage.set(['lease', 2], 'held');
    await clock.advance(999);
    expect((await storage.get(['lease', 1])).value).toBe('held');
    await clock.advance(1);
    expect((await storage.get(['lease', 1])).versionstamp).toBeNull();
    expect(await storage.cleanup()).toBe(1);
    expect(await storage.cleanup()).toBe(0);
    expect((await storage.get(['lease', 2])).value).toBe('held');
    await storage.close();
  });

  it('keeps the expiry of an entry it sums into', async () => {
    const clock = createTestClock();
    const storage = createSqliteStorage({ path: ':memory:', clock });
    await storage.set(['window'], 1, { expireIn: 1000 });
    await storage.atomic().sum(['window'], 2).commit();
    expect((await storage.get(['window'])).value).toBe(3);
    await clock.advance(1000);
    expect((await storage.get(['window'])).versionstamp).toBeNull();
    await storage.close();
  });

  it('rejects values JSON cannot hold with StorageError', async () => {
    const storage = createSqliteStorage({ path: ':memory:' });
    await expect(storage.set(['bad'], undefined)).rejects.toSatisfy(StorageError.isInstance);
    await expect(storage.set(['bad'], () => 1)).rejects.toSatisfy(StorageError.isInstance);
    await expect(storage.set(['bad'], 10n)).rejects.toSatisfy(StorageError.isInstance);
    expect(() => storage.atomic().set(['bad'], 1, { expireIn: -1 })).toThrow(StorageError);
    await storage.close();
  });

  it('rejects bad options with ConfigError', () => {
    expect(() => createSqliteStorage({ path: '' })).toThrow(ConfigError);
    expect(() => createSqliteStorage({ path: ':memory:', table: 'kv; drop table x' })).toThrow(ConfigError);
    expect(() => createSqliteStorage({ path: ':memory:', busyTimeoutMs: -1 })).toThrow(ConfigError);
    expect(() => createSqliteStorage({ path: ':memory:', secureDelete: 'yes' as never })).toThrow(
      ConfigError,
    );
  });

  it('fails to open a path it cannot create with StorageError naming the path', () => {
    const path = join(directory, 'missing-folder', 'x.db');
    expect(() => createSqliteStorage({ path })).toThrow(/missing-folder/);
  });
});

describe('createSqliteStorage erasure', () => {
  /** Writes neighbours and three people, then erases them: deleted, replaced, and one too large for a page. */
  const eraseThree = async (path: string, secureDelete?: boolean) => {
    const storage = createSqliteStorage({ path, ...(secureDelete === undefined ? {} : { secureDelete }) });
    for (let index = 0; index < 200; index += 1) {
      await storage.set(['person', `neighbour-${index}`], { email: `neighbour-${index}@example.com` });
    }
    await storage.set(['person', 'ada'], { email: 'ada.lovelace@analytical.example' });
    await storage.set(['person', 'grace'], { email: 'grace.hopper@cobol.example' });
    await storage.set(['person', 'alan'], { notes: `alan.turing@bletchley.example ${'x'.repeat(20_000)}` });
    expect(await storage.checkpoint()).toBe(true);
    const before = readFileSync(path);
    expect(before.includes('ada.lovelace@analytical.example')).toBe(true);
    expect(before.includes('alan.turing@bletchley.example')).toBe(true);

    await storage.delete(['person', 'ada']);
    await storage.set(['person', 'grace'], { email: null });
    await storage.delete(['person', 'alan']);
    expect(await storage.checkpoint()).toBe(true);
    return storage;
  };
  const erased = [
    'ada.lovelace@analytical.example',
    'grace.hopper@cobol.example',
    'alan.turing@bletchley.example',
  ];

  it('leaves no byte of a deleted or replaced value in the database file after a checkpoint', async () => {
    const path = join(directory, 'erased.db');
    const storage = await eraseThree(path);
    const file = readFileSync(path);
    for (const text of erased) expect(file.includes(text), text).toBe(false);
    expect(existsSync(`${path}-wal`) ? readFileSync(`${path}-wal`).length : 0).toBe(0);
    expect((await storage.get(['person', 'neighbour-7'])).value).toEqual({
      email: 'neighbour-7@example.com',
    });
    await storage.close();
  });

  it('leaves deleted values in free space when secureDelete is false', async () => {
    const path = join(directory, 'kept.db');
    const storage = await eraseThree(path, false);
    expect(readFileSync(path).includes('ada.lovelace@analytical.example')).toBe(true);
    await storage.close();
  });
});
