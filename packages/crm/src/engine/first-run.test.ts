import type { Key, Storage } from '@salesos/core';
import { createTestClock } from '@salesos/core/testing';
import { describe, expect, it } from 'vitest';
import { createMemorySync, peopleByEmail, peopleDefinition } from '../__fixtures__/memory-sync.ts';

/** Counts the record states and key index entries read through `storage`. */
function countingReads(storage: Storage): { storage: Storage; reads: Key[] } {
  const reads: Key[] = [];
  const note = (key: Key) => {
    const part = key.at(-2);
    if (part === 'r0' || part === 'r1' || part === 'k') reads.push(key);
  };
  return {
    reads,
    storage: {
      ...storage,
      get: (key) => {
        note(key);
        return storage.get(key);
      },
      getMany: (keys) => {
        for (const key of keys) note(key);
        return storage.getMany(keys);
      },
    },
  };
}

describe('engine.run: a first run from an empty state', () => {
  it('reads no state it has not written, nor the state of its own writes coming back', async () => {
    const clock = createTestClock();
    const base = createMemorySync({ clock });
    const counted = countingReads(base.storage);
    const sync = createMemorySync({ clock, engine: { storage: counted.storage } });
    for (let index = 0; index < 20; index += 1) {
      sync.left.remote.person.put({ email: `p${index}@acme.com`, firstName: `P${index}` });
    }
    sync.engine.define(peopleDefinition(sync.left, sync.right));

    const summary = await sync.engine.run('people');

    expect(summary.counts).toMatchObject({ created: 20, linked: 20, skipped: 20, failed: 0 });
    expect(counted.reads).toEqual([]);
    expect(peopleByEmail(sync.right)).toEqual(peopleByEmail(sync.left));
    // The next run starts from stored state and reads it as usual.
    sync.left.remote.person.put({ ...sync.left.remote.person.all()[0], title: 'CTO' } as never);
    await clock.advance(1000);
    const second = await sync.engine.run('people');
    expect(second.counts.updated).toBe(1);
    expect(counted.reads.length).toBeGreaterThan(0);
  });

  it('syncs back an edit made on the other side during the run, even within the same millisecond', async () => {
    // The clock stands still: the edit carries the very timestamp of the engine's create.
    const sync = createMemorySync({ clock: createTestClock() });
    for (let index = 0; index < 10; index += 1) {
      sync.left.remote.person.put({ email: `p${index}@acme.com`, firstName: `P${index}` });
    }
    sync.engine.define(peopleDefinition(sync.left, sync.right));
    let edited = false;
    sync.events.on('crm.progress', ({ phase }) => {
      if (phase !== 'sync-left' || edited) return;
      const created = sync.right.remote.person.all()[0];
      if (!created) return;
      edited = true;
      sync.right.remote.person.put({ ...created, title: 'Edited on the right' });
    });

    const summary = await sync.engine.run('people');

    expect(edited).toBe(true);
    expect(summary.status).toBe('completed');
    const titles = [...peopleByEmail(sync.left).values()].map((person) => person.title);
    expect(titles).toContain('Edited on the right');
    expect(peopleByEmail(sync.right)).toEqual(peopleByEmail(sync.left));
  });

  it('reads stored state when the run resumes one that stopped', async () => {
    const clock = createTestClock();
    const base = createMemorySync({ clock });
    const counted = countingReads(base.storage);
    const sync = createMemorySync({ clock, engine: { storage: counted.storage } });
    for (let index = 0; index < 12; index += 1) {
      sync.left.remote.person.put({ email: `p${index}@acme.com`, firstName: `P${index}` });
    }
    sync.engine.define(peopleDefinition(sync.left, sync.right));
    const controller = new AbortController();
    sync.events.on('crm.progress', ({ batches }) => {
      if (batches === 2) controller.abort();
    });
    const stopped = await sync.engine.run('people', { signal: controller.signal });
    expect(stopped.status).toBe('aborted');
    expect(counted.reads).toEqual([]);

    const resumed = await sync.engine.run('people');

    expect(resumed).toMatchObject({ status: 'completed', resumed: true });
    expect(counted.reads.length).toBeGreaterThan(0);
    expect(peopleByEmail(sync.right)).toEqual(peopleByEmail(sync.left));
    expect(sync.right.remote.person.all()).toHaveLength(12);
  });
});
