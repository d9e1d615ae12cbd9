import type { HttpClient, Paginator } from '@salesos/core';
import { offsetPages } from '../internal/pages.ts';
import { AttioEmptySchema, dataOf, listOf } from '../schemas/common.ts';
import {
  type AttioTask,
  type AttioTaskCreateInput,
  AttioTaskSchema,
  type AttioTaskUpdateInput,
} from '../schemas/task.ts';
import { type AttioListControl, type AttioRequestOptions, callOptions } from './resource-context.ts';

/** Parameters of `tasks.list`. */
export interface AttioTasksListParams extends AttioListControl {
  /** `created_at:asc` (Attio's default) or `created_at:desc`. */
  sort?: 'created_at:asc' | 'created_at:desc' | undefined;
  /** Object of `linked_record_id`; the two go together. */
  linked_object?: string | undefined;
  linked_record_id?: string | undefined;
  /** A workspace member id or email; `'null'` finds unassigned tasks. */
  assignee?: string | undefined;
  is_completed?: boolean | undefined;
  /** Tasks per request. Default 500. */
  limit?: number | undefined;
}

/** `client.tasks`. */
export interface AttioTasksResource {
  list(params?: AttioTasksListParams): Paginator<AttioTask>;
  create(input: AttioTaskCreateInput, options?: AttioRequestOptions): Promise<AttioTask>;
  get(taskId: string, options?: AttioRequestOptions): Promise<AttioTask>;
  /** Changes `deadline_at`, `is_completed`, `linked_records` or `assignees` (the content cannot change). */
  update(taskId: string, input: AttioTaskUpdateInput, options?: AttioRequestOptions): Promise<AttioTask>;
  delete(taskId: string, options?: AttioRequestOptions): Promise<void>;
}

const TaskList = listOf(AttioTaskSchema);
const TaskData = dataOf(AttioTaskSchema);

/** Creates `client.tasks`. */
export function createTasksResource(http: HttpClient): AttioTasksResource {
  return {
    list(params = {}) {
      const { cursor, signal, limit, ...query } = params;
      return offsetPages(http, '/tasks', undefined, TaskList, query, limit ?? 500, { cursor, signal });
    },
    create: async (input, options) =>
      (await http.post('/tasks', { body: { data: input }, schema: TaskData, ...callOptions(options) })).data,
    get: async (taskId, options) =>
      (
        await http.get('/tasks/{task_id}', {
          pathParams: { task_id: taskId },
          schema: TaskData,
          ...callOptions(options),
        })
      ).data,
    update: async (taskId, input, options) =>
      (
        await http.patch('/tasks/{task_id}', {
          pathParams: { task_id: taskId },
          body: { data: input },
          schema: TaskData,
          ...callOptions(options),
        })
      ).data,
    async delete(taskId, options) {
      await http.delete('/tasks/{task_id}', {
        pathParams: { task_id: taskId },
        schema: AttioEmptySchema,
        ...callOptions(options),
      });
    },
  };
}
