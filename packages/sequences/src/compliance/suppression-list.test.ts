import { createEventBus, createMemoryStorage } from '@salesos/core';
import { createTestClock } from '@salesos/core/testing';
import { describe, expect, it } from 'vitest';
import { createSuppressionList } from './suppression-list.ts';

describe('createSuppressionList', () => {
  it('suppresses an address case-insensitively, per tenant', async () => {
    const clock = createTestClock(new Date('2026-01-12T10:00:00Z'));
    const events = createEventBus();
    const emitted: unknown[] = [];
    events.on('sequences.suppressed', (payload) => emitted.push(payload));
    const list = createSuppressionList({ storage: createMemoryStorage(), clock, events });
    await list.add({ tenantId: 't1', email: ' Ada@Acme.Example ', reason: 'unsubscribed' });
    expect(await list.has({ tenantId: 't1', email: 'ada@acme.example' })).toBe(true);
    expect(await list.has({ tenantId: 't2', email: 'ada@acme.example' })).toBe(false);
    expect(await list.get({ tenantId: 't1', email: 'ADA@acme.example' })).toEqual({
      email: 'ada@acme.example',
      reason: 'unsubscribed',
      at: '2026-01-12T10:00:00.000Z',
    });
    expect(emitted).toEqual([{ tenantId: 't1', email: 'ada@acme.example', reason: 'unsubscribed' }]);
  });

  it('keeps the first reason when an address is added again, and lists and removes', async () => {
    const list = createSuppressionList({ storage: createMemoryStorage() });
    await list.add({ tenantId: 't1', email: 'b@x.example', reason: 'bounced' });
    await list.add({ tenantId: 't1', email: 'b@x.example', reason: 'manual' });
    await list.add({ tenantId: 't1', email: 'a@x.example', reason: 'manual' });
    const listed = [];
    for await (const entry of list.list({ tenantId: 't1' })) listed.push([entry.email, entry.reason]);
    expect(listed).toEqual([
      ['a@x.example', 'manual'],
      ['b@x.example', 'bounced'],
    ]);
    await list.remove({ tenantId: 't1', email: 'B@x.example' });
    expect(await list.has({ tenantId: 't1', email: 'b@x.example' })).toBe(false);
  });
});
