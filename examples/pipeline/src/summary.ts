import type { CreditTracker } from '@salesos/apollo';
import type { Key, Storage, StorageConnector } from '@salesos/core';
import type { Scorer } from '@salesos/scoring';
import type { RecordingSender } from '@salesos/sequences';
import { ACTIVITY_PREFIX } from './engagement-intake.ts';

/** What the CRM sync did, as counted from the sync engine's storage. */
export interface SyncTotals {
  /** People linked between the book and the CRM. */
  people: number;
  /** Deals linked between the book and the CRM. */
  deals: number;
  /** Records created or updated on either side, over every run. */
  writes: number;
  /** Conflicts detected (both sides changed a field), over every run. */
  conflicts: number;
}

/** The summary of a run. Every count is read back from storage. */
export interface PipelineSummary {
  seed: number;
  requestedLeads: number;
  leadsFound: number;
  enriched: number;
  creditsSpent: number;
  /** Contacts per tier after rescoring. */
  tiers: { 1: number; 2: number; 3: number; 4: number };
  enrolled: number;
  emailsSent: number;
  opens: number;
  clicks: number;
  replies: number;
  meetings: number;
  outOfOffice: number;
  bounces: number;
  unsubscribes: number;
  sync: SyncTotals;
  simulatedDays: number;
  wallTimeMs: number;
}

const countKeys = async (storage: Storage, prefix: Key): Promise<number> => {
  let total = 0;
  for await (const _entry of storage.list({ prefix })) total += 1;
  return total;
};

/** Counts a run's summary from its storage. */
export async function countSummary(input: {
  storage: Storage;
  book: StorageConnector;
  scorer: Scorer;
  sender: RecordingSender;
  creditTracker: CreditTracker;
  tenantId: string;
  seed: number;
  requestedLeads: number;
  sync: SyncTotals;
  simulatedDays: number;
  wallTimeMs: number;
}): Promise<PipelineSummary> {
  const { storage, book, scorer, sender } = input;
  const tiers = { 1: 0, 2: 0, 3: 0, 4: 0 };
  let enriched = 0;
  for await (const person of book.entities.person.records()) {
    // The book also holds people the CRM sync brought in; leads are the ones from Apollo.
    if (!person.externalIds.apollo) continue;
    enriched += 1;
    const score = await scorer.getScore(person.id);
    if (score) tiers[score.tier] += 1;
  }
  let emailsSent = 0;
  for await (const _email of sender.emails(input.tenantId)) emailsSent += 1;
  const activities = (type: string) => countKeys(storage, [...ACTIVITY_PREFIX, type]);
  const usage = await input.creditTracker.usage(input.tenantId);
  return {
    seed: input.seed,
    requestedLeads: input.requestedLeads,
    leadsFound: await countKeys(storage, ['pipeline', 'lead']),
    enriched,
    creditsSpent: usage.month.spent,
    tiers,
    enrolled: await countKeys(storage, ['pipeline', 'enrolment']),
    emailsSent,
    opens: await activities('email_opened'),
    clicks: await activities('email_clicked'),
    replies: await activities('email_replied'),
    meetings: await activities('meeting_booked'),
    outOfOffice: await activities('out_of_office'),
    bounces: await activities('email_bounced'),
    unsubscribes: await activities('unsubscribed'),
    sync: input.sync,
    simulatedDays: input.simulatedDays,
    wallTimeMs: input.wallTimeMs,
  };
}

const number = (value: number) => value.toLocaleString('en-US');

/** The summary as a two-column table for a terminal. */
export function formatSummary(summary: PipelineSummary): string {
  const rows: [string, string][] = [
    ['Leads found', number(summary.leadsFound)],
    ['Enriched', number(summary.enriched)],
    ['Credits spent', number(summary.creditsSpent)],
    [
      'Contacts per tier (1/2/3/4)',
      [summary.tiers[1], summary.tiers[2], summary.tiers[3], summary.tiers[4]].map(number).join(' / '),
    ],
    ['Enrolled', number(summary.enrolled)],
    ['Emails sent', number(summary.emailsSent)],
    ['Opens / clicks', `${number(summary.opens)} / ${number(summary.clicks)}`],
    ['Replies', number(summary.replies)],
    ['Meetings booked', number(summary.meetings)],
    ['Out-of-office pauses', number(summary.outOfOffice)],
    ['Bounces', number(summary.bounces)],
    ['Unsubscribes', number(summary.unsubscribes)],
    [
      'Records synced with Attio',
      `${number(summary.sync.people + summary.sync.deals)} (${number(summary.sync.people)} people, ${number(summary.sync.deals)} deals)`,
    ],
    ['Conflicts', number(summary.sync.conflicts)],
  ];
  const width = Math.max(...rows.map(([label]) => label.length));
  const valueWidth = Math.max(...rows.map(([, value]) => value.length));
  const rule = (left: string, middle: string, right: string) =>
    `${left}${'─'.repeat(width + 2)}${middle}${'─'.repeat(valueWidth + 2)}${right}`;
  const lines = rows.map(([label, value]) => `│ ${label.padEnd(width)} │ ${value.padStart(valueWidth)} │`);
  const seconds = (summary.wallTimeMs / 1000).toFixed(1);
  return [
    `Pipeline summary: seed ${summary.seed}, ${number(summary.requestedLeads)} leads asked, ${summary.simulatedDays} simulated days in ${seconds} s`,
    rule('┌', '┬', '┐'),
    ...lines,
    rule('└', '┴', '┘'),
  ].join('\n');
}
