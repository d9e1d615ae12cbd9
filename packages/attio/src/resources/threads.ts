import type { HttpClient, Paginator } from '@salesos/core';
import { offsetPages } from '../internal/pages.ts';
import {
  type AttioComment,
  type AttioCommentCreateInput,
  AttioCommentSchema,
  type AttioThread,
  AttioThreadSchema,
} from '../schemas/comment.ts';
import { AttioEmptySchema, dataOf, listOf } from '../schemas/common.ts';
import { type AttioListControl, type AttioRequestOptions, callOptions } from './resource-context.ts';

/** Parameters of `threads.list`: the threads of a record or of an entry. */
export type AttioThreadsListParams = AttioListControl & {
  /** Threads per request, at most 50. Default 50. */
  limit?: number | undefined;
} & ({ record_id: string; object: string } | { entry_id: string; list: string } | Record<never, never>);

/** `client.threads`: comment threads on records and entries. */
export interface AttioThreadsResource {
  list(params?: AttioThreadsListParams): Paginator<AttioThread>;
  get(threadId: string, options?: AttioRequestOptions): Promise<AttioThread>;
}

/** `client.comments`. Deleting a thread's first comment deletes the thread. */
export interface AttioCommentsResource {
  /** Replies in a thread (`thread_id`) or starts one on a `record` or an `entry`. */
  create(input: AttioCommentCreateInput, options?: AttioRequestOptions): Promise<AttioComment>;
  get(commentId: string, options?: AttioRequestOptions): Promise<AttioComment>;
  delete(commentId: string, options?: AttioRequestOptions): Promise<void>;
}

const ThreadList = listOf(AttioThreadSchema);
const ThreadData = dataOf(AttioThreadSchema);
const CommentData = dataOf(AttioCommentSchema);

/** Creates `client.threads`. */
export function createThreadsResource(http: HttpClient): AttioThreadsResource {
  return {
    list(params = {}) {
      const { cursor, signal, limit, ...query } = params as AttioListControl & {
        limit?: number;
        [key: string]: unknown;
      };
      return offsetPages(
        http,
        '/threads',
        undefined,
        ThreadList,
        query as Record<string, string>,
        limit ?? 50,
        { cursor, signal },
      );
    },
    get: async (threadId, options) =>
      (
        await http.get('/threads/{thread_id}', {
          pathParams: { thread_id: threadId },
          schema: ThreadData,
          ...callOptions(options),
        })
      ).data,
  };
}

/** Creates `client.comments`. */
export function createCommentsResource(http: HttpClient): AttioCommentsResource {
  return {
    create: async (input, options) =>
      (await http.post('/comments', { body: { data: input }, schema: CommentData, ...callOptions(options) }))
        .data,
    get: async (commentId, options) =>
      (
        await http.get('/comments/{comment_id}', {
          pathParams: { comment_id: commentId },
          schema: CommentData,
          ...callOptions(options),
        })
      ).data,
    async delete(commentId, options) {
      await http.delete('/comments/{comment_id}', {
        pathParams: { comment_id: commentId },
        schema: AttioEmptySchema,
        ...callOptions(options),
      });
    },
  };
}
