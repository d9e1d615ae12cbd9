import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAttioWebhookHandler } from '@salesos/attio';
import { createAttioSimulator } from '@salesos/attio/testing';
import { createMemoryConnector, createMemoryQueue, createMemoryStorage } from '@salesos/core';
import { createSyncEngine } from '@salesos/crm';
import {
  createSalesloftClient,
  createSalesloftConnector,
  createSalesloftWebhookHandler,
  type SalesloftEvent,
} from '@salesos/salesloft';
import { createSalesloftSimulator } from '@salesos/salesloft/testing';
import { createSqliteStorage } from '@salesos/sqlite';
import fc from 'fast-check';
import { setupServer } from 'msw/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fuzzRuns } from '../support/arbitraries.ts';
import { recordFigures } from '../support/figures.ts';

const TOKEN = 'replay-test-callback-token';
const directory = mkdtempSync(join(tmpdir(), 'salesos-replay-'));
const salesloft = createSalesloftSimulator({
  seed: 9,
  people: 5,
  budget: 1_000_000,
  webhooks: { token: TOKEN },
});
const server = setupServer(...salesloft.handlers);
const figures: Record<string, unknown> = {};
beforeAll(() => server.listen());
afterAll(() => {
  server.close();
  rmSync(directory, { recursive: true, force: true });
  recordFigures('webhook-replay-tampering', figures);
});

const post = (body: string, headers: Record<string, string>) =>
  new Request('https://app.example.com/webhooks', { method: 'POST', body, headers });

function genuinePersonUpdate() {
  const person = salesloft.store.people.all()[0];
  return salesloft.webhooks.delivery('person_updated', person);
}

describe('SalesLoft webhook tampering', () => {
  it('rejects a delivery with any single byte of its body changed', async () => {
    const processed: SalesloftEvent[] = [];
    const handler = createSalesloftWebhookHandler({
      secret: TOKEN,
      onEvent: (event) => void processed.push(event),
    });
    const delivery = genuinePersonUpdate();
    const bytes = Buffer.from(delivery.body);
    let tried = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.nat({ max: bytes.length - 1 }),
        fc.integer({ min: 1, max: 255 }),
        async (at, flip) => {
          tried += 1;
          const tampered = Buffer.from(bytes);
          tampered[at] = (tampered[at] as number) ^ flip;
          const response = await handler(
            new Request('https://app.example.com/webhooks', {
              method: 'POST',
              body: tampered,
              headers: delivery.headers,
            }),
          );
          expect(response.status).toBe(401);
        },
      ),
      { numRuns: fuzzRuns(150) },
    );
    expect(processed).toEqual([]);
    figures.salesloftTamperedBodies = tried;
  });

  it('rejects deliveries signed with another token, with no signature, or with a truncated one', async () => {
    const handler = createSalesloftWebhookHandler({ secret: TOKEN, onEvent: () => undefined });
    const delivery = genuinePersonUpdate();
    const other = salesloft.webhooks.delivery('person_updated', salesloft.store.people.all()[0], {
      token: 'another-token',
    });
    const { 'x-salesloft-signature': signature = '', ...unsigned } = delivery.headers;
    const statuses = [
      (await handler(post(other.body, other.headers))).status,
      (await handler(post(delivery.body, unsigned))).status,
      (await handler(post(delivery.body, { ...unsigned, 'x-salesloft-signature': signature.slice(0, -2) })))
        .status,
      (await handler(post(delivery.body, { ...unsigned, 'x-salesloft-signature': `${signature}00` }))).status,
    ];
    expect(statuses).toEqual([401, 401, 401, 401]);
  });

  it('does not delete a record when a genuine update is replayed as person_deleted (the event type is not signed)', async () => {
    // SalesLoft signs the body only, so a captured person_updated body passes verification under
    // any x-salesloft-event header. A delete must be confirmed with SalesLoft before it is applied.
    const client = createSalesloftClient({ apiKey: 'ak', maxRetries: 0 });
    const crm = createMemoryConnector({ id: 'crm' });
    const queue = createMemoryQueue();
    const sync = createSyncEngine({ storage: createMemoryStorage(), queue });
    sync.define({
      id: 'people',
      tenantId: 'acme',
      left: crm,
      right: createSalesloftConnector(client),
      entity: 'person',
      direction: 'both',
      fieldMap: [
        { left: 'email', right: 'email' },
        { left: 'firstName', right: 'firstName' },
      ],
      conflictPolicy: 'last-write-wins',
      deletePolicy: 'propagate',
    });
    await sync.run('people');
    expect(crm.remote.person.all()).toHaveLength(5);
    const handler = createSalesloftWebhookHandler({
      secret: TOKEN,
      onEvent: async (_event, { delivery }) => {
        await sync.handleWebhook('people', 'right', JSON.parse(delivery.text), delivery.headers);
      },
    });

    const genuine = genuinePersonUpdate();
    const replayed = await handler(
      post(genuine.body, { ...genuine.headers, 'x-salesloft-event': 'person_deleted' }),
    );
    await queue.onIdle();

    expect(replayed.status).toBe(200);
    expect(salesloft.store.people.get(JSON.parse(genuine.body).id)).toBeDefined();
    expect(crm.remote.person.all()).toHaveLength(5);
    await queue.close();
  });
});

describe('SalesLoft webhook replay', () => {
  it('processes a replayed delivery once, also after a restart on durable storage', async () => {
    const path = join(directory, 'dedupe.db');
    const processed: string[] = [];
    const delivery = genuinePersonUpdate();
    const first = createSqliteStorage({ path });
    const beforeRestart = createSalesloftWebhookHandler({
      secret: TOKEN,
      dedupe: { storage: first },
      onEvent: (event) => void processed.push(event.id),
    });
    const answers = [(await beforeRestart(post(delivery.body, delivery.headers))).status];
    answers.push((await beforeRestart(post(delivery.body, delivery.headers))).status);
    await first.close();

    const second = createSqliteStorage({ path });
    const afterRestart = createSalesloftWebhookHandler({
      secret: TOKEN,
      dedupe: { storage: second },
      onEvent: (event) => void processed.push(event.id),
    });
    const replay = await afterRestart(post(delivery.body, delivery.headers));
    answers.push(replay.status);
    await second.close();

    expect(processed).toHaveLength(1);
    expect(answers).toEqual([200, 200, 200]);
    expect(await replay.json()).toMatchObject({ status: 'duplicate' });
  });

  it('processes one of many concurrent copies of a delivery', async () => {
    const processed: string[] = [];
    const handler = createSalesloftWebhookHandler({
      secret: TOKEN,
      dedupe: { storage: createMemoryStorage() },
      onEvent: async (event) => {
        await new Promise((resolve) => setTimeout(resolve, 5));
        processed.push(event.id);
      },
    });
    const delivery = genuinePersonUpdate();
    const copies = 25;
    const statuses = await Promise.all(
      Array.from(
        { length: copies },
        async () => (await handler(post(delivery.body, delivery.headers))).status,
      ),
    );

    expect(processed).toHaveLength(1);
    expect(statuses.every((status) => status === 200 || status === 409)).toBe(true);
    figures.salesloftConcurrentCopies = { copies, processed: processed.length };
  });
});

describe('Attio webhook replay and tampering', () => {
  const attio = createAttioSimulator({
    seed: 4,
    records: { people: 2, companies: 1, deals: 0 },
    webhookSecret: 'attio-replay-secret',
  });
  const record = attio.store.records('people')[0];
  const ids = { object_id: record?.id.object_id, record_id: record?.id.record_id, attribute_id: 'a1' };

  it('processes a redelivery with the same Idempotency-Key once, and rejects tampered bodies and foreign signatures', async () => {
    const processed: string[] = [];
    const handler = createAttioWebhookHandler({
      secret: 'attio-replay-secret',
      onDelivery: (delivery) => void processed.push(delivery.deliveryId),
    });
    const delivery = attio.webhooks.delivery('record.updated', { id: ids });
    const statuses = [
      (await handler(post(delivery.body, delivery.headers))).status,
      (await handler(post(delivery.body, delivery.headers))).status,
      (await handler(post(delivery.body.replace('record.updated', 'record.deleted'), delivery.headers)))
        .status,
      (
        await handler(
          post(delivery.body, {
            ...delivery.headers,
            'attio-signature': attio.webhooks.sign(delivery.body, 'other'),
          }),
        )
      ).status,
    ];

    expect(statuses).toEqual([200, 200, 401, 401]);
    expect(processed).toEqual([delivery.headers['idempotency-key'] ?? delivery.headers['Idempotency-Key']]);
  });
});
