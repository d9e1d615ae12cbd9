import { z } from 'zod';

/** An Attio object (`people`, `companies`, `deals` or a custom one). */
export const AttioObjectSchema = z.looseObject({
  id: z.looseObject({ workspace_id: z.string(), object_id: z.string() }),
  api_slug: z.string().nullable(),
  singular_noun: z.string().nullable(),
  plural_noun: z.string().nullable(),
  created_at: z.string(),
});
export type AttioObject = z.infer<typeof AttioObjectSchema>;

/** Body of `objects.create`. */
export interface AttioObjectCreateInput {
  api_slug: string;
  singular_noun: string;
  plural_noun: string;
}

/** Body of `objects.update`. */
export type AttioObjectUpdateInput = Partial<AttioObjectCreateInput>;
