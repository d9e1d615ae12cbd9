import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import type {
  PersonalDataErasure,
  PersonalDataExport,
  PersonalDataStore,
  PersonalDataSubject,
} from '@salesos/core';
import type { RecordedEmail } from '@salesos/sequences';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../config.ts';
import { JOBS, SIMULATED_SALESLOFT_WEBHOOK_TOKEN } from '../dependencies.ts';
import { createLogger } from '../observability/logger.ts';
import { type RunningServer, startServer } from '../server.ts';
import { eventually } from '../testing/start-test-server.ts';

const ACME_KEY = 'acme-key-0123456789abcdef';
const GLOBEX_KEY = 'globex-key-0123456789abcdef';

interface Contact {
  person: { id: string; email: string; linkedinUrl: string | null; externalIds: { apollo: string } };
}

describe('POST /api/privacy/export and /api/privacy/forget', () => {
  let directory: string;
  let server: RunningServer;
  const logLines: string[] = [];
  let ada: Contact['person'];
  // Stands for a further store (the CRM sync's) given through the `personalDataStores` hook.
  const crmCalls: { method: string; subject: PersonalDataSubject }[] = [];
  const crmStore: PersonalDataStore = {
    name: 'crm',
    async exportPerson(subject) {
      crmCalls.push({ method: 'export', subject });
      return [];
    },
    async forgetPerson(subject) {
      crmCalls.push({ method: 'forget', subject });
      return { erased: 0 };
    },
  };
  let bob: Contact['person'];

  const call = (key: string, path: string, json?: unknown) =>
    fetch(`${server.url}${path}`, {
      method: json === undefined ? 'GET' : 'POST',
      headers: { 'x-api-key': key, 'content-type': 'application/json' },
      ...(json === undefined ? {} : { body: JSON.stringify(json) }),
    });

  /** Every stored entry that mentions one of `markers` (case-insensitive), as text. */
  const storedMentions = async (markers: readonly string[]) => {
    const found: string[] = [];
    for await (const entry of server.deps.storage.list({ prefix: [] })) {
      const text = JSON.stringify({ key: entry.key, value: entry.value }).toLowerCase();
      if (markers.some((marker) => text.includes(marker.toLowerCase()))) found.push(text);
    }
    return found;
  };

  beforeAll(async () => {
    directory = await mkdtemp(join(tmpdir(), 'salesos-privacy-'));
    const destination = new Writable({
      write(chunk, _encoding, done) {
        logLines.push(...String(chunk).split('\n').filter(Boolean));
        done();
      },
    });
    server = await startServer(
      loadConfig({
        PORT: '0',
        DATA_DIR: directory,
        TENANT_ID: 'acme',
        API_KEYS: `acme-ops:${ACME_KEY},globex-ops@globex:${GLOBEX_KEY}`,
        UNSUBSCRIBE_SECRET: 'an-unsubscribe-secret-of-32-chars-or-more',
        SHUTDOWN_TIMEOUT_MS: '500',
      }),
      { logger: createLogger({ level: 'info', destination }), personalDataStores: () => [crmStore] },
    );

    // Acme finds and enriches two people; Globex enriches the first of them too.
    const search = await call(ACME_KEY, '/api/leads/search', { limit: 2 });
    const { leads } = (await search.json()) as { leads: { apolloId: string }[] };
    const enrich = await call(ACME_KEY, '/api/leads/enrich', {
      people: leads.map((lead) => ({ id: lead.apolloId })),
    });
    const contacts = ((await enrich.json()) as { contacts: Contact[] }).contacts.map(
      (contact) => contact.person,
    );
    [ada, bob] = contacts as [Contact['person'], Contact['person']];
    expect(
      (await call(GLOBEX_KEY, '/api/leads/enrich', { people: [{ id: leads[0]?.apolloId }] })).status,
    ).toBe(200);

    // Both are enrolled and emailed; a deal names Ada.
    const sequence = await call(ACME_KEY, '/api/sequences', {
      id: 'intro',
      settings: {
        sendWindow: { days: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'], start: '00:00', end: '24:00' },
      },
      steps: [{ type: 'email', subject: 'Hello {{first_name|there}}', body: '<p>Hi!</p>' }],
    });
    expect(sequence.status).toBe(201);
    for (const person of [ada, bob]) {
      const enrolment = await call(ACME_KEY, '/api/enrollments', {
        sequenceId: 'intro',
        personId: person.id,
        mailbox: { email: 'rep@acme.example' },
      });
      expect(enrolment.status).toBe(201);
    }
    await eventually(async () => {
      let count = 0;
      for await (const _email of server.deps.sender.emails('acme')) count += 1;
      return count >= 2;
    });
    const deal = await call(ACME_KEY, '/api/deals', { name: 'Pilot', personIds: [ada.id, bob.id] });
    expect(deal.status).toBe(201);

    // Ada replies (a SalesLoft webhook, applied by the queue), and one more webhook about her waits.
    const simulator = server.deps.simulators.salesloft;
    if (!simulator) throw new Error('the SalesLoft simulator is not running');
    const email = simulator.store.emails.insert({
      status: 'sent',
      sent_at: new Date().toISOString(),
      recipient_email_address: ada.email,
      counts: { views: 2, clicks: 1, replies: 1 },
    });
    const delivery = simulator.webhooks.delivery('email_updated', email, {
      token: SIMULATED_SALESLOFT_WEBHOOK_TOKEN,
    });
    const webhook = await fetch(`${server.url}/webhooks/salesloft`, {
      method: 'POST',
      headers: delivery.headers,
      body: delivery.body,
    });
    expect(webhook.status).toBe(202);
    await server.deps.queue.onIdle(JOBS.salesloft);
    await server.deps.inbox.queue.add(
      'webhooks.held',
      { recipient_email_address: ada.email },
      { jobId: 'held-1' },
    );
  });

  afterAll(async () => {
    await server?.close();
    await rm(directory, { recursive: true, force: true });
  });

  it('exports everything held about the address, for the tenant of the key only', async () => {
    const response = await call(ACME_KEY, '/api/privacy/export', { email: ada.email.toUpperCase() });
    expect(response.status).toBe(200);
    const body = (await response.json()) as PersonalDataExport;
    expect(body.tenantId).toBe('acme');
    expect(body.personIds).toContain(ada.id);
    const kinds = (store: string) => [...new Set(body.stores[store]?.map((record) => record.kind))].sort();
    expect(kinds('server')).toEqual(['contact', 'deal', 'email', 'enrichment', 'webhook']);
    expect(kinds('scoring')).toEqual(['contact']);
    expect(kinds('sequences')).toEqual(expect.arrayContaining(['enrollment', 'step', 'transition']));
    expect(JSON.stringify(body)).not.toContain(bob.email);
  });

  it('erases the person: no API answers about them and storage keeps only their suppression entry', async () => {
    const markers = [
      ada.email,
      ada.id,
      ada.externalIds.apollo,
      ...(ada.linkedinUrl ? [ada.linkedinUrl] : []),
    ];
    const acmeBefore = (await storedMentions(markers)).filter((text) => !text.includes('"globex"'));
    expect(acmeBefore.length).toBeGreaterThan(10);

    const response = await call(ACME_KEY, '/api/privacy/forget', { email: ada.email });
    expect(response.status).toBe(200);
    const report = (await response.json()) as PersonalDataErasure;
    expect(report.tenantId).toBe('acme');
    expect(report.stores.server?.erased).toBeGreaterThanOrEqual(5);
    expect(JSON.stringify(report)).not.toContain(ada.email);
    const forgotten = crmCalls.filter((call) => call.method === 'forget');
    expect(forgotten.map((call) => call.subject.tenantId)).toEqual(['acme']);
    expect(forgotten[0]?.subject.personIds).toContain(ada.id);

    // Through the API: no score, no contact to enrol, an export holding only the suppression entry.
    expect((await call(ACME_KEY, `/api/contacts/${ada.id}/score`)).status).toBe(404);
    const enrolment = await call(ACME_KEY, '/api/enrollments', {
      sequenceId: 'intro',
      personId: ada.id,
      mailbox: { email: 'rep@acme.example' },
    });
    expect(enrolment.status).toBe(404);
    const after = (await (
      await call(ACME_KEY, '/api/privacy/export', { email: ada.email })
    ).json()) as PersonalDataExport;
    const left = Object.values(after.stores).flat();
    expect(left.map((record) => record.kind)).toEqual(['suppression']);

    // In storage: of Acme's entries, only the suppression entry mentions her.
    const acmeAfter = (await storedMentions(markers)).filter((text) => !text.includes('"globex"'));
    expect(acmeAfter).toHaveLength(1);
    expect(acmeAfter[0]).toContain('"suppression"');
    expect(acmeAfter[0]).toContain('"erased"');

    // Bob and the deal stay; the deal no longer names Ada. Globex's copy of Ada is untouched.
    expect((await call(ACME_KEY, `/api/contacts/${bob.id}/score`)).status).toBe(200);
    const deals = [];
    for await (const deal of server.deps.tenant('acme').book.entities.deal.records()) deals.push(deal);
    expect(deals.map((deal) => deal.personIds)).toEqual([[bob.id]]);
    expect((await call(GLOBEX_KEY, `/api/contacts/${ada.id}/score`)).status).toBe(200);
    const globex = (await (
      await call(GLOBEX_KEY, '/api/privacy/export', { email: ada.email })
    ).json()) as PersonalDataExport;
    expect(globex.stores.server?.map((record) => record.kind)).toContain('contact');

    // The emails to Bob are still in the outbox; no log line carries her address.
    const outbox: RecordedEmail[] = [];
    for await (const email of server.deps.sender.emails('acme')) outbox.push(email);
    expect(outbox.map((email) => email.to.email)).toEqual([bob.email.toLowerCase()]);
    expect(logLines.join('\n').toLowerCase()).not.toContain(ada.email.toLowerCase());
  });

  it('takes the tenant from the API key and validates the body', async () => {
    const withTenant = await call(GLOBEX_KEY, '/api/privacy/forget', { email: bob.email, tenantId: 'acme' });
    expect(withTenant.status).toBe(400);
    const fields = (await withTenant.json()) as { error: { fieldErrors: { path: string }[] } };
    expect(fields.error.fieldErrors.map((problem) => problem.path)).toEqual(['(body)']);
    expect((await call(GLOBEX_KEY, '/api/privacy/forget', { email: 'not an address' })).status).toBe(400);
    expect((await call(GLOBEX_KEY, '/api/privacy/forget', {})).status).toBe(400);
    expect((await fetch(`${server.url}/api/privacy/forget`, { method: 'POST', body: '{}' })).status).toBe(
      401,
    );

    // Globex forgetting Bob leaves Acme's Bob as he was.
    expect((await call(GLOBEX_KEY, '/api/privacy/forget', { email: bob.email })).status).toBe(200);
    expect((await call(ACME_KEY, `/api/contacts/${bob.id}/score`)).status).toBe(200);
    expect(await server.deps.sequences.suppression.has({ tenantId: 'acme', email: bob.email })).toBe(false);
  });
});
