import { describe, expect, it } from 'vitest';
import { createMemoryStorage } from '../storage/memory-storage.ts';
import { StorageError } from '../storage/storage-error.ts';
import { severableStorage } from './severable-storage.ts';

describe('severableStorage', () => {
  it('passes both forms of atomic check through to the storage', async () => {
    const storage = createMemoryStorage();
    const link = severableStorage(storage);
    const first = await link.storage.atomic().check(['lock'], null).set(['lock'], 'a').commit();
    expect(first.ok).toBe(true);
    expect((await link.storage.atomic().check(['lock'], null).set(['lock'], 'b').commit()).ok).toBe(false);
    const current = await link.storage.get(['lock']);
    const second = await link.storage
      .atomic()
      .check(current, { key: ['other'], versionstamp: null })
      .set(['lock'], 'c')
      .commit();
    expect(second.ok).toBe(true);
    expect((await storage.get(['lock'])).value).toBe('c');
    expect(() => link.storage.atomic().check(['lock'], 1 as unknown as string)).toThrow(StorageError);
  });

  it('rejects every call once severed, leaving the storage open', async () => {
    const storage = createMemoryStorage();
    const link = severableStorage(storage);
    await link.storage.set(['k'], 1);
    const pending = link.storage.atomic().check(['k'], null).set(['k'], 2);
    link.sever();
    await expect(link.storage.get(['k'])).rejects.toThrow(StorageError);
    await expect(pending.commit()).rejects.toThrow('severed');
    expect((await storage.get(['k'])).value).toBe(1);
  });
});
