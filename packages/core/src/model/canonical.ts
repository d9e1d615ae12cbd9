import { z } from 'zod';

/**
 * External ids of a canonical record, keyed by system (`salesloft`, `apollo`, `attio`, or
 * any connector id). Values are strings even where the vendor uses numbers.
 */
export const ExternalIdsSchema = z.record(z.string(), z.string());
export type ExternalIds = z.infer<typeof ExternalIdsSchema>;

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
export const SenioritySchema = z.enum(SENIORITIES);
export type Seniority = z.infer<typeof SenioritySchema>;

/** A person: a lead, contact or prospect, whichever system holds them. */
export const PersonSchema = z.object({
  id: z.string().min(1),
  email: z.string().nullable().optional(),
  firstName: z.string().nullable().optional(),
  lastName: z.string().nullable().optional(),
  title: z.string().nullable().optional(),
  seniority: SenioritySchema.nullable().optional(),
  department: z.string().nullable().optional(),
  phone: z.string().nullable().optional(),
  linkedinUrl: z.string().nullable().optional(),
  companyId: z.string().nullable().optional(),
  /** IANA time zone such as `America/Los_Angeles`. */
  timeZone: z.string().nullable().optional(),
  country: z.string().nullable().optional(),
  updatedAt: isoDateTime.nullable().optional(),
  externalIds: ExternalIdsSchema.default({}),
});
export type Person = z.infer<typeof PersonSchema>;

/** A company: an account or organization. */
export const CompanySchema = z.object({
  id: z.string().min(1),
  name: z.string().nullable().optional(),
  /** Bare lower-case domain (`acme.com`), the usual matching key. */
  domain: z.string().nullable().optional(),
  industry: z.string().nullable().optional(),
  employeeCount: z.number().int().nonnegative().nullable().optional(),
  annualRevenue: z.number().nonnegative().nullable().optional(),
  /** ISO 3166-1 alpha-2 code or country name, as the source gives it. */
  country: z.string().nullable().optional(),
  technologies: z.array(z.string()).default([]),
  updatedAt: isoDateTime.nullable().optional(),
  externalIds: ExternalIdsSchema.default({}),
});
export type Company = z.infer<typeof CompanySchema>;

/** A deal: an opportunity with an amount and a stage. */
export const DealSchema = z.object({
  id: z.string().min(1),
  name: z.string().nullable().optional(),
  amount: z.number().nullable().optional(),
  /** ISO 4217 code. */
  currency: z.string().nullable().optional(),
  stage: z.string().nullable().optional(),
  companyId: z.string().nullable().optional(),
  personIds: z.array(z.string()).default([]),
  /** ISO-8601 date or date-time. */
  closeDate: z.string().nullable().optional(),
  updatedAt: isoDateTime.nullable().optional(),
  externalIds: ExternalIdsSchema.default({}),
});
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
export const ActivityTypeSchema = z.enum(ACTIVITY_TYPES);
export type ActivityType = z.infer<typeof ActivityTypeSchema>;

/** One engagement event of a person. */
export const ActivitySchema = z.object({
  id: z.string().min(1),
  type: ActivityTypeSchema,
  personId: z.string().min(1),
  occurredAt: isoDateTime,
  /** Who reported it: `salesloft`, `sequences`, `tracking`… */
  source: z.string().min(1),
  /** Type-specific details: `{ url }` for a click, `{ resumeAt }` for out-of-office. */
  data: z.record(z.string(), z.unknown()).default({}),
});
export type Activity = z.infer<typeof ActivitySchema>;

/** Kinds of buying signal about a company. */
export const SIGNAL_TYPES = ['hiring', 'funding', 'news', 'review', 'website', 'technographic'] as const;
export const SignalTypeSchema = z.enum(SIGNAL_TYPES);
export type SignalType = z.infer<typeof SignalTypeSchema>;

/** A buying signal about a company, with a strength from 0 to 1. */
export const SignalSchema = z.object({
  id: z.string().min(1),
  type: SignalTypeSchema,
  companyId: z.string().min(1),
  occurredAt: isoDateTime,
  strength: z.number().min(0).max(1),
  source: z.string().min(1),
  data: z.record(z.string(), z.unknown()).default({}),
});
export type Signal = z.infer<typeof SignalSchema>;

/** Entity names used by connectors and engines. */
export const ENTITY_TYPES = ['person', 'company', 'deal'] as const;
export type EntityType = (typeof ENTITY_TYPES)[number];

/** The canonical record type of each entity. */
export interface EntityRecordMap {
  person: Person;
  company: Company;
  deal: Deal;
}
