import { ConfigError, createMemoryStorage } from '@salesos/core';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createAttioClient } from '../client.ts';
import { createAttioSimulator } from '../testing/index.ts';
import type { AttioWebhookEvent } from './attio-webhook-events.ts';
import { createAttioWebhookHandler } from './attio-webhook-handler.ts';

const server = setupServer();
beforeAll(() => server.listen({ onUnhandledFrame: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

const post = (body: string, headers: Record<string, string>) =>
  new Request('https://app.example.com/webhooks/attio', { method: 'POST', body, headers });

describe('createAttioWebhookHandler', () => {
  it('hands every event of a delivery carrying three events to onEvent, in order', async () => {
    const simulator = createAttioSimulator({ records: { companies: 0, people: 0, deals: 0 } });
    const seen: string[] = [];
    const handler = createAttioWebhookHandler({
      secret: simulator.webhooks.secret,
      onEvent: (event, context) => {
        seen.push(`${context.index}:${event.event_type}`);
      },
    });
    const delivery = simulator.webhooks.delivery([
      { event_type: 'note.created', id: { note_id: 'n1' }, parent_object_id: 'o1', parent_record_id: 'r1' },
      { event_type: 'task.updated', id: { task_id: 't1' } },
      { event_type: 'record.deleted', id: { object_id: 'o1', record_id: 'r1' } },
    ]);
    const response = await handler(post(delivery.body, delivery.headers));
    expect(response.status).toBe(200);
    expect(seen).toEqual(['0:note.created', '1:task.updated', '2:record.deleted']);
  });

  it('processes the same delivery twice only once, keyed by its Idempotency-Key', async () => {
    const simulator = createAttioSimulator({ records: { companies: 0, people: 0, deals: 0 } });
    const processed: AttioWebhookEvent[] = [];
    const handler = createAttioWebhookHandler({
      secret: simulator.webhooks.secret,
      dedupe: { storage: createMemoryStorage() },
      onEvent: (event) => {
        processed.push(event);
      },
    });
    const delivery = simulator.webhooks.delivery('record.created', {
      id: { object_id: 'o1', record_id: 'r1' },
    });
    const first = await handler(post(delivery.body, delivery.headers));
    const again = await handler(post(delivery.body, delivery.headers));
    expect(first.status).toBe(200);
    expect(again.status).toBe(200);
    expect(await again.json()).toMatchObject({ status: 'duplicate', id: delivery.idempotencyKey });
    expect(processed).toHaveLength(1);

    // Another delivery with the same content but its own key is processed.
    const other = simulator.webhooks.delivery('record.created', { id: { object_id: 'o1', record_id: 'r1' } });
    await handler(post(other.body, other.headers));
    expect(processed).toHaveLength(2);
  });

  it('de-duplicates by default, in memory', async () => {
    const simulator = createAttioSimulator({ records: { companies: 0, people: 0, deals: 0 } });
    let count = 0;
    const handler = createAttioWebhookHandler({
      secret: simulator.webhooks.secret,
      onDelivery: () => {
        count += 1;
      },
    });
    const delivery = simulator.webhooks.delivery('task.created', { id: { task_id: 't1' } });
    await handler(post(delivery.body, delivery.headers));
    await handler(post(delivery.body, delivery.headers));
    expect(count).toBe(1);
  });

  it('answers 401 to a wrong signature and 400 to a signed body that is not a delivery', async () => {
    const simulator = createAttioSimulator({ records: { companies: 0, people: 0, deals: 0 } });
    const handler = createAttioWebhookHandler({ secret: simulator.webhooks.secret, onEvent: () => {} });
    const delivery = simulator.webhooks.delivery('task.created', { id: { task_id: 't1' } });
    const forged = await handler(
      post(delivery.body, { ...delivery.headers, 'attio-signature': '0'.repeat(64) }),
    );
    expect(forged.status).toBe(401);
    const unsigned = { ...delivery.headers };
    delete unsigned['attio-signature'];
    delete unsigned['x-attio-signature'];
    expect((await handler(post(delivery.body, unsigned))).status).toBe(401);
    const body = '{"hello":"world"}';
    const signedJunk = await handler(post(body, { 'attio-signature': simulator.webhooks.sign(body) }));
    expect(signedJunk.status).toBe(400);
  });

  it('drops cached attributes when an object-attribute event arrives', async () => {
    const simulator = createAttioSimulator({ records: { companies: 1, people: 0, deals: 0 } });
    server.use(...simulator.handlers);
    const client = createAttioClient({ apiKey: 'test-key', rateLimiter: false });
    expect(
      (await client.schema.attributes('objects', 'companies')).map((item) => item.api_slug),
    ).not.toContain('tier');
    simulator.store.addAttribute('objects', 'companies', { api_slug: 'tier', type: 'text' });
    const [event] = simulator.webhooks.events.filter(
      (item) => item.event_type === 'object-attribute.created',
    );
    const handler = createAttioWebhookHandler({
      secret: simulator.webhooks.secret,
      schema: client.schema,
      onEvent: () => {},
    });
    const delivery = simulator.webhooks.delivery([event as never]);
    expect((await handler(post(delivery.body, delivery.headers))).status).toBe(200);
    expect((await client.schema.attributes('objects', 'companies')).map((item) => item.api_slug)).toContain(
      'tier',
    );
  });

  it('needs a secret and somewhere to hand events to', () => {
    expect(() => createAttioWebhookHandler({ secret: '', onEvent: () => {} })).toThrow(ConfigError);
    expect(() => createAttioWebhookHandler({ secret: 's3cret-value' })).toThrow(/onEvent/);
    try {
      createAttioWebhookHandler({ secret: 's3cret-value' });
    } catch (error) {
      expect((error as Error).message).not.toContain('s3cret-value');
    }
  });
});
