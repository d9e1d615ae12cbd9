import { z } from 'zod';

/** A reference to another record: `{ id, _href }`. */
export const SalesloftEmbeddedResourceSchema = z.looseObject({
  id: z.union([z.number(), z.string()]).nullish(),
  _href: z.string().nullish(),
});
export type SalesloftEmbeddedResource = z.infer<typeof SalesloftEmbeddedResourceSchema>;

/** `metadata.paging` of a list response. Absent on some endpoints, so always optional. */
export const SalesloftPagingSchema = z.looseObject({
  per_page: z.number().nullish(),
  current_page: z.number().nullish(),
  next_page: z.number().nullish(),
  prev_page: z.number().nullish(),
  total_pages: z.number().nullish(),
  total_count: z.number().nullish(),
});
export type SalesloftPaging = z.infer<typeof SalesloftPagingSchema>;

/** `metadata` of a list response: paging, plus the filters and sort SalesLoft applied. */
export const SalesloftListMetadataSchema = z.looseObject({
  paging: SalesloftPagingSchema.nullish(),
});
export type SalesloftListMetadata = z.infer<typeof SalesloftListMetadataSchema>;

/** The envelope of every list response: `{ data: T[], metadata: { paging } }`. */
export function salesloftListSchema<Item extends z.ZodType>(item: Item) {
  return z.looseObject({ data: z.array(item), metadata: SalesloftListMetadataSchema.nullish() });
}

/** The envelope of every single-record response: `{ data: T }`. */
export function salesloftRecordSchema<Item extends z.ZodType>(item: Item) {
  return z.looseObject({ data: item });
}

/** A list response as the client reads it. */
export interface SalesloftList<T> {
  data: T[];
  metadata?: SalesloftListMetadata | null | undefined;
}

/** Timestamps are ISO-8601 strings with microseconds (`2022-01-01T00:00:00.000000-05:00`). */
export const timestamp = z.string().nullish();
export const text = z.string().nullish();
export const flag = z.boolean().nullish();
export const count = z.number().nullish();
export const reference = SalesloftEmbeddedResourceSchema.nullish();
