import { z } from 'zod';

/** Kinds of actor Attio records as the author of a change. */
export const ATTIO_ACTOR_TYPES = ['api-token', 'workspace-member', 'system', 'app'] as const;

/** An actor reference as Attio returns it (`created_by_actor`, `author`…); both fields may be null. */
export const AttioActorSchema = z.looseObject({
  id: z.string().nullable().optional(),
  type: z.string().nullable().optional(),
});
export type AttioActor = z.infer<typeof AttioActorSchema>;

/** `{ data: T }`, the envelope of every Attio response. */
export const dataOf = <Schema extends z.ZodType>(schema: Schema) => z.looseObject({ data: schema });

/** `{ data: T[] }`. */
export const listOf = <Schema extends z.ZodType>(schema: Schema) => z.looseObject({ data: z.array(schema) });

/** The `{}` Attio answers to a delete. */
export const AttioEmptySchema = z.looseObject({});
