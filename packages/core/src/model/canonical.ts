import { z } from 'zod';

/**
 * External ids of a canonical record, keyed by system (`salesloft`, `apollo`, `attio`, or
 * any connector id). Values are strings even where the vendor uses numbers.
 */
export const ExternalIdsSchema = z.record(z.string(), z.string());
/** External ids of a record by system, such as `{ salesloft: '123', attio: 'rec_…' }`. */
export type ExternalIds = z.infer<typeof ExternalIdsSchema>;

// ISO-8601 date-time with `Z` or an offset (`2026-01-01T09:00:00+01:00`); no bare dates.
const isoDateTime = z.iso.datetime({ offset: true });

/** Seniority levels, lowest to highest. */
export const SENIORITIES = [
  'entry',
  'senior',
  'manager',
  'head',
  'director',
  'vp',
  'c_suite',
  'partner',
  'founder',
  'owner',
] as const;
/** One of `SENIORITIES`. */
export const SenioritySchema = z.enum(SENIORITIES);
/** A seniority level: `entry` … `owner`, lowest to highest. */
export type Seniority = z.infer<typeof SenioritySchema>;

/** A person: a lead, contact or prospect, whichever system holds them. */
export const PersonSchema = z.object({
  /** The record's id in the system that holds it. */
  id: z.string().min(1),
  /** Primary email address, the usual matching key for people. */
  email: z.string().nullable().optional(),
  /** Given name. */
  firstName: z.string().nullable().optional(),
  /** Family name. */
  lastName: z.string().nullable().optional(),
  /** Job title as the source spells it (`VP Sales`). */
  title: z.string().nullable().optional(),
  /** Seniority level, when the source gives or implies one. */
  seniority: SenioritySchema.nullable().optional(),
  /** Department or function (`sales`, `engineering`), as the source names it. */
  department: z.string().nullable().optional(),
  /** Phone number as the source gives it. */
  phone: z.string().nullable().optional(),
  /** LinkedIn profile URL. */
  linkedinUrl: z.string().nullable().optional(),
  /** The `Company.id` of their employer in the same system. */
  companyId: z.string().nullable().optional(),
  /** IANA time zone such as `America/Los_Angeles`. */
  timeZone: z.string().nullable().optional(),
  /** ISO 3166-1 alpha-2 code or country name, as the source gives it. */
  country: z.string().nullable().optional(),
  /** ISO-8601 date-time of the last change at the source. */
  updatedAt: isoDateTime.nullable().optional(),
  /** Ids of the same person in other systems. Default `{}`. */
  externalIds: ExternalIdsSchema.default({}),
});
/** A canonical person, as `PersonSchema` parses it. */
export type Person = z.infer<typeof PersonSchema>;

/** A company: an account or organization. */
export const CompanySchema = z.object({
  /** The record's id in the system that holds it. */
  id: z.string().min(1),
  /** Display name (`Acme Inc.`). */
  name: z.string().nullable().optional(),
  /** Bare lower-case domain (`acme.com`), the usual matching key. */
  domain: z.string().nullable().optional(),
  /** Industry as the source names it. */
  industry: z.string().nullable().optional(),
  /** Number of employees: a whole number >= 0. */
  employeeCount: z.number().int().nonnegative().nullable().optional(),
  /** Yearly revenue, >= 0, in the currency the source reports it in. */
  annualRevenue: z.number().nonnegative().nullable().optional(),
  /** ISO 3166-1 alpha-2 code or country name, as the source gives it. */
  country: z.string().nullable().optional(),
  /** Technologies the company is known to use (`salesforce`, `hubspot`). Default `[]`. */
  technologies: z.array(z.string()).default([]),
  /** ISO-8601 date-time of the last change at the source. */
  updatedAt: isoDateTime.nullable().optional(),
  /** Ids of the same company in other systems. Default `{}`. */
  externalIds: ExternalIdsSchema.default({}),
});
/** A canonical company, as `CompanySchema` parses it. */
export type Company = z.infer<typeof CompanySchema>;

/** A deal: an opportunity with an amount and a stage. */
export const DealSchema = z.object({
  /** The record's id in the system that holds it. */
  id: z.string().min(1),
  /** Display name of the opportunity. */
  name: z.string().nullable().optional(),
  /** Value of the deal in `currency`. */
  amount: z.number().nullable().optional(),
  /** ISO 4217 code. */
  currency: z.string().nullable().optional(),
  /** Pipeline stage as the source names it (`qualification`, `closed_won`). */
  stage: z.string().nullable().optional(),
  /** The `Company.id` of the account in the same system. */
  companyId: z.string().nullable().optional(),
  /** The `Person.id`s of the contacts on the deal, in the same system. Default `[]`. */
  personIds: z.array(z.string()).default([]),
  /** ISO-8601 date or date-time. */
  closeDate: z.string().nullable().optional(),
  /** ISO-8601 date-time of the last change at the source. */
  updatedAt: isoDateTime.nullable().optional(),
  /** Ids of the same deal in other systems. Default `{}`. */
  externalIds: ExternalIdsSchema.default({}),
});
/** A canonical deal, as `DealSchema` parses it. */
export type Deal = z.infer<typeof DealSchema>;

/** What a person did or had done to them. */
export const ACTIVITY_TYPES = [
  'email_sent',
  'email_opened',
  'email_clicked',
  'email_replied',
  'email_bounced',
  'unsubscribed',
  'out_of_office',
  'call_completed',
  'meeting_booked',
  'meeting_attended',
] as const;
/** One of `ACTIVITY_TYPES`. */
export const ActivityTypeSchema = z.enum(ACTIVITY_TYPES);
/** A kind of activity: `email_sent`, `email_replied`, `meeting_booked`… */
export type ActivityType = z.infer<typeof ActivityTypeSchema>;

/** One engagement event of a person. */
export const ActivitySchema = z.object({
  /** Unique id of the activity at its source; de-duplication keys on it. */
  id: z.string().min(1),
  /** What happened. */
  type: ActivityTypeSchema,
  /** The `Person.id` of whom it happened to. */
  personId: z.string().min(1),
  /** ISO-8601 date-time it happened, with `Z` or an offset. */
  occurredAt: isoDateTime,
  /** Who reported it: `salesloft`, `sequences`, `tracking`… */
  source: z.string().min(1),
  /** Type-specific details: `{ url }` for a click, `{ resumeAt }` for out-of-office. */
  data: z.record(z.string(), z.unknown()).default({}),
  /** Ids of the same activity in other systems. Optional: absent unless a source sets it. */
  externalIds: ExternalIdsSchema.optional(),
});
/** A canonical activity, as `ActivitySchema` parses it. */
export type Activity = z.infer<typeof ActivitySchema>;

/** Kinds of buying signal about a company. */
export const SIGNAL_TYPES = ['hiring', 'funding', 'news', 'review', 'website', 'technographic'] as const;
/** One of `SIGNAL_TYPES`. */
export const SignalTypeSchema = z.enum(SIGNAL_TYPES);
/** A kind of buying signal: `hiring`, `funding`, `news`… */
export type SignalType = z.infer<typeof SignalTypeSchema>;

/** A buying signal about a company, with a strength from 0 to 1. */
export const SignalSchema = z.object({
  /** Unique id of the signal at its source. */
  id: z.string().min(1),
  /** What kind of signal it is. */
  type: SignalTypeSchema,
  /** The `Company.id` it is about. */
  companyId: z.string().min(1),
  /** ISO-8601 date-time it happened, with `Z` or an offset; intent decays from here. */
  occurredAt: isoDateTime,
  /** How strong the signal is, from `0` (barely) to `1` (certain), inclusive. */
  strength: z.number().min(0).max(1),
  /** Who reported it: a vendor or connector id. */
  source: z.string().min(1),
  /** Type-specific details (a funding round, a job posting…). Default `{}`. */
  data: z.record(z.string(), z.unknown()).default({}),
  /** Ids of the same signal in other systems. Optional: absent unless a source sets it. */
  externalIds: ExternalIdsSchema.optional(),
});
/** A canonical signal, as `SignalSchema` parses it. */
export type Signal = z.infer<typeof SignalSchema>;

/** Entity names used by connectors and engines. */
export const ENTITY_TYPES = ['person', 'company', 'deal'] as const;
/** An entity name: `person`, `company` or `deal`. */
export type EntityType = (typeof ENTITY_TYPES)[number];

/** The canonical record type of each entity. */
export interface EntityRecordMap {
  /** People: `Person`. */
  person: Person;
  /** Companies: `Company`. */
  company: Company;
  /** Deals: `Deal`. */
  deal: Deal;
}
