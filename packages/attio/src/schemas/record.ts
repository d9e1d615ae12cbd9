import { z } from 'zod';
import { AttioValuesSchema } from './value.ts';

/** A record (a person, a company, a deal…) with its values in Attio's read shape. */
export const AttioRecordSchema = z.looseObject({
  id: z.looseObject({ workspace_id: z.string(), object_id: z.string(), record_id: z.string() }),
  created_at: z.string(),
  web_url: z.string().optional(),
  values: AttioValuesSchema,
});
export type AttioRecord = z.infer<typeof AttioRecordSchema>;

/** A value to write: one value or an array of them, in Attio's input shape (or a bare string/number). */
export type AttioWriteValue = unknown;

/** `values` to write, keyed by attribute slug or id. */
export type AttioWriteValues = Record<string, AttioWriteValue>;

/** One sort of a records or entries query. */
export type AttioSort =
  | { direction: 'asc' | 'desc'; attribute: string; field?: string }
  | { direction: 'asc' | 'desc'; path: [string, string][]; field?: string };

/** An entry of a record in a list, as `records.entries` reads it. */
export const AttioRecordEntrySchema = z.looseObject({
  list_id: z.string(),
  list_api_slug: z.string(),
  entry_id: z.string(),
  created_at: z.string(),
});
export type AttioRecordEntry = z.infer<typeof AttioRecordEntrySchema>;
