import type { Activity, ActivityType } from '@salesos/core';
import { normalizeTimestamp } from '../internal/timestamp.ts';
import type { SalesloftEmbeddedResource } from '../schemas/common.ts';
import type { SalesloftEvent } from './parse-salesloft-event.ts';

const SOURCE = 'salesloft';

const idOf = (reference: SalesloftEmbeddedResource | null | undefined): string | undefined =>
  reference?.id === null || reference?.id === undefined ? undefined : String(reference.id);

const when = (...candidates: (string | null | undefined)[]): string | undefined => {
  for (const candidate of candidates) {
    if (typeof candidate === 'string') {
      const normalized = normalizeTimestamp(candidate);
      if (normalized) return normalized;
    }
  }
  return undefined;
};

const headerValues = (headers: Record<string, unknown> | null | undefined, name: string): string[] => {
  if (!headers) return [];
  const values: string[] = [];
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() !== name) continue;
    for (const item of Array.isArray(value) ? value : [value]) {
      if (typeof item === 'string') values.push(item.trim().toLowerCase());
    }
  }
  return values;
};

/**
 * Whether an email's headers mark its reply as automatic: `Auto-Submitted: auto-replied`
 * (RFC 3834; `auto-generated` marks automated mail, not a reply), `X-Autoreply` or
 * `X-Autorespond` (set by many vacation responders) with any value but `no`, or
 * `Precedence: auto_reply`.
 */
const isAutomaticReply = (headers: Record<string, unknown> | null | undefined): boolean =>
  headerValues(headers, 'auto-submitted').some((value) => value.startsWith('auto-replied')) ||
  [...headerValues(headers, 'x-autoreply'), ...headerValues(headers, 'x-autorespond')].some(
    (value) => value !== 'no',
  ) ||
  headerValues(headers, 'precedence').includes('auto_reply');

/**
 * Maps a person, email, call or meeting event onto canonical activities of the person involved:
 * - an email gives `email_sent`, and `email_opened`, `email_clicked`, `email_replied` or
 *   `email_bounced` as its counts and flags say; a reply the email's `headers` mark as
 *   automatic (`Auto-Submitted: auto-replied`, `X-Autoreply`, `X-Autorespond`,
 *   `Precedence: auto_reply`) gives `out_of_office` instead of `email_replied`, so a sequence
 *   pauses rather than ends;
 * - a person with `do_not_contact: true` gives `unsubscribed` (with the address in
 *   `data.email`), SalesLoft's way of saying the person opted out;
 * - a call gives `call_completed`; a booked meeting gives `meeting_booked`.
 *
 * Activity ids are stable (`salesloft:email:42:email_opened`, `salesloft:person:7:unsubscribed`),
 * so the repeated updates SalesLoft sends for one record de-duplicate. Other events give `[]`.
 *
 * @example
 * ```ts
 * const event = parseSalesloftEvent({ payload, eventType });
 * for (const activity of salesloftEventToActivities(event)) await scorer.apply(activity);
 * ```
 */
export function salesloftEventToActivities(event: SalesloftEvent): Activity[] {
  const activities: Activity[] = [];
  const push = (
    kind: string,
    recordId: unknown,
    type: ActivityType,
    personId: string,
    occurredAt: string,
    data = {},
  ) =>
    activities.push({
      id: `${SOURCE}:${kind}:${String(recordId)}:${type}`,
      type,
      personId,
      occurredAt,
      source: SOURCE,
      data,
    });

  switch (event.category) {
    case 'person': {
      const person = event.data;
      const occurredAt = when(person.updated_at, person.created_at);
      if (person.do_not_contact !== true || !occurredAt) return [];
      push('person', person.id, 'unsubscribed', String(person.id), occurredAt, {
        email: person.email_address ?? null,
      });
      return activities;
    }
    case 'email': {
      const email = event.data;
      const personId = idOf(email.recipient);
      const updatedAt = when(email.updated_at, email.sent_at, email.created_at);
      if (!personId || !updatedAt) return [];
      const common = {
        emailId: email.id,
        cadenceId: idOf(email.cadence) ?? null,
        stepId: idOf(email.step) ?? null,
      };
      const sentAt = when(email.sent_at);
      if (email.bounced || email.status === 'bounced') {
        push('email', email.id, 'email_bounced', personId, updatedAt, common);
        return activities;
      }
      if (sentAt) push('email', email.id, 'email_sent', personId, sentAt, common);
      const counts = email.counts ?? {};
      if ((counts.views ?? 0) > 0)
        push('email', email.id, 'email_opened', personId, updatedAt, { ...common, views: counts.views });
      if ((counts.clicks ?? 0) > 0)
        push('email', email.id, 'email_clicked', personId, updatedAt, { ...common, clicks: counts.clicks });
      if ((counts.replies ?? 0) > 0) {
        const type = isAutomaticReply(email.headers) ? 'out_of_office' : 'email_replied';
        push('email', email.id, type, personId, updatedAt, common);
      }
      return activities;
    }
    case 'call': {
      const call = event.data;
      const personId = idOf(call.called_person);
      const occurredAt = when(call.created_at, call.updated_at);
      if (!personId || !occurredAt) return [];
      push('call', call.id, 'call_completed', personId, occurredAt, {
        callId: call.id,
        duration: call.duration ?? null,
        disposition: call.disposition ?? null,
        sentiment: call.sentiment ?? null,
      });
      return activities;
    }
    case 'meeting': {
      const meeting = event.data;
      const personId = idOf(meeting.person);
      const occurredAt = when(meeting.created_at, meeting.updated_at);
      if (!personId || !occurredAt || meeting.canceled_at || meeting.status === 'canceled') return [];
      push('meeting', meeting.id, 'meeting_booked', personId, occurredAt, {
        meetingId: meeting.id,
        startTime: when(meeting.start_time) ?? null,
        title: meeting.title ?? null,
      });
      return activities;
    }
    default:
      return [];
  }
}
