import type { PersonalDataErasure, PersonalDataExport } from '@salesos/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  eventually,
  startTestServer,
  type TestServer,
} from '../../examples/reference-server/src/testing/start-test-server.ts';

const TENANT = 'acme';
const KEY = 'acme-key-0123456789abcdef';

interface Contact {
  id: string;
  email: string;
  externalIds: { apollo: string };
}

interface SyncStatus {
  state: string;
  linked: number;
  lastRun: { status: string; mode: string } | null;
}

/**
 * A person found and enriched through the reference server, enrolled and emailed, then synced
 * to the (simulated) Attio CRM by the `people` sync: a data subject request through the API
 * exports and erases what the server holds about them, the CRM sync's id map included.
 */
describe('erasing a person already synced to the CRM, through the reference server API', () => {
  let server: TestServer;
  let person: Contact;
  let address: string;
  /** The person's record id in the Attio simulator. */
  let recordId: string;

  const post = async <T>(path: string, json: unknown, status = 200): Promise<T> => {
    const response = await server.call(KEY, path, json);
    expect(response.status, `${path} answered ${response.status}`).toBe(status);
    return (await response.json()) as T;
  };

  /** Starts a `people` sync run and waits for it to finish. */
  const syncPeople = async (mode: 'full' | 'incremental') => {
    await post('/api/sync/people/run', { mode }, 202);
    const status = await eventually(async () => {
      const body = (await (await server.call(KEY, '/api/sync/people')).json()) as SyncStatus;
      return body.state !== 'running' && body.lastRun?.mode === mode ? body : undefined;
    });
    expect(status.lastRun?.status).toBe('completed');
  };

  /** The Attio simulator's people records holding `email` as an address. */
  const crmRecordsOf = (email: string) =>
    (server.deps.simulators.attio?.store.records('people') ?? []).filter((record) =>
      (record.values.email_addresses ?? []).some(
        (value) => (value as { email_address?: string }).email_address?.toLowerCase() === email,
      ),
    );

  /** Every stored entry (all tenants, all engines) whose key or value mentions one of `markers`. */
  const storedMentions = async (markers: readonly string[]) => {
    const found: { key: readonly (string | number)[]; text: string }[] = [];
    for await (const entry of server.deps.storage.list({ prefix: [] })) {
      const text = JSON.stringify({ key: entry.key, value: entry.value }).toLowerCase();
      if (markers.some((marker) => text.includes(marker.toLowerCase()))) found.push({ key: entry.key, text });
    }
    return found;
  };

  beforeAll(async () => {
    server = await startTestServer({ TENANT_ID: TENANT, API_KEYS: `acme-ops:${KEY}` }, { captureLogs: true });
    if (!server.deps.simulators.attio) throw new Error('the Attio simulator is not running');

    // Into the contact book: found and enriched through Apollo.
    const { leads } = await post<{ leads: { apolloId: string }[] }>('/api/leads/search', { limit: 1 });
    const { contacts } = await post<{ contacts: { person: Contact }[] }>('/api/leads/enrich', {
      people: [{ id: leads[0]?.apolloId }],
    });
    person = contacts[0]?.person as Contact;
    address = person.email.toLowerCase();

    // Enrolled and emailed, so every store of the server holds something about them.
    await post(
      '/api/sequences',
      {
        id: 'intro',
        settings: {
          sendWindow: {
            days: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'],
            start: '00:00',
            end: '24:00',
          },
        },
        steps: [{ type: 'email', subject: 'Hello {{first_name|there}}', body: '<p>Hi!</p>' }],
      },
      201,
    );
    await post(
      '/api/enrollments',
      { sequenceId: 'intro', personId: person.id, mailbox: { email: 'rep@acme.example' } },
      201,
    );
    await eventually(async () => {
      for await (const email of server.deps.sender.emails(TENANT))
        if (email.to.email === address) return true;
      return false;
    });

    // Synced to the CRM.
    await syncPeople('full');
    const records = crmRecordsOf(address);
    expect(records).toHaveLength(1);
    recordId = records[0]?.id.record_id as string;
  });

  afterAll(async () => {
    await server?.close();
  });

  it('exports the contact book’s and the CRM sync’s records of the person', async () => {
    const exported = await post<PersonalDataExport>('/api/privacy/export', {
      email: person.email.toUpperCase(),
    });

    expect(exported.tenantId).toBe(TENANT);
    expect(exported.personIds).toEqual(expect.arrayContaining([person.id, recordId]));
    const kinds = (store: string) => new Set(exported.stores[store]?.map((record) => record.kind));
    expect(kinds('server')).toEqual(new Set(['contact', 'email', 'enrichment', 'crm-hash']));
    expect(exported.stores.server?.find((record) => record.kind === 'contact')?.data).toMatchObject({
      id: person.id,
      email: person.email,
    });
    expect(kinds('scoring')).toEqual(new Set(['contact']));
    expect(kinds('sequences')).toContain('enrollment');

    // The sync's id map: a record state on each side, their link and the address's key entry.
    const crm = exported.stores.crm ?? [];
    expect(new Set(crm.map((record) => record.kind))).toEqual(
      new Set(['sync-record', 'sync-link', 'sync-match-key']),
    );
    expect(crm.filter((record) => record.kind === 'sync-link').map((record) => record.data)).toEqual([
      { left: { connector: 'book', id: person.id }, right: { connector: 'attio', id: recordId } },
    ]);
    const states = crm.filter((record) => record.kind === 'sync-record');
    expect(states.map((record) => (record.data as { id: string }).id).sort()).toEqual(
      [person.id, recordId].sort(),
    );
    for (const state of states) {
      expect((state.data as { state: { v: { email: string } } }).state.v.email.toLowerCase()).toBe(address);
    }
    expect(crm.find((record) => record.kind === 'sync-match-key')?.data).toEqual({
      key: address,
      l: person.id,
      r: recordId,
    });
    // The connector's hash is of the CRM record.
    expect(exported.stores.server?.find((record) => record.kind === 'crm-hash')?.id).toBe(recordId);
  });

  it('erases the person from every store, keeping only their suppression entry', async () => {
    const markers = [address, person.id, recordId, person.externalIds.apollo];
    expect((await storedMentions(markers)).length).toBeGreaterThan(10);

    const report = await post<PersonalDataErasure>('/api/privacy/forget', { email: person.email });

    expect(report.tenantId).toBe(TENANT);
    expect(report.personIds).toEqual(expect.arrayContaining([person.id, recordId]));
    expect(Object.keys(report.stores).sort()).toEqual(['crm', 'scoring', 'sequences', 'server']);
    for (const [store, result] of Object.entries(report.stores)) {
      expect(result.erased, `erased from ${store}`).toBeGreaterThan(0);
    }
    expect(JSON.stringify(report).toLowerCase()).not.toContain(address);

    // A second export finds only the suppression entry.
    const again = await post<PersonalDataExport>('/api/privacy/export', { email: person.email });
    expect(again.personIds).toEqual([]);
    expect(
      Object.values(again.stores)
        .flat()
        .map((record) => record.kind),
    ).toEqual(['suppression']);

    // Of the whole storage, only the suppression entry mentions the address, the contact id, the
    // CRM record id or the Apollo id.
    const left = await storedMentions(markers);
    expect(left.map(({ key }) => key)).toEqual([['sequences', TENANT, 'suppression', address]]);
    expect(left[0]?.text).toContain('"erased"');
    expect(server.logLines.join('\n').toLowerCase()).not.toContain(address);
  });

  it('leaves the CRM record in the CRM: the next run reads it again, and the address stays suppressed', async () => {
    // Erasure never touches the connected systems (erase the person in the CRM too).
    const records = crmRecordsOf(address);
    expect(records.map((record) => record.id.record_id)).toEqual([recordId]);

    // Nothing remembers the record, so the next run reads it back as a new contact.
    await syncPeople('incremental');
    const back = await server.deps.tenant(TENANT).book.entities.person.findBy('email', address);
    expect(back).not.toBeNull();
    expect(back?.id).not.toBe(person.id);
    const exported = await post<PersonalDataExport>('/api/privacy/export', { email: person.email });
    expect(
      exported.stores.crm?.filter((record) => record.kind === 'sync-link').map((record) => record.data),
    ).toEqual([{ left: { connector: 'book', id: back?.id }, right: { connector: 'attio', id: recordId } }]);
    expect(crmRecordsOf(address)).toHaveLength(1);

    // The suppression list still holds: the returned contact cannot be enrolled.
    const enrolment = await server.call(KEY, '/api/enrollments', {
      sequenceId: 'intro',
      personId: back?.id,
      mailbox: { email: 'rep@acme.example' },
    });
    expect(enrolment.status).toBe(409);
    expect(((await enrolment.json()) as { error: { code: string } }).error.code).toBe('suppressed');
  });
});
