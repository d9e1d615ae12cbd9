import type { Clock } from '@salesos/core';
import type { Random } from '@salesos/core/testing';
import { formatTimestampMicros } from '../internal/timestamp.ts';
import type { SalesloftAccount } from '../schemas/account.ts';
import type { SalesloftCadence } from '../schemas/cadence.ts';
import type { SalesloftCadenceMembership } from '../schemas/cadence-membership.ts';
import type { SalesloftCall } from '../schemas/call.ts';
import type { SalesloftEmail } from '../schemas/email.ts';
import type { SalesloftMeeting } from '../schemas/meeting.ts';
import type { SalesloftNote } from '../schemas/note.ts';
import type { SalesloftPerson } from '../schemas/person.ts';
import type { SalesloftStep } from '../schemas/step.ts';
import type { SalesloftTask } from '../schemas/task.ts';
import type { SalesloftUser } from '../schemas/user.ts';
import type { SalesloftWebhookSubscription } from '../schemas/webhook-subscription.ts';

/** A record as the simulator stores it: SalesLoft's wire shape. */
export type SimulatorRecord = { id: number } & Record<string, unknown>;

/** Fields to write into a record; `id`, `created_at` and `updated_at` are filled when absent. */
export type SimulatorFields<T> = Partial<T> & Record<string, unknown>;

/** What changed in the simulator's store. */
export interface SimulatorChange {
  collection: SimulatorCollectionName;
  kind: 'created' | 'updated' | 'deleted';
  record: SimulatorRecord;
  previous?: SimulatorRecord | undefined;
}

/** The collections of the simulator's store. */
export type SimulatorCollectionName =
  | 'people'
  | 'accounts'
  | 'cadences'
  | 'cadenceMemberships'
  | 'steps'
  | 'users'
  | 'notes'
  | 'tasks'
  | 'emails'
  | 'calls'
  | 'meetings'
  | 'webhookSubscriptions';

/**
 * One collection of the simulated SalesLoft team. Writes through it behave like edits in
 * SalesLoft's UI: `updated_at` moves and subscribed webhooks fire.
 */
export interface SimulatorCollection<T extends { id: number }> {
  readonly name: SimulatorCollectionName;
  /** Number of records. */
  readonly size: number;
  /** Increases on every write; list caches key on it. */
  readonly version: number;
  get(id: number | string): T | undefined;
  /** Every record, in creation order. */
  all(): T[];
  /** Adds a record; `id`, `created_at` and `updated_at` default to the next id and now. */
  insert(fields: SimulatorFields<T>): T;
  /** Merges `patch` into a record; `updated_at` moves to now unless the patch sets it. */
  update(id: number | string, patch: SimulatorFields<T>): T | undefined;
  /** Deletes a record; answers the deleted record. */
  remove(id: number | string): T | undefined;
  /** Removes every record without firing webhooks. */
  clear(): void;
}

/** The simulator's state: every collection plus seeding helpers. */
export interface SalesloftSimulatorStore {
  readonly people: SimulatorCollection<SalesloftPerson>;
  readonly accounts: SimulatorCollection<SalesloftAccount>;
  readonly cadences: SimulatorCollection<SalesloftCadence>;
  readonly cadenceMemberships: SimulatorCollection<SalesloftCadenceMembership>;
  readonly steps: SimulatorCollection<SalesloftStep>;
  readonly users: SimulatorCollection<SalesloftUser>;
  readonly notes: SimulatorCollection<SalesloftNote>;
  readonly tasks: SimulatorCollection<SalesloftTask>;
  readonly emails: SimulatorCollection<SalesloftEmail>;
  readonly calls: SimulatorCollection<SalesloftCall>;
  readonly meetings: SimulatorCollection<SalesloftMeeting>;
  readonly webhookSubscriptions: SimulatorCollection<SalesloftWebhookSubscription>;
  /** The user the API key belongs to (`/v2/me`). */
  readonly me: SalesloftUser;
  /** The current time as SalesLoft writes it (microseconds, UTC), strictly increasing. */
  now(): string;
  /** `{ id, _href }` of a record, as SalesLoft embeds references. */
  reference(path: string, id: number | string | null | undefined): { id: number; _href: string } | null;
  /** Seeds `count` people with generated names and emails, linked to existing accounts. */
  seedPeople(count: number, fields?: SeedFields<SalesloftPerson>): SalesloftPerson[];
  /** Seeds `count` accounts with generated names and unique domains. */
  seedAccounts(count: number, fields?: SeedFields<SalesloftAccount>): SalesloftAccount[];
  /** Seeds `count` cadences, each with `stepsPerCadence` steps (default 3). */
  seedCadences(count: number, stepsPerCadence?: number): SalesloftCadence[];
  /** Seeds `count` sent emails to existing people, with some opens, clicks, replies and bounces. */
  seedEmails(count: number, fields?: SeedFields<SalesloftEmail>): SalesloftEmail[];
  /** Seeds `count` calls to existing people. */
  seedCalls(count: number, fields?: SeedFields<SalesloftCall>): SalesloftCall[];
  /** Listens to every change; answers an unsubscribe function. */
  onChange(listener: (change: SimulatorChange) => void): () => void;
}

/** Fixed fields for seeded records, or a function of the record's index. */
export type SeedFields<T> = SimulatorFields<T> | ((index: number) => SimulatorFields<T>);

const FIRST_NAMES = [
  'Ada',
  'Grace',
  'Alan',
  'Linus',
  'Margaret',
  'Ken',
  'Barbara',
  'Dennis',
  'Radia',
  'Edsger',
];
const LAST_NAMES = ['Lovelace', 'Hopper', 'Turing', 'Torvalds', 'Hamilton', 'Thompson', 'Liskov', 'Ritchie'];
const TITLES = ['VP of Sales', 'Head of Growth', 'CTO', 'Account Executive', 'SDR Manager', 'Founder'];
const SENIORITIES = [
  'vice_president',
  'director',
  'executive',
  'individual_contributor',
  'manager',
  'unknown',
];
const INDUSTRIES = ['Software', 'Financial Services', 'Healthcare', 'Manufacturing', 'Education', 'Retail'];
const COUNTRIES = ['United States', 'Germany', 'France', 'United Kingdom', 'Brazil', 'Japan'];
const DAY_MICROS = 86_400_000_000;

/** The fields a new person starts with, before what the caller sets. */
export function newPersonDefaults(owner: { id: number; _href: string } | null) {
  return {
    do_not_contact: false,
    tags: [],
    contact_restrictions: [],
    custom_fields: {},
    owner,
    counts: {
      emails_sent: 0,
      emails_viewed: 0,
      emails_clicked: 0,
      emails_replied_to: 0,
      emails_bounced: 0,
      calls: 0,
    },
  };
}

interface StoreOptions {
  clock: Clock;
  random: Random;
  /** Root used in `_href` links (`https://api.salesloft.com/v2`). */
  baseUrl: string;
}

/** Creates the simulator's store. */
export function createSimulatorStore(options: StoreOptions): SalesloftSimulatorStore {
  const { clock, random } = options;
  const listeners = new Set<(change: SimulatorChange) => void>();
  let lastMicros = 0;

  const nowMicros = () => {
    const micros = Math.max(clock.now() * 1000, lastMicros + 1);
    lastMicros = micros;
    return micros;
  };
  const now = () => formatTimestampMicros(nowMicros());

  const emit = (change: SimulatorChange) => {
    for (const listener of listeners) listener(change);
  };

  const createCollection = <T extends { id: number }>(
    name: SimulatorCollectionName,
  ): SimulatorCollection<T> => {
    const records = new Map<number, T>();
    let nextId = 1;
    let version = 0;
    const key = (id: number | string) => Number(id);
    return {
      name,
      get size() {
        return records.size;
      },
      get version() {
        return version;
      },
      get: (id) => records.get(key(id)),
      all: () => [...records.values()],
      insert(fields) {
        const id = typeof fields.id === 'number' ? fields.id : nextId;
        nextId = Math.max(nextId, id + 1);
        const stamp = now();
        const record = { created_at: stamp, updated_at: stamp, ...fields, id } as unknown as T;
        records.set(id, record);
        version += 1;
        emit({ collection: name, kind: 'created', record: record as unknown as SimulatorRecord });
        return record;
      },
      update(id, patch) {
        const previous = records.get(key(id));
        if (!previous) return undefined;
        const record = { ...previous, updated_at: now(), ...patch, id: previous.id } as T;
        records.set(previous.id, record);
        version += 1;
        emit({
          collection: name,
          kind: 'updated',
          record: record as unknown as SimulatorRecord,
          previous: previous as unknown as SimulatorRecord,
        });
        return record;
      },
      remove(id) {
        const previous = records.get(key(id));
        if (!previous) return undefined;
        records.delete(previous.id);
        version += 1;
        emit({ collection: name, kind: 'deleted', record: previous as unknown as SimulatorRecord });
        return previous;
      },
      clear() {
        records.clear();
        version += 1;
      },
    };
  };

  const reference = (path: string, id: number | string | null | undefined) =>
    id === null || id === undefined || id === ''
      ? null
      : { id: Number(id), _href: `${options.baseUrl}/${path}/${id}` };

  // Seeded records get timestamps spread over the past 180 days; about one in twenty shares
  // the previous record's `updated_at`, as bulk imports do, so ties are exercised.
  let previousSeedMicros: number | undefined;
  const pastTimestamps = () => {
    const nowValue = clock.now() * 1000;
    const updated =
      previousSeedMicros !== undefined && random.chance(0.05)
        ? previousSeedMicros
        : nowValue - random.int(1, 180) * DAY_MICROS + random.int(0, DAY_MICROS - 1);
    previousSeedMicros = updated;
    const created = updated - random.int(0, 30) * DAY_MICROS;
    return { created_at: formatTimestampMicros(created), updated_at: formatTimestampMicros(updated) };
  };
  const fieldsAt = <T>(fields: SeedFields<T> | undefined, index: number): SimulatorFields<T> =>
    typeof fields === 'function' ? fields(index) : (fields ?? ({} as SimulatorFields<T>));
  const hex = (length: number) => {
    let text = '';
    while (text.length < length) text += random.int(0, 15).toString(16);
    return text;
  };

  const collections = {
    people: createCollection<SalesloftPerson>('people'),
    accounts: createCollection<SalesloftAccount>('accounts'),
    cadences: createCollection<SalesloftCadence>('cadences'),
    cadenceMemberships: createCollection<SalesloftCadenceMembership>('cadenceMemberships'),
    steps: createCollection<SalesloftStep>('steps'),
    users: createCollection<SalesloftUser>('users'),
    notes: createCollection<SalesloftNote>('notes'),
    tasks: createCollection<SalesloftTask>('tasks'),
    emails: createCollection<SalesloftEmail>('emails'),
    calls: createCollection<SalesloftCall>('calls'),
    meetings: createCollection<SalesloftMeeting>('meetings'),
    webhookSubscriptions: createCollection<SalesloftWebhookSubscription>('webhookSubscriptions'),
  };

  const me = collections.users.insert({
    guid: `${hex(8)}-${hex(4)}-4${hex(3)}-a${hex(3)}-${hex(12)}`,
    name: 'Sam Seller',
    first_name: 'Sam',
    last_name: 'Seller',
    email: 'sam.seller@salesos.test',
    active: true,
    time_zone: 'US/Eastern',
    team_admin: true,
    job_role: 'AE',
  });

  const pickId = (collection: SimulatorCollection<{ id: number }>): number | undefined => {
    if (collection.size === 0) return undefined;
    // Ids are dense from 1 for seeded data; fall back to a scan when they are not.
    const candidate = random.int(1, collection.size);
    if (collection.get(candidate)) return candidate;
    const all = collection.all();
    return all[random.int(0, all.length - 1)]?.id;
  };

  const store: SalesloftSimulatorStore = {
    ...collections,
    me,
    now,
    reference,
    seedPeople(count, fields) {
      const created: SalesloftPerson[] = [];
      for (let index = 0; index < count; index += 1) {
        const first = random.pick(FIRST_NAMES);
        const last = random.pick(LAST_NAMES);
        const id = collections.people.size + 1;
        const accountId = pickId(collections.accounts);
        const account = accountId === undefined ? undefined : collections.accounts.get(accountId);
        const domain = account?.domain ?? 'example.com';
        created.push(
          collections.people.insert({
            ...pastTimestamps(),
            first_name: first,
            last_name: last,
            display_name: `${first} ${last}`,
            email_address: `${first}.${last}.${id}@${domain}`.toLowerCase(),
            phone: `+1 555 ${String(random.int(0, 9_999_999)).padStart(7, '0')}`,
            title: random.pick(TITLES),
            job_seniority: random.pick(SENIORITIES),
            city: null,
            state: null,
            country: random.pick(COUNTRIES),
            locale: 'US/Eastern',
            linkedin_url: `https://www.linkedin.com/in/${first}-${last}-${id}`.toLowerCase(),
            ...newPersonDefaults(reference('users', me.id)),
            person_company_name: account?.name ?? null,
            person_company_website: account?.website ?? null,
            account: reference('accounts', accountId),
            ...fieldsAt(fields, index),
          }),
        );
      }
      return created;
    },
    seedAccounts(count, fields) {
      const created: SalesloftAccount[] = [];
      for (let index = 0; index < count; index += 1) {
        const id = collections.accounts.size + 1;
        const word = random.pick(['Acme', 'Globex', 'Initech', 'Umbrella', 'Hooli', 'Vandelay', 'Stark']);
        const domain = `${word}-${id}.test`.toLowerCase();
        created.push(
          collections.accounts.insert({
            ...pastTimestamps(),
            name: `${word} ${id}`,
            domain,
            website: `https://${domain}`,
            industry: random.pick(INDUSTRIES),
            size: String(random.pick([10, 50, 200, 1000, 5000])),
            country: random.pick(COUNTRIES),
            tags: [],
            custom_fields: {},
            owner: reference('users', me.id),
            creator: reference('users', me.id),
            counts: { people: 0 },
            ...fieldsAt(fields, index),
          }),
        );
      }
      return created;
    },
    seedCadences(count, stepsPerCadence = 3) {
      const created: SalesloftCadence[] = [];
      for (let index = 0; index < count; index += 1) {
        const cadence = collections.cadences.insert({
          ...pastTimestamps(),
          name: `Outbound sequence ${collections.cadences.size + 1}`,
          team_cadence: false,
          shared: true,
          draft: false,
          archived_at: null,
          current_state: 'active',
          cadence_function: 'outbound',
          tags: [],
          owner: reference('users', me.id),
          creator: reference('users', me.id),
          counts: {
            cadence_people: 0,
            people_acted_on_count: 0,
            target_daily_people: 10,
            opportunities_created: 0,
            meetings_booked: 0,
          },
        });
        created.push(cadence);
        for (let step = 1; step <= stepsPerCadence; step += 1) {
          const type = step % 2 === 1 ? 'email' : 'phone';
          collections.steps.insert({
            ...pastTimestamps(),
            name: `${type === 'email' ? 'Email' : 'Call'} ${step}`,
            display_name: `Day ${step}: Step ${step} - ${type === 'email' ? 'Email' : 'Phone'}`,
            type,
            day: step,
            step_number: step,
            disabled: false,
            multitouch_enabled: false,
            cadence: reference('cadences', cadence.id),
          });
        }
      }
      return created;
    },
    seedEmails(count, fields) {
      const created: SalesloftEmail[] = [];
      for (let index = 0; index < count; index += 1) {
        const personId = pickId(collections.people);
        const person = personId === undefined ? undefined : collections.people.get(personId);
        const stamps = pastTimestamps();
        const bounced = random.chance(0.05);
        const views = bounced ? 0 : random.int(0, 3);
        created.push(
          collections.emails.insert({
            ...stamps,
            sent_at: stamps.created_at,
            status: bounced ? 'bounced' : 'sent',
            bounced,
            subject: null,
            recipient_email_address: person?.email_address ?? null,
            click_tracking: true,
            view_tracking: true,
            counts: {
              views,
              clicks: views > 0 && random.chance(0.3) ? 1 : 0,
              replies: views > 0 && random.chance(0.2) ? 1 : 0,
              unique_devices: views > 0 ? 1 : 0,
              unique_locations: views > 0 ? 1 : 0,
              attachments: 0,
            },
            user: reference('users', me.id),
            recipient: reference('people', personId),
            cadence: reference('cadences', pickId(collections.cadences)),
            ...fieldsAt(fields, index),
          }),
        );
      }
      return created;
    },
    seedCalls(count, fields) {
      const created: SalesloftCall[] = [];
      for (let index = 0; index < count; index += 1) {
        const personId = pickId(collections.people);
        created.push(
          collections.calls.insert({
            ...pastTimestamps(),
            to: `+1 555 ${String(random.int(0, 9_999_999)).padStart(7, '0')}`,
            duration: random.int(0, 900),
            disposition: random.pick(['Connected', 'No Answer', 'Left Voicemail']),
            sentiment: random.pick(['Interested', 'Not Interested', 'Demo Scheduled', null]),
            recordings: [],
            user: reference('users', me.id),
            called_person: reference('people', personId),
            ...fieldsAt(fields, index),
          }),
        );
      }
      return created;
    },
    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
  return store;
}
