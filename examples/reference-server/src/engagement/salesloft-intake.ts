import type { Activity, Logger, Storage, StorageConnector } from '@salesos/core';
import { type SalesloftEvent, salesloftEventToActivities } from '@salesos/salesloft';
import type { Scorer } from '@salesos/scoring';
import type { SequenceEngine } from '@salesos/sequences';

/** Activity types the sequence engine acts on (the rest only move scores). */
const ENGINE_TYPES = new Set<string>([
  'email_replied',
  'email_bounced',
  'email_clicked',
  'meeting_booked',
  'unsubscribed',
  'out_of_office',
]);

/** Applies verified SalesLoft events to the contact book's people. */
export interface SalesloftIntake {
  /** Applies one event: rescoring, exits, pauses and unsubscribes. */
  handle(event: SalesloftEvent): Promise<void>;
}

/**
 * Turns SalesLoft events into canonical activities of the people in the contact book (matched
 * by email address) and applies each activity once (redeliveries are recognised by the activity
 * id): the scorer rescores, the sequence engine ends enrolments on replies, meetings, bounces
 * and unsubscribes (`do_not_contact`), and pauses them on automatic replies (out-of-office).
 */
export function createSalesloftIntake(options: {
  tenantId: string;
  storage: Storage;
  book: StorageConnector;
  scorer: Scorer;
  engine: SequenceEngine;
  logger: Logger;
}): SalesloftIntake {
  const { tenantId, storage, book, scorer, engine, logger } = options;

  const apply = async (activity: Activity) => {
    const key = ['intake', 'activity', activity.id];
    const claimed = await storage
      .atomic()
      .check({ key, versionstamp: null })
      .set(key, activity.type)
      .commit();
    if (!claimed.ok) return;
    await scorer.apply(activity);
    if (ENGINE_TYPES.has(activity.type)) await engine.handleActivity({ tenantId, activity });
  };

  const emailOf = (event: SalesloftEvent): string | null | undefined => {
    switch (event.category) {
      case 'email':
        return event.data.recipient_email_address;
      case 'meeting':
        return event.data.recipient_email;
      case 'person':
        return event.data.email_address;
      default:
        return undefined;
    }
  };

  return {
    async handle(event) {
      const email = emailOf(event);
      const person = email ? await book.entities.person.findBy('email', email) : null;
      if (!person) {
        logger.debug({ event: event.type, id: event.id }, 'SalesLoft event about no known contact; skipped.');
        return;
      }
      // Unsubscribes (`do_not_contact`) and automatic replies (out-of-office) come mapped too.
      for (const activity of salesloftEventToActivities(event)) {
        await apply({ ...activity, personId: person.id });
      }
    },
  };
}
