import { SimulatorError, validationError } from './simulator-error.ts';
import type { PageRequest, SimulatorActor } from './simulator-store.ts';
import type { InternalStore } from './simulator-types.ts';

type Json = Record<string, unknown>;

/** What a route handler gets. */
interface RouteContext {
  params: Record<string, string>;
  query: URLSearchParams;
  body: unknown;
  actor: SimulatorActor;
}

type RouteHandler = (context: RouteContext) => unknown;

interface Route {
  method: string;
  /** The path template below `/v2`, as in Attio's OpenAPI document. */
  template: string;
  pattern: RegExp;
  names: string[];
  handler: RouteHandler;
}

/** A route the simulator matched, for the call log. */
export interface MatchedRoute {
  method: string;
  template: string;
}

const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const integer = (query: URLSearchParams, name: string): number | undefined => {
  const raw = query.get(name);
  if (raw === null || raw === '') return undefined;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) {
    throw validationError([name], `"${name}" must be a non-negative integer.`, 'integer', raw);
  }
  return value;
};

const boolean = (query: URLSearchParams, name: string): boolean | undefined => {
  const raw = query.get(name);
  if (raw === null || raw === '') return undefined;
  if (raw !== 'true' && raw !== 'false')
    throw validationError([name], `"${name}" must be true or false.`, 'boolean', raw);
  return raw === 'true';
};

const pageFromQuery = (
  query: URLSearchParams,
  defaults: { limit: number; min?: number; max?: number },
): PageRequest => {
  const limit = integer(query, 'limit') ?? defaults.limit;
  if (
    (defaults.max !== undefined && limit > defaults.max) ||
    (defaults.min !== undefined && limit < defaults.min)
  ) {
    throw validationError(
      ['limit'],
      `"limit" must be between ${defaults.min ?? 1} and ${defaults.max ?? '∞'}.`,
      'integer in range',
      String(limit),
    );
  }
  return { limit, offset: integer(query, 'offset') ?? 0 };
};

const pageFromBody = (body: unknown): PageRequest => {
  const record = isObject(body) ? body : {};
  const limit = record.limit ?? 500;
  const offset = record.offset ?? 0;
  if (typeof limit !== 'number' || !Number.isInteger(limit) || limit < 1) {
    throw validationError(['limit'], '"limit" must be a positive integer.', 'integer', typeof limit);
  }
  if (typeof offset !== 'number' || !Number.isInteger(offset) || offset < 0) {
    throw validationError(['offset'], '"offset" must be a non-negative integer.', 'integer', typeof offset);
  }
  return { limit, offset };
};

const dataOf = (body: unknown): unknown => {
  if (!isObject(body) || !('data' in body)) {
    throw validationError(['data'], 'The request body must be wrapped in "data".', 'object', typeof body);
  }
  return body.data;
};

const valuesOf = (body: unknown): unknown => {
  const data = dataOf(body);
  if (!isObject(data) || !isObject(data.values)) {
    throw validationError(['data', 'values'], '"values" is required.', 'object', typeof data);
  }
  return data.values;
};

const target = (value: string | undefined): 'objects' | 'lists' => {
  if (value !== 'objects' && value !== 'lists') {
    throw new SimulatorError(404, 'not_found', `Unknown target "${value}": use "objects" or "lists".`);
  }
  return value;
};

const queryBody = (body: unknown): Json => {
  if (body === undefined) return {};
  if (!isObject(body)) throw validationError([], 'The query body must be an object.', 'object', typeof body);
  for (const key of Object.keys(body)) {
    if (!['filter', 'filter_view_id', 'sorts', 'limit', 'offset'].includes(key)) {
      throw validationError([key], `Unknown query field "${key}".`, 'filter | sorts | limit | offset', key);
    }
  }
  return body;
};

/** PATCH appends to multiselect values; PUT overwrites them. */
const WRITE_MODES = [
  ['PATCH', 'append'],
  ['PUT', 'overwrite'],
] as const;

/**
 * The simulator's routes: every endpoint of Attio's REST API v2 that this package calls,
 * answering in Attio's shapes.
 */
export function createSimulatorRoutes(store: InternalStore, newSecret: () => string) {
  const routes: Route[] = [];
  const add = (method: string, template: string, handler: RouteHandler) => {
    const names: string[] = [];
    const pattern = new RegExp(
      `^${template.replace(/\{(\w+)\}/g, (_match, name: string) => {
        names.push(name);
        return '([^/]+)';
      })}$`,
    );
    routes.push({ method, template, pattern, names, handler });
  };
  const data = (value: unknown) => ({ data: value });
  const id = (context: RouteContext, name: string) => context.params[name] as string;
  /** The values of one attribute of a record or an entry, current ones unless `show_historic`. */
  const addValuesRoute = (target: 'objects' | 'lists', parent: string, holders: string, holder: string) =>
    add('GET', `/${target}/{${parent}}/${holders}/{${holder}}/attributes/{attribute}/values`, (context) =>
      data(
        store.attributeValues(
          target,
          id(context, parent),
          id(context, holder),
          id(context, 'attribute'),
          boolean(context.query, 'show_historic') ?? false,
          pageFromQuery(context.query, { limit: Number.MAX_SAFE_INTEGER }),
        ),
      ),
    );

  // -- objects
  add('GET', '/objects', () => data(store.objects()));
  add('POST', '/objects', (context) => data(store.createObject(dataOf(context.body))));
  add('GET', '/objects/{object}', (context) => data(store.object(id(context, 'object'))));
  add('PATCH', '/objects/{object}', (context) =>
    data(store.updateObject(id(context, 'object'), dataOf(context.body))),
  );

  // -- attributes, options, statuses
  add('GET', '/{target}/{identifier}/attributes', (context) => {
    const all = store.attributes(
      target(context.params.target),
      id(context, 'identifier'),
      boolean(context.query, 'show_archived') ?? false,
    );
    const offset = integer(context.query, 'offset') ?? 0;
    const limit = integer(context.query, 'limit') ?? all.length;
    return data(all.slice(offset, offset + limit));
  });
  add('POST', '/{target}/{identifier}/attributes', (context) => {
    const input = dataOf(context.body);
    if (!isObject(input) || typeof input.api_slug !== 'string' || typeof input.type !== 'string') {
      throw validationError(['data'], 'api_slug and type are required.', 'object', typeof input);
    }
    return data(
      store.addAttribute(
        target(context.params.target),
        id(context, 'identifier'),
        {
          api_slug: input.api_slug,
          title: typeof input.title === 'string' ? input.title : input.api_slug,
          type: input.type,
          is_multiselect: input.is_multiselect === true,
          is_unique: input.is_unique === true,
          is_required: input.is_required === true,
          description: typeof input.description === 'string' ? input.description : null,
        },
        context.actor,
      ),
    );
  });
  add('GET', '/{target}/{identifier}/attributes/{attribute}', (context) =>
    data(store.attribute(target(context.params.target), id(context, 'identifier'), id(context, 'attribute'))),
  );
  add('PATCH', '/{target}/{identifier}/attributes/{attribute}', (context) => {
    const input = dataOf(context.body);
    if (!isObject(input)) throw validationError(['data'], 'Expected an object.', 'object', typeof input);
    return data(
      store.updateAttribute(
        target(context.params.target),
        id(context, 'identifier'),
        id(context, 'attribute'),
        input,
        context.actor,
      ),
    );
  });
  for (const [kind, key] of [
    ['options', 'option'],
    ['statuses', 'status'],
  ] as const) {
    const choices = (context: RouteContext) =>
      store.choices(target(context.params.target), id(context, 'identifier'), id(context, 'attribute'), kind);
    add('GET', `/{target}/{identifier}/attributes/{attribute}/${kind}`, (context) => {
      const state = choices(context);
      const all: { is_archived: boolean }[] = kind === 'options' ? state.options : state.statuses;
      const showArchived = boolean(context.query, 'show_archived') ?? false;
      return data(all.filter((choice) => showArchived || !choice.is_archived));
    });
    add('POST', `/{target}/{identifier}/attributes/{attribute}/${kind}`, (context) => {
      const state = choices(context);
      const input = dataOf(context.body);
      if (!isObject(input) || typeof input.title !== 'string') {
        throw validationError(['data', 'title'], '"title" is required.', 'string', 'undefined');
      }
      const list: { title: string }[] = kind === 'options' ? state.options : state.statuses;
      if (list.some((choice) => choice.title === input.title)) {
        throw new SimulatorError(409, 'slug_conflict', `A ${key} titled "${input.title}" already exists.`);
      }
      const { attribute_id, workspace_id } = state.attribute.id;
      const ownerId = (state.attribute.id.object_id ?? state.attribute.id.list_id) as string;
      const base = { workspace_id, object_id: ownerId, attribute_id };
      if (kind === 'options') {
        const option = { id: { ...base, option_id: store.uuid() }, title: input.title, is_archived: false };
        state.options.push(option);
        return data(option);
      }
      const status = {
        id: { ...base, status_id: store.uuid() },
        title: input.title,
        is_archived: false,
        celebration_enabled: input.celebration_enabled === true,
        target_time_in_status:
          typeof input.target_time_in_status === 'string' ? input.target_time_in_status : null,
      };
      state.statuses.push(status);
      return data(status);
    });
    add('PATCH', `/{target}/{identifier}/attributes/{attribute}/${kind}/{${key}}`, (context) => {
      const state = choices(context);
      const input = dataOf(context.body);
      if (!isObject(input)) throw validationError(['data'], 'Expected an object.', 'object', typeof input);
      const wanted = id(context, key);
      const list = (kind === 'options' ? state.options : state.statuses) as {
        title: string;
        is_archived: boolean;
        id: Record<string, unknown>;
      }[];
      const choice = list.find((item) => item.id[`${key}_id`] === wanted || item.title === wanted);
      if (!choice) throw new SimulatorError(404, 'not_found', `The ${key} "${wanted}" was not found.`);
      if (typeof input.title === 'string') choice.title = input.title;
      if (typeof input.is_archived === 'boolean') choice.is_archived = input.is_archived;
      for (const extra of ['celebration_enabled', 'target_time_in_status'] as const) {
        if (kind === 'statuses' && extra in input) (choice as unknown as Json)[extra] = input[extra];
      }
      return data(choice);
    });
  }

  // -- records
  add('POST', '/objects/{object}/records/query', (context) => {
    const body = queryBody(context.body);
    return data(store.queryRecords(id(context, 'object'), body, pageFromBody(body)));
  });
  add('POST', '/objects/{object}/records', (context) =>
    data(store.createRecord(id(context, 'object'), valuesOf(context.body), context.actor)),
  );
  add('PUT', '/objects/{object}/records', (context) =>
    data(
      store.assertRecord(
        id(context, 'object'),
        context.query.get('matching_attribute'),
        valuesOf(context.body),
        context.actor,
      ).record,
    ),
  );
  add('GET', '/objects/{object}/records/{record_id}', (context) => {
    const record = store.getRecord(id(context, 'object'), id(context, 'record_id'));
    if (!record)
      throw new SimulatorError(404, 'not_found', `Record with ID "${id(context, 'record_id')}" not found.`);
    return data(record);
  });
  for (const [method, mode] of WRITE_MODES) {
    add(method, '/objects/{object}/records/{record_id}', (context) =>
      data(
        store.updateRecord(
          id(context, 'object'),
          id(context, 'record_id'),
          valuesOf(context.body),
          mode,
          context.actor,
        ),
      ),
    );
  }
  add('DELETE', '/objects/{object}/records/{record_id}', (context) => {
    store.deleteRecord(id(context, 'object'), id(context, 'record_id'), context.actor);
    return {};
  });
  addValuesRoute('objects', 'object', 'records', 'record_id');
  add('GET', '/objects/{object}/records/{record_id}/entries', (context) =>
    data(
      store.recordEntries(
        id(context, 'object'),
        id(context, 'record_id'),
        pageFromQuery(context.query, { limit: 100, max: 1000 }),
      ),
    ),
  );

  // -- lists and entries
  add('GET', '/lists', () => data(store.lists()));
  add('POST', '/lists', (context) => data(store.createList(dataOf(context.body), context.actor)));
  add('GET', '/lists/{list}', (context) => data(store.list(id(context, 'list'))));
  add('PATCH', '/lists/{list}', (context) =>
    data(store.updateList(id(context, 'list'), dataOf(context.body), context.actor)),
  );
  add('POST', '/lists/{list}/entries/query', (context) => {
    const body = queryBody(context.body);
    return data(store.queryEntries(id(context, 'list'), body, pageFromBody(body)));
  });
  add('POST', '/lists/{list}/entries', (context) =>
    data(store.createEntry(id(context, 'list'), dataOf(context.body), context.actor)),
  );
  add('PUT', '/lists/{list}/entries', (context) =>
    data(store.assertEntry(id(context, 'list'), dataOf(context.body), context.actor).entry),
  );
  add('GET', '/lists/{list}/entries/{entry_id}', (context) =>
    data(store.getEntry(id(context, 'list'), id(context, 'entry_id'))),
  );
  const entryValuesOf = (body: unknown) => {
    const input = dataOf(body);
    if (!isObject(input) || !isObject(input.entry_values)) {
      throw validationError(['data', 'entry_values'], '"entry_values" is required.', 'object', typeof input);
    }
    return input.entry_values;
  };
  for (const [method, mode] of WRITE_MODES) {
    add(method, '/lists/{list}/entries/{entry_id}', (context) =>
      data(
        store.updateEntry(
          id(context, 'list'),
          id(context, 'entry_id'),
          entryValuesOf(context.body),
          mode,
          context.actor,
        ),
      ),
    );
  }
  add('DELETE', '/lists/{list}/entries/{entry_id}', (context) => {
    store.deleteEntry(id(context, 'list'), id(context, 'entry_id'), context.actor);
    return {};
  });
  addValuesRoute('lists', 'list', 'entries', 'entry_id');

  // -- workspace members
  add('GET', '/workspace_members', () => data(store.members()));
  add('GET', '/workspace_members/{workspace_member_id}', (context) =>
    data(store.member(id(context, 'workspace_member_id'))),
  );

  // -- notes
  add('GET', '/notes', (context) => {
    const request = pageFromQuery(context.query, { limit: 10, max: 50 });
    const all = store.notes({
      parent_object: context.query.get('parent_object'),
      parent_record_id: context.query.get('parent_record_id'),
    });
    return data(all.slice(request.offset, request.offset + request.limit));
  });
  add('POST', '/notes', (context) => data(store.createNote(dataOf(context.body), context.actor)));
  add('GET', '/notes/{note_id}', (context) => data(store.getNote(id(context, 'note_id'))));
  add('DELETE', '/notes/{note_id}', (context) => {
    store.deleteNote(id(context, 'note_id'), context.actor);
    return {};
  });

  // -- tasks
  add('GET', '/tasks', (context) => {
    const request = pageFromQuery(context.query, { limit: 500 });
    const sort = context.query.get('sort') ?? 'created_at:asc';
    if (sort !== 'created_at:asc' && sort !== 'created_at:desc') {
      throw validationError(['sort'], '"sort" must be created_at:asc or created_at:desc.', 'enum', sort);
    }
    const linkedObject = context.query.get('linked_object');
    const linkedRecord = context.query.get('linked_record_id');
    if ((linkedObject === null) !== (linkedRecord === null)) {
      throw validationError(
        ['linked_object'],
        'linked_object and linked_record_id go together.',
        'both',
        'one',
      );
    }
    const assignee = context.query.get('assignee');
    const completed = boolean(context.query, 'is_completed');
    const objectId = linkedObject ? store.objectIdOf(linkedObject) : undefined;
    const memberId = assignee && assignee !== 'null' ? store.findMember(assignee) : undefined;
    let all = store.tasks().filter((task) => {
      if (completed !== undefined && task.is_completed !== completed) return false;
      if (
        linkedRecord &&
        !task.linked_records.some(
          (link) => link.target_record_id === linkedRecord && link.target_object_id === objectId,
        )
      ) {
        return false;
      }
      if (assignee !== null) {
        if (assignee === '' || assignee === 'null') return task.assignees.length === 0;
        return task.assignees.some((item) => item.referenced_actor_id === memberId);
      }
      return true;
    });
    if (sort === 'created_at:desc') all = all.reverse();
    return data(all.slice(request.offset, request.offset + request.limit));
  });
  add('POST', '/tasks', (context) => data(store.createTask(dataOf(context.body), context.actor)));
  add('GET', '/tasks/{task_id}', (context) => data(store.getTask(id(context, 'task_id'))));
  add('PATCH', '/tasks/{task_id}', (context) =>
    data(store.updateTask(id(context, 'task_id'), dataOf(context.body), context.actor)),
  );
  add('DELETE', '/tasks/{task_id}', (context) => {
    store.deleteTask(id(context, 'task_id'), context.actor);
    return {};
  });

  // -- threads and comments
  add('GET', '/threads', (context) => {
    const request = pageFromQuery(context.query, { limit: 10, max: 50 });
    const filter: { record_id?: string; object?: string; entry_id?: string; list?: string } = {};
    for (const key of ['record_id', 'object', 'entry_id', 'list'] as const) {
      const value = context.query.get(key);
      if (value !== null) filter[key] = value;
    }
    if ((filter.record_id === undefined) !== (filter.object === undefined)) {
      throw validationError(['record_id'], 'record_id and object go together.', 'both', 'one');
    }
    if ((filter.entry_id === undefined) !== (filter.list === undefined)) {
      throw validationError(['entry_id'], 'entry_id and list go together.', 'both', 'one');
    }
    return data(store.threads(filter).slice(request.offset, request.offset + request.limit));
  });
  add('GET', '/threads/{thread_id}', (context) => data(store.getThread(id(context, 'thread_id'))));
  add('POST', '/comments', (context) => data(store.createComment(dataOf(context.body), context.actor)));
  add('GET', '/comments/{comment_id}', (context) => data(store.getComment(id(context, 'comment_id'))));
  add('DELETE', '/comments/{comment_id}', (context) => {
    store.deleteComment(id(context, 'comment_id'), context.actor);
    return {};
  });

  // -- webhooks
  add('GET', '/webhooks', (context) => {
    const request = pageFromQuery(context.query, { limit: 10, min: 10, max: 100 });
    return data(store.webhooks().slice(request.offset, request.offset + request.limit));
  });
  add('POST', '/webhooks', (context) => data(store.createWebhook(dataOf(context.body), newSecret())));
  add('GET', '/webhooks/{webhook_id}', (context) => {
    const webhook = store.webhookState(id(context, 'webhook_id'));
    if (!webhook)
      throw new SimulatorError(404, 'not_found', `Webhook with ID "${id(context, 'webhook_id')}" not found.`);
    const { secret: _secret, ...rest } = webhook;
    return data(structuredClone(rest));
  });
  add('PATCH', '/webhooks/{webhook_id}', (context) =>
    data(store.updateWebhook(id(context, 'webhook_id'), dataOf(context.body))),
  );
  add('DELETE', '/webhooks/{webhook_id}', (context) => {
    store.deleteWebhook(id(context, 'webhook_id'));
    return {};
  });

  return {
    routes: routes.map(({ method, template }) => ({ method, template })),
    /** Finds the route of a method and a path below `/v2`. */
    match(method: string, path: string): { route: Route; params: Record<string, string> } | undefined {
      for (const route of routes) {
        if (route.method !== method) continue;
        const found = route.pattern.exec(path);
        if (!found) continue;
        const params: Record<string, string> = {};
        route.names.forEach((name, index) => {
          params[name] = decodeURIComponent(found[index + 1] as string);
        });
        return { route, params };
      }
      return undefined;
    },
    /** Runs a matched route. */
    run(route: Route, context: RouteContext): unknown {
      return route.handler(context);
    },
  };
}
