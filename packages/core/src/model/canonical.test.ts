import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import {
  ActivitySchema,
  CompanySchema,
  DealSchema,
  ExternalIdsSchema,
  PersonSchema,
  SignalSchema,
} from './canonical.ts';

/** The paths of every issue a failed parse reports, as `a.b.0` strings. */
function issuePaths(schema: z.ZodType, input: unknown): string[] {
  const result = schema.safeParse(input);
  expect(result.success).toBe(false);
  return (result.error?.issues ?? []).map((issue) => issue.path.join('.'));
}

const person = {
  id: 'p1',
  email: 'ada@acme.com',
  firstName: 'Ada',
  lastName: 'Lovelace',
  title: 'VP Sales',
  seniority: 'vp',
  department: 'sales',
  phone: '+44 20 7946 0000',
  linkedinUrl: 'https://www.linkedin.com/in/ada',
  companyId: 'c1',
  timeZone: 'Europe/London',
  country: 'GB',
  updatedAt: '2026-01-02T03:04:05.678Z',
  externalIds: { salesloft: '101', attio: 'rec_1' },
};

const company = {
  id: 'c1',
  name: 'Acme',
  domain: 'acme.com',
  industry: 'software',
  employeeCount: 40,
  annualRevenue: 1_000_000,
  country: 'US',
  technologies: ['salesforce'],
  updatedAt: '2026-01-02T03:04:05+02:00',
  externalIds: { apollo: 'org_1' },
};

const deal = {
  id: 'd1',
  name: 'Acme renewal',
  amount: 12_000,
  currency: 'EUR',
  stage: 'qualification',
  companyId: 'c1',
  personIds: ['p1'],
  closeDate: '2026-03-31',
  updatedAt: '2026-01-02T03:04:05Z',
  externalIds: { attio: 'rec_9' },
};

const activity = {
  id: 'a1',
  type: 'email_clicked',
  personId: 'p1',
  occurredAt: '2026-01-02T03:04:05Z',
  source: 'salesloft',
  data: { url: 'https://acme.com/pricing' },
};

const signal = {
  id: 's1',
  type: 'funding',
  companyId: 'c1',
  occurredAt: '2026-01-02T03:04:05-05:00',
  strength: 0.8,
  source: 'apollo',
  data: { round: 'series_b' },
};

describe('canonical model schemas', () => {
  it('accept a complete valid record of every kind and hand it back unchanged', () => {
    expect(PersonSchema.parse(person)).toEqual(person);
    expect(CompanySchema.parse(company)).toEqual(company);
    expect(DealSchema.parse(deal)).toEqual(deal);
    expect(ActivitySchema.parse(activity)).toEqual(activity);
    expect(SignalSchema.parse(signal)).toEqual(signal);
  });

  it('accept minimal records and fill the defaults', () => {
    expect(PersonSchema.parse({ id: 'p1' })).toEqual({ id: 'p1', externalIds: {} });
    expect(CompanySchema.parse({ id: 'c1' })).toEqual({ id: 'c1', technologies: [], externalIds: {} });
    expect(DealSchema.parse({ id: 'd1' })).toEqual({ id: 'd1', personIds: [], externalIds: {} });
    const { data: _activityData, ...bareActivity } = activity;
    expect(ActivitySchema.parse(bareActivity)).toEqual({ ...bareActivity, data: {} });
    const { data: _signalData, ...bareSignal } = signal;
    expect(SignalSchema.parse(bareSignal)).toEqual({ ...bareSignal, data: {} });
  });

  it('accept null for the nullable fields of people, companies and deals', () => {
    expect(PersonSchema.parse({ id: 'p1', email: null, seniority: null, updatedAt: null }).email).toBeNull();
    expect(CompanySchema.parse({ id: 'c1', employeeCount: null, domain: null }).employeeCount).toBeNull();
    expect(DealSchema.parse({ id: 'd1', amount: null, closeDate: null }).amount).toBeNull();
  });

  it('strip unknown top-level fields, but keep every key inside data and externalIds', () => {
    expect(PersonSchema.parse({ ...person, favouriteColour: 'green' })).toEqual(person);
    expect(CompanySchema.parse({ ...company, vendorOnly: 1 })).toEqual(company);
    expect(DealSchema.parse({ ...deal, vendorOnly: true })).toEqual(deal);
    expect(ActivitySchema.parse({ ...activity, vendorOnly: 'x' })).toEqual(activity);
    expect(SignalSchema.parse({ ...signal, vendorOnly: null })).toEqual(signal);
    const data = { url: 'https://acme.com', anything: { nested: [1] } };
    expect(ActivitySchema.parse({ ...activity, data }).data).toEqual(data);
    expect(PersonSchema.parse({ id: 'p1', externalIds: { custom: 'x' } }).externalIds).toEqual({
      custom: 'x',
    });
  });

  it('take optional externalIds on activities and signals, leaving them absent when not given', () => {
    expect('externalIds' in ActivitySchema.parse(activity)).toBe(false);
    expect('externalIds' in SignalSchema.parse(signal)).toBe(false);
    const externalIds = { salesloft: '555', tracking: 'evt_1' };
    expect(ActivitySchema.parse({ ...activity, externalIds }).externalIds).toEqual(externalIds);
    expect(SignalSchema.parse({ ...signal, externalIds }).externalIds).toEqual(externalIds);
    expect(issuePaths(ActivitySchema, { ...activity, externalIds: { salesloft: 555 } })).toEqual([
      'externalIds.salesloft',
    ]);
    expect(issuePaths(SignalSchema, { ...signal, externalIds: 'apollo:1' })).toEqual(['externalIds']);
  });

  it('reject an enum value outside the list, naming the field', () => {
    expect(issuePaths(PersonSchema, { ...person, seniority: 'intern' })).toEqual(['seniority']);
    expect(issuePaths(ActivitySchema, { ...activity, type: 'email_forwarded' })).toEqual(['type']);
    expect(issuePaths(SignalSchema, { ...signal, type: 'rumour' })).toEqual(['type']);
  });

  it('reject timestamps that are not ISO-8601 date-times with Z or an offset, naming the field', () => {
    for (const occurredAt of ['yesterday', '2026-01-02', '2026-01-02T03:04:05', '02/01/2026 03:04', '']) {
      expect(issuePaths(ActivitySchema, { ...activity, occurredAt }), occurredAt).toEqual(['occurredAt']);
      expect(issuePaths(SignalSchema, { ...signal, occurredAt }), occurredAt).toEqual(['occurredAt']);
    }
    expect(issuePaths(PersonSchema, { ...person, updatedAt: 'last week' })).toEqual(['updatedAt']);
    expect(issuePaths(CompanySchema, { ...company, updatedAt: 1_767_225_600_000 })).toEqual(['updatedAt']);
    expect(issuePaths(DealSchema, { ...deal, updatedAt: '2026-01-02 03:04:05' })).toEqual(['updatedAt']);
  });

  it('reject a signal strength outside 0 to 1, naming the field, and accept both bounds', () => {
    for (const strength of [-0.01, 1.01, 2, Number.NaN, '0.5']) {
      expect(issuePaths(SignalSchema, { ...signal, strength }), String(strength)).toEqual(['strength']);
    }
    expect(SignalSchema.parse({ ...signal, strength: 0 }).strength).toBe(0);
    expect(SignalSchema.parse({ ...signal, strength: 1 }).strength).toBe(1);
  });

  it('name the full path of a bad value nested in an array or record', () => {
    expect(issuePaths(DealSchema, { ...deal, personIds: ['p1', 2] })).toEqual(['personIds.1']);
    expect(issuePaths(CompanySchema, { ...company, technologies: [null] })).toEqual(['technologies.0']);
    expect(issuePaths(ExternalIdsSchema, { salesloft: 101 })).toEqual(['salesloft']);
    const error = PersonSchema.safeParse({ ...person, externalIds: { attio: false } }).error;
    expect(error?.message).toContain('"externalIds"');
    expect(error?.message).toContain('"attio"');
  });

  it('reject missing or empty required fields and numbers out of range', () => {
    expect(issuePaths(PersonSchema, { ...person, id: '' })).toEqual(['id']);
    expect(issuePaths(ActivitySchema, { ...activity, personId: undefined })).toEqual(['personId']);
    expect(issuePaths(SignalSchema, { ...signal, companyId: '' })).toEqual(['companyId']);
    expect(issuePaths(CompanySchema, { ...company, employeeCount: 2.5 })).toEqual(['employeeCount']);
    expect(issuePaths(CompanySchema, { ...company, annualRevenue: -1 })).toEqual(['annualRevenue']);
  });
});
