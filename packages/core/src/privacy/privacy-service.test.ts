import { describe, expect, it } from 'vitest';
import { ConfigError } from '../errors/client-errors.ts';
import { SalesOSError } from '../errors/salesos-error.ts';
import type { Logger } from '../logger/logger.ts';
import { createTestClock } from '../testing/test-clock.ts';
import type { PersonalDataStore, PersonalDataSubject } from './personal-data-store.ts';
import { createPrivacyService } from './privacy-service.ts';

interface Held {
  tenantId: string;
  personId: string;
  email?: string;
  note: string;
}

/** A store of notes about people, known by id; with `byEmail` it also links addresses to ids. */
function noteStore(name: string, held: Held[], options: { byEmail?: boolean; failing?: boolean } = {}) {
  const calls: PersonalDataSubject[] = [];
  const matches = (subject: PersonalDataSubject, item: Held) =>
    item.tenantId === subject.tenantId &&
    (subject.personIds.includes(item.personId) || item.email === subject.email);
  const store: PersonalDataStore & { calls: PersonalDataSubject[] } = {
    name,
    calls,
    async exportPerson(subject) {
      calls.push(subject);
      return held
        .filter((item) => matches(subject, item))
        .map((item) => ({ kind: 'note', id: item.personId, data: { note: item.note } }));
    },
    async forgetPerson(subject) {
      calls.push(subject);
      if (options.failing) throw new Error(`${name} is down`);
      let erased = 0;
      for (let index = held.length - 1; index >= 0; index -= 1) {
        if (matches(subject, held[index] as Held)) {
          held.splice(index, 1);
          erased += 1;
        }
      }
      return { erased };
    },
  };
  if (options.byEmail) {
    store.identify = async ({ tenantId, email }) =>
      held.filter((item) => item.tenantId === tenantId && item.email === email).map((item) => item.personId);
  }
  return store;
}

function suppressionList() {
  const added: { tenantId: string; email: string; reason: string }[] = [];
  return {
    added,
    async add(input: { tenantId: string; email: string; reason: 'erased' }) {
      added.push(input);
    },
  };
}

function capturingLogger() {
  const lines: unknown[] = [];
  const log = (...args: unknown[]) => {
    lines.push(args);
  };
  const logger: Logger = { debug: log, info: log, warn: log, error: log };
  return { logger, lines };
}

describe('createPrivacyService', () => {
  it('exports what every store holds, finding ids through the stores that know the address', async () => {
    const enrolments = noteStore('sequences', [
      { tenantId: 't1', personId: 'p1', email: 'ada@example.com', note: 'enrolled' },
    ]);
    enrolments.identify = async ({ email }) => (email === 'ada@example.com' ? ['p1'] : []);
    const scores = noteStore('scoring', [
      { tenantId: 't1', personId: 'p1', note: 'tier 2' },
      { tenantId: 't1', personId: 'p2', note: 'someone else' },
    ]);
    const privacy = createPrivacyService({
      stores: [scores, enrolments],
      suppression: suppressionList(),
      clock: createTestClock(Date.parse('2026-03-01T00:00:00Z')),
    });

    const result = await privacy.exportPerson({ tenantId: 't1', email: '  Ada@Example.com ' });

    expect(result).toEqual({
      tenantId: 't1',
      email: 'ada@example.com',
      personIds: ['p1'],
      exportedAt: '2026-03-01T00:00:00.000Z',
      stores: {
        scoring: [{ kind: 'note', id: 'p1', data: { note: 'tier 2' } }],
        sequences: [{ kind: 'note', id: 'p1', data: { note: 'enrolled' } }],
      },
    });
  });

  it('suppresses the address before erasing, then erases it from every store', async () => {
    const order: string[] = [];
    const suppression = {
      async add(input: { tenantId: string; email: string; reason: 'erased' }) {
        order.push(`suppress ${input.tenantId} ${input.email} ${input.reason}`);
      },
    };
    const held: Held[] = [
      { tenantId: 't1', personId: 'p1', email: 'ada@example.com', note: 'a' },
      { tenantId: 't1', personId: 'p1', note: 'b' },
      { tenantId: 't2', personId: 'p1', email: 'ada@example.com', note: 'other tenant' },
    ];
    const store = noteStore('notes', held, { byEmail: true });
    const forget = store.forgetPerson.bind(store);
    store.forgetPerson = async (subject) => {
      order.push('forget');
      return forget(subject);
    };
    const privacy = createPrivacyService({ stores: [store], suppression });

    const report = await privacy.forgetPerson({ tenantId: 't1', email: 'ADA@example.com' });

    expect(order[0]).toBe('suppress t1 ada@example.com erased');
    expect(order).toContain('forget');
    expect(report.stores).toEqual({ notes: { erased: 2 } });
    expect(report.personIds).toEqual(['p1']);
    expect(JSON.stringify(report)).not.toContain('ada@example.com');
    expect(held).toEqual([
      { tenantId: 't2', personId: 'p1', email: 'ada@example.com', note: 'other tenant' },
    ]);
    expect((await privacy.exportPerson({ tenantId: 't1', email: 'ada@example.com' })).stores.notes).toEqual(
      [],
    );
  });

  it('passes person ids the caller knows to every store', async () => {
    const store = noteStore('crm', [{ tenantId: 't1', personId: 'crm-9', note: 'mapped' }]);
    const privacy = createPrivacyService({ stores: [store], suppression: suppressionList() });

    const report = await privacy.forgetPerson({
      tenantId: 't1',
      email: 'ada@example.com',
      personIds: ['crm-9'],
    });

    expect(report.stores.crm).toEqual({ erased: 1 });
    expect(store.calls[0]?.personIds).toEqual(['crm-9']);
  });

  it('can be repeated: a second erasure erases nothing and succeeds', async () => {
    const store = noteStore('notes', [{ tenantId: 't1', personId: 'p1', email: 'a@b.co', note: 'x' }], {
      byEmail: true,
    });
    const privacy = createPrivacyService({ stores: [store], suppression: suppressionList() });

    await privacy.forgetPerson({ tenantId: 't1', email: 'a@b.co' });
    const again = await privacy.forgetPerson({ tenantId: 't1', email: 'a@b.co' });

    expect(again.stores).toEqual({ notes: { erased: 0 } });
  });

  it('erases again when a store links a new id to the address while erasing', async () => {
    const held: Held[] = [{ tenantId: 't1', personId: 'p1', email: 'a@b.co', note: 'x' }];
    const store = noteStore('notes', held, { byEmail: true });
    const forget = store.forgetPerson.bind(store);
    let raced = false;
    store.forgetPerson = async (subject) => {
      const result = await forget(subject);
      if (!raced) {
        raced = true;
        held.push({ tenantId: 't1', personId: 'p7', email: 'a@b.co', note: 'written meanwhile' });
      }
      return result;
    };
    const privacy = createPrivacyService({ stores: [store], suppression: suppressionList() });

    const report = await privacy.forgetPerson({ tenantId: 't1', email: 'a@b.co' });

    expect(held).toEqual([]);
    expect(report.personIds.sort()).toEqual(['p1', 'p7']);
    expect(report.stores.notes).toEqual({ erased: 2 });
  });

  it('runs every store when one fails, then rejects naming the failed store but never the address', async () => {
    const healthy = noteStore('scoring', [{ tenantId: 't1', personId: 'p1', note: 'x' }]);
    const broken = noteStore('crm', [], { failing: true });
    const privacy = createPrivacyService({ stores: [broken, healthy], suppression: suppressionList() });

    const attempt = privacy.forgetPerson({ tenantId: 't1', email: 'ada@example.com', personIds: ['p1'] });

    await expect(attempt).rejects.toSatisfy(
      (error: unknown) =>
        SalesOSError.isInstance(error) &&
        error.message.includes('crm: crm is down') &&
        !error.message.includes('ada@example.com'),
    );
    expect(healthy.calls).toHaveLength(1);
  });

  it('does not erase anything when the address cannot be suppressed', async () => {
    const store = noteStore('notes', [{ tenantId: 't1', personId: 'p1', email: 'a@b.co', note: 'x' }], {
      byEmail: true,
    });
    const privacy = createPrivacyService({
      stores: [store],
      suppression: {
        async add() {
          throw new Error('suppression list unavailable');
        },
      },
    });

    await expect(privacy.forgetPerson({ tenantId: 't1', email: 'a@b.co' })).rejects.toThrow(
      'suppression list unavailable',
    );
    expect(store.calls).toEqual([]);
  });

  it('rejects a bad request with a ConfigError that names the field and not the value', async () => {
    const privacy = createPrivacyService({ stores: [], suppression: suppressionList() });
    const bad: unknown[] = [
      { tenantId: '', email: 'a@b.co' },
      { tenantId: 't1', email: 'not an address' },
      { tenantId: 't1', email: 42 },
      { tenantId: 't1', email: 'a@b.co', personIds: [''] },
      null,
    ];
    for (const request of bad) {
      await expect(privacy.forgetPerson(request as never)).rejects.toSatisfy(
        (error: unknown) => ConfigError.isInstance(error) && !error.message.includes('not an address'),
      );
    }
  });

  it('refuses stores without names, with the same name, or without the two methods', () => {
    const suppression = suppressionList();
    const store = noteStore('notes', []);
    expect(() => createPrivacyService({ stores: [store, store], suppression })).toThrow(ConfigError);
    expect(() => createPrivacyService({ stores: [{ ...store, name: '' }], suppression })).toThrow(
      ConfigError,
    );
    expect(() =>
      createPrivacyService({ stores: [{ name: 'half' } as unknown as PersonalDataStore], suppression }),
    ).toThrow(ConfigError);
    expect(() => createPrivacyService({ stores: [store] } as never)).toThrow(ConfigError);
  });

  it('logs counts by store and never the address', async () => {
    const { logger, lines } = capturingLogger();
    const store = noteStore('notes', [{ tenantId: 't1', personId: 'p1', email: 'a@b.co', note: 'x' }], {
      byEmail: true,
    });
    const privacy = createPrivacyService({ stores: [store], suppression: suppressionList(), logger });

    await privacy.exportPerson({ tenantId: 't1', email: 'a@b.co' });
    await privacy.forgetPerson({ tenantId: 't1', email: 'a@b.co' });

    expect(lines).toHaveLength(2);
    expect(JSON.stringify(lines)).not.toContain('a@b.co');
  });
});
