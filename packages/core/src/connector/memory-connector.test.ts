import { describe, expect, it } from 'vitest';
import { InvalidRequestError } from '../errors/api-error.ts';
import { ConfigError, WebhookVerificationError } from '../errors/client-errors.ts';
import { createTestClock } from '../testing/test-clock.ts';
import type { ChangeBatch } from './connector.ts';
import { createMemoryConnector } from './memory-connector.ts';

async function walk<T>(iterable: AsyncIterable<ChangeBatch<T>>): Promise<ChangeBatch<T>[]> {
  const batches: ChangeBatch<T>[] = [];
  for await (const batch of iterable) batches.push(batch);
  return batches;
}

describe('createMemoryConnector', () => {
  it('creates records with its own ids and updates them when matched by email, case-insensitively', async () => {
    const clock = createTestClock();
    const connector = createMemoryConnector({ id: 'crm', clock });
    const people = connector.entities.person;
    const created = await people.upsert(
      { id: 'ignored', email: 'Ada@Example.com', firstName: 'Ada' },
      { matchBy: ['email'] },
    );
    expect(created.created).toBe(true);
    expect(created.record.id).not.toBe('ignored');
    expect(created.record.updatedAt).toBe(new Date(clock.now()).toISOString());
    await clock.advance(1_000);
    const updated = await people.upsert(
      { email: 'ada@example.com', title: 'CTO' },
      { matchBy: ['id', 'email'] },
    );
    expect(updated.created).toBe(false);
    expect(updated.record).toMatchObject({ id: created.record.id, firstName: 'Ada', title: 'CTO' });
    expect(connector.remote.person.all()).toHaveLength(1);
  });

  it('matches companies by domain and deals by id', async () => {
    const connector = createMemoryConnector();
    const acme = await connector.entities.company.upsert(
      { name: 'Acme', domain: 'acme.com' },
      { matchBy: ['domain'] },
    );
    const again = await connector.entities.company.upsert(
      { domain: 'ACME.com', employeeCount: 40 },
      { matchBy: ['domain'] },
    );
    expect(again).toMatchObject({
      created: false,
      record: { id: acme.record.id, name: 'Acme', employeeCount: 40 },
    });
    const deal = await connector.entities.deal.upsert({ name: 'Pilot' }, { matchBy: ['id'] });
    const renamed = await connector.entities.deal.upsert(
      { id: deal.record.id, amount: 5000 },
      { matchBy: ['id'] },
    );
    expect(renamed).toMatchObject({ created: false, record: { name: 'Pilot', amount: 5000 } });
  });

  it('rejects an unsupported matchBy with ConfigError and an invalid record with InvalidRequestError', async () => {
    const connector = createMemoryConnector();
    await expect(
      connector.entities.deal.upsert({ name: 'x' }, { matchBy: ['email' as 'id'] }),
    ).rejects.toThrow(ConfigError);
    const error = await connector.entities.company
      .upsert({ name: 'Acme', employeeCount: -3 }, { matchBy: ['domain'] })
      .catch((caught: unknown) => caught);
    expect(InvalidRequestError.isInstance(error)).toBe(true);
    expect((error as InvalidRequestError).fieldErrors[0]?.path).toBe('employeeCount');
  });

  it('gets and deletes records, answering null and false once they are gone', async () => {
    const connector = createMemoryConnector();
    const { record } = await connector.entities.person.upsert({ email: 'a@b.co' }, { matchBy: ['email'] });
    expect(await connector.entities.person.get(record.id)).toMatchObject({ email: 'a@b.co' });
    expect(await connector.entities.person.delete(record.id)).toBe(true);
    expect(await connector.entities.person.delete(record.id)).toBe(false);
    expect(await connector.entities.person.get(record.id)).toBeNull();
  });

  it('lists every change oldest first in pages, marking the last batch complete', async () => {
    const clock = createTestClock();
    const connector = createMemoryConnector({ clock, pageSize: 2 });
    for (let index = 0; index < 5; index += 1) {
      connector.remote.person.put({ id: `p${index}`, email: `p${index}@x.io` });
      await clock.advance(1_000);
    }
    const batches = await walk(connector.entities.person.listChanges());
    expect(batches.map((batch) => batch.changes.map((change) => change.id))).toEqual([
      ['p0', 'p1'],
      ['p2', 'p3'],
      ['p4'],
    ]);
    expect(batches.map((batch) => batch.complete === true)).toEqual([false, false, true]);
    expect(batches[0]?.checkpoint).toBe(new Date(Date.UTC(2026, 0, 1, 0, 0, 1)).toISOString());
  });

  it('resumes from a checkpoint without skipping records that share its timestamp', async () => {
    const clock = createTestClock();
    const connector = createMemoryConnector({ clock, pageSize: 2 });
    const same = '2026-01-01T00:00:05.000Z';
    connector.remote.person.put({ id: 'a', email: 'a@x.io' }, { updatedAt: '2026-01-01T00:00:01.000Z' });
    connector.remote.person.put({ id: 'b', email: 'b@x.io' }, { updatedAt: same });
    connector.remote.person.put({ id: 'c', email: 'c@x.io' }, { updatedAt: same });
    const [first] = await walk(connector.entities.person.listChanges());
    expect(first?.changes.map((change) => change.id)).toEqual(['a', 'b']);
    expect(first?.checkpoint).toBe(same);
    connector.remote.person.put({ id: 'd', email: 'd@x.io' }, { updatedAt: '2026-01-01T00:00:09.000Z' });
    connector.remote.person.delete('a', { deletedAt: '2026-01-01T00:00:10.000Z' });
    const resumed = await walk(connector.entities.person.listChanges({ since: first?.checkpoint }));
    const changes = resumed.flatMap((batch) => batch.changes);
    expect(changes.map((change) => `${change.type}:${change.id}`)).toEqual([
      'upsert:b',
      'upsert:c',
      'upsert:d',
      'delete:a',
    ]);
  });

  it('answers one empty, complete batch when nothing changed', async () => {
    const connector = createMemoryConnector();
    const batches = await walk(connector.entities.company.listChanges({ since: '2026-01-01T00:00:00.000Z' }));
    expect(batches).toEqual([{ changes: [], checkpoint: '2026-01-01T00:00:00.000Z', complete: true }]);
  });

  it('stops between batches when the signal aborts', async () => {
    const connector = createMemoryConnector({ pageSize: 1 });
    connector.remote.deal.put({ id: 'd1' });
    connector.remote.deal.put({ id: 'd2' });
    const controller = new AbortController();
    const seen: string[] = [];
    await expect(
      (async () => {
        for await (const batch of connector.entities.deal.listChanges({ signal: controller.signal })) {
          seen.push(...batch.changes.map((change) => change.id));
          controller.abort(new Error('stop'));
        }
      })(),
    ).rejects.toThrow('stop');
    expect(seen).toHaveLength(1);
  });

  it('counts calls per entity and method, not remote edits', async () => {
    const connector = createMemoryConnector();
    connector.remote.person.put({ id: 'p1' });
    await connector.entities.person.get('p1');
    await connector.entities.person.get('p2');
    await walk(connector.entities.company.listChanges());
    expect(connector.calls.person.get).toBe(2);
    expect(connector.calls.company.listChanges).toBe(1);
    expect(connector.calls.person.upsert).toBe(0);
    connector.resetCalls();
    expect(connector.calls.person.get).toBe(0);
  });

  it('parses its own webhook payloads into changes of the matching entity', async () => {
    const connector = createMemoryConnector();
    connector.remote.person.put({ id: 'p1', email: 'p1@x.io' });
    connector.remote.company.put({ id: 'c1', domain: 'x.io' });
    connector.remote.company.delete('c1');
    const payload = [connector.webhookPayload('person', 'p1'), connector.webhookPayload('company', 'c1')];
    const people = await connector.entities.person.parseWebhook(payload);
    const companies = await connector.entities.company.parseWebhook(payload);
    expect(people).toMatchObject([{ type: 'upsert', id: 'p1', record: { email: 'p1@x.io' } }]);
    expect(companies).toMatchObject([{ type: 'delete', id: 'c1' }]);
    await expect(connector.entities.person.parseWebhook({ nonsense: true })).rejects.toThrow(
      WebhookVerificationError,
    );
  });
});
