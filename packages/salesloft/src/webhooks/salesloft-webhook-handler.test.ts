import { ConfigError, createMemoryStorage } from '@salesos/core';
import { describe, expect, it } from 'vitest';
import { createSalesloftSimulator } from '../testing/index.ts';
import type { SalesloftEvent } from './parse-salesloft-event.ts';
import { createSalesloftWebhookHandler } from './salesloft-webhook-handler.ts';

const TOKEN = 'callback-token-for-tests';

const setup = () => {
  const simulator = createSalesloftSimulator({ seed: 9, people: 3, webhooks: { token: TOKEN } });
  const events: SalesloftEvent[] = [];
  const handler = createSalesloftWebhookHandler({
    secret: TOKEN,
    dedupe: { storage: createMemoryStorage() },
    onEvent: (event) => {
      events.push(event);
    },
  });
  const post = (body: string, headers: Record<string, string>) =>
    handler(new Request('https://app.example.test/webhooks/salesloft', { method: 'POST', body, headers }));
  return { simulator, events, post };
};

describe('createSalesloftWebhookHandler', () => {
  it('accepts a signed delivery and hands over a typed event', async () => {
    const { simulator, events, post } = setup();
    const person = simulator.store.people.get(1);
    const delivery = simulator.webhooks.delivery('person_updated', person);
    const response = await post(delivery.body, delivery.headers);
    expect(response.status).toBe(200);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ type: 'person_updated', category: 'person', data: { id: 1 } });
  });

  it('answers 401 for a delivery signed with another token or a tampered body', async () => {
    const { simulator, events, post } = setup();
    const forged = simulator.webhooks.delivery('person_updated', { id: 1 }, { token: 'not-the-token' });
    expect((await post(forged.body, forged.headers)).status).toBe(401);
    const genuine = simulator.webhooks.delivery('person_updated', { id: 1, title: 'CEO' });
    expect((await post(genuine.body.replace('CEO', 'CFO'), genuine.headers)).status).toBe(401);
    const { 'x-salesloft-signature': _, ...unsigned } = genuine.headers;
    expect((await post(genuine.body, unsigned)).status).toBe(401);
    expect(events).toEqual([]);
  });

  it('answers 400 for a signed body that is not a SalesLoft event', async () => {
    const { simulator, post } = setup();
    const delivery = simulator.webhooks.delivery('person_updated', { id: 'not-a-number' });
    expect((await post(delivery.body, delivery.headers)).status).toBe(400);
  });

  it('processes the same delivery once', async () => {
    const { simulator, events, post } = setup();
    const delivery = simulator.webhooks.delivery('call_created', {
      id: 5,
      updated_at: '2026-01-01T00:00:00Z',
    });
    expect((await post(delivery.body, delivery.headers)).status).toBe(200);
    expect((await post(delivery.body, delivery.headers)).status).toBe(200);
    expect(events).toHaveLength(1);
  });

  it('receives the deliveries a subscription gets when records change', async () => {
    const { simulator, events, post } = setup();
    simulator.store.webhookSubscriptions.insert({
      event_type: 'person_updated',
      callback_url: 'https://app.example.test/webhooks/salesloft',
      callback_token: TOKEN,
      enabled: true,
    });
    simulator.store.people.update(2, { title: 'Edited in the UI' });
    expect(simulator.webhooks.outbox).toHaveLength(1);
    for (const delivery of simulator.webhooks.outbox) await post(delivery.body, delivery.headers);
    expect(events[0]).toMatchObject({ type: 'person_updated', data: { id: 2, title: 'Edited in the UI' } });
  });

  it('needs a secret', () => {
    expect(() => createSalesloftWebhookHandler({ secret: '', onEvent: () => {} })).toThrow(ConfigError);
  });
});
