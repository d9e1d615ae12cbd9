import { createApolloClient, createApolloConnector } from '@salesos/apollo';
import { createApolloSimulator } from '@salesos/apollo/testing';
import { createAttioClient, createAttioConnector, createAttioWebhookHandler } from '@salesos/attio';
import { createAttioSimulator } from '@salesos/attio/testing';
import {
  createEventBus,
  createMemoryStorage,
  createPrivacyService,
  createStorageQueue,
  type Storage,
} from '@salesos/core';
import { listenFetchHandler } from '@salesos/core/testing';
import { createSyncEngine } from '@salesos/crm';
import {
  createSalesloftClient,
  createSalesloftConnector,
  createSalesloftWebhookHandler,
  salesloftEventToActivities,
} from '@salesos/salesloft';
import { createSalesloftSimulator, signSalesloftPayload } from '@salesos/salesloft/testing';
import { createScorer, createScoringPersonalDataStore } from '@salesos/scoring';
import {
  createSequenceEngine,
  createSequencePersonalDataStore,
  createTracking,
  createUnsubscribeHandler,
} from '@salesos/sequences';
import { createMemorySender } from '@salesos/sequences/testing';
import { describe, expect, it } from 'vitest';
import { captureEvents, createCapturingLogger } from '../support/capture.ts';
import { recordFigures } from '../support/figures.ts';
import { createScaledClock } from '../support/scaled-clock.ts';
import { findSecrets } from '../support/secret-scan.ts';

// Recognisable secrets: each appears nowhere in the system's output unless it leaked.
const SECRETS = {
  salesloftKey: 'sl-live-key-7f3c9a1e5b2d8f4a',
  salesloftRevokedKey: 'sl-revoked-key-22aa91bc30de7f',
  salesloftOauthExpired: 'sl-oauth-expired-5c1a7e3b9d',
  salesloftOauthFresh: 'sl-oauth-fresh-8e2c4a6f0b1d',
  salesloftWebhookToken: 'sl-callback-token-c4e8a2f6b1d9',
  attioKey: 'attio-live-key-9d2e4f6a8b0c3e',
  attioWrongKey: 'attio-wrong-key-61d3f5a7c9e1',
  attioWebhookSecret: 'attio-webhook-secret-5e7a9c1b3d',
  apolloKey: 'apollo-live-key-3b5d7f9a1c2e4a',
  apolloWrongKey: 'apollo-wrong-key-0a2c4e6f8b1d',
  unsubscribeSecret: 'unsubscribe-secret-8a6c4e2f0b1d3e5f',
  trackingSecret: 'tracking-secret-1f3e5d7c9b2a4e6f',
};
const FAULTS = { seed: 3, errorRate: 0.15, resetRate: 0.05, rateLimitBurstRate: 0.05, burstLength: 2 };

async function storedEntries(storage: Storage) {
  const entries: unknown[] = [];
  for await (const entry of storage.list({ prefix: [] }))
    entries.push({ key: entry.key, value: entry.value });
  return entries;
}

describe('findSecrets', () => {
  it('finds a secret in a cause chain, an error body, a header and a base64 form', () => {
    const nested = new Error('outer', { cause: new Error(`inner ${SECRETS.salesloftKey}`) });
    const body = Object.assign(new Error('x'), { body: { token: SECRETS.attioKey } });
    const headers = new Headers({
      authorization: `Basic ${Buffer.from(SECRETS.apolloKey).toString('base64')}`,
    });
    expect(findSecrets([nested, body, headers], SECRETS).map(({ secret }) => secret)).toEqual(
      expect.arrayContaining(['salesloftKey', 'attioKey', 'apolloKey']),
    );
  });
});

describe('a whole scenario run with recognisable secrets', () => {
  it('leaves no secret in any log line, error, event, stored value or sent email', async () => {
    const logger = createCapturingLogger();
    const events = createEventBus();
    const emitted = captureEvents(events);
    const storage = createMemoryStorage();
    const clock = createScaledClock(200);
    const errors: unknown[] = [];
    const attempt = async (work: () => unknown) => {
      try {
        const result = await work();
        const walk = result as { toArray?: (options: { limit: number }) => Promise<unknown> };
        if (typeof walk?.toArray === 'function') await walk.toArray({ limit: 60 });
      } catch (error) {
        errors.push(error);
      }
    };

    const salesloftSimulator = createSalesloftSimulator({
      seed: 2,
      people: 60,
      budget: 1_000_000,
      apiKeys: [SECRETS.salesloftKey, SECRETS.salesloftOauthFresh],
      faults: FAULTS,
    });
    const attioSimulator = createAttioSimulator({
      seed: 2,
      records: { people: 40, companies: 5, deals: 0 },
      apiKey: SECRETS.attioKey,
      webhookSecret: SECRETS.attioWebhookSecret,
      rateLimits: false,
      faults: FAULTS,
    });
    const apolloSimulator = createApolloSimulator({
      seed: 2,
      contacts: 40,
      apiKey: SECRETS.apolloKey,
      faults: FAULTS,
    });
    const servers = await Promise.all([
      listenFetchHandler(salesloftSimulator.fetch),
      listenFetchHandler(attioSimulator.fetch),
      listenFetchHandler(apolloSimulator.fetch),
    ]);
    const [salesloftUrl, attioUrl, apolloUrl] = [
      `${servers[0].url}/v2`,
      `${servers[1].url}/v2`,
      `${servers[2].url}/api/v1`,
    ];
    const common = { logger, events, clock, maxRetries: 4 };
    try {
      // Vendor clients: successes, 404s, validation errors, wrong and revoked keys, OAuth refresh.
      const salesloft = createSalesloftClient({
        ...common,
        apiKey: SECRETS.salesloftKey,
        baseUrl: salesloftUrl,
      });
      const revoked = createSalesloftClient({
        ...common,
        apiKey: SECRETS.salesloftRevokedKey,
        baseUrl: salesloftUrl,
      });
      const oauth = createSalesloftClient({
        ...common,
        baseUrl: salesloftUrl,
        tokenProvider: ({ forceRefresh }) =>
          forceRefresh ? SECRETS.salesloftOauthFresh : SECRETS.salesloftOauthExpired,
      });
      const attio = createAttioClient({ ...common, apiKey: SECRETS.attioKey, baseUrl: attioUrl });
      const attioWrong = createAttioClient({ ...common, apiKey: SECRETS.attioWrongKey, baseUrl: attioUrl });
      const apollo = createApolloClient({ ...common, apiKey: SECRETS.apolloKey, baseUrl: apolloUrl });
      const apolloWrong = createApolloClient({
        ...common,
        apiKey: SECRETS.apolloWrongKey,
        baseUrl: apolloUrl,
      });
      await attempt(() => salesloft.people.list({ per_page: 25 }));
      await attempt(() => salesloft.people.get(987_654));
      await attempt(() => salesloft.people.create({ email_address: 'not-an-address' }));
      await attempt(() => revoked.people.list());
      await attempt(() => oauth.people.list({ per_page: 10 }));
      await attempt(() => attio.records.query('people', { limit: 20 }));
      await attempt(() => attio.records.get('people', '00000000-0000-4000-8000-000000000000'));
      await attempt(() => attioWrong.records.query('people'));
      await attempt(() => apollo.contacts.search({ per_page: 20 }));
      await attempt(() => apollo.contacts.get('missing-contact'));
      await attempt(() => apolloWrong.contacts.search());
      await attempt(() => apollo.people.enrich({ email: 'ada@example.com' }));

      // Connectors and a two-way sync between SalesLoft and Attio, state in the shared storage.
      const queue = createStorageQueue(storage, { pollIntervalMs: 5 });
      const sync = createSyncEngine({
        storage,
        queue,
        events,
        logger,
        clock,
        retry: { attempts: 2, delayMs: 10 },
      });
      sync.define({
        id: 'people',
        tenantId: 'acme',
        left: createAttioConnector(attio, { storage }),
        right: createSalesloftConnector(salesloft),
        entity: 'person',
        direction: 'both',
        fieldMap: [
          { left: 'email', right: 'email' },
          { left: 'title', right: 'title' },
        ],
        conflictPolicy: 'last-write-wins',
        deletePolicy: 'ignore',
      });
      await attempt(() => sync.run('people'));
      await attempt(() => sync.run('people'));
      await attempt(() =>
        createApolloConnector(apollo).entities.person.upsert(
          { email: 'grace@example.com' },
          { matchBy: ['email'] },
        ),
      );

      // Webhooks: genuine, tampered, wrongly signed and replayed deliveries.
      const scorer = createScorer({ storage, tenantId: 'acme', events });
      const salesloftHooks = createSalesloftWebhookHandler({
        secret: SECRETS.salesloftWebhookToken,
        dedupe: { storage },
        logger,
        onEvent: async (event) => {
          for (const activity of salesloftEventToActivities(event)) await scorer.apply(activity);
        },
      });
      const email = JSON.stringify({ ...salesloftSimulator.store.emails.all()[0], person: { id: 1 } });
      const signed = signSalesloftPayload(email, SECRETS.salesloftWebhookToken);
      const post = (body: string, headers: Record<string, string>) =>
        new Request('https://app.example.com/hooks', { method: 'POST', body, headers });
      const salesloftHeaders = { 'x-salesloft-event': 'email_updated', 'x-salesloft-signature': signed };
      await salesloftHooks(post(email, salesloftHeaders));
      await salesloftHooks(post(email, salesloftHeaders));
      await salesloftHooks(post(`${email} `, salesloftHeaders));
      await salesloftHooks(
        post(email, { ...salesloftHeaders, 'x-salesloft-signature': signSalesloftPayload(email, 'other') }),
      );
      const attioHooks = createAttioWebhookHandler({
        secret: SECRETS.attioWebhookSecret,
        dedupe: { storage },
        logger,
        onEvent: () => undefined,
      });
      const person = attioSimulator.store.records('people')[0];
      const delivery = attioSimulator.webhooks.delivery('record.updated', {
        id: { object_id: person?.id.object_id, record_id: person?.id.record_id, attribute_id: 'a' },
      });
      await attioHooks(post(delivery.body, delivery.headers));
      await attioHooks(post(delivery.body, delivery.headers));
      await attioHooks(post(delivery.body.replace('record.updated', 'record.created'), delivery.headers));

      // Sequences with unsubscribe and tracking secrets; an unsubscribe and a tracked click.
      const sender = createMemorySender();
      const tracking = createTracking({
        secret: SECRETS.trackingSecret,
        baseUrl: 'https://t.example.com/t',
        events,
        logger,
        onActivity: (activity, { tenantId }) => scorer.apply(activity).then(() => tenantId),
      });
      const sequences = createSequenceEngine({
        storage,
        queue,
        sender,
        events,
        logger,
        tracking,
        unsubscribe: { secret: SECRETS.unsubscribeSecret, url: 'https://example.com/unsubscribe' },
      });
      await sequences.define({
        tenantId: 'acme',
        definition: {
          id: 'intro',
          steps: [
            { type: 'email', subject: 'Hi', body: '<p><a href="https://acme.example/demo">Demo</a></p>' },
          ],
          settings: {
            sendWindow: {
              days: ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'],
              start: '00:00',
              end: '24:00',
            },
          },
        },
      });
      for (const index of [1, 2, 3]) {
        await sequences.enroll({
          tenantId: 'acme',
          sequenceId: 'intro',
          person: { id: `p${index}`, email: `person${index}@prospect.example` },
          mailbox: { email: 'rep@acme.example' },
        });
      }
      await queue.onIdle();
      const sent = sender.delivered[0]?.email;
      const link = /https:\/\/t\.example\.com\/t\/c\/[^"]+/.exec(sent?.html ?? '')?.[0];
      if (link) await tracking.handler(new Request(link));
      const unsubscribeLink = /<(https:\/\/example\.com\/unsubscribe[^>]+)>/.exec(
        sent?.headers['List-Unsubscribe'] ?? '',
      )?.[1];
      const unsubscribe = createUnsubscribeHandler({
        secret: SECRETS.unsubscribeSecret,
        logger,
        onUnsubscribe: (recipient) => sequences.unsubscribe(recipient),
      });
      if (unsubscribeLink)
        await unsubscribe(
          new Request(unsubscribeLink, { method: 'POST', body: 'List-Unsubscribe=One-Click' }),
        );
      await unsubscribe(new Request('https://example.com/unsubscribe?token=forged', { method: 'POST' }));

      // A data subject request.
      const privacy = createPrivacyService({
        stores: [createScoringPersonalDataStore({ storage }), createSequencePersonalDataStore({ storage })],
        suppression: sequences.suppression,
        logger,
      });
      await attempt(() => privacy.exportPerson({ tenantId: 'acme', email: 'person2@prospect.example' }));
      await attempt(() => privacy.forgetPerson({ tenantId: 'acme', email: 'person2@prospect.example' }));
      await queue.onIdle();
      await queue.close();

      const scanned = {
        logs: logger.lines,
        errors,
        events: emitted,
        stored: await storedEntries(storage),
        emails: sender.delivered,
      };
      const findings = findSecrets(scanned, SECRETS, 'scenario');

      // The scenario really did fail, retry and log in the ways under test.
      expect(errors.length).toBeGreaterThanOrEqual(6);
      expect(emitted.some(({ type }) => type === 'http.retry')).toBe(true);
      expect(logger.lines.length).toBeGreaterThan(10);
      expect(sender.delivered).toHaveLength(3);
      expect(findings).toEqual([]);
      recordFigures('secret-leak', {
        secrets: Object.keys(SECRETS).length,
        scanned: {
          logLines: logger.lines.length,
          errors: errors.length,
          events: emitted.length,
          storedEntries: scanned.stored.length,
          emails: sender.delivered.length,
        },
        faults: {
          salesloft: salesloftSimulator.faultStats,
          attio: attioSimulator.stats.faults,
          apollo: apolloSimulator.faultStats,
        },
        leaks: findings.length,
      });
    } finally {
      await Promise.all(servers.map((server) => server.close()));
    }
  }, 60_000);
});
