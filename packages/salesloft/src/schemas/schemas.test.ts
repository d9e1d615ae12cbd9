import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { ZodType } from 'zod';
import { SalesloftAccountSchema } from './account.ts';
import { SalesloftCadenceSchema } from './cadence.ts';
import { SalesloftCadenceMembershipSchema } from './cadence-membership.ts';
import { SalesloftCallSchema } from './call.ts';
import { SalesloftEmailSchema } from './email.ts';
import { SalesloftMeetingSchema } from './meeting.ts';
import { SalesloftNoteSchema } from './note.ts';
import { SalesloftPersonSchema, SalesloftPersonUpsertSchema } from './person.ts';
import { SalesloftStepSchema } from './step.ts';
import { SalesloftTaskSchema } from './task.ts';
import { SalesloftUserSchema } from './user.ts';
import { SalesloftWebhookSubscriptionSchema } from './webhook-subscription.ts';

const schemas: Record<string, ZodType> = {
  account: SalesloftAccountSchema,
  cadence: SalesloftCadenceSchema,
  'cadence-membership': SalesloftCadenceMembershipSchema,
  call: SalesloftCallSchema,
  email: SalesloftEmailSchema,
  meeting: SalesloftMeetingSchema,
  note: SalesloftNoteSchema,
  person: SalesloftPersonSchema,
  'person-upsert': SalesloftPersonUpsertSchema,
  step: SalesloftStepSchema,
  task: SalesloftTaskSchema,
  user: SalesloftUserSchema,
  'webhook-subscription': SalesloftWebhookSubscriptionSchema,
};
const directory = new URL('../__fixtures__/', import.meta.url);
const fixtures = readdirSync(directory).filter((name) => name.endsWith('.json'));

describe('SalesLoft schemas', () => {
  it('have a schema for every spec-derived fixture', () => {
    expect(fixtures.map((name) => name.replace(/\.json$/, '')).sort()).toEqual(Object.keys(schemas).sort());
  });

  it.each(fixtures)('parse the OpenAPI example %s without losing fields', (name) => {
    const fixture = JSON.parse(readFileSync(new URL(name, directory), 'utf8')) as Record<string, unknown>;
    const schema = schemas[name.replace(/\.json$/, '')] as ZodType;
    expect(schema.parse(fixture)).toEqual(fixture);
  });

  it('let unknown vendor fields through and accept nulls', () => {
    const parsed = SalesloftPersonSchema.parse({
      id: 1,
      brand_new_field: { x: 1 },
      title: null,
      account: null,
    });
    expect(parsed).toEqual({ id: 1, brand_new_field: { x: 1 }, title: null, account: null });
  });

  it('reject a record without a numeric id', () => {
    expect(SalesloftPersonSchema.safeParse({ email_address: 'a@b.test' }).success).toBe(false);
    expect(SalesloftAccountSchema.safeParse({ id: 'abc' }).success).toBe(false);
  });
});
