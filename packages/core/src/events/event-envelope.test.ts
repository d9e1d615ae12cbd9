import { describe, expect, it } from 'vitest';
import { createEventEnvelope, EventEnvelopeSchema } from './event-envelope.ts';

const base = {
  type: 'email.opened',
  tenantId: 'acme',
  source: 'salesloft',
  entity: { type: 'person', id: 'p1' },
  data: { messageId: 'm1' },
};

describe('createEventEnvelope', () => {
  it('fills a UUID id, the current time and empty meta when they are omitted', () => {
    const before = Date.now();
    const envelope = createEventEnvelope(base);
    expect(envelope.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(Date.parse(envelope.occurredAt)).toBeGreaterThanOrEqual(before);
    expect(Date.parse(envelope.occurredAt)).toBeLessThanOrEqual(Date.now());
    expect(envelope.meta).toEqual({});
    expect(envelope).toMatchObject(base);
    expect(createEventEnvelope(base).id).not.toBe(envelope.id);
  });

  it('keeps an id, occurredAt and meta that are given', () => {
    const envelope = createEventEnvelope({
      ...base,
      id: 'evt_1',
      occurredAt: '2026-01-01T00:00:00.000Z',
      meta: { deliveryId: 'd1' },
    });
    expect(envelope).toEqual({
      ...base,
      id: 'evt_1',
      occurredAt: '2026-01-01T00:00:00.000Z',
      meta: { deliveryId: 'd1' },
    });
  });

  it('builds envelopes EventEnvelopeSchema accepts', () => {
    const envelope = createEventEnvelope(base);
    expect(EventEnvelopeSchema.parse(envelope)).toEqual(envelope);
  });
});

describe('EventEnvelopeSchema', () => {
  it('defaults meta to {} and rejects an empty id or tenantId, naming the field', () => {
    const parsed = EventEnvelopeSchema.parse({ ...base, id: 'e1', occurredAt: '2026-01-01T00:00:00Z' });
    expect(parsed.meta).toEqual({});
    for (const field of ['id', 'tenantId'] as const) {
      const result = EventEnvelopeSchema.safeParse({
        ...base,
        id: 'e1',
        occurredAt: '2026-01-01T00:00:00Z',
        [field]: '',
      });
      expect(result.success).toBe(false);
      expect(result.error?.issues.map((issue) => issue.path.join('.'))).toEqual([field]);
    }
  });
});
