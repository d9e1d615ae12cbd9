import { normalizeTimestamp } from '../internal/timestamp.ts';
import { SALESLOFT_EVENT_TYPES } from '../webhooks/event-types.ts';
import { byField, byTimestamp, createLister, type ListSpec } from './simulator-list.ts';
import {
  boolFilter,
  createSimulatorQuery,
  invalid,
  jsonResponse,
  listFilter,
  notFound,
  type RecordFilter,
  rangeFilter,
  referenceId,
  type SimulatorQuery,
  SimulatorReply,
} from './simulator-query.ts';
import {
  newPersonDefaults,
  type SalesloftSimulatorStore,
  type SimulatorCollection,
  type SimulatorFields,
  type SimulatorRecord,
} from './simulator-store.ts';

/** Settings a test may flip at any time. */
export interface SimulatorSettings {
  /** Send `Retry-After` (seconds to the window's end) on budget 429s. Default `false`: SalesLoft does not document it. */
  retryAfter: boolean;
  /** Leave `metadata.paging` out of list responses, as some SalesLoft endpoints do. Default `false`. */
  omitPaging: boolean;
}

/** A parsed API request, as routes see it. */
interface RouteContext {
  method: string;
  query: SimulatorQuery;
  /** Query and body parameters merged (the body wins), as SalesLoft's server reads them. */
  params: Record<string, unknown>;
  id: string | undefined;
}

type Route = (context: RouteContext) => Response | Promise<Response>;

const JOB_SENIORITIES = [
  'director',
  'executive',
  'individual_contributor',
  'manager',
  'vice_president',
  'unknown',
];
const TASK_TYPES = ['call', 'email', 'general'];

const PERSON_FIELDS = [
  'first_name',
  'last_name',
  'email_address',
  'secondary_email_address',
  'personal_email_address',
  'phone',
  'phone_extension',
  'mobile_phone',
  'home_phone',
  'linkedin_url',
  'title',
  'city',
  'state',
  'country',
  'work_city',
  'work_state',
  'work_country',
  'crm_id',
  'crm_id_type',
  'owner_crm_id',
  'person_company_name',
  'person_company_website',
  'person_company_industry',
  'do_not_contact',
  'locale',
  'personal_website',
  'twitter_handle',
  'job_seniority',
  'custom_fields',
  'tags',
  'contact_restrictions',
];
const ACCOUNT_FIELDS = [
  'name',
  'domain',
  'conversational_name',
  'description',
  'phone',
  'website',
  'linkedin_url',
  'twitter_handle',
  'street',
  'city',
  'state',
  'postal_code',
  'country',
  'locale',
  'industry',
  'company_type',
  'founded',
  'revenue_range',
  'size',
  'do_not_contact',
  'custom_fields',
  'tags',
  'crm_id',
  'crm_id_type',
  'owner_crm_id',
];

const pick = (params: Record<string, unknown>, fields: readonly string[]): Record<string, unknown> => {
  const picked: Record<string, unknown> = {};
  for (const field of fields) if (field in params) picked[field] = params[field];
  return picked;
};

const text = (params: Record<string, unknown>, name: string): string | undefined => {
  const value = params[name];
  if (value === undefined || value === null) return undefined;
  const string = String(value).trim();
  return string === '' ? undefined : string;
};

const required = (params: Record<string, unknown>, name: string): string => {
  const value = text(params, name);
  if (value === undefined) throw invalid(name, "can't be blank");
  return value;
};

const normalizeDomain = (value: string) =>
  value
    .trim()
    .toLowerCase()
    .replace(/^https?:\/\//, '')
    .replace(/^www\./, '')
    .replace(/\/.*$/, '');

/** Reads query parameters (`a[]` as arrays) and a JSON or form body into one parameter map. */
async function readParams(request: Request, url: URL): Promise<Record<string, unknown>> {
  const params: Record<string, unknown> = {};
  for (const [key, value] of url.searchParams) {
    if (key.endsWith('[]')) {
      const name = key.slice(0, -2);
      params[name] = [...((params[name] as unknown[] | undefined) ?? []), value];
    } else params[key] = value;
  }
  if (request.method === 'GET' || request.method === 'DELETE' || request.method === 'HEAD') return params;
  const body = await request.text();
  if (body.trim() === '') return params;
  const type = request.headers.get('content-type') ?? '';
  if (type.includes('application/x-www-form-urlencoded')) {
    for (const [key, value] of new URLSearchParams(body)) {
      if (key.endsWith('[]')) {
        const name = key.slice(0, -2);
        params[name] = [...((params[name] as unknown[] | undefined) ?? []), value];
      } else params[key] = value;
    }
    return params;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    throw new SimulatorReply(400, { error: 'Request body is not valid JSON' });
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new SimulatorReply(400, { error: 'Request body must be a JSON object' });
  }
  return { ...params, ...(parsed as Record<string, unknown>) };
}

/** Builds the request router of the simulated API. */
export function createSimulatorRoutes(store: SalesloftSimulatorStore, settings: SimulatorSettings) {
  const list = createLister();
  const collection = <T>(value: SimulatorCollection<T & { id: number }>) =>
    value as unknown as SimulatorCollection<SimulatorRecord>;
  const answerList = (spec: ListSpec, query: SimulatorQuery) =>
    jsonResponse(200, list(spec, query, { omitPaging: settings.omitPaging }));
  const answerRecord = (record: unknown) => jsonResponse(200, { data: record });
  const noContent = () => new Response(null, { status: 204 });
  const found = <T>(record: T | undefined): T => {
    if (record === undefined) throw notFound();
    return record;
  };
  const mustExist = (
    target: SimulatorCollection<SimulatorRecord>,
    params: Record<string, unknown>,
    field: string,
  ): SimulatorRecord | undefined => {
    const id = text(params, field);
    if (id === undefined) return undefined;
    const record = target.get(id);
    if (!record) throw invalid(field, 'was not found');
    return record;
  };
  const idsFilter = (query: SimulatorQuery): RecordFilter => listFilter(query, 'ids', (record) => record.id);
  const commonSort = {
    created_at: byTimestamp('created_at'),
    updated_at: byTimestamp('updated_at'),
  };

  // ---- people -------------------------------------------------------------------------
  const people = collection(store.people);
  const peopleSpec: ListSpec = {
    collection: people,
    sortFields: {
      ...commonSort,
      last_contacted_at: byTimestamp('last_contacted_at'),
      name: byField(
        (record) => record.display_name ?? `${record.first_name ?? ''} ${record.last_name ?? ''}`,
      ),
      title: byField((record) => record.title),
      job_seniority: byField((record) => record.job_seniority),
      call_count: byField((record) => (record.counts as { calls?: number } | undefined)?.calls),
      sent_emails: byField((record) => (record.counts as { emails_sent?: number } | undefined)?.emails_sent),
      clicked_emails: byField(
        (record) => (record.counts as { emails_clicked?: number } | undefined)?.emails_clicked,
      ),
      replied_emails: byField(
        (record) => (record.counts as { emails_replied_to?: number } | undefined)?.emails_replied_to,
      ),
      viewed_emails: byField(
        (record) => (record.counts as { emails_viewed?: number } | undefined)?.emails_viewed,
      ),
      account: byField((record) => record.account),
      cadence_stage_name: byField((record) => record.id),
    },
    defaultSort: 'updated_at',
    defaultDirection: 'DESC',
    filters: (query) => {
      const cadenceIds = query.list('cadence_id');
      let onCadence: RecordFilter;
      if (cadenceIds !== undefined) {
        const wanted = new Set(cadenceIds);
        const members = new Set<string>();
        for (const membership of store.cadenceMemberships.all()) {
          const cadenceId = referenceId(membership.cadence);
          const personId = referenceId(membership.person);
          if (membership.currently_on_cadence && cadenceId && personId && wanted.has(cadenceId))
            members.add(personId);
        }
        onCadence = (record) => members.has(String(record.id));
      }
      return [
        idsFilter(query),
        listFilter(query, 'email_addresses', (record) => record.email_address, {
          caseInsensitive: true,
          nullable: true,
        }),
        listFilter(query, 'account_id', (record) => referenceId(record.account)),
        listFilter(query, 'owner_id', (record) => referenceId(record.owner)),
        listFilter(query, 'crm_id', (record) => record.crm_id),
        listFilter(query, 'person_stage_id', (record) => referenceId(record.person_stage)),
        listFilter(query, 'job_seniority', (record) => record.job_seniority, { nullable: true }),
        listFilter(query, 'title', (record) => record.title),
        listFilter(query, 'country', (record) => record.country),
        boolFilter(query, 'do_not_contact', (record) => record.do_not_contact),
        rangeFilter(query, 'updated_at'),
        rangeFilter(query, 'created_at'),
        onCadence,
      ];
    },
  };

  const emailTaken = (email: string | undefined, exceptId?: number) => {
    if (email === undefined) return false;
    const wanted = email.toLowerCase();
    return people
      .all()
      .some(
        (person) => person.id !== exceptId && String(person.email_address ?? '').toLowerCase() === wanted,
      );
  };

  const personFields = (params: Record<string, unknown>, exceptId?: number): Record<string, unknown> => {
    const fields = pick(params, PERSON_FIELDS);
    const email = text(params, 'email_address');
    if (email !== undefined && !/^[^@\s]+@[^@\s]+$/.test(email)) throw invalid('email_address', 'is invalid');
    if (emailTaken(email, exceptId)) throw invalid('email_address', 'is already taken');
    const seniority = text(params, 'job_seniority');
    if (seniority !== undefined && !JOB_SENIORITIES.includes(seniority)) {
      throw invalid('job_seniority', 'is not included in the list');
    }
    if ('account_id' in params) {
      const account =
        params.account_id === null ? undefined : mustExist(collection(store.accounts), params, 'account_id');
      fields.account = account ? store.reference('accounts', account.id) : null;
    }
    if ('owner_id' in params) {
      const owner = mustExist(collection(store.users), params, 'owner_id');
      fields.owner = owner ? store.reference('users', owner.id) : null;
    }
    if ('person_stage_id' in params)
      fields.person_stage = store.reference('person_stages', text(params, 'person_stage_id'));
    return fields;
  };

  const withDisplayName = (record: Record<string, unknown>) => {
    const name = [record.first_name, record.last_name]
      .filter((part) => typeof part === 'string' && part)
      .join(' ');
    return { ...record, display_name: name || null };
  };

  const createPerson = (params: Record<string, unknown>) => {
    const email = text(params, 'email_address');
    if (
      email === undefined &&
      (text(params, 'phone') === undefined || text(params, 'last_name') === undefined)
    ) {
      throw invalid('email_address', "can't be blank unless phone and last_name are given");
    }
    const fields = personFields(params);
    return people.insert(
      withDisplayName({
        ...newPersonDefaults(store.reference('users', store.me.id)),
        ...fields,
      }) as SimulatorFields<SimulatorRecord>,
    );
  };

  const updatePerson = (id: string, params: Record<string, unknown>) => {
    const existing = found(people.get(id));
    const fields = personFields(params, existing.id);
    return found(
      people.update(
        existing.id,
        withDisplayName({ ...existing, ...fields }) as SimulatorFields<SimulatorRecord>,
      ),
    );
  };

  // ---- accounts -----------------------------------------------------------------------
  const accounts = collection(store.accounts);
  const accountsSpec: ListSpec = {
    collection: accounts,
    sortFields: {
      ...commonSort,
      last_contacted_at: byTimestamp('last_contacted_at'),
      name: byField((record) => record.name),
      account_stage: byField((record) => record.company_stage),
      account_stage_name: byField((record) => record.company_stage),
      account_tier: byField((record) => record.account_tier),
      account_tier_name: byField((record) => record.account_tier),
      counts_people: byField((record) => (record.counts as { people?: number } | undefined)?.people),
    },
    defaultSort: 'updated_at',
    defaultDirection: 'DESC',
    filters: (query) => {
      const domain = query.value('domain');
      return [
        idsFilter(query),
        domain === undefined
          ? undefined
          : (record) => normalizeDomain(String(record.domain ?? '')) === normalizeDomain(domain),
        listFilter(query, 'name', (record) => record.name),
        listFilter(query, 'website', (record) => record.website),
        listFilter(query, 'crm_id', (record) => record.crm_id),
        listFilter(query, 'owner_id', (record) => referenceId(record.owner), { nullable: true }),
        listFilter(query, 'industry', (record) => record.industry),
        listFilter(query, 'country', (record) => record.country),
        boolFilter(query, 'archived', (record) => record.archived_at),
        rangeFilter(query, 'updated_at'),
        rangeFilter(query, 'created_at'),
      ];
    },
  };

  const domainTaken = (domain: string | undefined, exceptId?: number) =>
    domain !== undefined &&
    accounts
      .all()
      .some(
        (account) =>
          account.id !== exceptId &&
          normalizeDomain(String(account.domain ?? '')) === normalizeDomain(domain),
      );

  const accountFields = (params: Record<string, unknown>, exceptId?: number) => {
    const fields = pick(params, ACCOUNT_FIELDS);
    const domain = text(params, 'domain');
    if (domainTaken(domain, exceptId)) throw invalid('domain', 'is already taken');
    if (domain !== undefined) fields.domain = normalizeDomain(domain);
    if ('owner_id' in params) {
      const owner = mustExist(collection(store.users), params, 'owner_id');
      fields.owner = owner ? store.reference('users', owner.id) : null;
    }
    return fields;
  };

  const createAccount = (params: Record<string, unknown>) => {
    required(params, 'name');
    required(params, 'domain');
    return accounts.insert({
      tags: [],
      custom_fields: {},
      owner: store.reference('users', store.me.id),
      creator: store.reference('users', store.me.id),
      counts: { people: 0 },
      ...accountFields(params),
    } as SimulatorFields<SimulatorRecord>);
  };

  const upsert = (
    params: Record<string, unknown>,
    target: SimulatorCollection<SimulatorRecord>,
    keys: Record<string, (record: SimulatorRecord, value: string) => boolean>,
    create: () => SimulatorRecord,
    update: (id: string) => SimulatorRecord,
  ): { upsert_type: 'create' | 'update'; record: SimulatorRecord } => {
    const key = text(params, 'upsert_key');
    if (key === undefined) return { upsert_type: 'create', record: create() };
    const matcher = keys[key];
    if (!matcher) throw invalid('upsert_key', `must be one of: ${Object.keys(keys).join(', ')}`);
    const value = text(params, key);
    if (value === undefined) throw invalid(key, "can't be blank when it is the upsert_key");
    const matches = target.all().filter((record) => matcher(record, value));
    if (matches.length > 1) throw invalid(key, 'matches more than one record');
    const match = matches[0];
    if (match) return { upsert_type: 'update', record: update(String(match.id)) };
    return { upsert_type: 'create', record: create() };
  };

  // ---- cadences, memberships, steps, users ---------------------------------------------
  const cadencesSpec: ListSpec = {
    collection: collection(store.cadences),
    sortFields: { ...commonSort, name: byField((record) => record.name) },
    defaultSort: 'updated_at',
    defaultDirection: 'DESC',
    filters: (query) => [
      idsFilter(query),
      listFilter(query, 'name', (record) => record.name),
      listFilter(query, 'owned_by_guid', (record) => {
        const owner = store.users.get(referenceId(record.owner) ?? '');
        return owner?.guid;
      }),
      boolFilter(query, 'team_cadence', (record) => record.team_cadence),
      boolFilter(query, 'shared', (record) => record.shared),
      boolFilter(query, 'archived', (record) => record.archived_at),
      rangeFilter(query, 'updated_at'),
    ],
  };

  const memberships = collection(store.cadenceMemberships);
  const membershipsSpec: ListSpec = {
    collection: memberships,
    sortFields: { added_at: byTimestamp('added_at'), updated_at: byTimestamp('updated_at') },
    defaultSort: 'updated_at',
    defaultDirection: 'DESC',
    filters: (query) => [
      idsFilter(query),
      listFilter(query, 'person_id', (record) => referenceId(record.person)),
      listFilter(query, 'cadence_id', (record) => referenceId(record.cadence)),
      boolFilter(query, 'currently_on_cadence', (record) => record.currently_on_cadence),
      rangeFilter(query, 'updated_at'),
    ],
  };

  const adjustCadencePeople = (cadenceId: number, delta: number) => {
    const cadence = store.cadences.get(cadenceId);
    if (!cadence) return;
    const counts = (cadence.counts ?? {}) as Record<string, unknown>;
    const current = typeof counts.cadence_people === 'number' ? counts.cadence_people : 0;
    store.cadences.update(cadence.id, {
      counts: { ...counts, cadence_people: Math.max(0, current + delta) },
    });
  };

  const enrol = (params: Record<string, unknown>) => {
    required(params, 'person_id');
    required(params, 'cadence_id');
    const person = mustExist(people, params, 'person_id') as SimulatorRecord;
    const cadence = mustExist(collection(store.cadences), params, 'cadence_id') as SimulatorRecord;
    const user = mustExist(collection(store.users), params, 'user_id') ?? store.me;
    if ('step_id' in params) mustExist(collection(store.steps), params, 'step_id');
    const now = store.now();
    // Adding a person again keeps one membership per person and cadence.
    const existing = memberships
      .all()
      .find(
        (record) =>
          referenceId(record.person) === String(person.id) &&
          referenceId(record.cadence) === String(cadence.id),
      );
    if (existing) {
      if (!existing.currently_on_cadence) adjustCadencePeople(cadence.id, 1);
      return found(
        memberships.update(existing.id, {
          current_state: 'active',
          currently_on_cadence: true,
          added_at: existing.currently_on_cadence ? existing.added_at : now,
          user: store.reference('users', user.id),
        }),
      );
    }
    adjustCadencePeople(cadence.id, 1);
    return memberships.insert({
      added_at: now,
      person_deleted: false,
      currently_on_cadence: true,
      current_state: 'active',
      cadence: store.reference('cadences', cadence.id),
      person: store.reference('people', person.id),
      user: store.reference('users', user.id),
      latest_action: null,
      counts: { views: 0, clicks: 0, replies: 0, calls: 0, sent_emails: 0, bounces: 0 },
    });
  };

  const stepsSpec: ListSpec = {
    collection: collection(store.steps),
    sortFields: commonSort,
    defaultSort: 'updated_at',
    defaultDirection: 'DESC',
    filters: (query) => [
      idsFilter(query),
      listFilter(query, 'cadence_id', (record) => referenceId(record.cadence)),
      listFilter(query, 'type', (record) => record.type),
    ],
  };

  const usersSpec: ListSpec = {
    collection: collection(store.users),
    sortFields: {
      id: (record) => record.id,
      email: byField((record) => record.email),
      name: byField((record) => record.name),
      group: byField((record) => record.group),
      role: byField((record) => record.role),
    },
    defaultSort: 'id',
    defaultDirection: 'DESC',
    pagesOnlyWithPage: true,
    filters: (query) => [
      idsFilter(query),
      listFilter(query, 'guid', (record) => record.guid),
      boolFilter(query, 'active', (record) => record.active),
    ],
  };

  // ---- notes, tasks ------------------------------------------------------------------
  const notes = collection(store.notes);
  const notesSpec: ListSpec = {
    collection: notes,
    sortFields: commonSort,
    defaultSort: 'updated_at',
    defaultDirection: 'DESC',
    filters: (query) => {
      const type = query.value('associated_with_type')?.toLowerCase();
      return [
        idsFilter(query),
        type === undefined ? undefined : (record) => String(record.associated_type).toLowerCase() === type,
        listFilter(query, 'associated_with_id', (record) => referenceId(record.associated_with)),
        rangeFilter(query, 'updated_at'),
      ];
    },
  };

  const createNote = (params: Record<string, unknown>) => {
    const type = required(params, 'associated_with_type').toLowerCase();
    if (type !== 'person' && type !== 'account')
      throw invalid('associated_with_type', 'must be one of: person, account');
    const target = type === 'person' ? people : accounts;
    required(params, 'associated_with_id');
    const associated = mustExist(target, params, 'associated_with_id') as SimulatorRecord;
    const content = required(params, 'content');
    const userGuid = text(params, 'user_guid');
    const user =
      userGuid === undefined ? store.me : store.users.all().find((candidate) => candidate.guid === userGuid);
    if (!user) throw invalid('user_guid', 'was not found');
    return notes.insert({
      content,
      associated_type: type,
      associated_with: store.reference(type === 'person' ? 'people' : 'accounts', associated.id),
      user: store.reference('users', user.id),
      call: store.reference('activities/calls', text(params, 'call_id')),
      subject: text(params, 'subject') ?? null,
    });
  };

  const tasks = collection(store.tasks);
  const tasksSpec: ListSpec = {
    collection: tasks,
    sortFields: { due_date: byField((record) => record.due_date), due_at: byTimestamp('due_at') },
    defaultSort: 'due_date',
    defaultDirection: 'ASC',
    filters: (query) => {
      const accountIds = query.list('account_id');
      return [
        idsFilter(query),
        listFilter(query, 'user_id', (record) => referenceId(record.user)),
        listFilter(query, 'person_id', (record) => referenceId(record.person)),
        listFilter(query, 'current_state', (record) => record.current_state),
        listFilter(query, 'task_type', (record) => record.task_type),
        listFilter(query, 'idempotency_key', (record) => record.idempotency_key),
        accountIds === undefined
          ? undefined
          : (record) => {
              const person = store.people.get(referenceId(record.person) ?? '');
              return accountIds.includes(referenceId(person?.account) ?? '');
            },
      ];
    },
  };

  const createTask = (params: Record<string, unknown>) => {
    const key = text(params, 'idempotency_key');
    if (key !== undefined) {
      const existing = tasks.all().find((task) => task.idempotency_key === key);
      if (existing) return existing;
    }
    const subject = required(params, 'subject');
    required(params, 'person_id');
    required(params, 'user_id');
    const person = mustExist(people, params, 'person_id') as SimulatorRecord;
    const user = mustExist(collection(store.users), params, 'user_id') as SimulatorRecord;
    const taskType = required(params, 'task_type');
    if (!TASK_TYPES.includes(taskType)) throw invalid('task_type', 'must be one of: call, email, general');
    const dueDate = required(params, 'due_date');
    if (!/^\d{4}-\d{2}-\d{2}$/.test(dueDate)) throw invalid('due_date', 'must be an ISO-8601 date');
    const state = required(params, 'current_state');
    if (state !== 'scheduled') throw invalid('current_state', 'must be scheduled');
    const remindAt = text(params, 'remind_at');
    return tasks.insert({
      subject,
      task_type: taskType,
      current_state: state,
      due_date: dueDate,
      due_at: normalizeTimestamp(`${dueDate}T00:00:00Z`) ?? null,
      remind_at: remindAt === undefined ? null : (normalizeTimestamp(remindAt) ?? null),
      description: text(params, 'description') ?? null,
      idempotency_key: key ?? null,
      completed_at: null,
      person: store.reference('people', person.id),
      user: store.reference('users', user.id),
      created_by_user: store.reference('users', store.me.id),
      completed_by: null,
    });
  };

  const updateTask = (id: string, params: Record<string, unknown>) => {
    const task = found(tasks.get(id));
    const patch: Record<string, unknown> = pick(params, ['subject', 'description', 'is_logged']);
    const state = text(params, 'current_state');
    if (state !== undefined) {
      if (state !== 'completed' && state !== 'scheduled') throw invalid('current_state', 'must be completed');
      patch.current_state = state;
      if (state === 'completed') {
        patch.completed_at = store.now();
        patch.completed_by = store.reference('users', store.me.id);
      }
    }
    const dueDate = text(params, 'due_date');
    if (dueDate !== undefined) {
      if (!/^\d{4}-\d{2}-\d{2}$/.test(dueDate)) throw invalid('due_date', 'must be an ISO-8601 date');
      patch.due_date = dueDate;
      patch.due_at = normalizeTimestamp(`${dueDate}T00:00:00Z`) ?? null;
    }
    const remindAt = text(params, 'remind_at');
    if (remindAt !== undefined) patch.remind_at = normalizeTimestamp(remindAt) ?? null;
    return found(tasks.update(task.id, patch));
  };

  // ---- activities, webhook subscriptions ------------------------------------------------
  const emailsSpec: ListSpec = {
    collection: collection(store.emails),
    sortFields: { updated_at: byTimestamp('updated_at'), send_time: byTimestamp('sent_at') },
    defaultSort: 'updated_at',
    defaultDirection: 'DESC',
    filters: (query) => [
      idsFilter(query),
      listFilter(query, 'person_id', (record) => referenceId(record.recipient)),
      listFilter(query, 'user_id', (record) => referenceId(record.user)),
      listFilter(query, 'cadence_id', (record) => referenceId(record.cadence)),
      listFilter(query, 'step_id', (record) => referenceId(record.step)),
      listFilter(query, 'status', (record) => record.status),
      listFilter(query, 'email_addresses', (record) => record.recipient_email_address, {
        caseInsensitive: true,
      }),
      boolFilter(query, 'bounced', (record) => record.bounced),
      rangeFilter(query, 'updated_at'),
      rangeFilter(query, 'sent_at'),
    ],
  };

  const callsSpec: ListSpec = {
    collection: collection(store.calls),
    sortFields: commonSort,
    defaultSort: 'updated_at',
    defaultDirection: 'DESC',
    filters: (query) => [
      idsFilter(query),
      listFilter(query, 'person_id', (record) => referenceId(record.called_person)),
      listFilter(query, 'sentiment', (record) => record.sentiment),
      listFilter(query, 'disposition', (record) => record.disposition),
      listFilter(query, 'user_guid', (record) => store.users.get(referenceId(record.user) ?? '')?.guid),
      rangeFilter(query, 'updated_at'),
      rangeFilter(query, 'created_at'),
    ],
  };

  const subscriptions = collection(store.webhookSubscriptions);
  const subscriptionsSpec: ListSpec = {
    collection: subscriptions,
    sortFields: { id: (record) => record.id },
    defaultSort: 'id',
    defaultDirection: 'ASC',
    pagesOnlyWithPage: true,
    filters: (query) => [boolFilter(query, 'enabled', (record) => record.enabled)],
  };

  const createSubscription = (params: Record<string, unknown>) => {
    const eventType = required(params, 'event_type');
    if (!(SALESLOFT_EVENT_TYPES as readonly string[]).includes(eventType)) {
      throw invalid('event_type', 'is not a valid event type');
    }
    const callbackUrl = required(params, 'callback_url');
    if (!URL.canParse(callbackUrl)) throw invalid('callback_url', 'is not a valid URL');
    const token = required(params, 'callback_token');
    return subscriptions.insert({
      event_type: eventType,
      callback_url: callbackUrl,
      callback_token: token,
      enabled: true,
      user_guid: store.me.guid,
      tenant_id: 1,
    });
  };

  const updateSubscription = (id: string, params: Record<string, unknown>) => {
    const subscription = found(subscriptions.get(id));
    const patch: Record<string, unknown> = {};
    if ('enabled' in params) patch.enabled = params.enabled === true || params.enabled === 'true';
    const callbackUrl = text(params, 'callback_url');
    if (callbackUrl !== undefined) {
      if (!URL.canParse(callbackUrl)) throw invalid('callback_url', 'is not a valid URL');
      patch.callback_url = callbackUrl;
    }
    return found(subscriptions.update(subscription.id, patch));
  };

  // ---- the route table -----------------------------------------------------------------
  const crud = (
    spec: ListSpec,
    handlers: {
      create?: (params: Record<string, unknown>) => SimulatorRecord;
      update?: (id: string, params: Record<string, unknown>) => SimulatorRecord;
      remove?: (id: string) => void;
    } = {},
  ): { collection: Record<string, Route>; member: Record<string, Route> } => {
    const collectionRoutes: Record<string, Route> = { GET: ({ query }) => answerList(spec, query) };
    const memberRoutes: Record<string, Route> = {
      GET: ({ id }) => answerRecord(found(spec.collection.get(id ?? ''))),
    };
    const { create, update, remove } = handlers;
    if (create) collectionRoutes.POST = ({ params }) => answerRecord(create(params));
    if (update) memberRoutes.PUT = ({ id, params }) => answerRecord(update(id ?? '', params));
    if (remove)
      memberRoutes.DELETE = ({ id }) => {
        remove(id ?? '');
        return noContent();
      };
    return { collection: collectionRoutes, member: memberRoutes };
  };

  // Deleting is permanent and safe to repeat: a second DELETE of a deleted record answers 204 again.
  const deletedIds = new Set<string>();
  const deleteOnce = (target: SimulatorCollection<SimulatorRecord>, id: string) => {
    const removed = target.remove(id);
    if (removed) deletedIds.add(`${target.name}:${removed.id}`);
    else if (!deletedIds.has(`${target.name}:${Number(id)}`)) throw notFound();
    return removed;
  };

  const peopleRoutes = crud(peopleSpec, {
    create: createPerson,
    update: updatePerson,
    remove: (id) => {
      const removed = deleteOnce(people, id);
      if (!removed) return;
      for (const membership of memberships.all()) {
        if (referenceId(membership.person) === String(removed.id)) {
          memberships.update(membership.id, { person_deleted: true, currently_on_cadence: false });
        }
      }
    },
  });
  const accountRoutes = crud(accountsSpec, {
    create: createAccount,
    update: (id, params) => {
      const existing = found(accounts.get(id));
      return found(accounts.update(existing.id, accountFields(params, existing.id)));
    },
    remove: (id) => {
      deleteOnce(accounts, id);
    },
  });
  const membershipRoutes = crud(membershipsSpec, {
    create: enrol,
    remove: (id) => {
      const membership = found(memberships.get(id));
      if (membership.currently_on_cadence) {
        adjustCadencePeople(Number(referenceId(membership.cadence)), -1);
        memberships.update(membership.id, { current_state: 'removed', currently_on_cadence: false });
      }
    },
  });
  const noteRoutes = crud(notesSpec, {
    create: createNote,
    update: (id, params) => {
      const note = found(notes.get(id));
      return found(notes.update(note.id, { content: required(params, 'content') }));
    },
    remove: (id) => {
      found(notes.get(id));
      notes.remove(id);
    },
  });
  const taskRoutes = crud(tasksSpec, { create: createTask, update: updateTask });
  const subscriptionRoutes = crud(subscriptionsSpec, {
    create: createSubscription,
    update: updateSubscription,
    remove: (id) => {
      found(subscriptions.get(id));
      subscriptions.remove(id);
    },
  });
  const readOnly = (spec: ListSpec) => crud(spec);

  const table: Record<string, { collection: Record<string, Route>; member: Record<string, Route> }> = {
    people: peopleRoutes,
    accounts: accountRoutes,
    cadences: readOnly(cadencesSpec),
    cadence_memberships: membershipRoutes,
    steps: readOnly(stepsSpec),
    users: readOnly(usersSpec),
    notes: noteRoutes,
    tasks: taskRoutes,
    'activities/emails': readOnly(emailsSpec),
    'activities/calls': readOnly(callsSpec),
    webhook_subscriptions: subscriptionRoutes,
  };
  const actions: Record<string, Record<string, Route>> = {
    me: { GET: () => answerRecord(store.users.get(store.me.id) ?? store.me) },
    person_upserts: {
      POST: ({ params }) => {
        const result = upsert(
          params,
          people,
          {
            id: (record, value) => String(record.id) === value,
            crm_id: (record, value) => record.crm_id === value,
            email_address: (record, value) =>
              String(record.email_address ?? '').toLowerCase() === value.toLowerCase(),
          },
          () => createPerson(params),
          (id) => updatePerson(id, params),
        );
        return answerRecord({ upsert_type: result.upsert_type, person: result.record });
      },
    },
    account_upserts: {
      POST: ({ params }) => {
        const result = upsert(
          params,
          accounts,
          {
            id: (record, value) => String(record.id) === value,
            crm_id: (record, value) => record.crm_id === value,
            domain: (record, value) =>
              normalizeDomain(String(record.domain ?? '')) === normalizeDomain(value),
          },
          () => createAccount(params),
          (id) => {
            const existing = found(accounts.get(id));
            return found(accounts.update(existing.id, accountFields(params, existing.id)));
          },
        );
        return answerRecord({ upsert_type: result.upsert_type, account: result.record });
      },
    },
  };

  /** Answers one authenticated API request at `path` (below `/v2`, without `.json`). */
  return async (request: Request, url: URL, path: string): Promise<Response> => {
    try {
      const segments = path.split('/').filter(Boolean);
      let routes: Record<string, Route> | undefined;
      let id: string | undefined;
      const joined = segments.join('/');
      if (actions[joined]) routes = actions[joined];
      else if (table[joined]) routes = table[joined].collection;
      else {
        const parent = segments.slice(0, -1).join('/');
        const entry = table[parent];
        if (entry) {
          routes = entry.member;
          id = segments[segments.length - 1];
        }
      }
      const route = routes?.[request.method];
      if (!route || (id !== undefined && !/^\d+$/.test(id))) return notFound().response;
      const params = await readParams(request, url);
      return await route({
        method: request.method,
        query: createSimulatorQuery(url.searchParams),
        params,
        id,
      });
    } catch (error) {
      if (error instanceof SimulatorReply) return error.response;
      throw error;
    }
  };
}
