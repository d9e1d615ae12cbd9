import {
  type ChangeBatch,
  type Company,
  ConfigError,
  type Connector,
  type EntityConnector,
  InvalidRequestError,
  NotFoundError,
  type Paginator,
  type Person,
  type UpsertChange,
} from '@salesos/core';
import type { ApolloClient } from '../client.ts';
import type {
  ApolloOrganizationDetails,
  ApolloOrganizationSearchFilters,
} from '../resources/organizations.ts';
import type {
  ApolloListOptions,
  ApolloPeopleSearchFilters,
  ApolloPersonDetails,
  ApolloPersonEnrichOptions,
} from '../resources/people.ts';
import type { ApolloAccount } from '../schemas/account.ts';
import type { ApolloContact } from '../schemas/contact.ts';
import {
  APOLLO_SYSTEM_ID,
  apolloAccountToCompany,
  apolloContactToPerson,
  apolloOrganizationToCompany,
  apolloPersonToPerson,
  apolloSearchPersonToPerson,
  companyToApolloAccount,
  personToApolloContact,
} from './canonical-mapping.ts';

/** Options of `createApolloConnector`. */
export interface ApolloConnectorOptions {
  /** Records per change batch (and per search page). Default 100. */
  batchSize?: number;
}

/**
 * Apollo seen through core's `Connector` contract: people are the team's contacts and
 * companies its accounts, both with `externalIds.apollo`. Apollo has no change feed and no
 * delete endpoint for them: `listChanges` walks the records by `updated_at` and never
 * reports deletions, and `delete` is refused. Search and enrichment over Apollo's whole
 * database come as canonical records too.
 */
export interface ApolloConnector extends Connector {
  readonly id: 'apollo';
  readonly entities: {
    readonly person: EntityConnector<Person, 'id' | 'email'>;
    readonly company: EntityConnector<Company, 'id' | 'domain'>;
  };
  /** People API Search as canonical people (no emails: enrich for those). */
  searchPeople(filters?: ApolloPeopleSearchFilters, options?: ApolloListOptions): Paginator<Person>;
  /** Organization Search as canonical companies. */
  searchCompanies(filters?: ApolloOrganizationSearchFilters, options?: ApolloListOptions): Paginator<Company>;
  /** People enrichment as a canonical person, or `null` when Apollo knows no match. */
  enrichPerson(details: ApolloPersonDetails, options?: ApolloPersonEnrichOptions): Promise<Person | null>;
  /** Bulk people enrichment: one canonical person (or `null`) per input, in order. */
  enrichPeople(
    details: readonly ApolloPersonDetails[],
    options?: ApolloPersonEnrichOptions,
  ): Promise<(Person | null)[]>;
  /** Organization enrichment as a canonical company, or `null`. */
  enrichCompany(details: ApolloOrganizationDetails): Promise<Company | null>;
}

interface Checkpoint {
  updatedAt: string;
}

const encodeCheckpoint = (checkpoint: Checkpoint) =>
  Buffer.from(JSON.stringify(checkpoint)).toString('base64url');

const decodeCheckpoint = (value: string): Checkpoint => {
  try {
    const parsed = JSON.parse(Buffer.from(value, 'base64url').toString('utf8')) as Checkpoint;
    if (typeof parsed.updatedAt !== 'string' || Number.isNaN(Date.parse(parsed.updatedAt)))
      throw new Error('shape');
    return parsed;
  } catch {
    throw new ConfigError(
      `Invalid Apollo checkpoint "${value.slice(0, 40)}": pass a value read from ChangeBatch.checkpoint.`,
    );
  }
};

/** Apollo answers an unknown or malformed id with a 422 "not a valid ID", or a 404. */
const isMissing = (error: unknown) =>
  NotFoundError.isInstance(error) ||
  (InvalidRequestError.isInstance(error) && /not a valid id/i.test(error.message));

interface EntitySource<Record, Canonical> {
  kind: string;
  search(sortAscending: boolean, options: ApolloListOptions): Paginator<Record>;
  toCanonical(record: Record): Canonical;
  updatedAtOf(record: Record): string | null | undefined;
}

/**
 * Changes oldest first. A full walk streams pages sorted by `updated_at` ascending; an
 * incremental walk reads newest first down to the checkpoint (Apollo has no "updated
 * since" filter), then hands the changes out oldest first.
 */
async function* listChanges<Record, Canonical extends { id: string }>(
  source: EntitySource<Record, Canonical>,
  batchSize: number,
  options: { since?: string | undefined; signal?: AbortSignal | undefined },
): AsyncGenerator<ChangeBatch<Canonical>> {
  const since = options.since === undefined ? undefined : decodeCheckpoint(options.since);
  const toChange = (record: Record): UpsertChange<Canonical> => {
    const canonical = source.toCanonical(record);
    return {
      type: 'upsert',
      id: canonical.id,
      record: canonical,
      updatedAt: new Date(Date.parse(source.updatedAtOf(record) ?? '') || 0).toISOString(),
    };
  };
  let lastCheckpoint: Checkpoint = since ?? { updatedAt: new Date(0).toISOString() };

  if (!since) {
    let batch: UpsertChange<Canonical>[] = [];
    for await (const page of source.search(true, { signal: options.signal }).pages()) {
      for (const record of page.items) batch.push(toChange(record));
      if (batch.length >= batchSize || !page.nextCursor) {
        const last = batch.at(-1);
        if (last) lastCheckpoint = { updatedAt: last.updatedAt };
        yield { changes: batch, checkpoint: encodeCheckpoint(lastCheckpoint), complete: !page.nextCursor };
        batch = [];
      }
    }
    return;
  }

  const sinceTime = Date.parse(since.updatedAt);
  const recent: UpsertChange<Canonical>[] = [];
  for await (const record of source.search(false, { signal: options.signal })) {
    const change = toChange(record);
    // Records sharing the checkpoint's timestamp come again: consumers treat changes as idempotent.
    if (Date.parse(change.updatedAt) < sinceTime) break;
    recent.push(change);
  }
  recent.reverse();
  if (recent.length === 0) {
    yield { changes: [], checkpoint: encodeCheckpoint(lastCheckpoint), complete: true };
    return;
  }
  for (let start = 0; start < recent.length; start += batchSize) {
    const changes = recent.slice(start, start + batchSize);
    lastCheckpoint = { updatedAt: (changes.at(-1) as UpsertChange<Canonical>).updatedAt };
    yield {
      changes,
      checkpoint: encodeCheckpoint(lastCheckpoint),
      complete: start + batchSize >= recent.length,
    };
  }
}

/** The same listing with each record mapped; `cursor` resumes the underlying search. */
function mapPaginator<From, To>(source: Paginator<From>, map: (item: From) => To): Paginator<To> {
  return {
    async *[Symbol.asyncIterator]() {
      for await (const item of source) yield map(item);
    },
    async *pages() {
      for await (const page of source.pages()) yield { ...page, items: page.items.map(map) };
    },
    async toArray(options) {
      return (await source.toArray(options)).map(map);
    },
    get cursor() {
      return source.cursor;
    },
    get done() {
      return source.done;
    },
  };
}

const checkMatchBy = (matchBy: readonly string[], allowed: readonly string[], entity: string) => {
  const wrong = matchBy.filter((field) => !allowed.includes(field));
  if (wrong.length > 0 || matchBy.length === 0) {
    throw new ConfigError(
      `Apollo ${entity} can be matched by ${allowed.join(' or ')}, not ${wrong.length > 0 ? wrong.join(', ') : 'nothing'}.`,
    );
  }
};

/** Answers `undefined` where Apollo says the record does not exist. */
const unlessMissing = async <T>(call: () => Promise<T>): Promise<T | undefined> => {
  try {
    return await call();
  } catch (error) {
    if (isMissing(error)) return undefined;
    throw error;
  }
};

/** The record a canonical record names by id (`id`, else `externalIds.apollo`), if it exists. */
const findById = <Vendor>(
  record: { id?: string | undefined; externalIds?: Record<string, string> | undefined },
  get: (id: string) => Promise<Vendor>,
): Promise<Vendor | undefined> => {
  const id = record.id ?? record.externalIds?.[APOLLO_SYSTEM_ID];
  if (!id) return Promise.resolve(undefined);
  return unlessMissing(() => get(id));
};

/** What differs between the person (contacts) and company (accounts) connectors. */
interface EntitySpec<
  Vendor extends { id: string },
  Canonical extends { id: string },
  Input,
  Field extends string,
> {
  source: EntitySource<Vendor, Canonical>;
  /** The canonical entity, for errors (`people`). */
  entity: string;
  /** Apollo's records (`contacts`). */
  records: string;
  fields: readonly Field[];
  client: {
    get(id: string): Promise<Vendor>;
    create(input: Input): Promise<Vendor>;
    update(id: string, input: Input): Promise<Vendor>;
  };
  toInput(record: Partial<Canonical>): Input;
  /** The Apollo record `field` of `record` names, if any. */
  find(field: Field, record: Partial<Canonical>): Promise<Vendor | undefined>;
}

function createEntityConnector<
  Vendor extends { id: string },
  Canonical extends { id: string },
  Input,
  Field extends string,
>(spec: EntitySpec<Vendor, Canonical, Input, Field>, batchSize: number): EntityConnector<Canonical, Field> {
  const { source, client } = spec;
  return {
    listChanges: (listOptions = {}) => listChanges(source, batchSize, listOptions),
    async get(id) {
      const record = await unlessMissing(() => client.get(id));
      return record === undefined ? null : source.toCanonical(record);
    },
    async upsert(record, { matchBy }) {
      checkMatchBy(matchBy, spec.fields, spec.entity);
      for (const field of matchBy) {
        const existing = await spec.find(field, record);
        if (existing) {
          const updated = await client.update(existing.id, spec.toInput(record));
          return { record: source.toCanonical(updated), created: false };
        }
      }
      const created = await client.create(spec.toInput(record));
      return { record: source.toCanonical(created), created: true };
    },
    async delete() {
      throw new ConfigError(
        `Apollo's API cannot delete ${spec.records}; archive or relabel them in Apollo instead.`,
      );
    },
    // Apollo sends no webhooks about contacts or accounts.
    parseWebhook: async () => [],
  };
}

/**
 * Creates the Apollo connector over a client.
 *
 * @example
 * ```ts
 * const connector = createApolloConnector(createApolloClient());
 * for await (const batch of connector.entities.person.listChanges({ since: saved })) {
 *   for (const change of batch.changes) await apply(change);
 *   saved = batch.checkpoint;
 * }
 * const lead = await connector.enrichPerson({ email: 'tim@apollo.io' });
 * ```
 */
export function createApolloConnector(
  client: ApolloClient,
  options: ApolloConnectorOptions = {},
): ApolloConnector {
  const batchSize = options.batchSize ?? 100;
  if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 100) {
    throw new ConfigError(
      `createApolloConnector: "batchSize" must be an integer from 1 to 100, got ${batchSize}.`,
    );
  }

  const contactSource: EntitySource<ApolloContact, Person> = {
    kind: 'person',
    search: (ascending, listOptions) =>
      client.contacts.search(
        { sort_by_field: 'contact_updated_at', sort_ascending: ascending, per_page: batchSize },
        listOptions,
      ),
    toCanonical: apolloContactToPerson,
    updatedAtOf: (contact) => contact.updated_at ?? contact.created_at,
  };
  const accountSource: EntitySource<ApolloAccount, Company> = {
    kind: 'company',
    search: (ascending, listOptions) =>
      client.accounts.search(
        { sort_by_field: 'account_updated_at', sort_ascending: ascending, per_page: batchSize },
        listOptions,
      ),
    toCanonical: apolloAccountToCompany,
    updatedAtOf: (account) => account.updated_at ?? account.created_at,
  };

  const findContact = async (
    field: 'id' | 'email',
    record: Partial<Person>,
  ): Promise<ApolloContact | undefined> => {
    if (field === 'id') return findById(record, (id) => client.contacts.get(id));
    const email = record.email?.trim().toLowerCase();
    if (!email) return undefined;
    for await (const contact of client.contacts.search({ q_keywords: email, per_page: 25 })) {
      if (contact.email?.toLowerCase() === email) return contact;
    }
    return undefined;
  };

  const findAccount = async (
    field: 'id' | 'domain',
    record: Partial<Company>,
  ): Promise<ApolloAccount | undefined> => {
    if (field === 'id') return findById(record, (id) => client.accounts.get(id));
    const domain = record.domain ? companyToApolloAccount({ domain: record.domain }).domain : undefined;
    if (!domain) return undefined;
    // Account search matches keywords, not domains: check each candidate's domain exactly.
    for await (const account of client.accounts.search({ q_organization_name: domain, per_page: 25 })) {
      if (account.domain?.toLowerCase() === domain) return account;
    }
    return undefined;
  };

  const person = createEntityConnector(
    {
      source: contactSource,
      entity: 'people',
      records: 'contacts',
      fields: ['id', 'email'] as const,
      client: client.contacts,
      toInput: personToApolloContact,
      find: findContact,
    },
    batchSize,
  );
  const company = createEntityConnector(
    {
      source: accountSource,
      entity: 'companies',
      records: 'accounts',
      fields: ['id', 'domain'] as const,
      client: client.accounts,
      toInput: companyToApolloAccount,
      find: findAccount,
    },
    batchSize,
  );

  return {
    id: 'apollo',
    entities: { person, company },
    searchPeople: (filters, listOptions = {}) =>
      mapPaginator(client.people.search(filters, listOptions), apolloSearchPersonToPerson),
    searchCompanies: (filters, listOptions = {}) =>
      mapPaginator(client.organizations.search(filters, listOptions), apolloOrganizationToCompany),
    async enrichPerson(details, enrichOptions) {
      const { person: found } = await client.people.enrich(details, enrichOptions);
      return found ? apolloPersonToPerson(found) : null;
    },
    async enrichPeople(details, enrichOptions) {
      const found = await client.people.bulkEnrich(details, enrichOptions);
      return found.map((item) => (item ? apolloPersonToPerson(item) : null));
    },
    async enrichCompany(details) {
      const { organization } = await client.organizations.enrich(details);
      return organization ? apolloOrganizationToCompany(organization) : null;
    },
  };
}
