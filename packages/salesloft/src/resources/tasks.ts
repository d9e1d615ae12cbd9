import type { HttpClient, Paginator } from '@salesos/core';
import { createRecordMethods } from '../internal/record-methods.ts';
import { type SalesloftTask, SalesloftTaskSchema } from '../schemas/task.ts';
import type {
  SalesloftId,
  SalesloftListParams,
  SalesloftRequestOptions,
  SalesloftResourceContext,
} from './resource-context.ts';

/** Filters of `tasks.list`. */
export interface SalesloftTasksListParams extends SalesloftListParams {
  ids?: readonly number[] | undefined;
  user_id?: readonly number[] | undefined;
  person_id?: readonly number[] | undefined;
  account_id?: readonly number[] | undefined;
  current_state?: readonly string[] | undefined;
  task_type?: readonly string[] | undefined;
  time_interval_filter?: string | undefined;
  idempotency_key?: string | undefined;
  locale?: readonly string[] | undefined;
  sort_by?: 'due_date' | 'due_at' | undefined;
}

/** Input of `tasks.create`. */
export interface SalesloftTaskInput {
  subject: string;
  person_id: number;
  user_id: number;
  task_type: 'call' | 'email' | 'general';
  /** ISO-8601 date (`2026-03-01`). */
  due_date: string;
  /** Only `scheduled` is accepted. Default `scheduled`. */
  current_state?: 'scheduled' | undefined;
  description?: string | undefined;
  /** ISO-8601 date-time. */
  remind_at?: string | undefined;
  /**
   * Makes the create safe to repeat: SalesLoft answers the task already created with this
   * key. With a key, the client also retries the create after a timeout or a 5xx.
   */
  idempotency_key?: string | undefined;
}

/** Input of `tasks.update`. */
export interface SalesloftTaskUpdate {
  /** `completed` completes the task. */
  current_state?: 'completed' | undefined;
  due_date?: string | undefined;
  remind_at?: string | undefined;
  description?: string | undefined;
  is_logged?: boolean | undefined;
  [field: string]: unknown;
}

/** `client.tasks`: calls, emails and to-dos for users. */
export interface SalesloftTasksResource {
  list(params?: SalesloftTasksListParams): Paginator<SalesloftTask>;
  get(id: SalesloftId, options?: SalesloftRequestOptions): Promise<SalesloftTask>;
  create(input: SalesloftTaskInput, options?: SalesloftRequestOptions): Promise<SalesloftTask>;
  update(
    id: SalesloftId,
    input: SalesloftTaskUpdate,
    options?: SalesloftRequestOptions,
  ): Promise<SalesloftTask>;
}

/** Creates `client.tasks`. */
export function createTasksResource(
  http: HttpClient,
  context: SalesloftResourceContext,
): SalesloftTasksResource {
  const tasks = createRecordMethods(http, {
    collectionPath: '/tasks.json',
    memberPath: '/tasks/{id}.json',
    schema: SalesloftTaskSchema,
    listOptions: { perPage: context.perPage },
  });
  return {
    list: tasks.list,
    get: tasks.get,
    create: (input, options) =>
      tasks.post(
        {
          body: { current_state: 'scheduled', ...input },
          idempotent: input.idempotency_key !== undefined,
        },
        options,
      ),
    update: tasks.update,
  };
}
