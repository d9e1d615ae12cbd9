import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { kitArguments } from '../internal/kit-arguments.ts';
import { scopeStorage } from '../storage/scope-storage.ts';
import type { Entry, Key, ListOptions, ListSelector, Storage } from '../storage/storage.ts';
import { InvalidKeyError, StorageError } from '../storage/storage-error.ts';

/** A storage under test and how to dispose of it. */
export interface StorageUnderTest {
  storage: Storage;
  /** Runs after each test. Default: `storage.close()`. */
  cleanup?: () => Promise<void> | void;
}

/**
 * Makes the storage for one test. It may share a database with other tests: every test
 * writes under its own random key prefix (or tenant id).
 */
export type StorageFactory = () => Storage | StorageUnderTest | Promise<Storage | StorageUnderTest>;

/** Tuning of `describeStorageConformance`. */
export interface StorageConformanceOptions {
  /** `expireIn` used by the TTL tests, in milliseconds; the tests wait about 2.5× this. Default `100`. */
  ttlMs?: number;
  /** Number of racing writers in the concurrency tests. Default `100`. */
  writers?: number;
}

async function make(factory: StorageFactory): Promise<Required<StorageUnderTest>> {
  const made = await factory();
  if ('storage' in made && typeof made.storage === 'object' && made.storage !== null) {
    const { storage } = made;
    return { storage, cleanup: made.cleanup ?? (() => storage.close()) };
  }
  const storage = made as Storage;
  return { storage, cleanup: () => storage.close() };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function collect<T>(iterable: AsyncIterable<Entry<T>>): Promise<Entry<T>[]> {
  const out: Entry<T>[] = [];
  for await (const entry of iterable) out.push(entry);
  return out;
}

/**
 * The keys of the ordering test, in the one storage order: numbers before strings, numbers
 * by value, strings by code point (so U+FFFD before U+1F600, unlike JavaScript's `<`), a
 * prefix before its children, empty strings and NUL characters included.
 */
const ORDERED_KEY_SUFFIXES: readonly Key[] = [
  [-1e21],
  [-5],
  [-1.5],
  [0],
  [0.25],
  [2],
  [10],
  [1e21],
  [''],
  ['', 0],
  ['', ''],
  ['A'],
  ['Z'],
  ['a'],
  ['a', -1],
  ['a', 0],
  ['a', 'b'],
  ['a\u0000'],
  ['a\u0000b'],
  ['ab'],
  ['b'],
  ['é'],
  ['\uE000'],
  ['\uFFFD'],
  ['😀'],
  ['😀', 1],
];

/**
 * Registers a vitest suite that checks a `Storage` implementation against the contract:
 * reads and writes, key validation, the key order (mixed string/number parts, unicode,
 * empty strings), list selectors, limits, reverse walks and cursors, `expireIn`, atomic
 * checks, `sum`, 100 racing read-check-increment writers ending at exactly 100, tenant
 * isolation through `scopeStorage`, and `close()`.
 *
 * Call it from your adapter's test file; `factory` makes a storage per test. The suite is
 * named `Storage conformance`, or `<name> (Storage conformance)` when you pass a `name`
 * first (useful when one file runs the kit against several setups).
 *
 * @example
 * ```ts
 * import { describeStorageConformance } from '@salesos/core/testing';
 * import { createPostgresStorage } from './postgres-storage.ts';
 *
 * describeStorageConformance(async () => {
 *   const storage = await createPostgresStorage({ connectionString: process.env.DATABASE_URL });
 *   return { storage, cleanup: () => storage.close() };
 * });
 * ```
 *
 * @example Named suites, with options
 * ```ts
 * describeStorageConformance('createSqliteStorage', () => createSqliteStorage({ path: file }));
 * describeStorageConformance('createSqliteStorage in memory', () => createSqliteStorage({ path: ':memory:' }), {
 *   writers: 20,
 * });
 * ```
 */
export function describeStorageConformance(
  factory: StorageFactory,
  options?: StorageConformanceOptions,
): void;
/**
 * The same suite as `describeStorageConformance(factory, options?)`, registered under
 * `<name> (Storage conformance)`.
 *
 * @example
 * ```ts
 * describeStorageConformance('createMemoryStorage', () => createMemoryStorage());
 * ```
 */
export function describeStorageConformance(
  name: string,
  factory: StorageFactory,
  options?: StorageConformanceOptions,
): void;
export function describeStorageConformance(
  nameOrFactory: string | StorageFactory,
  factoryOrOptions?: StorageFactory | StorageConformanceOptions,
  namedOptions?: StorageConformanceOptions,
): void {
  const { title, factory, options } = kitArguments<StorageFactory, StorageConformanceOptions>(
    'Storage',
    nameOrFactory,
    factoryOrOptions,
    namedOptions,
  );
  const ttlMs = options.ttlMs ?? 100;
  const writers = options.writers ?? 100;

  describe(title, () => {
    let storage: Storage;
    let cleanup: () => Promise<void> | void;
    let root: Key;
    const at = (...parts: Key): Key => [...root, ...parts];
    const strip = (key: Key): Key => key.slice(root.length);

    beforeEach(async () => {
      ({ storage, cleanup } = await make(factory));
      root = ['conformance', randomUUID()];
    });

    afterEach(async () => {
      await cleanup();
    });

    const seed = async (keys: readonly Key[]) => {
      for (const [index, key] of keys.entries()) await storage.set(at(...key), index);
    };
    const listKeys = async (selector: ListSelector, listOptions?: ListOptions) =>
      (await collect(storage.list(selector, listOptions))).map((entry) => strip(entry.key));

    describe('get and set', () => {
      it('answers a null value and versionstamp for a missing key', async () => {
        const entry = await storage.get(at('missing'));
        expect(entry).toEqual({ key: at('missing'), value: null, versionstamp: null });
      });

      it('stores JSON values and reads them back with a versionstamp', async () => {
        const value = { name: 'Ada', tags: ['a', 'b'], nested: { count: 3, ok: true, none: null } };
        const result = await storage.set(at('person', 1), value);
        expect(result.ok).toBe(true);
        expect(typeof result.versionstamp).toBe('string');
        const entry = await storage.get(at('person', 1));
        expect(entry.value).toEqual(value);
        expect(entry.key).toEqual(at('person', 1));
        expect(entry.versionstamp).toBe(result.versionstamp);
        for (const scalar of ['text', 42, -1.5, true, false, null, '', [1, 'two']]) {
          await storage.set(at('scalar'), scalar);
          expect((await storage.get(at('scalar'))).value).toEqual(scalar);
        }
      });

      it('copies values: changing an object after set or after get changes nothing stored', async () => {
        const value = { list: [1, 2] };
        await storage.set(at('copy'), value);
        value.list.push(3);
        const first = await storage.get<{ list: number[] }>(at('copy'));
        first.value?.list.push(4);
        expect((await storage.get(at('copy'))).value).toEqual({ list: [1, 2] });
      });

      it('gives every commit a versionstamp that sorts after the previous ones', async () => {
        const stamps: string[] = [];
        for (let index = 0; index < 5; index += 1)
          stamps.push((await storage.set(at('v'), index)).versionstamp);
        const other = await storage.set(at('w'), 1);
        stamps.push(other.versionstamp);
        for (let index = 1; index < stamps.length; index += 1) {
          expect((stamps[index] as string) > (stamps[index - 1] as string)).toBe(true);
        }
      });

      it('reads several keys at once, in the order asked, with missing ones marked', async () => {
        await storage.set(at('a'), 1);
        await storage.set(at('c'), 3);
        const entries = await storage.getMany([at('c'), at('b'), at('a')]);
        expect(entries.map((entry) => entry.value)).toEqual([3, null, 1]);
        expect(entries[1]?.versionstamp).toBeNull();
        expect(entries.map((entry) => strip(entry.key))).toEqual([['c'], ['b'], ['a']]);
      });

      it('deletes a key, and deleting a missing key is not an error', async () => {
        await storage.set(at('gone'), 1);
        await storage.delete(at('gone'));
        expect((await storage.get(at('gone'))).versionstamp).toBeNull();
        await expect(storage.delete(at('never'))).resolves.toBeUndefined();
      });

      it('keeps string and number parts apart and round-trips unicode keys', async () => {
        await storage.set(at(1), 'number');
        await storage.set(at('1'), 'string');
        await storage.set(at('😀', 'naïve', '\u0000', ''), 'unicode');
        expect((await storage.get(at(1))).value).toBe('number');
        expect((await storage.get(at('1'))).value).toBe('string');
        const entry = await storage.get(at('😀', 'naïve', '\u0000', ''));
        expect(entry.value).toBe('unicode');
        expect(strip((await collect(storage.list({ prefix: at('😀') })))[0]?.key ?? [])).toEqual([
          '😀',
          'naïve',
          '\u0000',
          '',
        ]);
      });
    });

    describe('key validation', () => {
      const invalid: [string, unknown, number | undefined][] = [
        ['an empty key', [], undefined],
        ['NaN', ['a', Number.NaN], 1],
        ['Infinity', ['a', 'b', Number.POSITIVE_INFINITY], 2],
        ['an object part', [{}], 0],
        ['a boolean part', ['a', true], 1],
        ['a lone surrogate', ['ok', '\uD800'], 1],
        ['not an array', 'key', undefined],
      ];
      for (const [label, key, partIndex] of invalid) {
        it(`rejects ${label} with InvalidKeyError naming the part`, async () => {
          const attempt = async () => storage.set(key as Key, 1);
          const error = await attempt().then(
            () => undefined,
            (caught: unknown) => caught,
          );
          expect(InvalidKeyError.isInstance(error)).toBe(true);
          expect(StorageError.isInstance(error)).toBe(true);
          expect((error as InvalidKeyError).partIndex).toBe(partIndex);
          const reading = await (async () => storage.get(key as Key))().then(
            () => undefined,
            (caught: unknown) => caught,
          );
          expect(InvalidKeyError.isInstance(reading)).toBe(true);
        });
      }
    });

    describe('ordering', () => {
      it('lists keys in the one total order, whatever order they were written in', async () => {
        const shuffled = [...ORDERED_KEY_SUFFIXES].sort(() => Math.random() - 0.5);
        await seed(shuffled);
        expect(await listKeys({ prefix: root })).toEqual(ORDERED_KEY_SUFFIXES);
        expect(await listKeys({ prefix: root }, { reverse: true })).toEqual(
          [...ORDERED_KEY_SUFFIXES].reverse(),
        );
      });

      it('walks in batches without losing or repeating entries', async () => {
        const keys = Array.from({ length: 25 }, (_, index) => [index] as Key);
        await seed(keys);
        expect(await listKeys({ prefix: root }, { batchSize: 4 })).toEqual(keys);
        expect(await listKeys({ prefix: root }, { batchSize: 4, reverse: true })).toEqual(
          [...keys].reverse(),
        );
      });
    });

    describe('list selectors', () => {
      const keys: Key[] = [['a'], ['a', 1], ['a', 2], ['a', 'x'], ['a', 'y'], ['ab'], ['b'], ['b', 1]];
      beforeEach(async () => {
        await seed(keys);
      });

      it('selects the keys under a prefix, not the prefix key itself', async () => {
        expect(await listKeys({ prefix: at('a') })).toEqual([
          ['a', 1],
          ['a', 2],
          ['a', 'x'],
          ['a', 'y'],
        ]);
        expect(await listKeys({ prefix: at('zzz') })).toEqual([]);
      });

      it('narrows a prefix with an inclusive start', async () => {
        expect(await listKeys({ prefix: at('a'), start: at('a', 2) })).toEqual([
          ['a', 2],
          ['a', 'x'],
          ['a', 'y'],
        ]);
      });

      it('narrows a prefix with an exclusive end', async () => {
        expect(await listKeys({ prefix: at('a'), end: at('a', 'x') })).toEqual([
          ['a', 1],
          ['a', 2],
        ]);
      });

      it('selects a start-inclusive, end-exclusive range', async () => {
        expect(await listKeys({ start: at('a', 2), end: at('b') })).toEqual([
          ['a', 2],
          ['a', 'x'],
          ['a', 'y'],
          ['ab'],
        ]);
        expect(await listKeys({ start: at('b'), end: at('a') })).toEqual([]);
      });

      it('stops at the limit, walking forwards or backwards', async () => {
        expect(await listKeys({ prefix: root }, { limit: 3 })).toEqual([['a'], ['a', 1], ['a', 2]]);
        expect(await listKeys({ prefix: root }, { limit: 2, reverse: true })).toEqual([['b', 1], ['b']]);
        expect(await listKeys({ prefix: at('a') }, { limit: 0 })).toEqual([]);
      });

      it('walks a range backwards', async () => {
        expect(await listKeys({ prefix: at('a'), start: at('a', 2) }, { reverse: true })).toEqual([
          ['a', 'y'],
          ['a', 'x'],
          ['a', 2],
        ]);
      });
    });

    describe('cursors', () => {
      const keys = Array.from({ length: 10 }, (_, index) => [index] as Key);
      beforeEach(async () => {
        await seed(keys);
      });

      it('resumes right after the last entry read', async () => {
        const first = storage.list({ prefix: root }, { limit: 4 });
        const head = (await collect(first)).map((entry) => strip(entry.key));
        const rest = await listKeys({ prefix: root }, { cursor: first.cursor });
        expect(head).toEqual(keys.slice(0, 4));
        expect(rest).toEqual(keys.slice(4));
      });

      it('resumes after breaking out of a walk, in batches', async () => {
        const walk = storage.list({ prefix: root }, { batchSize: 3 });
        const seen: Key[] = [];
        for await (const entry of walk) {
          seen.push(strip(entry.key));
          if (seen.length === 5) break;
        }
        const rest = await listKeys({ prefix: root }, { cursor: walk.cursor, batchSize: 3 });
        expect([...seen, ...rest]).toEqual(keys);
      });

      it('resumes a reverse walk downwards', async () => {
        const first = storage.list({ prefix: root }, { limit: 3, reverse: true });
        const head = (await collect(first)).map((entry) => strip(entry.key));
        const rest = await listKeys({ prefix: root }, { reverse: true, cursor: first.cursor });
        expect([...head, ...rest]).toEqual([...keys].reverse());
      });

      it('starts from the beginning with the cursor of a walk that read nothing', async () => {
        const walk = storage.list({ prefix: root });
        expect(await listKeys({ prefix: root }, { cursor: walk.cursor })).toEqual(keys);
      });

      it('resumes with the last cursor once an entry before it was deleted', async () => {
        const first = storage.list({ prefix: root }, { limit: 5 });
        await collect(first);
        await storage.delete(at(4));
        await storage.set(at(4.5), 'new');
        expect(await listKeys({ prefix: root }, { cursor: first.cursor })).toEqual([[4.5], ...keys.slice(5)]);
      });

      it('never widens the selection: a cursor from another listing stays inside the selector', async () => {
        await storage.set(at('other', 1), 1);
        const elsewhere = storage.list({ prefix: at('other') });
        await collect(elsewhere);
        const found = await listKeys({ prefix: root, end: at(3) }, { cursor: elsewhere.cursor });
        for (const key of found) expect(typeof key[0] === 'number' && key[0] < 3).toBe(true);
      });
    });

    describe('expiry', () => {
      it('stops returning an entry once expireIn has passed', async () => {
        await storage.set(at('short'), 'soon gone', { expireIn: ttlMs });
        await storage.set(at('long'), 'stays');
        expect((await storage.get(at('short'))).value).toBe('soon gone');
        await sleep(ttlMs * 2.5);
        expect((await storage.get(at('short'))).versionstamp).toBeNull();
        expect((await storage.getMany([at('short'), at('long')])).map((entry) => entry.value)).toEqual([
          null,
          'stays',
        ]);
        expect(await listKeys({ prefix: root })).toEqual([['long']]);
      });

      it('treats an expired entry as missing in atomic checks', async () => {
        await storage.atomic().set(at('lease'), 'held', { expireIn: ttlMs }).commit();
        expect(
          (
            await storage
              .atomic()
              .check({ key: at('lease'), versionstamp: null })
              .set(at('lease'), 'x')
              .commit()
          ).ok,
        ).toBe(false);
        await sleep(ttlMs * 2.5);
        const taken = await storage
          .atomic()
          .check({ key: at('lease'), versionstamp: null })
          .set(at('lease'), 'mine')
          .commit();
        expect(taken.ok).toBe(true);
        expect((await storage.get(at('lease'))).value).toBe('mine');
      });

      it('keeps an entry without expireIn after one with it is rewritten', async () => {
        await storage.set(at('k'), 1, { expireIn: ttlMs });
        await storage.set(at('k'), 2);
        await sleep(ttlMs * 2.5);
        expect((await storage.get(at('k'))).value).toBe(2);
      });
    });

    describe('atomic', () => {
      it('commits every mutation with one versionstamp when all checks pass', async () => {
        await storage.set(at('old'), 'x');
        const before = await storage.get(at('a'));
        const result = await storage
          .atomic()
          .check(before)
          .set(at('a'), 1)
          .set(at('b'), 2)
          .delete(at('old'))
          .commit();
        expect(result.ok).toBe(true);
        if (!result.ok) return;
        const [a, b, old] = await storage.getMany([at('a'), at('b'), at('old')]);
        expect(a?.value).toBe(1);
        expect(b?.value).toBe(2);
        expect(old?.versionstamp).toBeNull();
        expect(a?.versionstamp).toBe(result.versionstamp);
        expect(b?.versionstamp).toBe(result.versionstamp);
      });

      it('applies nothing and answers ok: false when one check fails', async () => {
        const first = await storage.set(at('guard'), 1);
        await storage.set(at('guard'), 2);
        const result = await storage
          .atomic()
          .check({ key: at('guard'), versionstamp: first.versionstamp })
          .set(at('a'), 'should not exist')
          .delete(at('guard'))
          .commit();
        expect(result).toEqual({ ok: false });
        expect((await storage.get(at('a'))).versionstamp).toBeNull();
        expect((await storage.get(at('guard'))).value).toBe(2);
      });

      it('checks that a key does not exist with a null versionstamp', async () => {
        const created = await storage
          .atomic()
          .check({ key: at('once'), versionstamp: null })
          .set(at('once'), 1)
          .commit();
        const again = await storage
          .atomic()
          .check({ key: at('once'), versionstamp: null })
          .set(at('once'), 2)
          .commit();
        expect(created.ok).toBe(true);
        expect(again.ok).toBe(false);
        expect((await storage.get(at('once'))).value).toBe(1);
      });

      it('takes check(key, versionstamp) as well as check objects', async () => {
        const first = await storage.set(at('pair'), 1);
        const matched = await storage
          .atomic()
          .check(at('pair'), first.versionstamp)
          .set(at('pair'), 2)
          .commit();
        expect(matched.ok).toBe(true);
        for (const versionstamp of [first.versionstamp, 'not-a-versionstamp', null]) {
          const stale = await storage.atomic().check(at('pair'), versionstamp).set(at('pair'), 3).commit();
          expect(stale).toEqual({ ok: false });
        }
        expect((await storage.get(at('pair'))).value).toBe(2);
        const mixed = await storage
          .atomic()
          .check(await storage.get(at('pair')))
          .check(at('fresh'), null)
          .set(at('fresh'), 'made')
          .commit();
        expect(mixed.ok).toBe(true);
        expect((await storage.get(at('fresh'))).value).toBe('made');
      });

      it('checks that a key does not exist with check(key, null)', async () => {
        const created = await storage.atomic().check(at('solo'), null).set(at('solo'), 1).commit();
        const again = await storage.atomic().check(at('solo'), null).set(at('solo'), 2).commit();
        expect(created.ok).toBe(true);
        expect(again).toEqual({ ok: false });
        expect((await storage.get(at('solo'))).value).toBe(1);
        await storage.delete(at('solo'));
        expect((await storage.atomic().check(at('solo'), null).set(at('solo'), 3).commit()).ok).toBe(true);
      });

      it('rejects a check whose versionstamp is neither a string nor null, naming it', async () => {
        const check = (...args: unknown[]) => {
          const operation = storage.atomic();
          return (operation.check as (...checkArgs: unknown[]) => unknown).apply(operation, args);
        };
        const bad: [unknown[], RegExp][] = [
          [[at('k'), 42], /"versionstamp" is number 42/],
          [[at('k')], /"versionstamp" is undefined/],
          [[at('k'), null, { key: at('j'), versionstamp: null }], /expected 2 arguments, got 3/],
          [
            [
              { key: at('k'), versionstamp: null },
              { key: at('k'), versionstamp: 7 },
            ],
            /"checks\[1\]\.versionstamp" is number 7/,
          ],
          [['k', null], /argument 0 is the string "k"/],
        ];
        for (const [args, message] of bad) {
          let error: unknown;
          try {
            check(...args);
          } catch (caught) {
            error = caught;
          }
          expect(StorageError.isInstance(error), String(message)).toBe(true);
          expect((error as Error).message).toMatch(message);
        }
        expect((await storage.get(at('k'))).versionstamp).toBeNull();
      });

      it('sums into a missing key, then into the stored number', async () => {
        await storage.atomic().sum(at('counter'), 5).commit();
        await storage.atomic().sum(at('counter'), -2).sum(at('counter'), 10).commit();
        expect((await storage.get(at('counter'))).value).toBe(13);
      });

      it('rejects a sum into a value that is not a number, and writes nothing', async () => {
        await storage.set(at('text'), 'hello');
        const attempt = storage.atomic().set(at('side'), 1).sum(at('text'), 1).commit();
        await expect(attempt).rejects.toSatisfy((error: unknown) => StorageError.isInstance(error));
        expect((await storage.get(at('side'))).versionstamp).toBeNull();
        expect((await storage.get(at('text'))).value).toBe('hello');
      });

      it(`ends at exactly ${writers} when ${writers} writers race read-check-increment loops`, async () => {
        await storage.set(at('race'), 0);
        const written: number[] = [];
        const stamps = new Set<string>();
        const increment = async () => {
          for (;;) {
            const current = await storage.get<number>(at('race'));
            const next = (current.value ?? 0) + 1;
            const result = await storage.atomic().check(current).set(at('race'), next).commit();
            if (result.ok) {
              written.push(next);
              stamps.add(result.versionstamp);
              return;
            }
          }
        };
        await Promise.all(Array.from({ length: writers }, increment));
        const final = await storage.get(at('race'));
        expect(final.value).toBe(writers);
        // No two writers may both win from the same read: the winners wrote 1..writers, each once.
        expect(written.sort((left, right) => left - right)).toEqual(
          Array.from({ length: writers }, (_, index) => index + 1),
        );
        expect(stamps.size).toBe(writers);
        expect(stamps.has(final.versionstamp as string)).toBe(true);
      });

      it(`loses no update when ${writers} writers sum at once`, async () => {
        await Promise.all(Array.from({ length: writers }, () => storage.atomic().sum(at('sum'), 1).commit()));
        expect((await storage.get(at('sum'))).value).toBe(writers);
      });

      it('lets exactly one of many racing creators win a null check', async () => {
        const results = await Promise.all(
          Array.from({ length: 20 }, (_, index) =>
            storage
              .atomic()
              .check({ key: at('claim'), versionstamp: null })
              .set(at('claim'), index)
              .commit(),
          ),
        );
        expect(results.filter((result) => result.ok)).toHaveLength(1);
      });
    });

    describe('tenant isolation (scopeStorage)', () => {
      it("never reads, lists or checks another tenant's keys", async () => {
        const tenant = `t-${randomUUID()}`;
        const mine = scopeStorage(storage, tenant);
        // Tenant ids chosen to sit right next to `tenant` in key order.
        const neighbours = [`${tenant}\u0000`, `${tenant}-2`, `${tenant}\u0000x`].map((id) =>
          scopeStorage(storage, id),
        );
        await mine.set(['person', 1], 'mine');
        for (const [index, other] of neighbours.entries()) {
          await other.set(['person', 1], `other ${index}`);
          await other.set(['a'], 'low');
          await other.set(['zzz'], 'high');
        }
        expect((await mine.get(['a'])).versionstamp).toBeNull();
        expect((await mine.getMany([['person', 1], ['zzz']])).map((entry) => entry.value)).toEqual([
          'mine',
          null,
        ]);
        const everything = await collect(mine.list({ prefix: [] }));
        expect(everything.map((entry) => entry.key)).toEqual([['person', 1]]);
        expect(everything.map((entry) => entry.value)).toEqual(['mine']);
        const escapes: ListSelector[] = [
          { start: [], end: ['\uFFFF', '\uFFFF'] },
          { start: [-Number.MAX_VALUE], end: ['😀'] },
          { prefix: [], start: [] },
          { prefix: [], end: ['😀', '😀'] },
        ];
        for (const selector of escapes) {
          const seen = await collect(mine.list(selector));
          expect(seen.map((entry) => entry.value)).toEqual(['mine']);
          const backwards = await collect(mine.list(selector, { reverse: true }));
          expect(backwards.map((entry) => entry.value)).toEqual(['mine']);
        }
        const other = neighbours[0] as Storage;
        const theirs = other.list({ prefix: [] }, { limit: 1 });
        await collect(theirs);
        const resumed = await collect(mine.list({ prefix: [] }, { cursor: theirs.cursor }));
        for (const entry of resumed) expect(entry.value).toBe('mine');
        const checked = await mine
          .atomic()
          .check({ key: ['a'], versionstamp: null })
          .check(['zzz'], null)
          .set(['a'], 'mine too')
          .commit();
        expect(checked.ok).toBe(true);
        expect((await other.get(['a'])).value).toBe('low');
      });

      it('stores a tenant view under its prefix and hands keys back without it', async () => {
        const tenant = `t-${randomUUID()}`;
        const view = scopeStorage(storage, tenant);
        await view.set(['deal', 7], { amount: 1 });
        const raw = await storage.get(['tenant', tenant, 'deal', 7]);
        expect(raw.value).toEqual({ amount: 1 });
        const entry = await view.get(['deal', 7]);
        expect(entry.key).toEqual(['deal', 7]);
        await view.atomic().sum(['count'], 2).commit();
        expect((await storage.get(['tenant', tenant, 'count'])).value).toBe(2);
        await view.delete(['deal', 7]);
        expect((await storage.get(['tenant', tenant, 'deal', 7])).versionstamp).toBeNull();
      });
    });

    describe('close', () => {
      it('rejects calls after close with StorageError', async () => {
        const { storage: own, cleanup: disposeOwn } = await make(factory);
        await own.set(at('before'), 1);
        await own.close();
        const error = await (async () => own.get(at('before')))().then(
          () => undefined,
          (caught: unknown) => caught,
        );
        expect(StorageError.isInstance(error)).toBe(true);
        await Promise.resolve(disposeOwn()).catch(() => undefined);
      });
    });
  });
}
