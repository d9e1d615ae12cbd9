import { describe, expect, it } from 'vitest';
import attribute from '../__fixtures__/attribute.json' with { type: 'json' };
import comment from '../__fixtures__/comment.json' with { type: 'json' };
import entry from '../__fixtures__/entry.json' with { type: 'json' };
import list from '../__fixtures__/list.json' with { type: 'json' };
import note from '../__fixtures__/note.json' with { type: 'json' };
import object from '../__fixtures__/object.json' with { type: 'json' };
import record from '../__fixtures__/record.json' with { type: 'json' };
import recordEntries from '../__fixtures__/record-entries.json' with { type: 'json' };
import selectOption from '../__fixtures__/select-option.json' with { type: 'json' };
import self from '../__fixtures__/self.json' with { type: 'json' };
import status from '../__fixtures__/status.json' with { type: 'json' };
import task from '../__fixtures__/task.json' with { type: 'json' };
import thread from '../__fixtures__/thread.json' with { type: 'json' };
import values from '../__fixtures__/values.json' with { type: 'json' };
import webhook from '../__fixtures__/webhook.json' with { type: 'json' };
import webhookCreated from '../__fixtures__/webhook-created.json' with { type: 'json' };
import workspaceMember from '../__fixtures__/workspace-member.json' with { type: 'json' };
import { AttioAttributeSchema, AttioSelectOptionSchema, AttioStatusSchema } from './attribute.ts';
import { AttioCommentSchema, AttioThreadSchema } from './comment.ts';
import { AttioEntrySchema, AttioListSchema } from './list.ts';
import { AttioNoteSchema } from './note.ts';
import { AttioObjectSchema } from './object.ts';
import { AttioRecordEntrySchema, AttioRecordSchema } from './record.ts';
import { AttioSelfSchema } from './self.ts';
import { AttioTaskSchema } from './task.ts';
import { AttioValueSchema } from './value.ts';
import { AttioWebhookSchema, AttioWebhookWithSecretSchema } from './webhook.ts';
import { AttioWorkspaceMemberSchema } from './workspace-member.ts';

describe('Attio schemas', () => {
  it('parse the spec-derived fixtures of every entity', () => {
    const pairs = [
      [AttioAttributeSchema, attribute],
      [AttioCommentSchema, comment],
      [AttioEntrySchema, entry],
      [AttioListSchema, list],
      [AttioNoteSchema, note],
      [AttioObjectSchema, object],
      [AttioRecordSchema, record],
      [AttioSelectOptionSchema, selectOption],
      [AttioSelfSchema, self],
      [AttioStatusSchema, status],
      [AttioTaskSchema, task],
      [AttioThreadSchema, thread],
      [AttioWebhookSchema, webhook],
      [AttioWebhookWithSecretSchema, webhookCreated],
      [AttioWorkspaceMemberSchema, workspaceMember],
    ] as const;
    for (const [schema, fixture] of pairs) expect(schema.safeParse(fixture).error?.issues ?? []).toEqual([]);
    for (const entryOfRecord of recordEntries)
      expect(AttioRecordEntrySchema.parse(entryOfRecord)).toEqual(entryOfRecord);
  });

  it('type each value by attribute_type and keep fields Attio adds later', () => {
    for (const value of values)
      expect(AttioValueSchema.parse({ ...value, added_later: 1 })).toMatchObject({ added_later: 1 });
    expect(AttioValueSchema.safeParse({ attribute_type: 'number', value: 'not a number' }).success).toBe(
      false,
    );
    expect(AttioValueSchema.safeParse({ attribute_type: 'brand-new-type', anything: true }).success).toBe(
      true,
    );
  });

  it('refuse a record without ids', () => {
    expect(AttioRecordSchema.safeParse({ ...record, id: { workspace_id: 'w' } }).success).toBe(false);
  });

  it('read a webhook without its secret as a webhook, but not as a created webhook', () => {
    expect(AttioWebhookWithSecretSchema.safeParse(webhook).success).toBe(false);
    expect(AttioWebhookSchema.safeParse(webhookCreated).success).toBe(true);
  });
});
