import type { HttpClient, Paginator } from '@salesos/core';
import type { IterateUpdatedOptions } from '../internal/iterate-updated.ts';
import { createRecordMethods } from '../internal/record-methods.ts';
import { type SalesloftNote, SalesloftNoteSchema } from '../schemas/note.ts';
import type {
  SalesloftId,
  SalesloftListParams,
  SalesloftRequestOptions,
  SalesloftResourceContext,
  SalesloftTimeRange,
} from './resource-context.ts';

/** Filters of `notes.list`. */
export interface SalesloftNotesListParams extends SalesloftListParams {
  ids?: readonly number[] | undefined;
  /** `person` or `account`. */
  associated_with_type?: 'person' | 'account' | undefined;
  associated_with_id?: number | undefined;
  updated_at?: SalesloftTimeRange | undefined;
  sort_by?: 'created_at' | 'updated_at' | undefined;
}

/** Input of `notes.create`. */
export interface SalesloftNoteInput {
  content: string;
  associated_with_type: 'person' | 'account';
  associated_with_id: number;
  subject?: string | undefined;
  call_id?: number | undefined;
  /** The author; default the caller. */
  user_guid?: string | undefined;
  skip_crm_sync?: boolean | undefined;
}

/** Input of `notes.update`. */
export interface SalesloftNoteUpdate {
  content: string;
  call_id?: number | undefined;
}

/** `client.notes`: notes on people and accounts. */
export interface SalesloftNotesResource {
  list(params?: SalesloftNotesListParams): Paginator<SalesloftNote>;
  /** Walks notes by `updated_at` ascending from `since`. */
  iterate(
    options?: IterateUpdatedOptions &
      Omit<SalesloftNotesListParams, keyof SalesloftListParams | 'updated_at' | 'sort_by'>,
  ): Paginator<SalesloftNote>;
  get(id: SalesloftId, options?: SalesloftRequestOptions): Promise<SalesloftNote>;
  create(input: SalesloftNoteInput, options?: SalesloftRequestOptions): Promise<SalesloftNote>;
  update(
    id: SalesloftId,
    input: SalesloftNoteUpdate,
    options?: SalesloftRequestOptions,
  ): Promise<SalesloftNote>;
  delete(id: SalesloftId, options?: SalesloftRequestOptions): Promise<void>;
}

/** Creates `client.notes`. */
export function createNotesResource(
  http: HttpClient,
  context: SalesloftResourceContext,
): SalesloftNotesResource {
  const notes = createRecordMethods(http, {
    collectionPath: '/notes.json',
    memberPath: '/notes/{id}.json',
    schema: SalesloftNoteSchema,
    listOptions: { perPage: context.perPage },
  });
  return {
    list: notes.list,
    iterate: notes.iterate,
    get: notes.get,
    create: notes.create,
    update: notes.update,
    delete: notes.delete,
  };
}
