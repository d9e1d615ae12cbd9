import { CompanySchema, DealSchema, type EntityType, PermanentJobError, PersonSchema } from '@salesos/core';
import { z } from 'zod';
import type { CompiledDefinition, SideIndex } from './compile-definition.ts';

const isoDateTime = z.iso.datetime({ offset: true });
const recordId = z.string().min(1);

/** The data of a queued single-record sync, as `handleWebhook` enqueues it. */
export const RecordJobSchema = z.object({
  syncId: z.string().min(1),
  side: z.enum(['left', 'right']),
  change: z.discriminatedUnion('type', [
    z.object({
      type: z.literal('upsert'),
      id: recordId,
      record: z.record(z.string(), z.unknown()),
      updatedAt: isoDateTime,
    }),
    z.object({ type: z.literal('delete'), id: recordId, deletedAt: isoDateTime }),
  ]),
});

/** The data of a queued single-record sync. */
export type RecordJobData = z.infer<typeof RecordJobSchema>;

const CANONICAL = { person: PersonSchema, company: CompanySchema, deal: DealSchema } as const;

/** Per definition and side: the canonical types of the side's mapped fields (other fields pass). */
const recordSchemas = new WeakMap<CompiledDefinition, readonly [z.ZodType, z.ZodType]>();

function recordSchemaOf(definition: CompiledDefinition, side: SideIndex): z.ZodType {
  let schemas = recordSchemas.get(definition);
  if (!schemas) {
    const shape = CANONICAL[definition.entity as EntityType].shape as Record<string, z.ZodType>;
    const forSide = (index: SideIndex) => {
      const fields: Record<string, z.ZodType> = {};
      for (const field of definition.sides[index].fields) {
        const schema = shape[field];
        if (schema) fields[field] = schema.optional();
      }
      return z.looseObject(fields);
    };
    schemas = [forSide(0), forSide(1)];
    recordSchemas.set(definition, schemas);
  }
  return schemas[side];
}

const describeIssues = (issues: readonly z.core.$ZodIssue[], prefix: string[] = []): string =>
  issues
    .map((issue) => {
      const path = [...prefix, ...issue.path.map(String)].join('.');
      return `${path === '' ? 'data' : path}: ${issue.message}`;
    })
    .join('; ');

/**
 * Checks the data of a single-record sync job before anything is applied: its shape, the
 * change's id and time, and the canonical types of the mapped fields of its record. Malformed
 * data throws `PermanentJobError` naming the bad field, so the queue dead-letters the job at
 * once instead of applying (or retrying) it. An unknown sync id is left to `definitionOf`.
 */
export function parseRecordJob(
  jobId: string,
  data: unknown,
  definitionOf: (syncId: string) => CompiledDefinition,
): { definition: CompiledDefinition; data: RecordJobData } {
  const parsed = RecordJobSchema.safeParse(data);
  if (!parsed.success) {
    throw new PermanentJobError(`crm sync job ${jobId} is malformed: ${describeIssues(parsed.error.issues)}`);
  }
  const job = parsed.data;
  const definition = definitionOf(job.syncId);
  const { change } = job;
  if (change.type === 'upsert') {
    const side: SideIndex = job.side === 'left' ? 0 : 1;
    const record = recordSchemaOf(definition, side).safeParse(change.record);
    if (!record.success) {
      throw new PermanentJobError(
        `crm sync job ${jobId} is malformed: ${describeIssues(record.error.issues, ['change', 'record'])}`,
      );
    }
    if (change.record.id !== undefined && change.record.id !== change.id) {
      throw new PermanentJobError(
        `crm sync job ${jobId} is malformed: change.record.id: must equal change.id when present.`,
      );
    }
  }
  return { definition, data: job };
}
