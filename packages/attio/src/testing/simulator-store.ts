import type { Random } from '@salesos/core/testing';
import { STANDARD_ATTRIBUTES, type StandardAttribute } from '../codec/standard-attributes.ts';
import type { AttioAttribute, AttioSelectOption, AttioStatus } from '../schemas/attribute.ts';
import type { AttioComment, AttioThread } from '../schemas/comment.ts';
import type { AttioEntry, AttioList } from '../schemas/list.ts';
import type { AttioNote } from '../schemas/note.ts';
import type { AttioObject } from '../schemas/object.ts';
import type { AttioRecord } from '../schemas/record.ts';
import type { AttioTask } from '../schemas/task.ts';
import type { AttioWebhook } from '../schemas/webhook.ts';
import type { AttioWorkspaceMember } from '../schemas/workspace-member.ts';
import { notFound, SimulatorError, validationError } from './simulator-error.ts';
import { checkFilter, matchesFilter, type Queryable, sortItems } from './simulator-query.ts';
import {
  CITIES,
  COMPANY_STEMS,
  COMPANY_SUFFIXES,
  FIRST_NAMES,
  JOB_TITLES,
  LAST_NAMES,
} from './simulator-seed-data.ts';
import { attioTimestamp, readValueOf, type ValueContext, valueKey } from './simulator-values.ts';

type Json = Record<string, unknown>;

/** Who made a change: the API token (API calls) or a workspace member (edits "in the UI"). */
export interface SimulatorActor {
  type: 'api-token' | 'workspace-member' | 'system' | 'app';
  id: string | null;
}

/** An event the simulator raises when its state changes, in Attio's webhook event shape. */
export interface SimulatorEvent extends Json {
  event_type: string;
  id: Json;
  actor: SimulatorActor;
}

/** @internal */
export interface AttributeState {
  attribute: AttioAttribute;
  options: AttioSelectOption[];
  statuses: AttioStatus[];
}

/** @internal */
export interface ValueHolder {
  /** Every value ever written, current ones with `active_until: null`. */
  values: Map<string, Json[]>;
  sequence: number;
}

/** @internal */
export interface RecordState extends ValueHolder {
  id: { workspace_id: string; object_id: string; record_id: string };
  created_at: string;
}

/** @internal */
export interface ObjectState {
  object: AttioObject;
  attributes: Map<string, AttributeState>;
  records: Map<string, RecordState>;
}

/** @internal */
export interface EntryState extends ValueHolder {
  id: { workspace_id: string; list_id: string; entry_id: string };
  parent_record_id: string;
  parent_object: string;
  created_at: string;
}

/** @internal */
export interface ListState {
  list: AttioList;
  attributes: Map<string, AttributeState>;
  entries: Map<string, EntryState>;
}

/** How a write treats multiselect attributes. */
export type WriteMode = 'create' | 'append' | 'overwrite';

/** Options of the simulator store. */
export interface SimulatorStoreOptions {
  random: Random;
  now: () => number;
  /** Receives every change, in Attio's webhook event shape. */
  onEvent: (event: SimulatorEvent) => void;
}

/** Page of a query: `limit` and `offset` as Attio reads them from the body or the query string. */
export interface PageRequest {
  limit: number;
  offset: number;
}

const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Rejects a request `data` that is not an object. */
const expectObject: (data: unknown) => asserts data is Json = (data) => {
  if (!isObject(data)) throw validationError(['data'], 'Expected an object.', 'object', typeof data);
};

/** The item stored under `slugOrId`, or the one whose id is `slugOrId`. */
const bySlugOrId = <T>(items: Map<string, T>, slugOrId: string, idOf: (item: T) => string): T | undefined => {
  const bySlug = items.get(slugOrId);
  if (bySlug) return bySlug;
  for (const item of items.values()) if (idOf(item) === slugOrId) return item;
  return undefined;
};

/** The item stored under `id`, or Attio's 404 with `message`. */
const mustGet = <T>(items: Map<string, T>, id: string, message: string): T => {
  const item = items.get(id);
  if (!item) throw notFound(message);
  return item;
};

/** An empty Attio location but for its city, region and country. */
const location = (locality: string, region: string, countryCode: string) => ({
  line_1: null,
  line_2: null,
  line_3: null,
  line_4: null,
  locality,
  region,
  postcode: null,
  country_code: countryCode,
  latitude: null,
  longitude: null,
});

/**
 * The simulator's state: a whole Attio workspace in memory. Tests reach it through
 * `simulator.store` to seed records and to change data as a user would in Attio's UI.
 */
export function createSimulatorStore(options: SimulatorStoreOptions) {
  const { random, onEvent } = options;
  let sequence = 0;
  const uuid = (): string => {
    const hex = Array.from({ length: 32 }, () => random.int(0, 15).toString(16));
    hex[12] = '4';
    hex[16] = '89ab'[random.int(0, 3)] as string;
    const text = hex.join('');
    return `${text.slice(0, 8)}-${text.slice(8, 12)}-${text.slice(12, 16)}-${text.slice(16, 20)}-${text.slice(20)}`;
  };
  const timestamp = (offsetMs = 0) => attioTimestamp(options.now() + offsetMs);
  /** A timestamp the caller gave (`created_at`, `deadline_at`) in Attio's form. */
  const givenTimestamp = (value: unknown): string | undefined =>
    typeof value === 'string' ? attioTimestamp(Date.parse(value)) : undefined;

  const workspaceId = uuid();
  const apiTokenId = uuid();
  const objects = new Map<string, ObjectState>();
  const lists = new Map<string, ListState>();
  const members = new Map<string, AttioWorkspaceMember>();
  const notes = new Map<string, AttioNote>();
  const tasks = new Map<string, AttioTask>();
  const threads = new Map<string, { thread: Omit<AttioThread, 'comments'>; comments: string[] }>();
  const comments = new Map<string, AttioComment>();
  const webhooks = new Map<string, AttioWebhook & { secret: string }>();

  const apiActor: SimulatorActor = { type: 'api-token', id: apiTokenId };
  const emit = (event_type: string, id: Json, actor: SimulatorActor, extra: Json = {}) =>
    onEvent({ event_type, id: { workspace_id: workspaceId, ...id }, actor, ...extra });

  // ------------------------------------------------------------------ members

  for (const [first, last] of [
    ['Alice', 'Admin'],
    ['Bob', 'Builder'],
    ['Carol', 'Closer'],
  ] as const) {
    const id = uuid();
    members.set(id, {
      id: { workspace_id: workspaceId, workspace_member_id: id },
      first_name: first,
      last_name: last,
      avatar_url: null,
      email_address: `${first.toLowerCase()}@simulated.attio.test`,
      created_at: timestamp(-86_400_000),
      access_level: first === 'Alice' ? 'admin' : 'member',
    });
  }
  const firstMember = [...members.keys()][0] as string;
  const uiActor: SimulatorActor = { type: 'workspace-member', id: firstMember };

  const findMember = (idOrEmail: string): string | undefined => {
    if (members.has(idOrEmail)) return idOrEmail;
    for (const member of members.values()) {
      if (member.email_address.toLowerCase() === idOrEmail.toLowerCase())
        return member.id.workspace_member_id;
    }
    return undefined;
  };

  // ------------------------------------------------------------------ schema

  const makeAttribute = (
    parent: { object_id?: string; list_id?: string },
    standard: Omit<StandardAttribute, 'is_system_attribute'> & {
      is_system_attribute?: boolean;
      is_required?: boolean;
    },
  ): AttributeState => {
    const attributeId = uuid();
    const ownerId = (parent.object_id ?? parent.list_id) as string;
    const attribute: AttioAttribute = {
      id: { workspace_id: workspaceId, ...parent, attribute_id: attributeId },
      title: standard.title,
      description: null,
      api_slug: standard.api_slug,
      type: standard.type,
      is_system_attribute: standard.is_system_attribute ?? false,
      is_writable: standard.is_writable,
      is_required: standard.is_required ?? false,
      is_unique: standard.is_unique,
      is_multiselect: standard.is_multiselect,
      is_default_value_enabled: false,
      is_archived: false,
      default_value: null,
      relationship: null,
      created_at: timestamp(-86_400_000),
      config: {
        currency: {
          default_currency_code: standard.type === 'currency' ? 'USD' : null,
          display_type: standard.type === 'currency' ? 'symbol' : null,
        },
        record_reference: { allowed_object_ids: null },
      },
    };
    const choiceId = (title: string) => ({
      workspace_id: workspaceId,
      object_id: ownerId,
      attribute_id: attributeId,
      title,
    });
    const options =
      standard.type === 'select'
        ? (standard.choices ?? []).map((title) => {
            const { title: _title, ...ids } = choiceId(title);
            return { id: { ...ids, option_id: uuid() }, title, is_archived: false };
          })
        : [];
    const statuses =
      standard.type === 'status'
        ? (standard.choices ?? []).map((title) => {
            const { title: _title, ...ids } = choiceId(title);
            return {
              id: { ...ids, status_id: uuid() },
              title,
              is_archived: false,
              celebration_enabled: title.startsWith('Won'),
              target_time_in_status: null,
            };
          })
        : [];
    return { attribute, options, statuses };
  };

  const addObject = (
    slug: string,
    singular: string,
    plural: string,
    standard: readonly StandardAttribute[],
  ) => {
    const objectId = uuid();
    const state: ObjectState = {
      object: {
        id: { workspace_id: workspaceId, object_id: objectId },
        api_slug: slug,
        singular_noun: singular,
        plural_noun: plural,
        created_at: timestamp(-86_400_000),
      },
      attributes: new Map(),
      records: new Map(),
    };
    for (const item of standard)
      state.attributes.set(item.api_slug, makeAttribute({ object_id: objectId }, item));
    objects.set(slug, state);
    return state;
  };

  const assertFreeObjectSlug = (slug: string) => {
    if (objects.has(slug)) {
      throw new SimulatorError(409, 'slug_conflict', `An object with slug "${slug}" already exists.`);
    }
  };

  addObject('people', 'Person', 'People', STANDARD_ATTRIBUTES.people ?? []);
  addObject('companies', 'Company', 'Companies', STANDARD_ATTRIBUTES.companies ?? []);
  addObject('deals', 'Deal', 'Deals', STANDARD_ATTRIBUTES.deals ?? []);

  const findObject = (slugOrId: string): ObjectState => {
    const state = bySlugOrId(objects, slugOrId, (item) => item.object.id.object_id);
    if (!state) throw notFound(`Object with slug/ID "${slugOrId}" not found.`);
    return state;
  };

  const findList = (slugOrId: string): ListState => {
    const state = bySlugOrId(lists, slugOrId, (item) => item.list.id.list_id);
    if (!state) throw notFound(`List with slug/ID "${slugOrId}" not found.`);
    return state;
  };

  const addList = (input: {
    name: string;
    api_slug: string;
    parent_object: string;
    workspace_access?: string | null;
    workspace_member_access?: { workspace_member_id: string; level: string }[];
    attributes?: readonly (Omit<StandardAttribute, 'is_system_attribute'> & {
      is_system_attribute?: boolean;
    })[];
  }): ListState => {
    const parent = findObject(input.parent_object);
    if ([...lists.values()].some((state) => state.list.api_slug === input.api_slug)) {
      throw new SimulatorError(409, 'slug_conflict', `A list with slug "${input.api_slug}" already exists.`);
    }
    const listId = uuid();
    const state: ListState = {
      list: {
        id: { workspace_id: workspaceId, list_id: listId },
        api_slug: input.api_slug,
        name: input.name,
        parent_object: [parent.object.api_slug ?? parent.object.id.object_id],
        workspace_access: input.workspace_access ?? 'full-access',
        workspace_member_access: input.workspace_member_access ?? [],
        created_by_actor: { type: 'workspace-member', id: firstMember },
        created_at: timestamp(),
      },
      attributes: new Map(),
      entries: new Map(),
    };
    for (const item of input.attributes ?? []) {
      state.attributes.set(item.api_slug, makeAttribute({ list_id: listId }, item));
    }
    lists.set(input.api_slug, state);
    return state;
  };

  addList({
    name: 'Sales',
    api_slug: 'sales',
    parent_object: 'companies',
    attributes: [
      {
        api_slug: 'stage',
        title: 'Stage',
        type: 'status',
        is_multiselect: false,
        is_unique: false,
        is_writable: true,
        choices: ['Prospecting', 'Qualified', 'Negotiation', 'Won 🎉', 'Lost'],
      },
      {
        api_slug: 'priority',
        title: 'Priority',
        type: 'select',
        is_multiselect: false,
        is_unique: false,
        is_writable: true,
        choices: ['Low', 'Medium', 'High'],
      },
      {
        api_slug: 'tags',
        title: 'Tags',
        type: 'select',
        is_multiselect: true,
        is_unique: false,
        is_writable: true,
        choices: ['Inbound', 'Outbound', 'Partner', 'Expansion'],
      },
      {
        api_slug: 'owner',
        title: 'Owner',
        type: 'actor-reference',
        is_multiselect: false,
        is_unique: false,
        is_writable: true,
      },
    ],
  });

  const attributesOf = (target: string, identifier: string): Map<string, AttributeState> => {
    if (target === 'objects') return findObject(identifier).attributes;
    if (target === 'lists') return findList(identifier).attributes;
    throw notFound(`Unknown target "${target}": use "objects" or "lists".`);
  };

  const findAttribute = (
    attributes: Map<string, AttributeState>,
    slugOrId: string,
  ): AttributeState | undefined => bySlugOrId(attributes, slugOrId, (item) => item.attribute.id.attribute_id);

  const requireAttribute = (attributes: Map<string, AttributeState>, slugOrId: string): AttributeState => {
    const state = findAttribute(attributes, slugOrId);
    if (!state) throw notFound(`Attribute with slug/ID "${slugOrId}" not found.`);
    return state;
  };

  const attributeMap = (attributes: Map<string, AttributeState>): Map<string, AttioAttribute> => {
    const map = new Map<string, AttioAttribute>();
    for (const state of attributes.values()) {
      map.set(state.attribute.api_slug, state.attribute);
      map.set(state.attribute.id.attribute_id, state.attribute);
    }
    return map;
  };

  // ------------------------------------------------------------------ values

  const valueContext = (attributes: Map<string, AttributeState>): ValueContext => ({
    option: (attribute, titleOrId) =>
      findAttribute(attributes, attribute.api_slug)?.options.find(
        (option) => !option.is_archived && (option.id.option_id === titleOrId || option.title === titleOrId),
      ),
    status: (attribute, titleOrId) =>
      findAttribute(attributes, attribute.api_slug)?.statuses.find(
        (status) => !status.is_archived && (status.id.status_id === titleOrId || status.title === titleOrId),
      ),
    objectSlug: (target) => {
      try {
        const state = findObject(target);
        return state.object.api_slug ?? state.object.id.object_id;
      } catch {
        return undefined;
      }
    },
    resolveRecord: (target, reference) => {
      const state = findObject(target);
      if (typeof reference.target_record_id === 'string') {
        return state.records.has(reference.target_record_id) ? reference.target_record_id : undefined;
      }
      // `{ target_object, "<unique attribute>": [{ email_address }] }` finds the record by that value.
      for (const [key, given] of Object.entries(reference)) {
        if (key === 'target_object') continue;
        const attribute = findAttribute(state.attributes, key);
        if (!attribute?.attribute.is_unique) continue;
        const inputs = Array.isArray(given) ? given : [given];
        const context = valueContext(state.attributes);
        const keys = inputs.map((input) => valueKey(readValueOf(attribute.attribute, input, [key], context)));
        for (const record of state.records.values()) {
          const current = currentValues(record, attribute.attribute.api_slug);
          if (current.some((value) => keys.includes(valueKey(value)))) return record.id.record_id;
        }
      }
      return undefined;
    },
    member: findMember,
    currencyCode: (attribute) =>
      ((attribute.config as { currency?: { default_currency_code?: string | null } } | undefined)?.currency
        ?.default_currency_code ?? 'USD') as string,
  });

  const currentValues = (holder: ValueHolder, slug: string): Json[] =>
    (holder.values.get(slug) ?? []).filter((value) => value.active_until === null);

  interface Plan {
    slug: string;
    attribute: AttioAttribute;
    add: Json[];
    retire: Json[];
  }

  /**
   * Plans a write of `input` values (an API body's `values` or `entry_values`) onto `holder`,
   * validating everything first, so a rejected write changes nothing.
   */
  const planWrite = (
    attributes: Map<string, AttributeState>,
    holder: ValueHolder | undefined,
    input: unknown,
    mode: WriteMode,
    bodyPath: readonly string[],
    appendSlug?: string,
  ): Plan[] => {
    if (!isObject(input))
      throw validationError(bodyPath, 'Expected an object of values.', 'object', typeof input);
    const context = valueContext(attributes);
    const plans: Plan[] = [];
    for (const [key, raw] of Object.entries(input)) {
      const state = findAttribute(attributes, key);
      if (!state || state.attribute.is_archived) {
        throw new SimulatorError(400, 'value_not_found', `Cannot find attribute with slug/ID "${key}".`);
      }
      const attribute = state.attribute;
      if (attribute.is_writable === false) {
        throw new SimulatorError(
          400,
          'immutable_value',
          `Cannot write to attribute "${attribute.api_slug}": it is read-only.`,
        );
      }
      const inputs = raw === null ? [] : Array.isArray(raw) ? raw : [raw];
      if (!attribute.is_multiselect && inputs.length > 1) {
        throw validationError(
          [...bodyPath, key],
          `Multiple values were provided for single-value attribute "${attribute.api_slug}".`,
          'single value',
          'array',
        );
      }
      const written = inputs.map((item, index) =>
        readValueOf(
          attribute,
          item,
          Array.isArray(raw) ? [...bodyPath, key, index] : [...bodyPath, key],
          context,
        ),
      );
      const unique = new Map<string, Json>();
      for (const value of written) unique.set(valueKey(value), value);
      const current = holder ? currentValues(holder, attribute.api_slug) : [];
      const currentKeys = new Set(current.map(valueKey));
      const appending = attribute.is_multiselect && (mode === 'append' || attribute.api_slug === appendSlug);
      const add = [...unique.entries()].filter(([key]) => !currentKeys.has(key)).map(([, value]) => value);
      const retire = appending ? [] : current.filter((value) => !unique.has(valueKey(value)));
      if (add.length > 0 || retire.length > 0)
        plans.push({ slug: attribute.api_slug, attribute, add, retire });
    }
    return plans;
  };

  const checkUnique = (state: ObjectState, recordId: string | undefined, plans: readonly Plan[]) => {
    for (const plan of plans) {
      if (!plan.attribute.is_unique) continue;
      for (const value of plan.add) {
        const key = valueKey(value);
        for (const record of state.records.values()) {
          if (record.id.record_id === recordId) continue;
          if (currentValues(record, plan.slug).some((existing) => valueKey(existing) === key)) {
            throw new SimulatorError(
              400,
              'uniqueness_conflict',
              `The value "${key}" provided for attribute with ID "${plan.attribute.id.attribute_id}" conflicts with one already in the system.`,
            );
          }
        }
      }
    }
  };

  /** When and by whom a value was written. */
  const writtenBy = (actor: SimulatorActor, now: string) => ({
    active_from: now,
    active_until: null,
    created_by_actor: { type: actor.type, id: actor.id },
  });

  const applyPlans = (
    holder: ValueHolder,
    plans: readonly Plan[],
    actor: SimulatorActor,
    prepend: boolean,
  ) => {
    const now = timestamp();
    for (const plan of plans) {
      const history = holder.values.get(plan.slug) ?? [];
      for (const value of plan.retire) value.active_until = now;
      const added = plan.add.map((value) => ({ ...writtenBy(actor, now), ...value }));
      holder.values.set(plan.slug, prepend ? [...added, ...history] : [...history, ...added]);
    }
  };

  const readValues = (
    attributes: Map<string, AttributeState>,
    holder: ValueHolder,
  ): Record<string, Json[]> => {
    const values: Record<string, Json[]> = {};
    for (const state of attributes.values()) {
      if (state.attribute.is_archived) continue;
      values[state.attribute.api_slug] = currentValues(holder, state.attribute.api_slug).map((value) =>
        structuredClone(value),
      );
    }
    return values;
  };

  // ------------------------------------------------------------------ records

  const toRecord = (state: ObjectState, record: RecordState): AttioRecord =>
    ({
      id: { ...record.id },
      created_at: record.created_at,
      web_url: `https://app.attio.com/simulated/${state.object.api_slug}/${record.id.record_id}`,
      values: readValues(state.attributes, record),
    }) as AttioRecord;

  const systemValues = (state: ObjectState, record: RecordState, actor: SimulatorActor) => {
    const stamp = writtenBy(actor, timestamp());
    if (state.attributes.has('record_id')) {
      record.values.set('record_id', [{ ...stamp, attribute_type: 'text', value: record.id.record_id }]);
    }
    if (state.attributes.has('created_at')) {
      record.values.set('created_at', [{ ...stamp, attribute_type: 'timestamp', value: record.created_at }]);
    }
    if (state.attributes.has('created_by')) {
      record.values.set('created_by', [
        {
          ...stamp,
          attribute_type: 'actor-reference',
          referenced_actor_type: actor.type,
          referenced_actor_id: actor.id,
        },
      ]);
    }
  };

  const createRecord = (
    objectSlug: string,
    values: unknown,
    actor: SimulatorActor,
    createdAt?: string,
  ): AttioRecord => {
    const state = findObject(objectSlug);
    const plans = planWrite(state.attributes, undefined, values, 'create', ['data', 'values']);
    checkUnique(state, undefined, plans);
    const recordId = uuid();
    const record: RecordState = {
      id: { workspace_id: workspaceId, object_id: state.object.id.object_id, record_id: recordId },
      created_at: createdAt ?? timestamp(),
      values: new Map(),
      sequence: sequence++,
    };
    systemValues(state, record, actor);
    applyPlans(record, plans, actor, false);
    state.records.set(recordId, record);
    emit('record.created', { object_id: state.object.id.object_id, record_id: recordId }, actor);
    return toRecord(state, record);
  };

  const findRecord = (state: ObjectState, recordId: string): RecordState =>
    mustGet(state.records, recordId, `Record with ID "${recordId}" not found.`);

  const updateRecord = (
    objectSlug: string,
    recordId: string,
    values: unknown,
    mode: WriteMode,
    actor: SimulatorActor,
    appendSlug?: string,
  ): AttioRecord => {
    const state = findObject(objectSlug);
    const record = findRecord(state, recordId);
    const plans = planWrite(state.attributes, record, values, mode, ['data', 'values'], appendSlug);
    checkUnique(state, recordId, plans);
    applyPlans(record, plans, actor, mode === 'append');
    for (const plan of plans) {
      emit(
        'record.updated',
        {
          object_id: state.object.id.object_id,
          record_id: recordId,
          attribute_id: plan.attribute.id.attribute_id,
        },
        actor,
      );
    }
    return toRecord(state, record);
  };

  const assertRecord = (
    objectSlug: string,
    matchingAttribute: string | null,
    values: unknown,
    actor: SimulatorActor,
  ) => {
    const state = findObject(objectSlug);
    if (!matchingAttribute) {
      throw validationError(
        ['matching_attribute'],
        'The matching_attribute query parameter is required.',
        'string',
        'undefined',
      );
    }
    const matching = findAttribute(state.attributes, matchingAttribute);
    if (!matching) {
      throw new SimulatorError(
        400,
        'value_not_found',
        `No attribute was found for matching_attribute slug/ID "${matchingAttribute}".`,
      );
    }
    if (!matching.attribute.is_unique) {
      throw new SimulatorError(
        400,
        'matching_attribute_definition_not_unique',
        'The matching attribute specified is not a unique attribute.',
      );
    }
    const slug = matching.attribute.api_slug;
    const given = isObject(values) ? (values[slug] ?? values[matching.attribute.id.attribute_id]) : undefined;
    if (given === undefined || given === null || (Array.isArray(given) && given.length === 0)) {
      throw new SimulatorError(
        400,
        'missing_value',
        `A value for the matching attribute "${slug}" must be supplied.`,
      );
    }
    const context = valueContext(state.attributes);
    const keys = (Array.isArray(given) ? given : [given]).map((item) =>
      valueKey(readValueOf(matching.attribute, item, ['data', 'values', slug], context)),
    );
    const found = [...state.records.values()].filter((record) =>
      currentValues(record, slug).some((value) => keys.includes(valueKey(value))),
    );
    if (found.length > 1) {
      throw new SimulatorError(
        400,
        'multiple_match_results',
        `Multiple records match the value of "${slug}"; the matching attribute must identify one record.`,
      );
    }
    const existing = found[0];
    if (!existing) return { record: createRecord(objectSlug, values, actor), created: true };
    return {
      record: updateRecord(objectSlug, existing.id.record_id, values, 'overwrite', actor, slug),
      created: false,
    };
  };

  const deleteRecord = (objectSlug: string, recordId: string, actor: SimulatorActor): void => {
    const state = findObject(objectSlug);
    findRecord(state, recordId);
    state.records.delete(recordId);
    for (const list of lists.values()) {
      for (const [entryId, entry] of list.entries)
        if (entry.parent_record_id === recordId) list.entries.delete(entryId);
    }
    emit('record.deleted', { object_id: state.object.id.object_id, record_id: recordId }, actor);
  };

  const page = <T>(items: readonly T[], request: PageRequest): T[] =>
    items.slice(request.offset, request.offset + request.limit);

  /** The holders (records or entries) matching `body.filter`, in `body.sorts` order, one page of them. */
  const queryHolders = <H extends ValueHolder>(
    attributes: Map<string, AttributeState>,
    holders: Iterable<H>,
    idsOf: (holder: H) => Record<string, string>,
    body: Json,
    request: PageRequest,
  ): H[] => {
    const map = attributeMap(attributes);
    const items: (Queryable & { holder: H })[] = [];
    for (const holder of holders) {
      const queryable = {
        ids: idsOf(holder),
        values: currentMap(holder),
        sequence: holder.sequence,
        holder,
      };
      if (matchesFilter(body.filter, queryable, map)) items.push(queryable);
    }
    return page(sortItems(items, body.sorts, map), request).map((item) => item.holder);
  };

  const checkQuery = (attributes: Map<string, AttributeState>, body: Json, slug: string) =>
    checkFilter(
      body.filter,
      [...attributes.values()].map((item) => item.attribute),
      slug,
    );

  const queryRecords = (objectSlug: string, body: Json, request: PageRequest): AttioRecord[] => {
    const state = findObject(objectSlug);
    checkQuery(state.attributes, body, objectSlug);
    // Without a filter or sorts the page comes straight from insertion order.
    if (body.filter === undefined && body.sorts === undefined) {
      return page([...state.records.values()], request).map((record) => toRecord(state, record));
    }
    const found = queryHolders(
      state.attributes,
      state.records.values(),
      (record) => ({ record_id: record.id.record_id }),
      body,
      request,
    );
    return found.map((record) => toRecord(state, record));
  };

  const currentMap = (holder: ValueHolder): Map<string, Json[]> => {
    const map = new Map<string, Json[]>();
    for (const slug of holder.values.keys()) map.set(slug, currentValues(holder, slug));
    return map;
  };

  const attributeValues = (
    target: 'objects' | 'lists',
    identifier: string,
    holderId: string,
    attributeSlug: string,
    showHistoric: boolean,
    request: PageRequest,
  ): Json[] => {
    const container = target === 'objects' ? findObject(identifier) : findList(identifier);
    const holder: ValueHolder =
      target === 'objects'
        ? findRecord(container as ObjectState, holderId)
        : findEntry(container as ListState, holderId);
    const state = requireAttribute(container.attributes, attributeSlug);
    const history = holder.values.get(state.attribute.api_slug) ?? [];
    const values = showHistoric ? history : history.filter((value) => value.active_until === null);
    const ordered = [...values].sort((left, right) =>
      String(left.active_from).localeCompare(String(right.active_from)),
    );
    return page(ordered, request).map((value) => structuredClone(value));
  };

  // ------------------------------------------------------------------ seed

  const seedCompany = (index: number, createdAt: string) => {
    const stem = random.pick(COMPANY_STEMS);
    const suffix = random.pick(COMPANY_SUFFIXES);
    const slug = `${stem}${suffix}${index}`.toLowerCase().replace(/[^a-z0-9]/g, '');
    const [city, region, country] = random.pick(CITIES);
    return createRecord(
      'companies',
      {
        name: `${stem} ${suffix}`,
        domains: [`${slug}.com`],
        description: `${stem} ${suffix} builds things.`,
        employee_count: random.int(2, 5000),
        categories: [random.pick(['B2B', 'B2C', 'SaaS', 'Fintech'])],
        primary_location: location(city, region, country),
      },
      uiActor,
      createdAt,
    );
  };

  const seedPerson = (index: number, createdAt: string) => {
    const first = random.pick(FIRST_NAMES);
    const last = random.pick(LAST_NAMES);
    const companies = [...findObject('companies').records.values()];
    const company = companies.length > 0 ? random.pick(companies) : undefined;
    const domain = company
      ? (currentValues(company, 'domains')[0]?.domain as string | undefined)
      : `example${index}.com`;
    const [city, region, country] = random.pick(CITIES);
    return createRecord(
      'people',
      {
        name: { first_name: first, last_name: last, full_name: `${first} ${last}` },
        email_addresses: [
          `${first}.${last}.${index}@${domain ?? 'example.com'}`.toLowerCase().replace(/[^a-z0-9.@-]/g, ''),
        ],
        job_title: random.pick(JOB_TITLES),
        phone_numbers: [`+1415555${String(random.int(0, 9999)).padStart(4, '0')}`],
        ...(company
          ? { company: { target_object: 'companies', target_record_id: company.id.record_id } }
          : {}),
        primary_location: location(city, region, country),
      },
      uiActor,
      createdAt,
    );
  };

  const seedDeal = (index: number, createdAt: string) => {
    const companies = [...findObject('companies').records.values()];
    const people = [...findObject('people').records.values()];
    const company = companies.length > 0 ? random.pick(companies) : undefined;
    const person = people.length > 0 ? random.pick(people) : undefined;
    return createRecord(
      'deals',
      {
        name: `Deal ${index + 1}`,
        stage: random.pick(['Lead', 'In Progress', 'Won 🎉', 'Lost']),
        value: random.int(1, 500) * 1000,
        owner: {
          referenced_actor_type: 'workspace-member',
          referenced_actor_id: random.pick([...members.keys()]),
        },
        ...(company
          ? { associated_company: { target_object: 'companies', target_record_id: company.id.record_id } }
          : {}),
        ...(person
          ? { associated_people: [{ target_object: 'people', target_record_id: person.id.record_id }] }
          : {}),
      },
      uiActor,
      createdAt,
    );
  };

  const seeders: Record<string, (index: number, createdAt: string) => AttioRecord> = {
    companies: seedCompany,
    people: seedPerson,
    deals: seedDeal,
  };

  // ------------------------------------------------------------------ entries

  const toEntry = (state: ListState, entry: EntryState): AttioEntry =>
    ({
      id: { ...entry.id },
      parent_record_id: entry.parent_record_id,
      parent_object: entry.parent_object,
      created_at: entry.created_at,
      entry_values: readValues(state.attributes, entry),
    }) as AttioEntry;

  const findEntry = (state: ListState, entryId: string): EntryState =>
    mustGet(state.entries, entryId, `Entry with ID "${entryId}" not found.`);

  const entryEvent = (state: ListState, entry: EntryState, extra: Json = {}) => ({
    id: { list_id: state.list.id.list_id, entry_id: entry.id.entry_id, ...extra },
    extra: {
      parent_object_id: findObject(entry.parent_object).object.id.object_id,
      parent_record_id: entry.parent_record_id,
    },
  });

  const createEntry = (listSlug: string, data: unknown, actor: SimulatorActor): AttioEntry => {
    const state = findList(listSlug);
    if (
      !isObject(data) ||
      typeof data.parent_record_id !== 'string' ||
      typeof data.parent_object !== 'string'
    ) {
      throw validationError(
        ['data'],
        'parent_record_id and parent_object are required.',
        'object',
        typeof data,
      );
    }
    const parent = findObject(data.parent_object);
    if (!state.list.parent_object.includes(parent.object.api_slug ?? '')) {
      throw new SimulatorError(
        400,
        'value_not_found',
        `List "${state.list.api_slug}" does not accept ${data.parent_object}.`,
      );
    }
    findRecord(parent, data.parent_record_id);
    const plans = planWrite(state.attributes, undefined, data.entry_values ?? {}, 'create', [
      'data',
      'entry_values',
    ]);
    const entryId = uuid();
    const entry: EntryState = {
      id: { workspace_id: workspaceId, list_id: state.list.id.list_id, entry_id: entryId },
      parent_record_id: data.parent_record_id,
      parent_object: parent.object.api_slug ?? data.parent_object,
      created_at: timestamp(),
      values: new Map(),
      sequence: sequence++,
    };
    applyPlans(entry, plans, actor, false);
    state.entries.set(entryId, entry);
    const event = entryEvent(state, entry);
    emit('list-entry.created', event.id, actor, event.extra);
    return toEntry(state, entry);
  };

  const updateEntry = (
    listSlug: string,
    entryId: string,
    entryValues: unknown,
    mode: WriteMode,
    actor: SimulatorActor,
  ): AttioEntry => {
    const state = findList(listSlug);
    const entry = findEntry(state, entryId);
    const plans = planWrite(state.attributes, entry, entryValues ?? {}, mode, ['data', 'entry_values']);
    applyPlans(entry, plans, actor, mode === 'append');
    for (const plan of plans) {
      const event = entryEvent(state, entry, { attribute_id: plan.attribute.id.attribute_id });
      emit('list-entry.updated', event.id, actor, event.extra);
    }
    return toEntry(state, entry);
  };

  const assertEntry = (listSlug: string, data: unknown, actor: SimulatorActor) => {
    const state = findList(listSlug);
    if (!isObject(data) || typeof data.parent_record_id !== 'string') {
      throw validationError(
        ['data', 'parent_record_id'],
        'parent_record_id is required.',
        'string',
        'undefined',
      );
    }
    const matches = [...state.entries.values()].filter(
      (entry) => entry.parent_record_id === data.parent_record_id,
    );
    if (matches.length > 1) {
      throw new SimulatorError(
        400,
        'multiple_match_results',
        `The parent record has ${matches.length} entries in list "${state.list.api_slug}".`,
      );
    }
    const existing = matches[0];
    if (!existing) return { entry: createEntry(listSlug, data, actor), created: true };
    return {
      entry: updateEntry(listSlug, existing.id.entry_id, data.entry_values, 'overwrite', actor),
      created: false,
    };
  };

  const deleteEntry = (listSlug: string, entryId: string, actor: SimulatorActor) => {
    const state = findList(listSlug);
    const entry = findEntry(state, entryId);
    state.entries.delete(entryId);
    const event = entryEvent(state, entry);
    emit('list-entry.deleted', event.id, actor, event.extra);
  };

  const queryEntries = (listSlug: string, body: Json, request: PageRequest): AttioEntry[] => {
    const state = findList(listSlug);
    checkQuery(state.attributes, body, listSlug);
    const found = queryHolders(
      state.attributes,
      state.entries.values(),
      (entry) => ({
        entry_id: entry.id.entry_id,
        parent_record_id: entry.parent_record_id,
        parent_object: entry.parent_object,
      }),
      body,
      request,
    );
    return found.map((entry) => toEntry(state, entry));
  };

  // ------------------------------------------------------------------ notes, tasks, comments

  const createNote = (data: unknown, actor: SimulatorActor): AttioNote => {
    if (!isObject(data)) throw validationError(['data'], 'Expected a note.', 'object', typeof data);
    for (const key of ['parent_object', 'parent_record_id', 'title', 'format', 'content'] as const) {
      if (typeof data[key] !== 'string')
        throw validationError(['data', key], `"${key}" is required.`, 'string', typeof data[key]);
    }
    if (data.format !== 'plaintext' && data.format !== 'markdown') {
      throw validationError(
        ['data', 'format'],
        'format must be "plaintext" or "markdown".',
        'plaintext | markdown',
        data.format,
      );
    }
    const content = data.content as string;
    if (content.length > 10_000_000)
      throw new SimulatorError(413, 'content_too_large', 'Note content is too large.');
    const parent = findObject(data.parent_object as string);
    findRecord(parent, data.parent_record_id as string);
    const noteId = uuid();
    const plaintext =
      data.format === 'markdown'
        ? content
            .replace(/^#{1,3}\s+/gm, '')
            .replace(/^[-*]\s+/gm, '')
            .replace(/(\*\*|__|~~|==|\*|_)/g, '')
            .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
        : content;
    const note: AttioNote = {
      id: { workspace_id: workspaceId, note_id: noteId },
      parent_object: parent.object.api_slug ?? (data.parent_object as string),
      parent_record_id: data.parent_record_id as string,
      title: data.title as string,
      meeting_id: typeof data.meeting_id === 'string' ? data.meeting_id : null,
      content_plaintext: plaintext,
      content_markdown: content,
      tags: [],
      created_by_actor: { type: actor.type, id: actor.id },
      created_at: givenTimestamp(data.created_at) ?? timestamp(),
    };
    notes.set(noteId, note);
    emit('note.created', { note_id: noteId }, actor, {
      parent_object_id: parent.object.id.object_id,
      parent_record_id: note.parent_record_id,
    });
    return structuredClone(note);
  };

  const findNote = (noteId: string): AttioNote =>
    mustGet(notes, noteId, `Note with ID "${noteId}" not found.`);

  const deleteNote = (noteId: string, actor: SimulatorActor) => {
    const note = findNote(noteId);
    notes.delete(noteId);
    emit('note.deleted', { note_id: noteId }, actor, {
      parent_object_id: findObject(note.parent_object).object.id.object_id,
      parent_record_id: note.parent_record_id,
    });
  };

  const linkedRecords = (input: unknown, path: readonly string[]) => {
    if (!Array.isArray(input))
      throw validationError(path, 'linked_records must be an array.', 'array', typeof input);
    return input.map((link, index) => {
      if (!isObject(link) || typeof link.target_object !== 'string') {
        throw validationError(
          [...path, index],
          'Expected { target_object, target_record_id }.',
          'object',
          typeof link,
        );
      }
      const state = findObject(link.target_object);
      const recordId = valueContext(state.attributes).resolveRecord(
        state.object.api_slug ?? link.target_object,
        link,
      );
      if (!recordId) throw new SimulatorError(400, 'value_not_found', 'Cannot find the linked record.');
      return { target_object_id: state.object.id.object_id, target_record_id: recordId };
    });
  };

  const assignees = (input: unknown, path: readonly string[]) => {
    if (!Array.isArray(input))
      throw validationError(path, 'assignees must be an array.', 'array', typeof input);
    return input.map((assignee) => {
      const reference = isObject(assignee)
        ? (assignee.referenced_actor_id ?? assignee.workspace_member_email_address)
        : assignee;
      const member = typeof reference === 'string' ? findMember(reference) : undefined;
      if (!member)
        throw new SimulatorError(
          400,
          'value_not_found',
          `Cannot find workspace member "${String(reference)}".`,
        );
      return { referenced_actor_type: 'workspace-member', referenced_actor_id: member };
    });
  };

  const createTask = (data: unknown, actor: SimulatorActor): AttioTask => {
    if (!isObject(data) || typeof data.content !== 'string') {
      throw validationError(['data', 'content'], '"content" is required.', 'string', 'undefined');
    }
    if (data.content.length > 2000) {
      throw validationError(
        ['data', 'content'],
        'content must be at most 2000 characters.',
        'string ≤ 2000',
        'string',
      );
    }
    if (data.format !== 'plaintext') {
      throw validationError(['data', 'format'], 'format must be "plaintext".', 'plaintext', data.format);
    }
    const taskId = uuid();
    const completed = data.is_completed === true;
    const task: AttioTask = {
      id: { workspace_id: workspaceId, task_id: taskId },
      content_plaintext: data.content,
      deadline_at: givenTimestamp(data.deadline_at) ?? null,
      is_completed: completed,
      completed_at: completed ? timestamp() : null,
      linked_records: linkedRecords(data.linked_records ?? [], ['data', 'linked_records']),
      assignees: assignees(data.assignees ?? [], ['data', 'assignees']),
      created_by_actor: { type: actor.type, id: actor.id },
      created_at: timestamp(),
    };
    tasks.set(taskId, task);
    emit('task.created', { task_id: taskId }, actor);
    return structuredClone(task);
  };

  const findTask = (taskId: string): AttioTask =>
    mustGet(tasks, taskId, `Task with ID "${taskId}" not found.`);

  const updateTask = (taskId: string, data: unknown, actor: SimulatorActor): AttioTask => {
    const task = findTask(taskId);
    expectObject(data);
    for (const key of Object.keys(data)) {
      if (!['deadline_at', 'is_completed', 'linked_records', 'assignees'].includes(key)) {
        throw new SimulatorError(400, 'immutable_value', `Task field "${key}" cannot be updated.`);
      }
    }
    const next = { ...task };
    if ('deadline_at' in data) {
      next.deadline_at = givenTimestamp(data.deadline_at) ?? null;
    }
    if (typeof data.is_completed === 'boolean') {
      next.is_completed = data.is_completed;
      next.completed_at = data.is_completed ? (task.completed_at ?? timestamp()) : null;
    }
    if ('linked_records' in data)
      next.linked_records = linkedRecords(data.linked_records, ['data', 'linked_records']);
    if ('assignees' in data) next.assignees = assignees(data.assignees, ['data', 'assignees']);
    tasks.set(taskId, next);
    emit('task.updated', { task_id: taskId }, actor);
    return structuredClone(next);
  };

  const deleteTask = (taskId: string, actor: SimulatorActor) => {
    findTask(taskId);
    tasks.delete(taskId);
    emit('task.deleted', { task_id: taskId }, actor);
  };

  const toThread = (threadId: string): AttioThread => {
    const thread = mustGet(threads, threadId, `Thread with ID "${threadId}" not found.`);
    return {
      ...structuredClone(thread.thread),
      comments: thread.comments.map((id) => structuredClone(comments.get(id) as AttioComment)),
    } as AttioThread;
  };

  const createComment = (data: unknown, actor: SimulatorActor): AttioComment => {
    if (!isObject(data) || typeof data.content !== 'string' || data.format !== 'plaintext') {
      throw validationError(['data'], 'content and format "plaintext" are required.', 'object', typeof data);
    }
    const author =
      isObject(data.author) && typeof data.author.id === 'string' ? findMember(data.author.id) : undefined;
    if (!author) throw new SimulatorError(400, 'value_not_found', 'Cannot find the comment author.');
    let threadId: string;
    let record: AttioComment['record'] = null;
    let entry: AttioComment['entry'] = null;
    if (typeof data.thread_id === 'string') {
      const thread = mustGet(threads, data.thread_id, `Thread with ID "${data.thread_id}" not found.`);
      threadId = data.thread_id;
      const head = comments.get(thread.comments[0] ?? '');
      record = head?.record ?? null;
      entry = head?.entry ?? null;
    } else {
      if (
        isObject(data.record) &&
        typeof data.record.object === 'string' &&
        typeof data.record.record_id === 'string'
      ) {
        const state = findObject(data.record.object);
        findRecord(state, data.record.record_id);
        record = { record_id: data.record.record_id, object_id: state.object.id.object_id };
      } else if (
        isObject(data.entry) &&
        typeof data.entry.list === 'string' &&
        typeof data.entry.entry_id === 'string'
      ) {
        const state = findList(data.entry.list);
        findEntry(state, data.entry.entry_id);
        entry = { entry_id: data.entry.entry_id, list_id: state.list.id.list_id };
      } else {
        throw validationError(
          ['data'],
          'Give thread_id, record or entry.',
          'thread_id | record | entry',
          'none',
        );
      }
      threadId = uuid();
      threads.set(threadId, {
        thread: { id: { workspace_id: workspaceId, thread_id: threadId }, created_at: timestamp() },
        comments: [],
      });
    }
    const commentId = uuid();
    const comment: AttioComment = {
      id: { workspace_id: workspaceId, comment_id: commentId },
      thread_id: threadId,
      content_plaintext: data.content,
      entry,
      record,
      resolved_at: null,
      resolved_by: null,
      created_at: givenTimestamp(data.created_at) ?? timestamp(),
      author: { type: 'workspace-member', id: author },
    };
    comments.set(commentId, comment);
    threads.get(threadId)?.comments.push(commentId);
    emit('comment.created', { comment_id: commentId }, actor, {
      thread_id: threadId,
      ...(record ? { object_id: record.object_id, record_id: record.record_id } : {}),
      ...(entry ? { list_id: entry.list_id, entry_id: entry.entry_id } : {}),
    });
    return structuredClone(comment);
  };

  const deleteComment = (commentId: string, actor: SimulatorActor) => {
    const comment = mustGet(comments, commentId, `Comment with ID "${commentId}" not found.`);
    const thread = threads.get(comment.thread_id);
    // Deleting the head comment deletes the whole thread.
    const removed = thread && thread.comments[0] === commentId ? [...thread.comments] : [commentId];
    for (const id of removed) comments.delete(id);
    if (thread) {
      thread.comments = thread.comments.filter((id) => !removed.includes(id));
      if (thread.comments.length === 0) threads.delete(comment.thread_id);
    }
    emit('comment.deleted', { comment_id: commentId }, actor, { thread_id: comment.thread_id });
  };

  // ------------------------------------------------------------------ the store

  return {
    workspaceId,
    apiActor,
    uiActor,
    uuid,
    timestamp,
    // schema
    objects: () => [...objects.values()].map((state) => structuredClone(state.object)),
    object: (slugOrId: string) => structuredClone(findObject(slugOrId).object),
    objectState: findObject,
    createObject(data: unknown): AttioObject {
      if (!isObject(data) || typeof data.api_slug !== 'string') {
        throw validationError(['data', 'api_slug'], '"api_slug" is required.', 'string', 'undefined');
      }
      assertFreeObjectSlug(data.api_slug);
      const state = addObject(
        data.api_slug,
        String(data.singular_noun ?? data.api_slug),
        String(data.plural_noun ?? data.api_slug),
        [
          {
            api_slug: 'record_id',
            title: 'Record ID',
            type: 'text',
            is_multiselect: false,
            is_unique: false,
            is_writable: false,
            is_system_attribute: true,
          },
        ],
      );
      return structuredClone(state.object);
    },
    updateObject(slugOrId: string, data: unknown): AttioObject {
      const state = findObject(slugOrId);
      expectObject(data);
      if (typeof data.api_slug === 'string' && data.api_slug !== state.object.api_slug) {
        assertFreeObjectSlug(data.api_slug);
        objects.delete(state.object.api_slug ?? '');
        state.object.api_slug = data.api_slug;
        objects.set(data.api_slug, state);
      }
      if (typeof data.singular_noun === 'string') state.object.singular_noun = data.singular_noun;
      if (typeof data.plural_noun === 'string') state.object.plural_noun = data.plural_noun;
      return structuredClone(state.object);
    },
    attributes(target: 'objects' | 'lists', identifier: string, showArchived = false): AttioAttribute[] {
      return [...attributesOf(target, identifier).values()]
        .filter((state) => showArchived || !state.attribute.is_archived)
        .map((state) => structuredClone(state.attribute));
    },
    attribute(target: 'objects' | 'lists', identifier: string, slugOrId: string): AttioAttribute {
      return structuredClone(requireAttribute(attributesOf(target, identifier), slugOrId).attribute);
    },
    /**
     * Adds an attribute, as an admin would in Attio's settings, and raises
     * `object-attribute.created` (or `list-attribute.created`).
     */
    addAttribute(
      target: 'objects' | 'lists',
      identifier: string,
      input: {
        api_slug: string;
        title?: string;
        type: string;
        is_multiselect?: boolean;
        is_unique?: boolean;
        is_required?: boolean;
        description?: string | null;
        /** Titles of select options or statuses. */
        choices?: readonly string[];
      },
      actor: SimulatorActor = uiActor,
    ): AttioAttribute {
      const attributes = attributesOf(target, identifier);
      if (findAttribute(attributes, input.api_slug)) {
        throw new SimulatorError(
          409,
          'slug_conflict',
          `An attribute with slug "${input.api_slug}" already exists.`,
        );
      }
      const parent =
        target === 'objects'
          ? { object_id: findObject(identifier).object.id.object_id }
          : { list_id: findList(identifier).list.id.list_id };
      const state = makeAttribute(parent, {
        api_slug: input.api_slug,
        title: input.title ?? input.api_slug,
        type: input.type as StandardAttribute['type'],
        is_multiselect: input.is_multiselect ?? false,
        is_unique: input.is_unique ?? false,
        is_required: input.is_required ?? false,
        is_writable: true,
        is_system_attribute: false,
        ...(input.choices ? { choices: input.choices } : {}),
      });
      if (input.description !== undefined) state.attribute.description = input.description;
      attributes.set(input.api_slug, state);
      emit(
        target === 'objects' ? 'object-attribute.created' : 'list-attribute.created',
        { ...parent, attribute_id: state.attribute.id.attribute_id },
        actor,
      );
      return structuredClone(state.attribute);
    },
    /** Changes an attribute (title, description, archived…) and raises `*-attribute.updated`. */
    updateAttribute(
      target: 'objects' | 'lists',
      identifier: string,
      slugOrId: string,
      changes: Json,
      actor: SimulatorActor = uiActor,
    ): AttioAttribute {
      const attributes = attributesOf(target, identifier);
      const state = requireAttribute(attributes, slugOrId);
      const previousSlug = state.attribute.api_slug;
      for (const key of [
        'title',
        'description',
        'api_slug',
        'is_required',
        'is_unique',
        'is_archived',
        'default_value',
        'config',
      ]) {
        if (key in changes) (state.attribute as Json)[key] = changes[key];
      }
      if (state.attribute.api_slug !== previousSlug) {
        attributes.delete(previousSlug);
        attributes.set(state.attribute.api_slug, state);
      }
      const { workspace_id: _workspace, ...ids } = state.attribute.id;
      emit(target === 'objects' ? 'object-attribute.updated' : 'list-attribute.updated', ids, actor);
      return structuredClone(state.attribute);
    },
    choices(target: 'objects' | 'lists', identifier: string, slugOrId: string, kind: 'options' | 'statuses') {
      const state = requireAttribute(attributesOf(target, identifier), slugOrId);
      const expected = kind === 'options' ? 'select' : 'status';
      if (state.attribute.type !== expected) {
        throw new SimulatorError(
          400,
          'validation_type',
          `Attribute "${state.attribute.api_slug}" is not a ${expected} attribute.`,
        );
      }
      return state;
    },
    // records
    createRecord: (object: string, values: unknown, actor: SimulatorActor = uiActor) =>
      createRecord(object, values, actor),
    updateRecord: (
      object: string,
      recordId: string,
      values: unknown,
      mode: 'append' | 'overwrite' = 'overwrite',
      actor: SimulatorActor = uiActor,
    ) => updateRecord(object, recordId, values, mode, actor),
    assertRecord: (
      object: string,
      matchingAttribute: string | null,
      values: unknown,
      actor: SimulatorActor = uiActor,
    ) => assertRecord(object, matchingAttribute, values, actor),
    deleteRecord: (object: string, recordId: string, actor: SimulatorActor = uiActor) =>
      deleteRecord(object, recordId, actor),
    getRecord(object: string, recordId: string): AttioRecord | undefined {
      const state = findObject(object);
      const record = state.records.get(recordId);
      return record ? toRecord(state, record) : undefined;
    },
    records(object: string): AttioRecord[] {
      const state = findObject(object);
      return [...state.records.values()].map((record) => toRecord(state, record));
    },
    countRecords: (object: string) => findObject(object).records.size,
    queryRecords,
    attributeValues,
    recordEntries(object: string, recordId: string, request: PageRequest) {
      const state = findObject(object);
      findRecord(state, recordId);
      const found: Json[] = [];
      for (const list of lists.values()) {
        for (const entry of list.entries.values()) {
          if (entry.parent_record_id !== recordId) continue;
          found.push({
            list_id: list.list.id.list_id,
            list_api_slug: list.list.api_slug,
            entry_id: entry.id.entry_id,
            created_at: entry.created_at,
          });
        }
      }
      return page(found, request);
    },
    /** Adds `count` generated records to a standard object (`people`, `companies`, `deals`). */
    seed(object: string, count: number): AttioRecord[] {
      const seeder = seeders[object];
      if (!seeder) throw new Error(`The simulator can seed people, companies and deals, not "${object}".`);
      const start = findObject(object).records.size;
      const created: AttioRecord[] = [];
      const now = options.now();
      for (let index = 0; index < count; index += 1) {
        created.push(seeder(start + index, attioTimestamp(now - (count - index) * 1000)));
      }
      return created;
    },
    // lists and entries
    lists: () => [...lists.values()].map((state) => structuredClone(state.list)),
    list: (slugOrId: string) => structuredClone(findList(slugOrId).list),
    createList(data: unknown, actor: SimulatorActor = uiActor): AttioList {
      if (
        !isObject(data) ||
        typeof data.name !== 'string' ||
        typeof data.api_slug !== 'string' ||
        typeof data.parent_object !== 'string'
      ) {
        throw validationError(
          ['data'],
          'name, api_slug and parent_object are required.',
          'object',
          typeof data,
        );
      }
      const access = Array.isArray(data.workspace_member_access) ? data.workspace_member_access : [];
      if (
        data.workspace_access !== 'full-access' &&
        !access.some((item) => isObject(item) && item.level === 'full-access')
      ) {
        throw validationError(
          ['data', 'workspace_access'],
          'Someone must have full access to the list.',
          'full-access',
          data.workspace_access,
        );
      }
      const state = addList({
        name: data.name,
        api_slug: data.api_slug,
        parent_object: data.parent_object,
        workspace_access: (data.workspace_access as string | null | undefined) ?? null,
        workspace_member_access: access as { workspace_member_id: string; level: string }[],
      });
      emit('list.created', { list_id: state.list.id.list_id }, actor);
      return structuredClone(state.list);
    },
    updateList(slugOrId: string, data: unknown, actor: SimulatorActor = uiActor): AttioList {
      const state = findList(slugOrId);
      expectObject(data);
      if ('parent_object' in data) {
        throw new SimulatorError(400, 'immutable_value', 'The parent object of a list cannot be changed.');
      }
      if (typeof data.api_slug === 'string' && data.api_slug !== state.list.api_slug) {
        lists.delete(state.list.api_slug);
        state.list.api_slug = data.api_slug;
        lists.set(data.api_slug, state);
      }
      if (typeof data.name === 'string') state.list.name = data.name;
      if ('workspace_access' in data) state.list.workspace_access = data.workspace_access as string | null;
      if (Array.isArray(data.workspace_member_access)) {
        state.list.workspace_member_access =
          data.workspace_member_access as AttioList['workspace_member_access'];
      }
      emit('list.updated', { list_id: state.list.id.list_id }, actor);
      return structuredClone(state.list);
    },
    createEntry: (list: string, data: unknown, actor: SimulatorActor = uiActor) =>
      createEntry(list, data, actor),
    assertEntry: (list: string, data: unknown, actor: SimulatorActor = uiActor) =>
      assertEntry(list, data, actor),
    updateEntry: (
      list: string,
      entryId: string,
      entryValues: unknown,
      mode: 'append' | 'overwrite' = 'overwrite',
      actor: SimulatorActor = uiActor,
    ) => updateEntry(list, entryId, entryValues, mode, actor),
    deleteEntry: (list: string, entryId: string, actor: SimulatorActor = uiActor) =>
      deleteEntry(list, entryId, actor),
    getEntry(list: string, entryId: string): AttioEntry {
      const state = findList(list);
      return toEntry(state, findEntry(state, entryId));
    },
    entries(list: string): AttioEntry[] {
      const state = findList(list);
      return [...state.entries.values()].map((entry) => toEntry(state, entry));
    },
    queryEntries,
    // members
    members: () => [...members.values()].map((member) => structuredClone(member)),
    member(id: string): AttioWorkspaceMember {
      return structuredClone(mustGet(members, id, `Workspace member with ID "${id}" not found.`));
    },
    // notes
    createNote: (data: unknown, actor: SimulatorActor = uiActor) => createNote(data, actor),
    getNote: (noteId: string) => structuredClone(findNote(noteId)),
    deleteNote: (noteId: string, actor: SimulatorActor = uiActor) => deleteNote(noteId, actor),
    notes(filter: { parent_object?: string | null; parent_record_id?: string | null } = {}): AttioNote[] {
      let parentSlug: string | undefined;
      if (filter.parent_object) parentSlug = findObject(filter.parent_object).object.api_slug ?? undefined;
      return [...notes.values()]
        .filter((note) => (parentSlug ? note.parent_object === parentSlug : true))
        .filter((note) =>
          filter.parent_record_id ? note.parent_record_id === filter.parent_record_id : true,
        )
        .map((note) => structuredClone(note));
    },
    // tasks
    createTask: (data: unknown, actor: SimulatorActor = uiActor) => createTask(data, actor),
    updateTask: (taskId: string, data: unknown, actor: SimulatorActor = uiActor) =>
      updateTask(taskId, data, actor),
    deleteTask: (taskId: string, actor: SimulatorActor = uiActor) => deleteTask(taskId, actor),
    getTask: (taskId: string) => structuredClone(findTask(taskId)),
    tasks: () => [...tasks.values()].map((task) => structuredClone(task)),
    findMember,
    objectIdOf: (slugOrId: string) => findObject(slugOrId).object.id.object_id,
    // threads and comments
    createComment: (data: unknown, actor: SimulatorActor = uiActor) => createComment(data, actor),
    deleteComment: (commentId: string, actor: SimulatorActor = uiActor) => deleteComment(commentId, actor),
    getComment(commentId: string): AttioComment {
      return structuredClone(mustGet(comments, commentId, `Comment with ID "${commentId}" not found.`));
    },
    getThread: toThread,
    threads(filter: {
      record_id?: string;
      object?: string;
      entry_id?: string;
      list?: string;
    }): AttioThread[] {
      const objectId = filter.object ? findObject(filter.object).object.id.object_id : undefined;
      const listId = filter.list ? findList(filter.list).list.id.list_id : undefined;
      return [...threads.keys()].map(toThread).filter((thread) => {
        const head = thread.comments[0];
        if (!head) return false;
        if (
          filter.record_id &&
          (head.record?.record_id !== filter.record_id || head.record?.object_id !== objectId)
        )
          return false;
        if (filter.entry_id && (head.entry?.entry_id !== filter.entry_id || head.entry?.list_id !== listId))
          return false;
        return true;
      });
    },
    // webhooks
    webhooks: () => [...webhooks.values()].map(({ secret: _secret, ...webhook }) => structuredClone(webhook)),
    webhookState: (webhookId: string) => webhooks.get(webhookId),
    webhookStates: () => [...webhooks.values()],
    createWebhook(data: unknown, secret: string) {
      if (!isObject(data) || typeof data.target_url !== 'string' || !Array.isArray(data.subscriptions)) {
        throw validationError(['data'], 'target_url and subscriptions are required.', 'object', typeof data);
      }
      if (
        !/^https:\/\//.test(data.target_url) &&
        !/^http:\/\/(127\.0\.0\.1|localhost)/.test(data.target_url)
      ) {
        throw validationError(
          ['data', 'target_url'],
          'target_url must be an HTTPS URL.',
          'https URL',
          data.target_url,
        );
      }
      const webhookId = uuid();
      const webhook = {
        id: { workspace_id: workspaceId, webhook_id: webhookId },
        target_url: data.target_url,
        subscriptions: structuredClone(data.subscriptions) as AttioWebhook['subscriptions'],
        status: 'active',
        created_at: timestamp(),
        secret,
      };
      webhooks.set(webhookId, webhook);
      return structuredClone(webhook);
    },
    updateWebhook(webhookId: string, data: unknown): AttioWebhook {
      const webhook = mustGet(webhooks, webhookId, `Webhook with ID "${webhookId}" not found.`);
      expectObject(data);
      if (typeof data.target_url === 'string') webhook.target_url = data.target_url;
      if (Array.isArray(data.subscriptions)) {
        webhook.subscriptions = structuredClone(data.subscriptions) as AttioWebhook['subscriptions'];
      }
      const { secret: _secret, ...rest } = webhook;
      return structuredClone(rest);
    },
    deleteWebhook(webhookId: string): void {
      if (!webhooks.delete(webhookId)) throw notFound(`Webhook with ID "${webhookId}" not found.`);
    },
  };
}
