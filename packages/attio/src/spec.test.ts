import { readFileSync } from 'node:fs';
import { setupServer } from 'msw/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ZodType } from 'zod';
import { createAttioClient } from './client.ts';
import { AttioAttributeSchema, AttioSelectOptionSchema, AttioStatusSchema } from './schemas/attribute.ts';
import { AttioCommentSchema, AttioThreadSchema } from './schemas/comment.ts';
import { AttioEmptySchema, dataOf, listOf } from './schemas/common.ts';
import { AttioEntrySchema, AttioListSchema } from './schemas/list.ts';
import { AttioNoteSchema } from './schemas/note.ts';
import { AttioObjectSchema } from './schemas/object.ts';
import { AttioRecordEntrySchema, AttioRecordSchema } from './schemas/record.ts';
import { AttioSelfSchema } from './schemas/self.ts';
import { AttioTaskSchema } from './schemas/task.ts';
import { AttioValueSchema } from './schemas/value.ts';
import { AttioWebhookSchema, AttioWebhookWithSecretSchema } from './schemas/webhook.ts';
import { AttioWorkspaceMemberSchema } from './schemas/workspace-member.ts';
import { createAttioSimulator } from './testing/index.ts';

type SpecSchema = Record<string, unknown>;
interface SpecOperation {
  parameters?: { name: string; in: string }[];
  responses: Record<string, { content?: Record<string, { schema?: SpecSchema }> }>;
}
interface SpecDocument {
  paths: Record<string, Record<string, SpecOperation>>;
  components: { schemas: Record<string, SpecSchema> };
}

const spec = JSON.parse(
  readFileSync(new URL('../../../../shared/specs/attio.openapi.json', import.meta.url), 'utf8'),
) as SpecDocument;

const templates = Object.keys(spec.paths).map((template) => ({
  template,
  pattern: new RegExp(`^${template.replace(/\{[^}]+\}/g, '[^/]+')}$`),
  // Literal segments first: `/v2/objects/{object}/records` must win over `/v2/{target}/{identifier}/attributes`.
  literal: template.replace(/\{[^}]+\}/g, '').length,
}));
templates.sort((left, right) => right.literal - left.literal);

/** The spec's template of a requested path (`/v2/...`), if any. */
const templateOf = (path: string) => templates.find((candidate) => candidate.pattern.test(path))?.template;

/**
 * Builds example bodies from a spec schema: the `example`s the spec gives, and one variant
 * per branch of every `anyOf`, so each value type and response alternative is covered.
 */
function examplesOf(schema: SpecSchema | undefined, depth = 0): unknown[] {
  if (!schema || depth > 12) return [undefined];
  const ref = schema.$ref as string | undefined;
  if (ref) return examplesOf(spec.components.schemas[ref.split('/').pop() as string], depth + 1);
  if (schema.example !== undefined) return [schema.example];
  const branches = (schema.anyOf ?? schema.oneOf) as SpecSchema[] | undefined;
  if (branches) return branches.flatMap((branch) => examplesOf(branch, depth + 1)).slice(0, 40);
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
  if (type === 'object' || schema.properties) {
    const properties = Object.entries((schema.properties ?? {}) as Record<string, SpecSchema>);
    const options = properties.map(([key, property]) => [key, examplesOf(property, depth + 1)] as const);
    const base = Object.fromEntries(options.map(([key, values]) => [key, values[0]]));
    const variants: unknown[] = [base];
    for (const [key, values] of options) {
      for (const value of values.slice(1)) variants.push({ ...base, [key]: value });
    }
    return variants.slice(0, 40);
  }
  if (type === 'array') {
    const items = examplesOf(schema.items as SpecSchema | undefined, depth + 1);
    return [[items[0]], ...items.slice(1).map((item) => [item])];
  }
  if (Array.isArray(schema.enum)) return [schema.enum[0]];
  if (type === 'string') return ['example'];
  if (type === 'number' || type === 'integer') return [1];
  if (type === 'boolean') return [true];
  return [null];
}

/** The schema the client validates each operation's 200 body with. */
const CLIENT_SCHEMAS: Record<string, ZodType> = {
  'GET /v2/objects': listOf(AttioObjectSchema),
  'POST /v2/objects': dataOf(AttioObjectSchema),
  'GET /v2/objects/{object}': dataOf(AttioObjectSchema),
  'PATCH /v2/objects/{object}': dataOf(AttioObjectSchema),
  'GET /v2/{target}/{identifier}/attributes': listOf(AttioAttributeSchema),
  'POST /v2/{target}/{identifier}/attributes': dataOf(AttioAttributeSchema),
  'GET /v2/{target}/{identifier}/attributes/{attribute}': dataOf(AttioAttributeSchema),
  'PATCH /v2/{target}/{identifier}/attributes/{attribute}': dataOf(AttioAttributeSchema),
  'GET /v2/{target}/{identifier}/attributes/{attribute}/options': listOf(AttioSelectOptionSchema),
  'POST /v2/{target}/{identifier}/attributes/{attribute}/options': dataOf(AttioSelectOptionSchema),
  'PATCH /v2/{target}/{identifier}/attributes/{attribute}/options/{option}': dataOf(AttioSelectOptionSchema),
  'GET /v2/{target}/{identifier}/attributes/{attribute}/statuses': listOf(AttioStatusSchema),
  'POST /v2/{target}/{identifier}/attributes/{attribute}/statuses': dataOf(AttioStatusSchema),
  'PATCH /v2/{target}/{identifier}/attributes/{attribute}/statuses/{status}': dataOf(AttioStatusSchema),
  'POST /v2/objects/{object}/records/query': listOf(AttioRecordSchema),
  'POST /v2/objects/{object}/records': dataOf(AttioRecordSchema),
  'PUT /v2/objects/{object}/records': dataOf(AttioRecordSchema),
  'GET /v2/objects/{object}/records/{record_id}': dataOf(AttioRecordSchema),
  'PATCH /v2/objects/{object}/records/{record_id}': dataOf(AttioRecordSchema),
  'PUT /v2/objects/{object}/records/{record_id}': dataOf(AttioRecordSchema),
  'DELETE /v2/objects/{object}/records/{record_id}': AttioEmptySchema,
  'GET /v2/objects/{object}/records/{record_id}/attributes/{attribute}/values': listOf(AttioValueSchema),
  'GET /v2/objects/{object}/records/{record_id}/entries': listOf(AttioRecordEntrySchema),
  'GET /v2/lists': listOf(AttioListSchema),
  'POST /v2/lists': dataOf(AttioListSchema),
  'GET /v2/lists/{list}': dataOf(AttioListSchema),
  'PATCH /v2/lists/{list}': dataOf(AttioListSchema),
  'POST /v2/lists/{list}/entries/query': listOf(AttioEntrySchema),
  'POST /v2/lists/{list}/entries': dataOf(AttioEntrySchema),
  'PUT /v2/lists/{list}/entries': dataOf(AttioEntrySchema),
  'GET /v2/lists/{list}/entries/{entry_id}': dataOf(AttioEntrySchema),
  'PATCH /v2/lists/{list}/entries/{entry_id}': dataOf(AttioEntrySchema),
  'PUT /v2/lists/{list}/entries/{entry_id}': dataOf(AttioEntrySchema),
  'DELETE /v2/lists/{list}/entries/{entry_id}': AttioEmptySchema,
  'GET /v2/lists/{list}/entries/{entry_id}/attributes/{attribute}/values': listOf(AttioValueSchema),
  'GET /v2/workspace_members': listOf(AttioWorkspaceMemberSchema),
  'GET /v2/workspace_members/{workspace_member_id}': dataOf(AttioWorkspaceMemberSchema),
  'GET /v2/notes': listOf(AttioNoteSchema),
  'POST /v2/notes': dataOf(AttioNoteSchema),
  'GET /v2/notes/{note_id}': dataOf(AttioNoteSchema),
  'DELETE /v2/notes/{note_id}': AttioEmptySchema,
  'GET /v2/tasks': listOf(AttioTaskSchema),
  'POST /v2/tasks': dataOf(AttioTaskSchema),
  'GET /v2/tasks/{task_id}': dataOf(AttioTaskSchema),
  'PATCH /v2/tasks/{task_id}': dataOf(AttioTaskSchema),
  'DELETE /v2/tasks/{task_id}': AttioEmptySchema,
  'GET /v2/threads': listOf(AttioThreadSchema),
  'GET /v2/threads/{thread_id}': dataOf(AttioThreadSchema),
  'POST /v2/comments': dataOf(AttioCommentSchema),
  'GET /v2/comments/{comment_id}': dataOf(AttioCommentSchema),
  'DELETE /v2/comments/{comment_id}': AttioEmptySchema,
  'GET /v2/webhooks': listOf(AttioWebhookSchema),
  'POST /v2/webhooks': dataOf(AttioWebhookWithSecretSchema),
  'GET /v2/webhooks/{webhook_id}': dataOf(AttioWebhookSchema),
  'PATCH /v2/webhooks/{webhook_id}': dataOf(AttioWebhookSchema),
  'DELETE /v2/webhooks/{webhook_id}': AttioEmptySchema,
  'GET /v2/self': AttioSelfSchema,
};

// The walk checks paths, not limits: the simulator's rate limits would only make it timing-dependent.
const simulator = createAttioSimulator({
  seed: 21,
  records: { companies: 4, people: 6, deals: 2 },
  rateLimits: false,
});
const server = setupServer(...simulator.handlers);
beforeAll(() => server.listen({ onUnhandledFrame: 'error' }));
afterAll(() => server.close());

/** Calls every method of every namespace at least once. */
async function driveEveryMethod() {
  const client = createAttioClient({ apiKey: 'spec-key', rateLimiter: false });
  const invoked = new Set<string>();
  // Count every namespace method the scenario below calls.
  for (const [namespace, resource] of Object.entries(client)) {
    if (
      typeof resource !== 'object' ||
      resource === null ||
      ['schema', 'codec', 'http', 'rateLimiter'].includes(namespace)
    )
      continue;
    for (const [method, implementation] of Object.entries(resource)) {
      if (typeof implementation !== 'function') continue;
      (resource as Record<string, unknown>)[method] = (...args: unknown[]) => {
        invoked.add(`${namespace}.${method}`);
        return (implementation as (...given: unknown[]) => unknown)(...args);
      };
    }
  }

  await client.self();
  await client.objects.list().toArray();
  const custom = await client.objects.create({
    api_slug: 'projects',
    singular_noun: 'Project',
    plural_noun: 'Projects',
  });
  await client.objects.get('projects');
  await client.objects.update(custom.id.object_id, { plural_noun: 'All projects' });

  await client.attributes.list('objects', 'people', { show_archived: true, limit: 50, offset: 0 }).toArray();
  await client.attributes.get('objects', 'people', 'email_addresses');
  await client.attributes.create('objects', 'projects', {
    title: 'Phase',
    description: null,
    api_slug: 'phase',
    type: 'select',
    is_required: false,
    is_unique: false,
    is_multiselect: false,
    config: {},
  });
  await client.attributes.update('objects', 'projects', 'phase', { title: 'Project phase' });
  await client.attributes
    .listOptions('objects', 'companies', 'categories', { show_archived: true })
    .toArray();
  const option = await client.attributes.createOption('objects', 'projects', 'phase', { title: 'Discovery' });
  await client.attributes.updateOption('objects', 'projects', 'phase', option.id.option_id, {
    title: 'Discover',
  });
  await client.attributes.listStatuses('objects', 'deals', 'stage', { show_archived: false }).toArray();
  const status = await client.attributes.createStatus('objects', 'deals', 'stage', { title: 'Paused' });
  await client.attributes.updateStatus('objects', 'deals', 'stage', status.id.status_id, {
    is_archived: true,
  });

  const records = await client.records
    .query('people', {
      filter: { $and: [{ job_title: { $not_empty: true } }, { name: { last_name: { $starts_with: 'a' } } }] },
      sorts: [{ direction: 'asc', attribute: 'name', field: 'last_name' }],
      limit: 2,
    })
    .toArray({ limit: 3 });
  await client.records.iterate('people', { limit: 5 }).toArray({ limit: 5 });
  const person = await client.records.create('people', {
    values: { email_addresses: ['spec@example.com'], name: 'Spec, Ada' },
  });
  const recordId = person.id.record_id;
  await client.records.get('people', recordId);
  await client.records.assert('people', {
    matching_attribute: 'email_addresses',
    values: { email_addresses: ['spec@example.com'], job_title: 'Analyst' },
  });
  await client.records.update('people', recordId, { values: { phone_numbers: ['+44 20 7946 0000'] } });
  await client.records.update(
    'people',
    recordId,
    { values: { phone_numbers: ['+44 20 7946 0001'] } },
    { multiselect: 'overwrite' },
  );
  await client.records
    .values('people', recordId, 'phone_numbers', { show_historic: true, limit: 10 })
    .toArray();

  const company = records[0]?.values.company?.[0] as { target_record_id?: string } | undefined;
  const companyId = company?.target_record_id ?? simulator.store.records('companies')[0]?.id.record_id ?? '';
  await client.lists.list().toArray();
  await client.lists.get('sales');
  const list = await client.lists.create({
    name: 'Hiring',
    api_slug: 'hiring',
    parent_object: 'people',
    workspace_access: 'full-access',
    workspace_member_access: [],
  });
  await client.lists.update(list.id.list_id, { name: 'Hiring 2026' });
  const entry = await client.entries.create('sales', {
    parent_record_id: companyId,
    parent_object: 'companies',
    entry_values: { stage: 'Prospecting', tags: ['Inbound'] },
  });
  await client.entries.assert('sales', {
    parent_record_id: companyId,
    parent_object: 'companies',
    entry_values: { priority: 'High' },
  });
  await client.entries
    .query('sales', {
      filter: { stage: 'Prospecting' },
      sorts: [{ direction: 'desc', attribute: 'priority' }],
    })
    .toArray();
  await client.entries.get('sales', entry.id.entry_id);
  await client.entries.update('sales', entry.id.entry_id, { entry_values: { tags: ['Partner'] } });
  await client.entries.update(
    'sales',
    entry.id.entry_id,
    { entry_values: { tags: ['Outbound'] } },
    { multiselect: 'overwrite' },
  );
  await client.entries.values('sales', entry.id.entry_id, 'tags', { show_historic: true }).toArray();
  await client.records.entries('companies', companyId, { limit: 10 }).toArray();
  await client.entries.delete('sales', entry.id.entry_id);

  const members = await client.workspaceMembers.list().toArray();
  const memberId = members[0]?.id.workspace_member_id ?? '';
  await client.workspaceMembers.get(memberId);

  const note = await client.notes.create({
    parent_object: 'people',
    parent_record_id: recordId,
    title: 'Call',
    format: 'markdown',
    content: '# Summary\n- **Budget** approved',
  });
  await client.notes.list({ parent_object: 'people', parent_record_id: recordId, limit: 10 }).toArray();
  await client.notes.get(note.id.note_id);
  await client.notes.delete(note.id.note_id);

  const task = await client.tasks.create({
    content: 'Follow up',
    format: 'plaintext',
    deadline_at: '2030-01-01T00:00:00.000Z',
    is_completed: false,
    linked_records: [{ target_object: 'people', target_record_id: recordId }],
    assignees: [{ referenced_actor_type: 'workspace-member', referenced_actor_id: memberId }],
  });
  await client.tasks
    .list({
      sort: 'created_at:desc',
      linked_object: 'people',
      linked_record_id: recordId,
      assignee: memberId,
      is_completed: false,
      limit: 10,
    })
    .toArray();
  await client.tasks.get(task.id.task_id);
  await client.tasks.update(task.id.task_id, { is_completed: true });
  await client.tasks.delete(task.id.task_id);

  const comment = await client.comments.create({
    format: 'plaintext',
    content: 'Looks good',
    author: { type: 'workspace-member', id: memberId },
    record: { object: 'people', record_id: recordId },
  });
  await client.comments.create({
    format: 'plaintext',
    content: 'Agreed',
    author: { type: 'workspace-member', id: memberId },
    thread_id: comment.thread_id,
  });
  await client.threads.list({ record_id: recordId, object: 'people', limit: 10 }).toArray();
  await client.threads.get(comment.thread_id);
  await client.comments.get(comment.id.comment_id);
  await client.comments.delete(comment.id.comment_id);

  const webhook = await client.webhooks.create({
    target_url: 'https://example.com/attio',
    subscriptions: [{ event_type: 'record.created', filter: null }],
  });
  await client.webhooks.list({ limit: 20 }).toArray();
  await client.webhooks.get(webhook.id.webhook_id);
  await client.webhooks.update(webhook.id.webhook_id, {
    subscriptions: [
      {
        event_type: 'record.updated',
        filter: { $and: [{ field: 'id.object_id', operator: 'equals', value: 'x' }] },
      },
    ],
  });
  await client.webhooks.delete(webhook.id.webhook_id);
  await client.records.delete('people', recordId);
  return invoked;
}

describe('the Attio OpenAPI document', () => {
  it('declares every method, path and query parameter the client sends, and every namespace method is driven', async () => {
    const invoked = await driveEveryMethod();
    const client = createAttioClient({ apiKey: 'spec-key' });
    const every = Object.entries(client).flatMap(([namespace, resource]) =>
      typeof resource === 'object' &&
      resource !== null &&
      !['schema', 'codec', 'http', 'rateLimiter'].includes(namespace)
        ? Object.keys(resource).map((method) => `${namespace}.${method}`)
        : [],
    );
    expect(every.filter((method) => !invoked.has(method))).toEqual([]);

    expect(simulator.calls.length).toBeGreaterThan(60);
    const problems: string[] = [];
    for (const call of simulator.calls) {
      const path = `/v2${call.path}`;
      const template = templateOf(path);
      const operation = template ? spec.paths[template]?.[call.method.toLowerCase()] : undefined;
      if (!template || !operation) {
        problems.push(`${call.method} ${path} is not in the spec`);
        continue;
      }
      const declared = new Set(
        (operation.parameters ?? []).filter((item) => item.in === 'query').map((item) => item.name),
      );
      for (const key of Object.keys(call.query)) {
        if (!declared.has(key))
          problems.push(`${call.method} ${template} sends undeclared query parameter "${key}"`);
      }
      if (call.status >= 400) problems.push(`${call.method} ${path} answered ${call.status}`);
    }
    expect(problems).toEqual([]);

    // Every operation called has a client schema, checked against the spec examples below.
    const called = new Set(
      simulator.calls.map((call) => `${call.method} ${templateOf(`/v2${call.path}`) ?? call.path}`),
    );
    expect([...called].filter((operation) => !(operation in CLIENT_SCHEMAS))).toEqual([]);
  });

  it('has a response example for every operation the client calls, and each parses with the client schema', () => {
    const failures: string[] = [];
    let parsed = 0;
    for (const [operation, schema] of Object.entries(CLIENT_SCHEMAS)) {
      const [method, template] = operation.split(' ') as [string, string];
      const responseSchema =
        spec.paths[template]?.[method.toLowerCase()]?.responses['200']?.content?.['application/json']?.schema;
      if (!responseSchema) {
        failures.push(`${operation}: no 200 response in the spec`);
        continue;
      }
      for (const example of examplesOf(responseSchema)) {
        const result = schema.safeParse(example);
        parsed += 1;
        if (!result.success) {
          failures.push(
            `${operation}: ${result.error.issues.map((issue) => `${issue.path.join('.')} ${issue.message}`).join('; ')}`,
          );
        }
      }
    }
    expect(failures).toEqual([]);
    // Every value type of the values endpoints, and both shapes of /self, were among them.
    expect(parsed).toBeGreaterThan(Object.keys(CLIENT_SCHEMAS).length + 30);
  });
});
