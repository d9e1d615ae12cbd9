import { ConfigError, createMemoryConnector, createMemoryQueue, createMemoryStorage } from '@salesos/core';
import { describe, expect, it } from 'vitest';
import { peopleDefinition } from '../__fixtures__/memory-sync.ts';
import { createSyncEngine } from '../engine/sync-engine.ts';
import { sameFields } from './same-fields.ts';

describe('sameFields', () => {
  it('maps each field to the field of the same name, in the order given', () => {
    expect(sameFields('email', 'firstName')).toEqual([
      { left: 'email', right: 'email' },
      { left: 'firstName', right: 'firstName' },
    ]);
  });

  it('gives a field map the engine syncs both ways', async () => {
    const left = createMemoryConnector({ id: 'book' });
    const right = createMemoryConnector({ id: 'crm' });
    left.remote.person.put({ email: 'ada@acme.com', firstName: 'Ada', country: 'GB' });
    right.remote.person.put({ email: 'grace@navy.mil', title: 'Rear Admiral' });
    const engine = createSyncEngine({ storage: createMemoryStorage(), queue: createMemoryQueue() });
    engine.define(peopleDefinition(left, right, { fieldMap: sameFields('email', 'firstName', 'title') }));
    const summary = await engine.run('people');
    expect(summary.counts.created).toBe(2);
    expect(right.remote.person.all().find((person) => person.email === 'ada@acme.com')).toMatchObject({
      firstName: 'Ada',
    });
    expect(
      right.remote.person.all().find((person) => person.email === 'ada@acme.com')?.country,
    ).toBeUndefined();
    expect(left.remote.person.all().find((person) => person.email === 'grace@navy.mil')).toMatchObject({
      title: 'Rear Admiral',
    });
  });

  it('lets the engine refuse a field the entity does not have', () => {
    const engine = createSyncEngine({ storage: createMemoryStorage(), queue: createMemoryQueue() });
    expect(() =>
      engine.define({
        id: 'deals',
        tenantId: 'acme',
        left: createMemoryConnector({ id: 'book' }),
        right: createMemoryConnector({ id: 'crm' }),
        entity: 'deal',
        direction: 'both',
        // @ts-expect-error `email` is not a deal field
        fieldMap: sameFields('name', 'email'),
        conflictPolicy: 'last-write-wins',
        deletePolicy: 'ignore',
      }),
    ).toThrow(ConfigError);
  });
});
