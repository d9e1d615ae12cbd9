import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import type { RecordedEmail } from '@salesos/sequences';
import { createSqliteStorage } from '@salesos/sqlite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from './app.ts';
import { loadConfig } from './config.ts';
import { JOBS } from './dependencies.ts';
import { createLogger } from './observability/logger.ts';
import { type RunningServer, startServer } from './server.ts';
import { eventually } from './testing/start-test-server.ts';

const API_KEY = 'test-key-0123456789abcdef';
const SALESLOFT_TOKEN = 'simulator-callback-token';

describe('reference server', () => {
  let directory: string;
  let server: RunningServer;
  const logLines: string[] = [];

  const api = (path: string, init: RequestInit & { json?: unknown } = {}) => {
    const { json, ...rest } = init;
    return fetch(`${server.url}${path}`, {
      ...rest,
      headers: { 'x-api-key': API_KEY, 'content-type': 'application/json', ...(rest.headers ?? {}) },
      ...(json === undefined ? {} : { body: JSON.stringify(json) }),
    });
  };

  beforeAll(async () => {
    directory = await mkdtemp(join(tmpdir(), 'salesos-server-'));
    const config = loadConfig({
      PORT: '0',
      DATA_DIR: directory,
      API_KEYS: `tests:${API_KEY}`,
      UNSUBSCRIBE_SECRET: 'an-unsubscribe-secret-of-32-chars-or-more',
      LOG_LEVEL: 'info',
    });
    const destination = new Writable({
      write(chunk, _encoding, done) {
        logLines.push(...String(chunk).split('\n').filter(Boolean));
        done();
      },
    });
    server = await startServer(config, { logger: createLogger({ level: 'info', destination }) });
  });

  afterAll(async () => {
    await server?.close();
    await rm(directory, { recursive: true, force: true });
  });

  describe('GET /health', () => {
    it('reports storage, queue and each vendor', async () => {
      const response = await fetch(`${server.url}/health`);
      expect(response.status).toBe(200);
      const body = (await response.json()) as { status: string; checks: Record<string, { status: string }> };
      expect(body.status).toBe('ok');
      expect(Object.keys(body.checks).sort()).toEqual(['apollo', 'attio', 'queue', 'salesloft', 'storage']);
    });
  });

  describe('/api authentication and limits', () => {
    it('answers 401 without an API key or with a wrong one', async () => {
      const missing = await fetch(`${server.url}/api/leads/search`, { method: 'POST', body: '{}' });
      expect(missing.status).toBe(401);
      const wrong = await api('/api/leads/search', {
        method: 'POST',
        json: {},
        headers: { 'x-api-key': 'nope' },
      });
      expect(wrong.status).toBe(401);
      expect(((await wrong.json()) as { error: { code: string } }).error.code).toBe('unauthorized');
    });

    it('accepts the key as x-api-key or as a bearer token', async () => {
      const header = await api('/api/leads/search', { method: 'POST', json: { limit: 1 } });
      expect(header.status).toBe(200);
      const bearer = await fetch(`${server.url}/api/leads/search`, {
        method: 'POST',
        headers: { authorization: `Bearer ${API_KEY}`, 'content-type': 'application/json' },
        body: JSON.stringify({ limit: 1 }),
      });
      expect(bearer.status).toBe(200);
    });

    it('answers 400 naming every bad field', async () => {
      const response = await api('/api/leads/search', { method: 'POST', json: { limit: 0, titles: 'vp' } });
      expect(response.status).toBe(400);
      const body = (await response.json()) as { error: { code: string; fieldErrors: { path: string }[] } };
      expect(body.error.code).toBe('invalid_request');
      expect(body.error.fieldErrors.map((problem) => problem.path).sort()).toEqual(['limit', 'titles']);
    });

    it('limits each key per minute with 429 and Retry-After', async () => {
      const app = createApp({ ...server.deps, config: { ...server.deps.config, rateLimitPerMinute: 2 } });
      const call = () => app.request('/api/contacts/nobody/score', { headers: { 'x-api-key': API_KEY } });
      expect((await call()).status).toBe(404);
      expect((await call()).status).toBe(404);
      const limited = await call();
      expect(limited.status).toBe(429);
      expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    });
  });

  describe('POST /api/sequences', () => {
    it('answers 400 naming the manual steps, which the server has no task list for', async () => {
      const response = await api('/api/sequences', {
        method: 'POST',
        json: {
          id: 'calls',
          steps: [
            { type: 'email', subject: 'Hi', body: '<p>Hi</p>' },
            { type: 'call', note: 'Call them' },
            { type: 'email', mode: 'manual', subject: 'Hi', body: '<p>Hi</p>' },
          ],
        },
      });
      expect(response.status).toBe(400);
      const body = (await response.json()) as { error: { code: string; fieldErrors: { path: string }[] } };
      expect(body.error.code).toBe('invalid_sequence');
      expect(body.error.fieldErrors.map((problem) => problem.path)).toEqual(['steps.1', 'steps.2']);
    });
  });

  describe('request bodies', () => {
    it('answer 400 naming text that is not valid Unicode, at any depth', async () => {
      const response = await api('/api/enrollments', {
        method: 'POST',
        body: '{"sequenceId":"\\ud800","personId":"p1","mailbox":{"email":"rep@salesos.example"},"variables":{"\\udfff":"x"}}',
      });
      expect(response.status).toBe(400);
      const body = (await response.json()) as { error: { fieldErrors: { path: string }[] } };
      expect(body.error.fieldErrors.map((problem) => problem.path).sort()).toEqual([
        'sequenceId',
        'variables.\udfff',
      ]);
    });
  });

  describe('POST /webhooks/salesloft', () => {
    it('answers 401 to a bad signature and stores nothing', async () => {
      const simulator = server.deps.simulators.salesloft;
      if (!simulator) throw new Error('the SalesLoft simulator is not running');
      const email = simulator.store.emails.all()[0];
      const delivery = simulator.webhooks.delivery('email_updated', email, { token: 'not-the-token' });
      const before = await server.deps.queue.counts(JOBS.salesloft);
      const response = await fetch(`${server.url}/webhooks/salesloft`, {
        method: 'POST',
        headers: delivery.headers,
        body: delivery.body,
      });
      expect(response.status).toBe(401);
      expect(await server.deps.queue.counts(JOBS.salesloft)).toEqual(before);
      const remembered = [];
      for await (const entry of server.deps.storage.list({ prefix: ['tenant', 'default', 'webhooks'] }))
        remembered.push(entry);
      expect(remembered).toEqual([]);
    });
  });

  describe('the whole flow through the API', () => {
    it('finds, enriches, scores, enrols, takes engagement, unsubscribes, and syncs with the CRM', async () => {
      // Find and enrich a lead.
      const search = await api('/api/leads/search', {
        method: 'POST',
        json: { seniorities: ['vp', 'c_suite', 'founder', 'head'], limit: 5 },
      });
      expect(search.status).toBe(200);
      const { leads } = (await search.json()) as { leads: { apolloId: string }[] };
      expect(leads.length).toBe(5);
      const enrich = await api('/api/leads/enrich', {
        method: 'POST',
        json: { people: leads.map((lead) => ({ id: lead.apolloId })) },
      });
      expect(enrich.status).toBe(200);
      const enriched = (await enrich.json()) as {
        contacts: { person: { id: string; email: string } }[];
        credits: { month: number };
      };
      expect(enriched.contacts).toHaveLength(5);
      expect(enriched.credits.month).toBeGreaterThanOrEqual(5);
      const [first, second] = enriched.contacts.map((contact) => contact.person);
      if (!first || !second) throw new Error('expected two contacts');

      const score = await api(`/api/contacts/${first.id}/score`);
      expect(score.status).toBe(200);
      expect([1, 2, 3, 4]).toContain(((await score.json()) as { tier: number }).tier);

      // A sequence that may send at any hour, and two enrolments.
      const badSequence = await api('/api/sequences', { method: 'POST', json: { id: 'x', steps: [] } });
      expect(badSequence.status).toBe(400);
      const sequence = await api('/api/sequences', {
        method: 'POST',
        json: {
          id: 'intro',
          settings: {
            sendWindow: {
              days: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'],
              start: '00:00',
              end: '24:00',
            },
          },
          steps: [
            { type: 'email', subject: 'Hello {{first_name|there}}', body: '<p>Hi!</p>' },
            { type: 'email', delay: { businessDays: 2 }, replyInThread: true, body: '<p>Any thoughts?</p>' },
          ],
        },
      });
      expect(sequence.status).toBe(201);
      for (const person of [first, second]) {
        const enrolment = await api('/api/enrollments', {
          method: 'POST',
          json: { sequenceId: 'intro', personId: person.id, mailbox: { email: 'rep@salesos.example' } },
        });
        expect(enrolment.status).toBe(201);
      }
      const again = await api('/api/enrollments', {
        method: 'POST',
        json: { sequenceId: 'intro', personId: first.id, mailbox: { email: 'rep@salesos.example' } },
      });
      expect(again.status).toBe(409);

      // The first emails go out through the queue.
      const sent = await eventually(async () => {
        const emails: RecordedEmail[] = [];
        for await (const email of server.deps.sender.emails('default')) emails.push(email);
        return emails.length >= 2 ? emails : undefined;
      });
      const toFirst = sent.find((email) => email.to.email === first.email.toLowerCase());
      expect(toFirst?.unsubscribeUrl).toMatch(/\/api\/unsubscribe/);

      // The first contact replies: SalesLoft posts the email, twice (a redelivery).
      const simulator = server.deps.simulators.salesloft;
      if (!simulator) throw new Error('the SalesLoft simulator is not running');
      const prospect = simulator.store.people.insert({ email_address: first.email });
      const record = simulator.store.emails.insert({
        status: 'sent',
        sent_at: new Date().toISOString(),
        recipient_email_address: first.email,
        recipient: { id: prospect.id, _href: `${simulator.baseUrl}/people/${prospect.id}` },
        counts: { views: 1, clicks: 0, replies: 1 },
      });
      const delivery = simulator.webhooks.delivery('email_updated', record, { token: SALESLOFT_TOKEN });
      const post = () =>
        fetch(`${server.url}/webhooks/salesloft`, {
          method: 'POST',
          headers: delivery.headers,
          body: delivery.body,
        });
      expect((await post()).status).toBe(202);
      expect((await post()).status).toBe(200);
      const enrollments = await eventually(async () => {
        const list = await server.deps.sequences.listEnrollments({ tenantId: 'default', personId: first.id });
        return list[0]?.status === 'finished' ? list : undefined;
      });
      expect(enrollments[0]?.reason).toBe('replied');
      await server.deps.queue.onIdle(JOBS.salesloft);
      expect((await server.deps.queue.counts(JOBS.salesloft)).completed).toBe(1);

      // The second contact unsubscribes with one click (no API key: the token is the proof).
      const unsubscribeUrl = sent.find(
        (email) => email.to.email === second.email.toLowerCase(),
      )?.unsubscribeUrl;
      if (!unsubscribeUrl) throw new Error('no unsubscribe link');
      const path = new URL(unsubscribeUrl);
      const unsubscribe = await fetch(`${server.url}${path.pathname}${path.search}`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'List-Unsubscribe=One-Click',
      });
      expect(unsubscribe.status).toBe(200);
      expect(await server.deps.sequences.suppression.has({ tenantId: 'default', email: second.email })).toBe(
        true,
      );

      // A deal, then both syncs with the CRM.
      const deal = await api('/api/deals', {
        method: 'POST',
        json: { name: 'Intro pilot', amount: 24_000, currency: 'USD', personIds: [first.id] },
      });
      expect(deal.status).toBe(201);
      type SyncStatus = {
        state: string;
        linked: number;
        lastRun: { runId: string; status: string; counts: Record<string, number> } | null;
      };
      const runSync = async (syncId: string, mode: 'full' | 'incremental') => {
        const before = ((await (await api(`/api/sync/${syncId}`)).json()) as SyncStatus).lastRun?.runId;
        const started = await api(`/api/sync/${syncId}/run`, { method: 'POST', json: { mode } });
        expect(started.status).toBe(202);
        const status = await eventually(async () => {
          const body = (await (await api(`/api/sync/${syncId}`)).json()) as SyncStatus;
          return body.state !== 'running' && body.lastRun && body.lastRun.runId !== before ? body : undefined;
        });
        expect(status.lastRun?.status).toBe('completed');
        return status;
      };
      for (const syncId of ['people', 'deals']) {
        const status = await runSync(syncId, 'full');
        expect(status.linked).toBeGreaterThan(0);
        // A later full run finds every pair still there: it neither unlinks nor writes anything.
        const again = await runSync(syncId, 'full');
        expect(again.linked).toBe(status.linked);
        expect(again.lastRun?.counts).toMatchObject({ created: 0, updated: 0, deleted: 0, archived: 0 });
      }
      const attio = server.deps.simulators.attio;
      const inCrm = attio?.store
        .records('people')
        .some((person) =>
          (person.values.email_addresses ?? []).some(
            (value) => (value as { email_address?: string }).email_address === first.email,
          ),
        );
      expect(inCrm).toBe(true);
      expect(
        attio?.store
          .records('deals')
          .some((item) => JSON.stringify(item.values.name).includes('Intro pilot')),
      ).toBe(true);

      expect((await api('/api/sync/nothing')).status).toBe(404);
    });
  });

  describe('GET /metrics', () => {
    it('exposes vendor calls, engine events and requests in Prometheus text', async () => {
      const response = await fetch(`${server.url}/metrics`);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toContain('text/plain');
      const text = await response.text();
      expect(text).toMatch(
        /salesos_vendor_requests_total\{vendor="apollo",method="POST",path="\/mixed_people\/api_search",status="200"\} \d+/,
      );
      expect(text).toMatch(/salesos_events_total\{type="contact.scored"\} \d+/);
      expect(text).toMatch(
        /salesos_http_requests_total\{method="POST",route="\/api\/leads\/search",status="200"\} \d+/,
      );
      expect(text).toContain('salesos_queue_jobs{queue="webhooks.salesloft",state="completed"}');
    });
  });

  describe('logs', () => {
    it('are JSON lines with request ids and without keys or secrets', () => {
      const requests = logLines
        .map((line) => JSON.parse(line) as Record<string, unknown>)
        .filter((line) => line.msg === 'request');
      expect(requests.length).toBeGreaterThan(5);
      for (const line of requests) expect(line.requestId).toEqual(expect.any(String));
      const all = logLines.join('\n');
      expect(all).not.toContain(API_KEY);
      expect(all).not.toContain(SALESLOFT_TOKEN);
      expect(all).not.toContain('an-unsubscribe-secret-of-32-chars-or-more');
    });
  });
});

describe('startServer().close', () => {
  it('drains queued webhooks before it closes the storage', async () => {
    const directory = await mkdtemp(join(tmpdir(), 'salesos-server-'));
    try {
      const config = loadConfig({
        PORT: '0',
        DATA_DIR: directory,
        API_KEYS: `tests:${API_KEY}`,
        LOG_LEVEL: 'silent',
      });
      const running = await startServer(config);
      const simulator = running.deps.simulators.salesloft;
      if (!simulator) throw new Error('the SalesLoft simulator is not running');
      const deliveries = simulator.store.emails
        .all()
        .slice(0, 5)
        .map((email) => simulator.webhooks.delivery('email_updated', email, { token: SALESLOFT_TOKEN }));
      for (const delivery of deliveries) {
        const response = await fetch(`${running.url}/webhooks/salesloft`, {
          method: 'POST',
          headers: delivery.headers,
          body: delivery.body,
        });
        expect(response.status).toBe(202);
      }
      await running.close();
      await expect(fetch(`${running.url}/health`)).rejects.toThrow();
      // Reopen the database: every queued delivery ran before the server stopped.
      const storage = createSqliteStorage({ path: join(directory, 'salesos.db') });
      const queue = (await import('@salesos/core')).createStorageQueue(storage);
      const counts = await queue.counts(JOBS.salesloft);
      await queue.close();
      await storage.close();
      expect(counts).toMatchObject({ waiting: 0, active: 0, completed: deliveries.length, dead: 0 });
    } finally {
      await rm(directory, { recursive: true, force: true });
    }
  });
});
