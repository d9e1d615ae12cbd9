import { readFileSync } from 'node:fs';
import { ActivitySchema, WebhookVerificationError } from '@salesos/core';
import { describe, expect, it } from 'vitest';
import { parseSalesloftEvent } from './parse-salesloft-event.ts';
import { salesloftEventToActivities } from './salesloft-event-to-activities.ts';

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
