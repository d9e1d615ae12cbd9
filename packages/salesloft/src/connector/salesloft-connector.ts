import {
  type Change,
  type ChangeBatch,
  type Company,
  ConfigError,
  type Connector,
  type EntityConnector,
  InvalidRequestError,
  NotFoundError,
  type Paginator,
  type Person,
  type UpsertOptions,
  type UpsertRecord,
  type UpsertResult,
  type WebhookHeaders,
  WebhookVerificationError,
} from '@salesos/core';
import type { SalesloftClient } from '../client.ts';
import { parseTimestampMicros } from '../internal/timestamp.ts';
import type { SalesloftAccount } from '../schemas/account.ts';
import type { SalesloftPerson } from '../schemas/person.ts';
import { parseSalesloftEvent, type SalesloftEvent } from '../webhooks/parse-salesloft-event.ts';
import { SALESLOFT_EVENT_HEADER } from '../webhooks/verify-salesloft-signature.ts';
import { companyToSalesloftInput, normalizeDomain, salesloftAccountToCompany } from './map-company.ts';
import { personToSalesloftInput, salesloftPersonToPerson } from './map-person.ts';

/** Options of `createSalesloftConnector`. */
export interface SalesloftConnectorOptions {
  /**
   * How far before a checkpoint `listChanges` reaches back, in milliseconds, for records
   * whose `updated_at` was written late. Default 1 000.
   */
  overlapMs?: number;
  /** Records per request of `listChanges`, 1–100. Default 100. */
  perPage?: number;
}

/** The SalesLoft connector: people and companies (accounts) in canonical form. */
export interface SalesloftConnector extends Connector {
  readonly id: 'salesloft';
  readonly entities: {
    readonly person: EntityConnector<Person, 'id' | 'email'>;
    readonly company: EntityConnector<Company, 'id' | 'domain'>;
  };
}

interface Checkpoint {
  v: 1;
  /** Largest `updated_at` handed out so far. */
  updatedAt: string | null;
}

const encodeCheckpoint = (checkpoint: Checkpoint) =>
  Buffer.from(JSON.stringify(checkpoint), 'utf8').toString('base64url');

const decodeCheckpoint = (value: string): Checkpoint => {
  try {
    const parsed = JSON.parse(Buffer.from(value, 'base64url').toString('utf8')) as Checkpoint;
    if (parsed.v !== 1 || (parsed.updatedAt !== null && typeof parsed.updatedAt !== 'string'))
      throw new Error('shape');
    return parsed;
  } catch {
    throw new ConfigError(
      `Invalid SalesLoft checkpoint "${value.slice(0, 40)}": pass a checkpoint from a batch of listChanges.`,
    );
  }
};

const later = (left: string | null, right: string | null | undefined): string | null => {
  if (!right) return left;
  if (!left) return right;
  return (parseTimestampMicros(right) ?? 0) > (parseTimestampMicros(left) ?? 0) ? right : left;
};

const headerOf = (headers: WebhookHeaders | undefined, name: string): string | undefined => {
  if (!headers) return undefined;
  if (headers instanceof Headers) return headers.get(name) ?? undefined;
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(headers)) if (key.toLowerCase() === wanted) return value;
  return undefined;
};

const isParsedEvent = (payload: unknown): payload is SalesloftEvent =>
  typeof payload === 'object' &&
  payload !== null &&
  typeof (payload as { type?: unknown }).type === 'string' &&
  typeof (payload as { category?: unknown }).category === 'string' &&
  typeof (payload as { data?: unknown }).data === 'object';

/** Without an `x-salesloft-event` header, guesses the record kind from its fields. */
const guessEventType = (payload: Record<string, unknown>): string | undefined => {
  if ('email_address' in payload || 'first_name' in payload || 'last_name' in payload)
    return 'person_updated';
  if ('domain' in payload && 'name' in payload) return 'account_updated';
  return undefined;
};

const toEvent = (payload: unknown, headers: WebhookHeaders | undefined): SalesloftEvent | undefined => {
  if (isParsedEvent(payload)) return payload;
  let body = payload;
  if (typeof body === 'string') {
    try {
      body = JSON.parse(body) as unknown;
    } catch {
      throw new WebhookVerificationError('SalesLoft webhook payload is not valid JSON.');
    }
  }
  if (!body || typeof body !== 'object') return undefined;
  const eventType =
    headerOf(headers, SALESLOFT_EVENT_HEADER) ?? guessEventType(body as Record<string, unknown>);
  return eventType ? parseSalesloftEvent({ payload: body, eventType }) : undefined;
};

/** Answers `undefined` where SalesLoft answers 404. */
const unlessNotFound = async <T>(call: () => Promise<T>): Promise<T | undefined> => {
  try {
    return await call();
  } catch (error) {
    if (NotFoundError.isInstance(error)) return undefined;
    throw error;
  }
};

/** The record a canonical record names by SalesLoft id (`externalIds.salesloft`, else `id`), if it exists. */
const findBySalesloftId = async <Vendor>(
  record: { id?: string | undefined; externalIds?: Record<string, string> | undefined },
  get: (id: string) => Promise<Vendor>,
): Promise<Vendor | undefined> => {
  const id = record.externalIds?.salesloft ?? record.id;
  if (!id || !/^\d+$/.test(id)) return undefined;
  return unlessNotFound(() => get(id));
};

interface EntitySpec<
  Vendor extends { id: number; updated_at?: string | null | undefined },
  Canonical,
  Field extends string,
> {
  category: 'person' | 'account';
  fields: readonly Field[];
  iterate: (options: {
    since?: string;
    overlapMs: number;
    per_page: number;
    signal?: AbortSignal;
  }) => Paginator<Vendor>;
  get: (id: string) => Promise<Vendor>;
  create: (record: UpsertRecord<Canonical>) => Promise<Vendor>;
  update: (id: string, record: UpsertRecord<Canonical>) => Promise<Vendor>;
  remove: (id: string) => Promise<void>;
  /** Finds the record matching `field` of `record`, if any. */
  find: (field: Field, record: UpsertRecord<Canonical>) => Promise<Vendor | undefined>;
  toCanonical: (record: Vendor) => Canonical;
}

function createEntityConnector<
  Vendor extends { id: number; updated_at?: string | null | undefined },
  Canonical extends { id: string; updatedAt?: string | null | undefined },
  Field extends string,
>(
  spec: EntitySpec<Vendor, Canonical, Field>,
  options: Required<SalesloftConnectorOptions>,
): EntityConnector<Canonical, Field> {
  const upsertChange = (record: Canonical): Change<Canonical> => ({
    type: 'upsert',
    id: record.id,
    record,
    updatedAt: record.updatedAt ?? new Date().toISOString(),
  });

  return {
    async *listChanges(listOptions = {}): AsyncIterable<ChangeBatch<Canonical>> {
      const start = listOptions.since === undefined ? null : decodeCheckpoint(listOptions.since).updatedAt;
      let watermark = start;
      const pages = spec
        .iterate({
          ...(start === null ? {} : { since: start }),
          overlapMs: options.overlapMs,
          per_page: options.perPage,
          ...(listOptions.signal ? { signal: listOptions.signal } : {}),
        })
        .pages();
      for await (const page of pages) {
        const changes = page.items.map((item) => {
          watermark = later(watermark, item.updated_at);
          return upsertChange(spec.toCanonical(item));
        });
        yield {
          changes,
          checkpoint: encodeCheckpoint({ v: 1, updatedAt: watermark }),
          complete: !page.nextCursor,
        };
      }
    },
    async get(id) {
      const record = await unlessNotFound(() => spec.get(id));
      return record === undefined ? null : spec.toCanonical(record);
    },
    async upsert(record, upsertOptions: UpsertOptions<Field>): Promise<UpsertResult<Canonical>> {
      for (const field of upsertOptions.matchBy) {
        if (!spec.fields.includes(field)) {
          throw new ConfigError(
            `SalesLoft ${spec.category === 'person' ? 'people' : 'accounts'} can be matched by ${spec.fields.join(' or ')}, not "${field}".`,
          );
        }
      }
      const updateMatch = async (): Promise<UpsertResult<Canonical> | undefined> => {
        for (const field of upsertOptions.matchBy) {
          const match = await spec.find(field, record);
          if (match)
            return { record: spec.toCanonical(await spec.update(String(match.id), record)), created: false };
        }
        return undefined;
      };
      const updated = await updateMatch();
      if (updated) return updated;
      try {
        return { record: spec.toCanonical(await spec.create(record)), created: true };
      } catch (error) {
        // Created by someone else between the lookup and the create: update that record instead.
        if (
          InvalidRequestError.isInstance(error) &&
          error.fieldErrors.some((item) => /taken/.test(item.message))
        ) {
          const raced = await updateMatch();
          if (raced) return raced;
        }
        throw error;
      }
    },
    async delete(id) {
      if ((await unlessNotFound(() => spec.get(id))) === undefined) return false;
      const removed = await unlessNotFound(async () => {
        await spec.remove(id);
        return true;
      });
      return removed ?? false;
    },
    async parseWebhook(payload, headers) {
      const event = toEvent(payload, headers);
      if (!event || event.category !== spec.category) return [];
      const data = event.data as unknown as Vendor;
      if (event.type.endsWith('_deleted')) {
        return [
          { type: 'delete', id: String(data.id), deletedAt: event.occurredAt ?? new Date().toISOString() },
        ];
      }
      return [upsertChange(spec.toCanonical(data))];
    },
  };
}

/**
 * Creates the SalesLoft connector: canonical `Person` (SalesLoft people) and `Company`
 * (SalesLoft accounts) with `listChanges` from resumable checkpoints, upserts matched by
 * id, email or domain, and webhook deliveries turned into changes. SalesLoft lists no
 * deletions: deletes arrive through `person_deleted` / `account_deleted` webhooks.
 *
 * @example
 * ```ts
 * const connector = createSalesloftConnector(createSalesloftClient());
 * let checkpoint: string | undefined;
 * for await (const batch of connector.entities.person.listChanges({ since: checkpoint })) {
 *   for (const change of batch.changes) await apply(change);
 *   checkpoint = batch.checkpoint;
 * }
 * await connector.entities.person.upsert({ email: 'ada@example.com', firstName: 'Ada' }, { matchBy: ['email'] });
 * ```
 */
export function createSalesloftConnector(
  client: SalesloftClient,
  options: SalesloftConnectorOptions = {},
): SalesloftConnector {
  const resolved: Required<SalesloftConnectorOptions> = {
    overlapMs: options.overlapMs ?? 1000,
    perPage: options.perPage ?? 100,
  };

  const person = createEntityConnector<SalesloftPerson, Person, 'id' | 'email'>(
    {
      category: 'person',
      fields: ['id', 'email'],
      iterate: (iterateOptions) => client.people.iterate(iterateOptions),
      get: (id) => client.people.get(id),
      create: (record) => client.people.create(personToSalesloftInput(record)),
      update: (id, record) => client.people.update(id, personToSalesloftInput(record)),
      remove: (id) => client.people.delete(id),
      async find(field, record) {
        if (field === 'id') return findBySalesloftId(record, (id) => client.people.get(id));
        if (!record.email) return undefined;
        const [match] = await client.people
          .list({ email_addresses: [record.email.toLowerCase()], per_page: 1 })
          .toArray({ limit: 1 });
        return match;
      },
      toCanonical: salesloftPersonToPerson,
    },
    resolved,
  );

  const company = createEntityConnector<SalesloftAccount, Company, 'id' | 'domain'>(
    {
      category: 'account',
      fields: ['id', 'domain'],
      iterate: (iterateOptions) => client.accounts.iterate(iterateOptions),
      get: (id) => client.accounts.get(id),
      create: (record) => {
        const input = companyToSalesloftInput(record);
        if (!input.name || !input.domain) {
          throw new ConfigError(
            'SalesLoft needs "name" and "domain" to create an account; the company lacks one.',
          );
        }
        return client.accounts.create(input);
      },
      update: (id, record) => client.accounts.update(id, companyToSalesloftInput(record)),
      remove: (id) => client.accounts.delete(id),
      async find(field, record) {
        if (field === 'id') return findBySalesloftId(record, (id) => client.accounts.get(id));
        if (!record.domain) return undefined;
        const [match] = await client.accounts
          .list({ domain: normalizeDomain(record.domain), per_page: 1 })
          .toArray({ limit: 1 });
        return match;
      },
      toCanonical: salesloftAccountToCompany,
    },
    resolved,
  );

  return { id: 'salesloft', entities: { person, company } };
}
