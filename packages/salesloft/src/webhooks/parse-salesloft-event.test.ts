import { readFileSync } from 'node:fs';
import { ActivitySchema, WebhookVerificationError } from '@salesos/core';
import { describe, expect, expectTypeOf, it } from 'vitest';
import type { SalesloftCadence } from '../schemas/cadence.ts';
import { createSalesloftSimulator } from '../testing/index.ts';
import { SALESLOFT_EVENT_TYPES } from './event-types.ts';
import { parseSalesloftEvent, type SalesloftCadenceEvent } from './parse-salesloft-event.ts';
import { salesloftEventToActivities } from './salesloft-event-to-activities.ts';
import { verifySalesloftSignature } from './verify-salesloft-signature.ts';

const fixture = (name: string) =>
  JSON.parse(readFileSync(new URL(`../__fixtures__/${name}.json`, import.meta.url), 'utf8')) as Record<
    string,
    unknown
  >;

describe('parseSalesloftEvent', () => {
  it('types a person event from the raw body and the x-salesloft-event header', () => {
    const body = JSON.stringify(fixture('person'));
    const event = parseSalesloftEvent({ payload: body, eventType: 'person_updated' });
    expect(event.category).toBe('person');
    if (event.category !== 'person') throw new Error('narrowing');
    expect(event.data.email_address).toBe('pat.johnson@example.com');
    expect(event.id).toBe('person_updated:1:2022-01-01T00:00:00.000000-05:00');
    expect(event.occurredAt).toBe('2022-01-01T05:00:00.000000Z');
  });

  it.each([
    ['account_created', 'account', 'account'],
    ['cadence_membership_updated', 'cadence_membership', 'cadence-membership'],
    ['email_updated', 'email', 'email'],
    ['call_created', 'call', 'call'],
    ['meeting_booked', 'meeting', 'meeting'],
    ['task_completed', 'task', 'task'],
  ])('types %s deliveries as %s', (eventType, category, file) => {
    const event = parseSalesloftEvent({ payload: fixture(file), eventType });
    expect(event.category).toBe(category);
    expect(event.type).toBe(eventType);
  });

  it('passes event types without a schema through as category other', () => {
    const event = parseSalesloftEvent({ payload: '{"id":3,"url":"https://x.test"}', eventType: 'link_swap' });
    expect(event.category).toBe('other');
    expect(event.data).toEqual({ id: 3, url: 'https://x.test' });
  });

  it('rejects an event type without a schema whose id is neither a number nor a string', () => {
    for (const id of [{ toString: 'not a function' }, [1], true]) {
      expect(() => parseSalesloftEvent({ payload: JSON.stringify({ id }), eventType: 'toString' })).toThrow(
        WebhookVerificationError,
      );
    }
    expect(parseSalesloftEvent({ payload: '{}', eventType: 'link_swap' }).id).toBe('link_swap::');
  });

  it('rejects a missing event type, invalid JSON and a record of the wrong shape', () => {
    expect(() => parseSalesloftEvent({ payload: '{}', eventType: undefined })).toThrow(
      WebhookVerificationError,
    );
    expect(() => parseSalesloftEvent({ payload: '{not json', eventType: 'person_updated' })).toThrow(
      /not valid JSON/,
    );
    expect(() => parseSalesloftEvent({ payload: '[1]', eventType: 'person_updated' })).toThrow(/JSON object/);
    expect(() => parseSalesloftEvent({ payload: '{"id":"x"}', eventType: 'person_updated' })).toThrow(/"id"/);
  });
});

const CADENCE_EVENT_TYPES = ['cadence_created', 'cadence_updated', 'cadence_deleted'] as const;

describe('parseSalesloftEvent with cadence events', () => {
  it('knows the three cadence event types SalesLoft documents', () => {
    expect(SALESLOFT_EVENT_TYPES).toEqual(expect.arrayContaining([...CADENCE_EVENT_TYPES]));
  });

  it.each(CADENCE_EVENT_TYPES)('types a %s delivery as a cadence with its record', (eventType) => {
    const body = JSON.stringify(fixture('cadence'));
    const event = parseSalesloftEvent({ payload: body, eventType });
    expect(event.category).toBe('cadence');
    if (event.category !== 'cadence') throw new Error('narrowing');
    expectTypeOf(event).toEqualTypeOf<SalesloftCadenceEvent>();
    expectTypeOf(event.type).toEqualTypeOf<(typeof CADENCE_EVENT_TYPES)[number]>();
    expectTypeOf(event.data).toEqualTypeOf<SalesloftCadence>();
    expect(event.type).toBe(eventType);
    expect(event.data.id).toBe(1);
    expect(event.data.name).toBe('Prospecting - VP of Sales');
    expect(event.data.team_cadence).toBe(false);
    expect(event.data.counts?.cadence_people).toBe(59);
    expect(event.data.owner?.id).toBe(10);
    expect(event.data.tags).toEqual(['7-23-2017', 'dreamforce']);
    expect(event.id).toBe(`${eventType}:1:2022-01-01T00:00:00.000000-05:00`);
    expect(event.occurredAt).toBe('2022-01-01T05:00:00.000000Z');
  });

  it('keeps fields SalesLoft adds to a cadence and rejects a cadence of the wrong shape', () => {
    const event = parseSalesloftEvent({
      payload: { ...fixture('cadence'), cadence_framework_name: 'MEDDIC' },
      eventType: 'cadence_updated',
    });
    expect(event.data).toMatchObject({ cadence_framework_name: 'MEDDIC' });
    expect(() =>
      parseSalesloftEvent({ payload: '{"id":1,"name":42}', eventType: 'cadence_created' }),
    ).toThrow(/cadence_created delivery does not match its record: "name"/);
    expect(() => parseSalesloftEvent({ payload: '{"id":"1"}', eventType: 'cadence_deleted' })).toThrow(
      WebhookVerificationError,
    );
  });

  it('parses the signed deliveries the simulator sends when a cadence is created, updated and deleted', () => {
    const simulator = createSalesloftSimulator({ people: 1 });
    for (const eventType of CADENCE_EVENT_TYPES) {
      simulator.store.webhookSubscriptions.insert({
        event_type: eventType,
        enabled: true,
        callback_url: 'https://hooks.example.test/salesloft',
        callback_token: 'cadence-secret',
      });
    }
    const cadence = simulator.store.cadences.insert({ name: 'Spec outbound', team_cadence: false });
    simulator.store.cadences.update(cadence.id, { name: 'Spec outbound v2' });
    simulator.store.cadences.remove(cadence.id);

    const events = simulator.webhooks.outbox.map((delivery) => {
      expect(
        verifySalesloftSignature({
          payload: delivery.body,
          signature: delivery.headers['x-salesloft-signature'],
          secret: 'cadence-secret',
        }),
      ).toBe(true);
      return parseSalesloftEvent({
        payload: delivery.body,
        eventType: delivery.headers['x-salesloft-event'],
      });
    });
    expect(events.map((event) => [event.type, event.category, event.data.id, event.data.name])).toEqual([
      ['cadence_created', 'cadence', cadence.id, 'Spec outbound'],
      ['cadence_updated', 'cadence', cadence.id, 'Spec outbound v2'],
      ['cadence_deleted', 'cadence', cadence.id, 'Spec outbound v2'],
    ]);
  });
});

const person = (overrides: Record<string, unknown>, eventType = 'person_updated') =>
  parseSalesloftEvent({
    payload: {
      id: 7,
      email_address: 'ada@prospect.example',
      do_not_contact: false,
      created_at: '2026-02-01T08:00:00.000000-05:00',
      updated_at: '2026-02-03T10:30:00.000000-05:00',
      ...overrides,
    },
    eventType,
  });

const types = (activities: { type: string }[]) => activities.map((activity) => activity.type);

describe('salesloftEventToActivities', () => {
  const email = (overrides: Record<string, unknown>) =>
    parseSalesloftEvent({
      payload: {
        id: 77,
        status: 'sent',
        bounced: false,
        sent_at: '2026-02-01T09:00:00.000000-05:00',
        updated_at: '2026-02-01T12:00:00.000000-05:00',
        recipient: { id: 5, _href: 'https://api.salesloft.com/v2/people/5' },
        counts: { views: 0, clicks: 0, replies: 0 },
        ...overrides,
      },
      eventType: 'email_updated',
    });
  const repliedEmail = (headers: Record<string, unknown> | null) =>
    email({ counts: { views: 1, clicks: 0, replies: 1 }, headers });

  it('maps a sent email to email_sent at its sent_at', () => {
    const activities = salesloftEventToActivities(email({}));
    expect(activities.map((activity) => activity.type)).toEqual(['email_sent']);
    expect(activities[0]).toMatchObject({
      id: 'salesloft:email:77:email_sent',
      personId: '5',
      occurredAt: '2026-02-01T14:00:00.000000Z',
      source: 'salesloft',
    });
    for (const activity of activities) expect(ActivitySchema.parse(activity)).toEqual(activity);
  });

  it('adds opened, clicked and replied as the counts grow', () => {
    const activities = salesloftEventToActivities(email({ counts: { views: 2, clicks: 1, replies: 1 } }));
    expect(activities.map((activity) => activity.type)).toEqual([
      'email_sent',
      'email_opened',
      'email_clicked',
      'email_replied',
    ]);
    for (const activity of activities) ActivitySchema.parse(activity);
  });

  it('maps a bounced email to email_bounced only', () => {
    const activities = salesloftEventToActivities(email({ bounced: true, status: 'bounced' }));
    expect(activities.map((activity) => activity.type)).toEqual(['email_bounced']);
  });

  it('maps calls to call_completed and booked meetings to meeting_booked', () => {
    const call = salesloftEventToActivities(
      parseSalesloftEvent({ payload: fixture('call'), eventType: 'call_created' }),
    );
    expect(call).toHaveLength(1);
    expect(call[0]).toMatchObject({ type: 'call_completed', personId: '10', data: { duration: 60 } });
    const meeting = salesloftEventToActivities(
      parseSalesloftEvent({
        payload: { ...fixture('meeting'), canceled_at: null },
        eventType: 'meeting_booked',
      }),
    );
    expect(meeting.map((activity) => activity.type)).toEqual(['meeting_booked']);
    for (const activity of [...call, ...meeting]) ActivitySchema.parse(activity);
  });

  it('gives nothing for a canceled meeting, an email without a recipient, or a person who may be contacted', () => {
    expect(
      salesloftEventToActivities(
        parseSalesloftEvent({ payload: fixture('meeting'), eventType: 'meeting_updated' }),
      ),
    ).toEqual([]);
    expect(salesloftEventToActivities(email({ recipient: null }))).toEqual([]);
    expect(
      salesloftEventToActivities(
        parseSalesloftEvent({
          payload: { ...fixture('person'), do_not_contact: false },
          eventType: 'person_updated',
        }),
      ),
    ).toEqual([]);
  });

  it('maps a person marked do_not_contact to unsubscribed, with the address and a stable id', () => {
    const activities = salesloftEventToActivities(person({ do_not_contact: true }));
    expect(activities).toEqual([
      {
        id: 'salesloft:person:7:unsubscribed',
        type: 'unsubscribed',
        personId: '7',
        occurredAt: '2026-02-03T15:30:00.000000Z',
        source: 'salesloft',
        data: { email: 'ada@prospect.example' },
      },
    ]);
    expect(ActivitySchema.parse(activities[0])).toEqual(activities[0]);
    const created = salesloftEventToActivities(person({ do_not_contact: true }, 'person_created'));
    expect(created.map((activity) => activity.id)).toEqual(['salesloft:person:7:unsubscribed']);
  });

  it('gives nothing for a person who may be contacted or an update without a time', () => {
    expect(salesloftEventToActivities(person({}))).toEqual([]);
    expect(salesloftEventToActivities(person({ do_not_contact: null }))).toEqual([]);
    expect(
      salesloftEventToActivities(person({ do_not_contact: true, updated_at: null, created_at: null })),
    ).toEqual([]);
  });

  it('maps an automatic reply to out_of_office instead of email_replied', () => {
    const activities = salesloftEventToActivities(repliedEmail({ 'Auto-Submitted': 'auto-replied' }));
    expect(types(activities)).toEqual(['email_sent', 'email_opened', 'out_of_office']);
    expect(activities.at(-1)).toMatchObject({
      id: 'salesloft:email:77:out_of_office',
      personId: '5',
      occurredAt: '2026-02-01T17:00:00.000000Z',
      data: { emailId: 77 },
    });
    for (const activity of activities) ActivitySchema.parse(activity);
  });

  it.each([
    [{ 'auto-submitted': 'auto-replied; owner-email="ada@prospect.example"' }],
    [{ 'X-Autoreply': 'yes' }],
    [{ 'x-autorespond': 'Out of office' }],
    [{ Precedence: 'auto_reply' }],
    [{ 'Auto-Submitted': ['auto-replied'] }],
  ])('recognises the automatic reply headers %j', (headers) => {
    expect(types(salesloftEventToActivities(repliedEmail(headers))).at(-1)).toBe('out_of_office');
  });

  it.each([
    [null],
    [{}],
    [{ 'Auto-Submitted': 'no' }],
    [{ 'Auto-Submitted': 'auto-generated' }],
    [{ 'X-Autoreply': 'no' }],
    [{ Precedence: 'bulk' }],
  ])('keeps a reply whose headers are %j a reply', (headers) => {
    expect(types(salesloftEventToActivities(repliedEmail(headers))).at(-1)).toBe('email_replied');
  });
});
