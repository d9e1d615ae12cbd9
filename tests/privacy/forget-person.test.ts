import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createEventBus,
  createMemoryConnector,
  createMemoryQueue,
  createPrivacyService,
  createStorageQueue,
  type PersonalDataExport,
  type Storage,
} from '@salesos/core';
import { createSyncEngine, createSyncPersonalDataStore } from '@salesos/crm';
import { createScorer, createScoringPersonalDataStore } from '@salesos/scoring';
import {
  createSequenceEngine,
  createSequencePersonalDataStore,
  createTracking,
  EnrollmentError,
} from '@salesos/sequences';
import { createMemorySender, createMemoryTaskSink } from '@salesos/sequences/testing';
import { createSqliteStorage } from '@salesos/sqlite';
import { afterAll, describe, expect, it } from 'vitest';
import { captureEvents, createCapturingLogger } from '../support/capture.ts';
import { recordFigures } from '../support/figures.ts';

const directory = mkdtempSync(join(tmpdir(), 'salesos-privacy-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

const ADA = {
  id: 'crm-ada-7731',
  email: 'Ada.Lovelace@Analytical.example',
  firstName: 'Ada',
  lastName: 'Lovelace',
};
const BOB = { id: 'crm-bob-1202', email: 'bob@analytical.example', firstName: 'Bob' };
/** Everything that identifies Ada: none of it may remain after erasure (but her suppression entry). */
const ADA_MARKERS = [ADA.id, 'ada.lovelace@analytical.example', 'Lovelace'];

async function everything(storage: Storage) {
  const entries: { key: readonly (string | number)[]; text: string }[] = [];
  for await (const entry of storage.list({ prefix: [] })) {
    entries.push({ key: entry.key, text: JSON.stringify({ key: entry.key, value: entry.value }) });
  }
  return entries;
}

/** Ada and Bob, in two tenants: scored, enrolled, emailed, tracked, replied. */
async function scenario(storage: Storage) {
  const events = createEventBus();
  const queue = createStorageQueue(storage, { pollIntervalMs: 5 });
  const sender = createMemorySender();
  const scorers = {
    acme: createScorer({ storage, tenantId: 'acme', events }),
    globex: createScorer({ storage, tenantId: 'globex' }),
  };
  const tracking = createTracking({
    secret: 'privacy-tracking-secret-0123456789',
    baseUrl: 'https://t.example.com/t',
    onActivity: async (activity, { tenantId }) => {
      await scorers[tenantId as 'acme' | 'globex'].apply(activity);
      await engine.handleActivity({ tenantId, activity });
    },
  });
  const engine = createSequenceEngine({
    storage,
    queue,
    sender,
    taskSink: createMemoryTaskSink(),
    events,
    tracking,
    unsubscribe: { secret: 'privacy-unsubscribe-secret-012345', url: 'https://example.com/u' },
  });
  for (const tenantId of ['acme', 'globex'] as const) {
    await engine.define({
      tenantId,
      definition: {
        id: 'intro',
        steps: [
          {
            type: 'email',
            subject: 'Hello {{first_name}}',
            body: '<p>Hi {{first_name}}, <a href="https://acme.example/demo">demo</a></p>',
          },
          { type: 'email', replyInThread: true, body: '<p>Following up, {{first_name}}</p>' },
          { type: 'call', delay: { businessDays: 5 } },
        ],
        settings: {
          sendWindow: {
            days: ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'],
            start: '00:00',
            end: '24:00',
          },
          minimumGapMinutes: 1,
        },
      },
    });
    for (const person of [ADA, BOB]) {
      await scorers[tenantId].upsertContact({
        person: { ...person, title: 'Head of Sales' },
        company: { id: `${tenantId}-co`, name: 'Analytical' },
      });
      await engine.enroll({
        tenantId,
        sequenceId: 'intro',
        person,
        mailbox: { email: `rep@${tenantId}.example` },
      });
    }
  }
  return { events, queue, sender, scorers, tracking, engine };
}

describe('forgetPerson across the scoring and sequence engines', () => {
  it('exports everything held about the person, then erases it all but the suppression entry', async () => {
    const storage = createSqliteStorage({ path: join(directory, 'privacy.db') });
    const logger = createCapturingLogger();
    const { events, queue, sender, scorers, tracking, engine } = await scenario(storage);
    await queue.onIdle();
    const click = /https:\/\/t\.example\.com\/t\/c\/[^"]+/.exec(
      sender.delivered.find(({ email }) => email.tenantId === 'acme' && email.to.email.startsWith('ada'))
        ?.email.html ?? '',
    )?.[0];
    expect(click).toBeDefined();
    await tracking.handler(new Request(click ?? ''));
    await scorers.acme.apply({
      id: 'reply-1',
      type: 'email_replied',
      personId: ADA.id,
      occurredAt: new Date().toISOString(),
    });
    const privacy = createPrivacyService({
      stores: [createScoringPersonalDataStore({ storage }), createSequencePersonalDataStore({ storage })],
      suppression: engine.suppression,
      logger,
    });

    const exported: PersonalDataExport = await privacy.exportPerson({ tenantId: 'acme', email: ADA.email });

    expect(exported.personIds).toEqual([ADA.id]);
    expect(exported.stores.scoring?.map(({ kind }) => kind)).toEqual(['contact']);
    const kinds = new Set(exported.stores.sequences?.map(({ kind }) => kind));
    expect([...kinds].sort()).toEqual(
      ['enrollment', 'step', 'transition'].concat(kinds.has('last-touch') ? ['last-touch'] : []).sort(),
    );
    expect(JSON.stringify(exported)).not.toContain(BOB.email);
    expect(JSON.stringify(exported)).not.toContain('globex');
    const before = await everything(storage);
    const globexBefore = before.filter(({ text }) => text.includes('globex'));
    expect(
      before.filter(({ text }) =>
        ADA_MARKERS.some((marker) => text.toLowerCase().includes(marker.toLowerCase())),
      ).length,
    ).toBeGreaterThan(5);

    const emitted = captureEvents(events);
    const report = await privacy.forgetPerson({ tenantId: 'acme', email: ADA.email });
    await queue.onIdle();

    const after = await everything(storage);
    const acmeLeft = after.filter(({ key }) => !JSON.stringify(key).includes('globex'));
    const remains = acmeLeft.filter(({ text }) =>
      ADA_MARKERS.some((marker) => text.toLowerCase().includes(marker.toLowerCase())),
    );
    expect(remains.map(({ key }) => key)).toEqual([
      ['sequences', 'acme', 'suppression', 'ada.lovelace@analytical.example'],
    ]);
    expect(report.stores.scoring?.erased).toBeGreaterThan(0);
    expect(report.stores.sequences?.erased).toBeGreaterThan(0);
    expect(JSON.stringify(report)).not.toContain('analytical.example');
    expect(JSON.stringify(logger.lines)).not.toContain('analytical.example');
    expect(after.filter(({ text }) => text.includes('globex'))).toEqual(globexBefore);
    expect(acmeLeft.some(({ text }) => text.includes(BOB.email))).toBe(true);
    expect(await scorers.acme.getScore(ADA.id)).toBeNull();
    expect(await engine.listEnrollments({ tenantId: 'acme', email: ADA.email })).toEqual([]);
    expect(emitted.filter(({ type }) => type === 'sequences.step.executed')).toEqual([]);

    // Nothing more is held, and the address can no longer be enrolled.
    const again = await privacy.exportPerson({ tenantId: 'acme', email: ADA.email });
    expect(again.stores.scoring).toEqual([]);
    expect(again.stores.sequences?.map(({ kind }) => kind)).toEqual(['suppression']);
    await expect(
      engine.enroll({
        tenantId: 'acme',
        sequenceId: 'intro',
        person: ADA,
        mailbox: { email: 'rep@acme.example' },
      }),
    ).rejects.toSatisfy(
      (error: unknown) => EnrollmentError.isInstance(error) && error.reason === 'suppressed',
    );
    recordFigures('privacy-forget-person', {
      entriesAboutPersonBefore: before.filter(({ text }) =>
        ADA_MARKERS.some((marker) => text.toLowerCase().includes(marker.toLowerCase())),
      ).length,
      erased: report.stores,
      remaining: remains.length,
      remainingIsSuppressionEntry: remains.length === 1,
      otherTenantUnchanged: true,
    });
    await queue.close();
    await storage.close();
  });
});

describe('forgetPerson with the CRM sync engine', () => {
  it('finds the person through the sync’s key index, reaches stores that know them only by id, and erases the sync state', async () => {
    const storage = createSqliteStorage({ path: join(directory, 'privacy-crm.db') });
    const queue = createMemoryQueue();
    const crm = createMemoryConnector({ id: 'crm' });
    const outreach = createMemoryConnector({ id: 'outreach' });
    crm.remote.person.put(ADA);
    crm.remote.person.put(BOB);
    outreach.remote.person.put({ email: ADA.email.toUpperCase(), title: 'Countess' });
    const sync = createSyncEngine({ storage, queue });
    for (const tenantId of ['acme', 'globex']) {
      sync.define({
        id: `people-${tenantId}`,
        tenantId,
        left: crm,
        right: outreach,
        entity: 'person',
        direction: 'both',
        fieldMap: [
          { left: 'email', right: 'email' },
          { left: 'firstName', right: 'firstName' },
          { left: 'lastName', right: 'lastName' },
          { left: 'title', right: 'title' },
        ],
        conflictPolicy: 'last-write-wins',
        deletePolicy: 'ignore',
      });
      expect((await sync.run(`people-${tenantId}`)).status).toBe('completed');
    }
    // The scorer knows Ada only by her CRM id, without her address.
    const scorer = createScorer({ storage, tenantId: 'acme' });
    await scorer.upsertContact({ person: { id: ADA.id, title: 'Head of Sales' } });
    const outreachAda = outreach.remote.person.all().find((person) => person.lastName === 'Lovelace');
    const markers = [...ADA_MARKERS, String(outreachAda?.id)];
    const aboutAda = (text: string) =>
      markers.some((marker) => text.toLowerCase().includes(marker.toLowerCase()));
    const suppressed: string[] = [];
    const privacy = createPrivacyService({
      stores: [createSyncPersonalDataStore({ storage }), createScoringPersonalDataStore({ storage })],
      suppression: { add: async ({ email }) => void suppressed.push(email) },
    });

    const exported = await privacy.exportPerson({ tenantId: 'acme', email: ADA.email });

    expect([...exported.personIds].sort()).toEqual([ADA.id, String(outreachAda?.id)].sort());
    expect(new Set(exported.stores.crm?.map(({ kind }) => kind))).toEqual(
      new Set(['sync-record', 'sync-link', 'sync-match-key']),
    );
    expect(exported.stores.scoring?.map(({ kind }) => kind)).toEqual(['contact']);
    expect(JSON.stringify(exported)).not.toContain(BOB.email);
    const before = await everything(storage);
    const globexBefore = before.filter(({ key }) => key[1] === 'globex');
    expect(before.filter(({ key, text }) => key[1] === 'acme' && aboutAda(text)).length).toBeGreaterThan(3);

    const report = await privacy.forgetPerson({ tenantId: 'acme', email: ADA.email });

    const after = await everything(storage);
    expect(after.filter(({ key, text }) => key[1] === 'acme' && aboutAda(text))).toEqual([]);
    expect(report.stores.crm?.erased).toBeGreaterThan(0);
    expect(report.stores.scoring?.erased).toBeGreaterThan(0);
    expect(after.filter(({ key }) => key[1] === 'globex')).toEqual(globexBefore);
    expect(after.some(({ key, text }) => key[1] === 'acme' && text.includes(BOB.email))).toBe(true);
    expect(suppressed).toEqual(['ada.lovelace@analytical.example']);
    const again = await privacy.exportPerson({ tenantId: 'acme', email: ADA.email });
    expect(again.stores).toEqual({ crm: [], scoring: [] });
    // The connected systems are not the engine's to erase.
    expect(crm.remote.person.get(ADA.id)).toBeDefined();
    recordFigures('privacy-forget-person-crm', {
      entriesAboutPersonBefore: before.filter(({ key, text }) => key[1] === 'acme' && aboutAda(text)).length,
      erased: report.stores,
      remaining: 0,
      otherTenantUnchanged: true,
    });
    await queue.close();
    await storage.close();
  });
});
