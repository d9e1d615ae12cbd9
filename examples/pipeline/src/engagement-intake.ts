import type { Activity, ActivityType, Storage, StorageConnector } from '@salesos/core';
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

/** Where the intake keeps what it applied: one entry per activity id. */
export const ACTIVITY_PREFIX = ['pipeline', 'activity'] as const;

/** Key of the link from a SalesLoft person id to the book's person id. */
export const salesloftLinkKey = (salesloftPersonId: number | string) => [
  'pipeline',
  'salesloft-person',
  String(salesloftPersonId),
];

/** Options of `createEngagementIntake`. */
export interface EngagementIntakeOptions {
  tenantId: string;
  storage: Storage;
  book: StorageConnector;
  scorer: Scorer;
  engine: SequenceEngine;
  /** Amount of the deal opened when a meeting is booked. */
  dealAmount?: (personId: string) => number;
}

/** Applies SalesLoft events to the book's people. */
export interface EngagementIntake {
  /** Applies one verified SalesLoft event. */
  handle(event: SalesloftEvent): Promise<void>;
  /** Activities applied so far in this process, by type (for progress lines). */
  readonly counts: Readonly<Partial<Record<ActivityType, number>>>;
}

/**
 * Turns verified SalesLoft events into canonical activities of the book's people and applies
 * each once: rescoring, exits (reply, meeting, bounce), pauses (out-of-office), unsubscribes,
 * and a deal in the book for every booked meeting.
 */
export function createEngagementIntake(options: EngagementIntakeOptions): EngagementIntake {
  const { tenantId, storage, book, scorer, engine } = options;
  const counts: Partial<Record<ActivityType, number>> = {};

  const personOf = async (salesloftPersonId: number | string | undefined) => {
    if (salesloftPersonId === undefined) return undefined;
    return (await storage.get<string>(salesloftLinkKey(salesloftPersonId))).value ?? undefined;
  };

  /** Records the activity; answers false when it was applied before (a redelivery). */
  const claim = async (activity: Activity) => {
    const key = [...ACTIVITY_PREFIX, activity.type, activity.id];
    const result = await storage.atomic().check({ key, versionstamp: null }).set(key, activity).commit();
    return result.ok;
  };

  const apply = async (activity: Activity) => {
    if (!(await claim(activity))) return;
    counts[activity.type] = (counts[activity.type] ?? 0) + 1;
    await scorer.apply(activity);
    if (ENGINE_TYPES.has(activity.type)) await engine.handleActivity({ tenantId, activity });
    if (activity.type === 'meeting_booked') await openDeal(activity);
  };

  const openDeal = async (activity: Activity) => {
    const person = await book.entities.person.get(activity.personId);
    if (!person) return;
    const company = person.companyId ? await book.entities.company.get(person.companyId) : null;
    const who = [person.firstName, person.lastName].filter(Boolean).join(' ');
    await book.entities.deal.upsert(
      {
        name: `${company?.name ?? 'New business'}: ${who || person.email}`,
        amount: options.dealAmount?.(person.id) ?? 12_000,
        currency: 'USD',
        stage: 'Lead',
        companyId: company?.id ?? null,
        personIds: [person.id],
      },
      { matchBy: ['id'] },
    );
  };

  return {
    counts,
    async handle(event: SalesloftEvent): Promise<void> {
      // Unsubscribes (`do_not_contact`) and automatic replies (out-of-office) come mapped too.
      for (const activity of salesloftEventToActivities(event)) {
        const personId = await personOf(activity.personId);
        if (!personId) continue;
        await apply({ ...activity, personId });
      }
    },
  };
}
