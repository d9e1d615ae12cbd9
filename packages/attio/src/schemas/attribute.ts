import { z } from 'zod';

/** The 17 attribute types of Attio. */
export const ATTIO_ATTRIBUTE_TYPES = [
  'text',
  'number',
  'checkbox',
  'currency',
  'date',
  'timestamp',
  'rating',
  'status',
  'select',
  'record-reference',
  'actor-reference',
  'location',
  'domain',
  'email-address',
  'phone-number',
  'interaction',
  'personal-name',
] as const;

/** An Attio attribute type (`email-address`, `record-reference`…). */
export type AttioAttributeType = (typeof ATTIO_ATTRIBUTE_TYPES)[number];

/** One option of a select attribute. */
export const AttioSelectOptionSchema = z.looseObject({
  id: z.looseObject({
    workspace_id: z.string(),
    object_id: z.string(),
    attribute_id: z.string(),
    option_id: z.string(),
  }),
  title: z.string(),
  is_archived: z.boolean(),
});
export type AttioSelectOption = z.infer<typeof AttioSelectOptionSchema>;

/** One status of a status attribute. */
export const AttioStatusSchema = z.looseObject({
  id: z.looseObject({
    workspace_id: z.string(),
    object_id: z.string(),
    attribute_id: z.string(),
    status_id: z.string(),
  }),
  title: z.string(),
  is_archived: z.boolean(),
  celebration_enabled: z.boolean().optional(),
  target_time_in_status: z.string().nullable().optional(),
});
export type AttioStatus = z.infer<typeof AttioStatusSchema>;

/** An attribute of an object or a list. */
export const AttioAttributeSchema = z.looseObject({
  id: z.looseObject({
    workspace_id: z.string(),
    object_id: z.string().optional(),
    list_id: z.string().optional(),
    attribute_id: z.string(),
  }),
  title: z.string(),
  description: z.string().nullable().optional(),
  api_slug: z.string(),
  /** One of `ATTIO_ATTRIBUTE_TYPES`; kept as a string so a new Attio type does not break reads. */
  type: z.string(),
  is_system_attribute: z.boolean().optional(),
  is_writable: z.boolean().optional(),
  is_required: z.boolean().optional(),
  is_unique: z.boolean().optional(),
  is_multiselect: z.boolean(),
  is_default_value_enabled: z.boolean().optional(),
  is_archived: z.boolean().optional(),
  default_value: z.unknown().optional(),
  relationship: z.unknown().optional(),
  created_at: z.string().optional(),
  config: z.unknown().optional(),
});
export type AttioAttribute = z.infer<typeof AttioAttributeSchema>;

/** Body of `attributes.create`. */
export interface AttioAttributeCreateInput {
  title: string;
  description: string | null;
  api_slug: string;
  type: AttioAttributeType;
  is_required: boolean;
  is_unique: boolean;
  is_multiselect: boolean;
  default_value?: unknown;
  config: Record<string, unknown>;
}

/** Body of `attributes.update`. */
export type AttioAttributeUpdateInput = Partial<
  Omit<AttioAttributeCreateInput, 'type' | 'is_multiselect'> & { is_archived: boolean }
>;

/** Body of `attributes.createOption` / `updateOption`. */
export interface AttioSelectOptionInput {
  title?: string;
  is_archived?: boolean;
}

/** Body of `attributes.createStatus` / `updateStatus`. */
export interface AttioStatusInput {
  title?: string;
  celebration_enabled?: boolean;
  target_time_in_status?: string | null;
  is_archived?: boolean;
}
