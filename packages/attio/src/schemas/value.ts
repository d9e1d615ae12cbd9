import { z } from 'zod';
import { ATTIO_ATTRIBUTE_TYPES, AttioSelectOptionSchema, AttioStatusSchema } from './attribute.ts';
import { AttioActorSchema } from './common.ts';

// Every read value carries its history window and author; the values endpoint and record reads
// always send them, attribute default templates do not.
const base = {
  active_from: z.string().optional(),
  active_until: z.string().nullable().optional(),
  created_by_actor: AttioActorSchema.optional(),
};

const nullableString = z.string().nullable().optional();

/** Per attribute type, the schema of one value as Attio reads it. */
export const AttioValueSchemas = {
  text: z.looseObject({ ...base, attribute_type: z.literal('text'), value: z.string() }),
  number: z.looseObject({ ...base, attribute_type: z.literal('number'), value: z.number() }),
  rating: z.looseObject({ ...base, attribute_type: z.literal('rating'), value: z.number() }),
  checkbox: z.looseObject({ ...base, attribute_type: z.literal('checkbox'), value: z.boolean() }),
  currency: z.looseObject({
    ...base,
    attribute_type: z.literal('currency'),
    currency_value: z.number(),
    currency_code: nullableString,
  }),
  date: z.looseObject({ ...base, attribute_type: z.literal('date'), value: z.string() }),
  timestamp: z.looseObject({ ...base, attribute_type: z.literal('timestamp'), value: z.string() }),
  status: z.looseObject({
    ...base,
    attribute_type: z.literal('status'),
    status: z.union([AttioStatusSchema, z.string()]),
  }),
  select: z.looseObject({
    ...base,
    attribute_type: z.literal('select'),
    option: z.union([AttioSelectOptionSchema, z.string()]),
  }),
  'record-reference': z.looseObject({
    ...base,
    attribute_type: z.literal('record-reference'),
    target_object: z.string(),
    target_record_id: z.string(),
  }),
  'actor-reference': z.looseObject({
    ...base,
    attribute_type: z.literal('actor-reference'),
    referenced_actor_type: z.string(),
    referenced_actor_id: z.string().nullable(),
  }),
  location: z.looseObject({
    ...base,
    attribute_type: z.literal('location'),
    line_1: nullableString,
    line_2: nullableString,
    line_3: nullableString,
    line_4: nullableString,
    locality: nullableString,
    region: nullableString,
    postcode: nullableString,
    country_code: nullableString,
    latitude: nullableString,
    longitude: nullableString,
  }),
  domain: z.looseObject({
    ...base,
    attribute_type: z.literal('domain'),
    domain: z.string(),
    root_domain: z.string().optional(),
  }),
  'email-address': z.looseObject({
    ...base,
    attribute_type: z.literal('email-address'),
    email_address: z.string(),
    original_email_address: z.string().optional(),
    email_domain: z.string().optional(),
    email_root_domain: z.string().optional(),
    email_local_specifier: z.string().optional(),
  }),
  'phone-number': z.looseObject({
    ...base,
    attribute_type: z.literal('phone-number'),
    original_phone_number: z.string(),
    country_code: nullableString,
    phone_number: z.string().optional(),
  }),
  'personal-name': z.looseObject({
    ...base,
    attribute_type: z.literal('personal-name'),
    first_name: nullableString,
    last_name: nullableString,
    full_name: nullableString,
  }),
  interaction: z.looseObject({
    ...base,
    attribute_type: z.literal('interaction'),
    interaction_type: z.string(),
    interacted_at: z.string(),
    owner_actor: AttioActorSchema.nullable().optional(),
  }),
} as const;

const KNOWN_TYPES: ReadonlySet<string> = new Set(ATTIO_ATTRIBUTE_TYPES);

/** A value of an attribute type this package does not know yet: passed through as it came. */
export const AttioUnknownValueSchema = z.looseObject({
  ...base,
  attribute_type: z.string().refine((type) => !KNOWN_TYPES.has(type), 'known attribute type'),
});

/** One value of a record or entry as Attio reads it: typed by `attribute_type`. */
export const AttioValueSchema = z.union([
  z.discriminatedUnion('attribute_type', [
    AttioValueSchemas.text,
    AttioValueSchemas.number,
    AttioValueSchemas.rating,
    AttioValueSchemas.checkbox,
    AttioValueSchemas.currency,
    AttioValueSchemas.date,
    AttioValueSchemas.timestamp,
    AttioValueSchemas.status,
    AttioValueSchemas.select,
    AttioValueSchemas['record-reference'],
    AttioValueSchemas['actor-reference'],
    AttioValueSchemas.location,
    AttioValueSchemas.domain,
    AttioValueSchemas['email-address'],
    AttioValueSchemas['phone-number'],
    AttioValueSchemas['personal-name'],
    AttioValueSchemas.interaction,
  ]),
  AttioUnknownValueSchema,
]);
export type AttioValue = z.infer<typeof AttioValueSchema>;

/** The read value of one attribute type. */
export type AttioValueOf<Type extends keyof typeof AttioValueSchemas> = z.infer<
  (typeof AttioValueSchemas)[Type]
>;

/** `values` / `entry_values` as Attio reads them: every attribute maps to an array of values. */
export const AttioValuesSchema = z.record(z.string(), z.array(AttioValueSchema));
export type AttioValues = z.infer<typeof AttioValuesSchema>;
