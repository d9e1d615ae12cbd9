import { WebhookVerificationError } from '@salesos/core';
import { describe, expect, it } from 'vitest';
import { ATTIO_WEBHOOK_EVENT_TYPES } from '../schemas/webhook.ts';
import { createAttioSimulator } from '../testing/index.ts';
import { isAttioWebhookEventType, parseAttioDelivery } from './attio-webhook-events.ts';

const ids = {
  object_id: 'o1',
  record_id: 'r1',
  attribute_id: 'a1',
  list_id: 'l1',
  entry_id: 'e1',
  note_id: 'n1',
  task_id: 't1',
  comment_id: 'c1',
  workspace_member_id: 'm1',
  meeting_id: 'mt1',
  call_recording_id: 'cr1',
};
const extras = {
  parent_object_id: 'o1',
  parent_record_id: 'r1',
  duplicate_object_id: 'o1',
  duplicate_record_id: 'r2',
  thread_id: 'th1',
};

describe('parseAttioDelivery', () => {
  it('parses a delivery carrying three events, in order, each typed by event_type', () => {
    const simulator = createAttioSimulator({ records: { companies: 0, people: 0, deals: 0 } });
    const delivery = simulator.webhooks.delivery([
      { event_type: 'record.created', id: { object_id: 'o1', record_id: 'r1' } },
      { event_type: 'record.updated', id: { object_id: 'o1', record_id: 'r1', attribute_id: 'a9' } },
      {
        event_type: 'list-entry.created',
        id: { list_id: 'l1', entry_id: 'e1' },
        parent_object_id: 'o1',
        parent_record_id: 'r1',
      },
    ]);
    const parsed = parseAttioDelivery(delivery.body);
    expect(parsed.webhook_id).toBe(delivery.webhookId);
    expect(parsed.events.map((event) => event.event_type)).toEqual([
      'record.created',
      'record.updated',
      'list-entry.created',
    ]);
    const updated = parsed.events[1];
    if (updated?.event_type !== 'record.updated') throw new Error('expected record.updated');
    expect(updated.id.attribute_id).toBe('a9');
    expect(updated.id.workspace_id).toBe(simulator.store.workspaceId);
    const entry = parsed.events[2];
    if (entry?.event_type !== 'list-entry.created') throw new Error('expected list-entry.created');
    expect(entry.parent_record_id).toBe('r1');
  });

  it('parses every one of the 27 subscribable event types', () => {
    const events = ATTIO_WEBHOOK_EVENT_TYPES.map((event_type) => ({
      event_type,
      id: { workspace_id: 'w1', ...ids },
      actor: { type: 'workspace-member', id: 'm1' },
      ...extras,
    }));
    const parsed = parseAttioDelivery({ webhook_id: 'wh1', events });
    expect(parsed.events).toHaveLength(27);
    expect(parsed.unrecognized).toEqual([]);
    expect(ATTIO_WEBHOOK_EVENT_TYPES.every(isAttioWebhookEventType)).toBe(true);
  });

  it('keeps events of unknown types aside instead of failing the delivery', () => {
    const parsed = parseAttioDelivery(
      JSON.stringify({
        webhook_id: 'wh1',
        events: [
          { event_type: 'task.completed', id: { workspace_id: 'w1', task_id: 't1' } },
          { event_type: 'task.created', id: { workspace_id: 'w1', task_id: 't1' }, actor: null },
        ],
      }),
    );
    expect(parsed.events.map((event) => event.event_type)).toEqual(['task.created']);
    expect(parsed.unrecognized).toEqual([
      { event_type: 'task.completed', id: { workspace_id: 'w1', task_id: 't1' } },
    ]);
  });

  it('throws WebhookVerificationError saying where a body is wrong', () => {
    expect(() => parseAttioDelivery('not json')).toThrow(WebhookVerificationError);
    expect(() => parseAttioDelivery({ events: [] })).toThrow(/webhook_id/);
    expect(() =>
      parseAttioDelivery({
        webhook_id: 'w',
        events: [{ event_type: 'record.created', id: { workspace_id: 'w1' } }],
      }),
    ).toThrow(/event 0 \(record\.created\): "id\.object_id"/);
  });
});
