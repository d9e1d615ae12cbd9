import { ConfigError, type Paginator } from '@salesos/core';
import type { ApolloContext } from '../internal/apollo-context.ts';
import { definedFields, toApolloQuery } from '../internal/query.ts';
import { pageOf, searchApollo } from '../internal/search-apollo.ts';
import {
  type ApolloTask,
  ApolloTaskResponseSchema,
  ApolloTaskSearchResponseSchema,
} from '../schemas/task.ts';
import type { ApolloListOptions } from './people.ts';

/** Apollo's task types. */
export type ApolloTaskType =
  | 'call'
  | 'outreach_manual_email'
  | 'linkedin_step_connect'
  | 'linkedin_step_message'
  | 'linkedin_step_view_profile'
  | 'linkedin_step_interact_post'
  | 'action_item';

/** What `tasks.create` sends, in Apollo's spelling. */
export interface ApolloTaskInput {
  /** The user who does the task. */
  user_id: string;
  contact_id: string;
  type: ApolloTaskType;
  /** `scheduled` for future tasks; `completed` or `skipped` for done ones. */
  status: 'scheduled' | 'completed' | 'skipped';
  /** ISO-8601 date-time. */
  due_at: string;
  priority?: 'high' | 'medium' | 'low';
  title?: string;
  note?: string;
}

/** Filters of `POST /tasks/search`. */
export interface ApolloTaskSearchFilters {
  sort_by_field?: 'task_due_at' | 'task_priority';
  /** `['task_types']` adds a count of tasks per type to the response. */
  open_factor_names?: string[];
  page?: number;
  /** 1–100. Default 100. */
  per_page?: number;
}

/** The `tasks` namespace. */
export interface TasksResource {
  /**
   * Creates a task.
   *
   * @example
   * ```ts
   * await client.tasks.create({ user_id, contact_id, type: 'call', status: 'scheduled', due_at: '2026-02-01T09:00:00Z' });
   * ```
   */
  create(input: ApolloTaskInput): Promise<ApolloTask>;
  /** Lists the team's tasks. */
  search(filters?: ApolloTaskSearchFilters, options?: ApolloListOptions): Paginator<ApolloTask>;
}

const REQUIRED = ['user_id', 'contact_id', 'type', 'status', 'due_at'] as const;

/** Creates the `tasks` namespace. */
export function createTasksResource(context: ApolloContext): TasksResource {
  return {
    async create(input) {
      const missing = REQUIRED.filter((field) => !input?.[field]);
      if (missing.length > 0) {
        throw new ConfigError(
          `tasks.create: Apollo requires ${missing.map((field) => `"${field}"`).join(', ')}.`,
        );
      }
      if (Number.isNaN(Date.parse(input.due_at))) {
        throw new ConfigError(`tasks.create: "due_at" must be an ISO-8601 date-time, got "${input.due_at}".`);
      }
      const body = await context.request({
        method: 'POST',
        path: '/tasks',
        body: definedFields(input),
        schema: ApolloTaskResponseSchema,
      });
      return body.task;
    },

    search: (filters = {}, options = {}) =>
      searchApollo(
        context,
        {
          method: 'POST',
          path: '/tasks/search',
          known: ['sort_by_field', 'open_factor_names', 'page', 'per_page'],
          ceiling: true,
          params: (rest) => ({
            query: toApolloQuery({
              sort_by_field: rest.sort_by_field,
              open_factor_names: rest.open_factor_names,
            }),
          }),
          schema: ApolloTaskSearchResponseSchema,
          page: (body) => pageOf(body.tasks, body.pagination),
        },
        filters,
        options,
      ),
  };
}
