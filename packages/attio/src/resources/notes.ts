import type { HttpClient, Paginator } from '@salesos/core';
import { offsetPages } from '../internal/pages.ts';
import { AttioEmptySchema, dataOf, listOf } from '../schemas/common.ts';
import { type AttioNote, type AttioNoteCreateInput, AttioNoteSchema } from '../schemas/note.ts';
import { type AttioListControl, type AttioRequestOptions, callOptions } from './resource-context.ts';

/** Parameters of `notes.list`. */
export interface AttioNotesListParams extends AttioListControl {
  /** Slug or id of the parent object; give it with `parent_record_id`. */
  parent_object?: string | undefined;
  parent_record_id?: string | undefined;
  /** Notes per request, at most 50. Default 50. */
  limit?: number | undefined;
}

/** `client.notes`: notes on records. Attio has no note update. */
export interface AttioNotesResource {
  list(params?: AttioNotesListParams): Paginator<AttioNote>;
  /** Creates a note (`format: 'plaintext' | 'markdown'`). */
  create(input: AttioNoteCreateInput, options?: AttioRequestOptions): Promise<AttioNote>;
  get(noteId: string, options?: AttioRequestOptions): Promise<AttioNote>;
  delete(noteId: string, options?: AttioRequestOptions): Promise<void>;
}

const NoteList = listOf(AttioNoteSchema);
const NoteData = dataOf(AttioNoteSchema);

/** Creates `client.notes`. */
export function createNotesResource(http: HttpClient): AttioNotesResource {
  return {
    list(params = {}) {
      const { cursor, signal, limit, ...query } = params;
      return offsetPages(http, '/notes', undefined, NoteList, query, limit ?? 50, { cursor, signal });
    },
    create: async (input, options) =>
      (await http.post('/notes', { body: { data: input }, schema: NoteData, ...callOptions(options) })).data,
    get: async (noteId, options) =>
      (
        await http.get('/notes/{note_id}', {
          pathParams: { note_id: noteId },
          schema: NoteData,
          ...callOptions(options),
        })
      ).data,
    async delete(noteId, options) {
      await http.delete('/notes/{note_id}', {
        pathParams: { note_id: noteId },
        schema: AttioEmptySchema,
        ...callOptions(options),
      });
    },
  };
}
