import { z } from 'zod';
import { AttioActorSchema } from './common.ts';
import { AttioValuesSchema } from './value.ts';

/** Access levels of a list. */
export type AttioAccessLevel = 'full-access' | 'read-and-write' | 'read-only';

/** A list (a pipeline, a hiring board…). */
export const AttioListSchema = z.looseObject({
  id: z.looseObject({ workspace_id: z.string(), list_id: z.string() }),
  api_slug: z.string(),
  name: z.string(),
  parent_object: z.array(z.string()),
  workspace_access: z.string().nullable(),
  workspace_member_access: z.array(z.looseObject({ workspace_member_id: z.string(), level: z.string() })),
  created_by_actor: AttioActorSchema,
  created_at: z.string(),
});
export type AttioList = z.infer<typeof AttioListSchema>;

/** Body of `lists.create`. */
export interface AttioListCreateInput {
  name: string;
  api_slug: string;
  parent_object: string;
  workspace_access: AttioAccessLevel | null;
  workspace_member_access: { workspace_member_id: string; level: AttioAccessLevel }[];
}

/** Body of `lists.update`. */
export type AttioListUpdateInput = Partial<Omit<AttioListCreateInput, 'parent_object'>>;

/** An entry of a list: a parent record plus the list's own attribute values. */
export const AttioEntrySchema = z.looseObject({
  id: z.looseObject({ workspace_id: z.string(), list_id: z.string(), entry_id: z.string() }),
  parent_record_id: z.string(),
  parent_object: z.string(),
  created_at: z.string(),
  entry_values: AttioValuesSchema,
});
export type AttioEntry = z.infer<typeof AttioEntrySchema>;

/** Body of `entries.create` / `entries.assert`. */
export interface AttioEntryCreateInput {
  parent_record_id: string;
  parent_object: string;
  entry_values: Record<string, unknown>;
}

/** Body of `entries.update`. */
export interface AttioEntryUpdateInput {
  entry_values: Record<string, unknown>;
}
