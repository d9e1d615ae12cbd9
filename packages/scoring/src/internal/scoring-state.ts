import type { Key } from '@salesos/core';
import type { CompanyProfile, PersonProfile, Tier } from '../scorer/types.ts';
import type { Channel } from './compile-config.ts';

/** The scores last emitted for a contact. */
export interface EmittedScores {
  fit: number;
  engagement: number;
  intent: number;
  priority: number;
  tier: Tier;
}

/**
 * What is stored per contact. Counts are decayed event counts as of `asOf`, by activity type
 * name, so changing points or caps in the configuration applies to past events too.
 */
export interface ContactRecord {
  v: 1;
  person: PersonProfile | null;
  companyId: string | null;
  asOf: number | null;
  counts: Record<string, number>;
  /** Latest time per activity type. */
  lastAt: Record<string, number>;
  last: EmittedScores | null;
}

/** What is stored per company: its profile and decayed signal strength by signal type. */
export interface CompanyRecord {
  v: 1;
  company: CompanyProfile | null;
  asOf: number | null;
  counts: Record<string, number>;
}

export const emptyContact = (): ContactRecord => ({
  v: 1,
  person: null,
  companyId: null,
  asOf: null,
  counts: {},
  lastAt: {},
  last: null,
});

export const emptyCompany = (): CompanyRecord => ({ v: 1, company: null, asOf: null, counts: {} });

/** Storage keys of one tenant's scoring state. */
export const scoringKeys = (tenantId: string) => ({
  contact: (personId: string): Key => ['scoring', tenantId, 'contact', personId],
  company: (companyId: string): Key => ['scoring', tenantId, 'company', companyId],
  members: (companyId: string): Key => ['scoring', tenantId, 'member', companyId],
  member: (companyId: string, personId: string): Key => ['scoring', tenantId, 'member', companyId, personId],
  seen: (kind: 'activity' | 'signal', id: string): Key => ['scoring', tenantId, 'seen', kind, id],
  /** Contacts by address (trimmed, lower-cased): `[..., 'email', email, personId]`. */
  byEmail: (email: string, personId?: string): Key =>
    personId === undefined
      ? ['scoring', tenantId, 'email', email]
      : ['scoring', tenantId, 'email', email, personId],
});

/** The form addresses are indexed in: trimmed and lower-cased; `null` when there is none. */
export const normalizeEmail = (email: string | null | undefined): string | null =>
  typeof email === 'string' && email.trim() !== '' ? email.trim().toLowerCase() : null;

/**
 * Adds `amount` (decayed from `time`) to the count of `type`, keeping every count decayed to
 * the latest time seen: constant work per event, whatever the history.
 */
export function foldEvent(
  record: { asOf: number | null; counts: Record<string, number> },
  channel: Channel,
  type: string,
  time: number,
  amount: number,
): void {
  const position = channel.index[type];
  if (position === undefined) return;
  const { counts } = record;
  if (record.asOf === null) {
    record.asOf = time;
  } else if (time > record.asOf) {
    const elapsed = time - record.asOf;
    for (const name of Object.keys(counts)) {
      const lambda = channel.lambdas[channel.index[name] ?? -1];
      if (lambda) counts[name] = counts[name]! * Math.exp(-lambda * elapsed);
    }
    record.asOf = time;
  } else if (time < record.asOf) {
    const lambda = channel.lambdas[position]!;
    if (lambda !== 0) amount *= Math.exp(-lambda * (record.asOf - time));
  }
  counts[type] = (counts[type] ?? 0) + amount;
}

/** The decayed counts of a record at `now`, as an array by type position. */
export function countsAt(
  record: { asOf: number | null; counts: Record<string, number> },
  channel: Channel,
  now: number,
  into: Float64Array,
): Float64Array {
  into.fill(0);
  if (record.asOf === null) return into;
  const elapsed = now > record.asOf ? now - record.asOf : 0;
  for (const name of Object.keys(record.counts)) {
    const position = channel.index[name];
    if (position === undefined) continue;
    const lambda = channel.lambdas[position]!;
    const count = record.counts[name]!;
    into[position] = lambda === 0 || elapsed === 0 ? count : count * Math.exp(-lambda * elapsed);
  }
  return into;
}
