import type { Clock } from '@salesos/core';
import { createRandom, type Random } from '@salesos/core/testing';
import { PeopleMap } from './internal/people-map.ts';
import { normalizeLinkedin } from './internal/route-context.ts';
import {
  apolloId,
  generateOrganization,
  generatePerson,
  type SimulatedOrganization,
  type SimulatedPerson,
} from './internal/seed-data.ts';

export type { SimulatedOrganization, SimulatedPerson };

/** A stored record in Apollo's spelling; `id` is always set. */
export type SimulatedRecord = { id: string; [field: string]: unknown };

/** A sequence and the state of each contact in it. */
export interface SimulatedSequence extends SimulatedRecord {
  name: string;
  active: boolean;
  archived: boolean;
  /** Contact id → status (`active`, `paused`, `finished`, `removed`, `stopped`). */
  contact_statuses: Record<string, string>;
}

/** Credits the simulated team has and has spent. */
export interface SimulatedCredits {
  limit: number;
  consumed: number;
  /** Credits spent per route (`POST /people/match`). */
  byRoute: Record<string, number>;
}

/**
 * The state of a simulated Apollo team, in Apollo's spelling, with direct edits for
 * tests ("someone changed this contact in Apollo's UI").
 */
export interface ApolloSimulatorStore {
  /**
   * Apollo's people database (what search and enrichment read), by id. It keeps indexes for the
   * lookups below: change people with `set` and `delete` (or replace the record) rather than by
   * editing a record in place, which lookups of the new value do not see.
   */
  readonly people: Map<string, SimulatedPerson>;
  /** Apollo's organization database. */
  readonly organizations: Map<string, SimulatedOrganization>;
  readonly contacts: Map<string, SimulatedRecord>;
  readonly accounts: Map<string, SimulatedRecord>;
  readonly opportunities: Map<string, SimulatedRecord>;
  readonly opportunityStages: SimulatedRecord[];
  readonly sequences: Map<string, SimulatedSequence>;
  readonly emailAccounts: SimulatedRecord[];
  readonly users: SimulatedRecord[];
  readonly tasks: Map<string, SimulatedRecord>;
  readonly credits: SimulatedCredits;
  /** The person with this email, ignoring case, found through an index. */
  personByEmail(email: string): SimulatedPerson | undefined;
  /** The person with this LinkedIn profile URL (scheme, `www.` and trailing slashes ignored). */
  personByLinkedinUrl(url: string): SimulatedPerson | undefined;
  /** The person whose lower-case email has this MD5 or SHA-256 hex digest. */
  personByHashedEmail(hash: string): SimulatedPerson | undefined;
  /** The people with this full name, ignoring case, in the order of `people`. */
  peopleNamed(name: string): SimulatedPerson[];
  /** Adds `count` generated people, each at an existing or new organization. */
  seedPeople(count: number): SimulatedPerson[];
  /** Adds `count` generated organizations. */
  seedOrganizations(count: number): SimulatedOrganization[];
  /** Adds one person; omitted fields are generated. */
  addPerson(fields?: Partial<SimulatedPerson>): SimulatedPerson;
  /** Adds one organization; omitted fields are generated. */
  addOrganization(fields?: Partial<SimulatedOrganization>): SimulatedOrganization;
  /** Adds a contact as if created in Apollo's UI. */
  addContact(fields: Record<string, unknown>): SimulatedRecord;
  /** Edits a contact as if changed in Apollo's UI (bumps `updated_at`). */
  updateContact(id: string, fields: Record<string, unknown>): SimulatedRecord;
  /** Adds an account as if created in Apollo's UI. */
  addAccount(fields: Record<string, unknown>): SimulatedRecord;
  /** Edits an account as if changed in Apollo's UI (bumps `updated_at`). */
  updateAccount(id: string, fields: Record<string, unknown>): SimulatedRecord;
  /** Adds a sequence. */
  addSequence(fields: { name: string; active?: boolean }): SimulatedSequence;
  /** A new Apollo-style id. */
  newId(): string;
  /** The simulated current time as ISO-8601. */
  nowIso(): string;
}

/** Options of the store, from `createApolloSimulator`. */
export interface SimulatorStoreOptions {
  seed: number;
  people: number;
  organizations: number;
  contacts: number;
  accounts: number;
  creditLimit: number;
  clock: Clock;
}

/** Creates the store and seeds it. */
export function createSimulatorStore(options: SimulatorStoreOptions): ApolloSimulatorStore {
  const random: Random = createRandom(options.seed);
  const people = new PeopleMap();
  const organizations = new Map<string, SimulatedOrganization>();
  const contacts = new Map<string, SimulatedRecord>();
  const accounts = new Map<string, SimulatedRecord>();
  const opportunities = new Map<string, SimulatedRecord>();
  const sequences = new Map<string, SimulatedSequence>();
  const tasks = new Map<string, SimulatedRecord>();
  const nowIso = () => new Date(options.clock.now()).toISOString();
  const newId = () => apolloId(random);

  const teamId = newId();
  const users: SimulatedRecord[] = ['Ada Owner', 'Ben Seller', 'Chloe Manager'].map((name, index) => {
    const [first, last] = name.split(' ') as [string, string];
    return {
      id: newId(),
      team_id: teamId,
      first_name: first,
      last_name: last,
      name,
      title: index === 0 ? 'Head of Sales' : 'Account Executive',
      email: `${first.toLowerCase()}@seller.example`,
      deleted: false,
    };
  });
  const emailAccounts: SimulatedRecord[] = users.map((user, index) => ({
    id: newId(),
    user_id: user.id,
    email: user.email,
    type: 'gmail',
    active: true,
    default: index === 0,
    aliases: [],
  }));
  const opportunityStages: SimulatedRecord[] = [
    ['Qualify', 10, false, false],
    ['Meet & Present', 25, false, false],
    ['Propose', 50, false, false],
    ['Negotiate', 75, false, false],
    ['Closed Won', 100, true, true],
    ['Closed Lost', 0, true, false],
  ].map(([name, probability, isClosed, isWon], index) => ({
    id: newId(),
    team_id: teamId,
    name,
    display_order: index,
    probability,
    is_closed: isClosed,
    is_won: isWon,
    forecast_category_cd: isClosed ? 'Closed' : 'Pipeline',
    type: isClosed ? 'Closed' : 'Open',
  }));

  const addOrganization = (fields: Partial<SimulatedOrganization> = {}): SimulatedOrganization => {
    const organization = { ...generateOrganization(random, organizations.size), ...fields };
    organizations.set(organization.id, organization);
    return organization;
  };

  const addPerson = (fields: Partial<SimulatedPerson> = {}): SimulatedPerson => {
    const existing = fields.organization_id ? organizations.get(fields.organization_id) : undefined;
    const organization =
      existing ??
      (organizations.size > 0 && random.chance(0.85)
        ? (Array.from(organizations.values())[random.int(0, organizations.size - 1)] as SimulatedOrganization)
        : addOrganization());
    const person = { ...generatePerson(random, people.size, organization), ...fields };
    if (fields.first_name !== undefined || fields.last_name !== undefined) {
      person.name = fields.name ?? `${person.first_name} ${person.last_name}`;
    }
    people.set(person.id, person);
    return person;
  };

  const addContact = (fields: Record<string, unknown>): SimulatedRecord => {
    const now = nowIso();
    const first = typeof fields.first_name === 'string' ? fields.first_name : null;
    const last = typeof fields.last_name === 'string' ? fields.last_name : null;
    const contact: SimulatedRecord = {
      id: newId(),
      first_name: first,
      last_name: last,
      name: [first, last].filter(Boolean).join(' ') || null,
      title: null,
      email: null,
      email_status: fields.email ? 'verified' : null,
      organization_name: null,
      organization_id: null,
      account_id: null,
      person_id: null,
      owner_id: users[0]?.id ?? null,
      contact_stage_id: null,
      label_ids: [],
      source: 'api',
      created_at: now,
      updated_at: now,
      ...fields,
    };
    contacts.set(contact.id, contact);
    return contact;
  };

  const update = (
    map: Map<string, SimulatedRecord>,
    kind: string,
    id: string,
    fields: Record<string, unknown>,
  ) => {
    const record = map.get(id);
    if (!record) throw new Error(`No ${kind} with id ${id} in the simulator.`);
    const updated: SimulatedRecord = { ...record, ...fields, id, updated_at: nowIso() };
    if ('first_name' in fields || 'last_name' in fields) {
      updated.name = [updated.first_name, updated.last_name].filter(Boolean).join(' ');
    }
    map.set(id, updated);
    return updated;
  };

  const addAccount = (fields: Record<string, unknown>): SimulatedRecord => {
    const now = nowIso();
    const account: SimulatedRecord = {
      id: newId(),
      team_id: teamId,
      name: null,
      domain: null,
      organization_id: null,
      account_stage_id: null,
      owner_id: users[0]?.id ?? null,
      phone: null,
      label_ids: [],
      source: 'api',
      created_at: now,
      updated_at: now,
      ...fields,
    };
    accounts.set(account.id, account);
    return account;
  };

  const addSequence = (fields: { name: string; active?: boolean }): SimulatedSequence => {
    const sequence: SimulatedSequence = {
      id: newId(),
      name: fields.name,
      active: fields.active ?? true,
      archived: false,
      created_at: nowIso(),
      user_id: users[0]?.id ?? null,
      num_steps: 3,
      label_ids: [],
      contact_statuses: {},
    };
    sequences.set(sequence.id, sequence);
    return sequence;
  };

  const store: ApolloSimulatorStore = {
    people,
    organizations,
    contacts,
    accounts,
    opportunities,
    opportunityStages,
    sequences,
    emailAccounts,
    users,
    tasks,
    credits: { limit: options.creditLimit, consumed: 0, byRoute: {} },
    personByEmail: (email) => people.find('email', email.trim().toLowerCase()),
    personByLinkedinUrl: (url) => people.find('linkedin', normalizeLinkedin(url)),
    personByHashedEmail: (hash) => people.find('hashedEmail', hash.trim().toLowerCase()),
    peopleNamed: (name) => people.findAll('name', name.trim().toLowerCase()),
    seedPeople: (count) => Array.from({ length: count }, () => addPerson()),
    seedOrganizations: (count) => Array.from({ length: count }, () => addOrganization()),
    addPerson,
    addOrganization,
    addContact,
    updateContact: (id, fields) => update(contacts, 'contact', id, fields),
    addAccount,
    updateAccount: (id, fields) => update(accounts, 'account', id, fields),
    addSequence,
    newId,
    nowIso,
  };

  store.seedOrganizations(options.organizations);
  store.seedPeople(options.people);
  const seededPeople = Array.from(people.values());
  for (let index = 0; index < options.accounts && index < organizations.size; index += 1) {
    const organization = Array.from(organizations.values())[index] as SimulatedOrganization;
    addAccount({
      name: organization.name,
      domain: organization.primary_domain,
      organization_id: organization.id,
    });
  }
  for (let index = 0; index < options.contacts && index < seededPeople.length; index += 1) {
    const person = seededPeople[index] as SimulatedPerson;
    const organization = organizations.get(person.organization_id);
    const account = Array.from(accounts.values()).find(
      (candidate) => candidate.organization_id === person.organization_id,
    );
    addContact({
      first_name: person.first_name,
      last_name: person.last_name,
      title: person.title,
      email: person.email,
      email_status: person.email_status,
      linkedin_url: person.linkedin_url,
      organization_name: organization?.name ?? null,
      organization_id: person.organization_id,
      account_id: account?.id ?? null,
      person_id: person.id,
      city: person.city,
      state: person.state,
      country: person.country,
      time_zone: person.time_zone,
      seniority: person.seniority,
    });
  }
  addSequence({ name: 'Outbound: VP Sales' });
  addSequence({ name: 'Inbound follow-up', active: false });
  return store;
}
