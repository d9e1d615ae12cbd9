import { createHash } from 'node:crypto';
import type { z } from 'zod';
import { type Clock, systemClock } from '../clock/clock.ts';
import { ConflictError, InvalidRequestError } from '../errors/api-error.ts';
import { ConfigError } from '../errors/client-errors.ts';
import {
  CompanySchema,
  DealSchema,
  type EntityRecordMap,
  type EntityType,
  PersonSchema,
} from '../model/canonical.ts';
import type { Entry, Key, Storage } from '../storage/storage.ts';
import type {
  Change,
  ChangeBatch,
  Connector,
  EntityConnector,
  ListChangesOptions,
  MatchByFieldMap,
  UpsertOptions,
  UpsertRecord,
  UpsertResult,
} from './connector.ts';

/** Options of `createStorageConnector`. */
export interface StorageConnectorOptions {
  /**
   * Where the records live. Pass `scopeStorage(storage, tenantId)` to keep every tenant's
   * records apart.
   */
  storage: Storage;
  /** The connector's id: its `Connector.id`, and the key of its ids in other systems' `externalIds`. Default `'storage'`. */
  id?: string;
  /** First parts of every key the connector writes. Default `['connector', id]`. */
  prefix?: Key;
  /** Source of `updatedAt` and of change times. Default `systemClock`. */
  clock?: Clock;
  /** Changes per batch of `listChanges`. Default `500`. */
  pageSize?: number;
  /**
   * How far before its checkpoint a resumed `listChanges` starts again, in milliseconds: a write
   * stamped before a later-stamped one but committed after it (two writers at once), up to this
   * much earlier, is still delivered. Default `1000`.
   */
  overlapMs?: number;
}

/**
 * One entity of a storage connector: the `EntityConnector` contract plus the reads an
 * application makes of its own records.
 */
export interface StorageEntityConnector<T, Field extends string> extends EntityConnector<T, Field> {
  /** Every stored record, in id order, read in pages as the iteration goes. */
  records(): AsyncIterable<T>;
  /**
   * The record whose `field` is `value` (`email` and `domain` ignore case and surrounding
   * spaces; `id` is exact), or `null`.
   */
  findBy(field: Field, value: string): Promise<T | null>;
  /** How many records are stored (kept as a counter: one read). */
  count(): Promise<number>;
}

/** The application's own records (people, companies, deals) in a `Storage`, seen as a `Connector`. */
export interface StorageConnector extends Connector {
  readonly entities: {
    readonly [Entity in EntityType]: StorageEntityConnector<EntityRecordMap[Entity], MatchByFieldMap[Entity]>;
  };
}

interface LogEntry {
  type: 'upsert' | 'delete';
  id: string;
}

interface Resolved {
  storage: Storage;
  id: string;
  prefix: Key;
  clock: Clock;
  pageSize: number;
  overlapMs: number;
}

// Optimistic writes retry when another writer changed what they read; this many times at most.
const MAX_ATTEMPTS = 50;
const EPOCH = new Date(0).toISOString();

const SCHEMAS: { [Entity in EntityType]: z.ZodType<EntityRecordMap[Entity]> } = {
  person: PersonSchema as unknown as z.ZodType<EntityRecordMap['person']>,
  company: CompanySchema as unknown as z.ZodType<EntityRecordMap['company']>,
  deal: DealSchema as unknown as z.ZodType<EntityRecordMap['deal']>,
};

/** The field each entity is looked up by besides `id`. */
const LOOKUP_FIELD: Record<EntityType, 'email' | 'domain' | undefined> = {
  person: 'email',
  company: 'domain',
  deal: undefined,
};

const normalize = (value: unknown): string | undefined =>
  typeof value === 'string' && value.trim() !== '' ? value.trim().toLowerCase() : undefined;

const fieldOf = (record: unknown, field: string): unknown =>
  record === undefined ? undefined : (record as Record<string, unknown>)[field];

function createEntity<Entity extends EntityType>(
  entity: Entity,
  options: Resolved,
): StorageEntityConnector<EntityRecordMap[Entity], MatchByFieldMap[Entity]> {
  type T = EntityRecordMap[Entity];
  type Field = MatchByFieldMap[Entity];
  const { storage, clock, pageSize, overlapMs, id: system } = options;
  const schema = SCHEMAS[entity] as z.ZodType<T>;
  const base: Key = [...options.prefix, entity];
  const recordKey = (id: string): Key => [...base, 'record', id];
  const recordPrefix: Key = [...base, 'record'];
  const logPrefix: Key = [...base, 'log'];
  const logKey = (at: number, id: string): Key => [...logPrefix, at, id];
  const countKey: Key = [...base, 'count'];
  const field = LOOKUP_FIELD[entity];
  const lookupKey = (value: string): Key => [...base, 'by', field ?? 'id', value];
  const allowed: readonly string[] = field ? ['id', field] : ['id'];
  const label = `${system} ${entity}`;

  // The log entry of a record sits at the time of its last write, which is its `updatedAt`.
  const stamp = (record: T): number => {
    const time = record.updatedAt ? Date.parse(record.updatedAt) : Number.NaN;
    return Number.isFinite(time) ? time : 0;
  };

  // Ids derive from the record and the time, so a run on a test clock always gives the same ids.
  const newId = (record: UpsertRecord<T>, attempt: number): string => {
    const seed = JSON.stringify([entity, record, clock.now(), attempt]);
    return `${entity.slice(0, 2)}_${createHash('sha256').update(seed).digest('hex').slice(0, 16)}`;
  };

  const validate = (candidate: unknown): T => {
    const parsed = schema.safeParse(candidate);
    if (parsed.success) return parsed.data;
    const fieldErrors = parsed.error.issues.map((issue) => ({
      path: issue.path.join('.'),
      message: issue.message,
    }));
    throw new InvalidRequestError(
      `${system} rejected the ${entity}: ${fieldErrors.map((error) => `"${error.path}" ${error.message}`).join('; ')}`,
      { vendor: system, status: 422, fieldErrors },
    );
  };

  const checkMatchBy = (matchBy: unknown) => {
    if (!Array.isArray(matchBy) || matchBy.length === 0) {
      throw new ConfigError(`${label}.upsert: matchBy must list at least one of ${allowed.join(', ')}.`);
    }
    for (const name of matchBy) {
      if (!allowed.includes(name)) {
        throw new ConfigError(
          `${label}.upsert: cannot match by "${String(name)}"; use ${allowed.join(', ')}.`,
        );
      }
    }
  };

  const lookup = async (name: string, value: unknown): Promise<Entry<T> | undefined> => {
    if (name === 'id') {
      if (typeof value !== 'string' || value === '') return undefined;
      const entry = await storage.get<T>(recordKey(value));
      return entry.versionstamp === null ? undefined : entry;
    }
    const normalized = normalize(value);
    if (!normalized) return undefined;
    const pointer = await storage.get<string>(lookupKey(normalized));
    if (pointer.value === null) return undefined;
    const entry = await storage.get<T>(recordKey(pointer.value));
    return entry.versionstamp === null ? undefined : entry;
  };

  const findExisting = async (record: UpsertRecord<T>, matchBy: readonly string[]) => {
    for (const name of matchBy) {
      const found = await lookup(name, fieldOf(record, name));
      if (found) return found;
    }
    return undefined;
  };

  const tooBusy = (action: string) =>
    new ConflictError(
      `${label}.${action}: the record changed under ${MAX_ATTEMPTS} attempts in a row; try again.`,
      { vendor: system, status: 409, retryable: true },
    );

  return {
    async *listChanges(listOptions: ListChangesOptions = {}): AsyncGenerator<ChangeBatch<T>> {
      // The walk starts `overlapMs` before the checkpoint: the changes read again there are
      // repeats, so a batch is not handed out until it holds one change past the checkpoint (or
      // the log ends). A consumer that resumes after every batch therefore always moves on.
      let since = Number.NEGATIVE_INFINITY;
      let selector: { prefix: Key } | { prefix: Key; start: Key } = { prefix: logPrefix };
      if (listOptions.since !== undefined) {
        since = Date.parse(listOptions.since);
        if (!Number.isFinite(since)) {
          throw new ConfigError(
            `${label}.listChanges: "since" must be a checkpoint from an earlier batch (an ISO-8601 time), got "${listOptions.since}".`,
          );
        }
        selector = { prefix: logPrefix, start: [...logPrefix, since - overlapMs] };
      }
      let checkpointTime = since;
      let checkpoint = listOptions.since ?? EPOCH;
      let cursor = '';
      let changes: Change<T>[] = [];
      for (;;) {
        listOptions.signal?.throwIfAborted();
        const iterator = storage.list<LogEntry>(selector, { limit: pageSize, cursor });
        const entries: Entry<LogEntry>[] = [];
        for await (const entry of iterator) entries.push(entry);
        cursor = iterator.cursor;
        const upserted = entries.filter((entry) => entry.value.type === 'upsert');
        const current = await storage.getMany<T>(upserted.map((entry) => recordKey(entry.value.id)));
        const records = new Map(
          current.flatMap((entry) => (entry.value ? [[entry.value.id, entry.value]] : [])),
        );
        for (const entry of entries) {
          const at = entry.key[entry.key.length - 2] as number;
          const time = new Date(at).toISOString();
          if (at > checkpointTime) {
            checkpointTime = at;
            checkpoint = time;
          }
          if (entry.value.type === 'delete') {
            changes.push({ type: 'delete', id: entry.value.id, deletedAt: time });
            continue;
          }
          // Deleted since the log was read: its delete entry comes later in the walk.
          const record = records.get(entry.value.id);
          if (record) changes.push({ type: 'upsert', id: record.id, record, updatedAt: time });
        }
        const complete = entries.length < pageSize;
        if (!complete && checkpointTime <= since) continue;
        yield complete ? { changes, checkpoint, complete } : { changes, checkpoint };
        if (complete) return;
        changes = [];
      }
    },

    async get(id) {
      return (await storage.get<T>(recordKey(id))).value;
    },

    async upsert(record: UpsertRecord<T>, upsertOptions: UpsertOptions<Field>): Promise<UpsertResult<T>> {
      checkMatchBy(upsertOptions?.matchBy);
      const givenId = typeof record.id === 'string' && record.id !== '' ? record.id : undefined;
      const defined = Object.fromEntries(
        Object.entries(record).filter(([, value]) => value !== undefined),
      ) as Partial<T>;
      for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt += 1) {
        const existing = await findExisting(record, upsertOptions.matchBy);
        if (!existing && givenId && (await storage.get(recordKey(givenId))).versionstamp !== null) {
          throw new ConflictError(
            `${label}.upsert: a ${entity} with id "${givenId}" exists but matchBy [${upsertOptions.matchBy.join(', ')}] did not match it; add "id" to matchBy to update it.`,
            { vendor: system, status: 409, retryable: false },
          );
        }
        const now = clock.now();
        const id = existing?.value.id ?? givenId ?? newId(record, attempt);
        const next = validate({
          ...(existing?.value ?? {}),
          ...defined,
          id,
          updatedAt: new Date(now).toISOString(),
        });
        const operation = storage.atomic();
        if (existing) {
          operation.check(existing).delete(logKey(stamp(existing.value), id));
        } else {
          operation.check({ key: recordKey(id), versionstamp: null }).sum(countKey, 1);
        }
        const before = field ? normalize(fieldOf(existing?.value, field)) : undefined;
        const after = field ? normalize(fieldOf(next, field)) : undefined;
        if (before !== after) {
          if (before) operation.delete(lookupKey(before));
          if (after) {
            const pointer = await storage.get<string>(lookupKey(after));
            if (pointer.value !== null && pointer.value !== id) {
              const holder = await storage.get(recordKey(pointer.value));
              if (holder.versionstamp !== null) {
                throw new ConflictError(
                  `${label}.upsert: ${field} "${after}" already belongs to ${entity} "${pointer.value}"; match by ${field} to update that record.`,
                  {
                    vendor: system,
                    status: 409,
                    retryable: false,
                    fieldErrors: [{ path: field ?? 'id', message: 'already taken' }],
                  },
                );
              }
            }
            operation.check(pointer).set(lookupKey(after), id);
          }
        }
        operation.set(recordKey(id), next).set(logKey(now, id), { type: 'upsert', id } satisfies LogEntry);
        if ((await operation.commit()).ok) return { record: next, created: existing === undefined };
      }
      throw tooBusy('upsert');
    },

    async delete(id) {
      for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt += 1) {
        const existing = await storage.get<T>(recordKey(id));
        if (existing.versionstamp === null) return false;
        const now = clock.now();
        const operation = storage
          .atomic()
          .check(existing)
          .delete(recordKey(id))
          .delete(logKey(stamp(existing.value), id))
          .set(logKey(now, id), { type: 'delete', id } satisfies LogEntry)
          .sum(countKey, -1);
        const before = field ? normalize(fieldOf(existing.value, field)) : undefined;
        if (before) operation.delete(lookupKey(before));
        if ((await operation.commit()).ok) return true;
      }
      throw tooBusy('delete');
    },

    // Changes of the application's own records are read with listChanges: it sends no webhooks.
    async parseWebhook() {
      return [];
    },

    async findBy(name, value) {
      if (!allowed.includes(name)) {
        throw new ConfigError(
          `${label}.findBy: cannot find by "${String(name)}"; use ${allowed.join(', ')}.`,
        );
      }
      return (await lookup(name, value))?.value ?? null;
    },

    async *records() {
      for await (const entry of storage.list<T>({ prefix: recordPrefix }, { batchSize: pageSize })) {
        yield entry.value;
      }
    },

    async count() {
      return (await storage.get<number>(countKey)).value ?? 0;
    },
  };
}

/**
 * Creates a connector over the application's own records (people, companies and deals) kept in
 * a core `Storage`: a system of record that the CRM sync engine can sync with a CRM like any
 * vendor connector.
 *
 * - `upsert` tries the `matchBy` fields in order (`email` and `domain` ignore case); a new record
 *   keeps the `id` it was given, or gets one derived from its content and the time. Records are
 *   validated against the canonical schemas (`InvalidRequestError` names the field), and an
 *   email or domain belongs to one record at most (`ConflictError` otherwise).
 * - Every write moves the record to the end of a change log ordered by time: `listChanges`
 *   walks it oldest first in batches of `pageSize`, marks the last batch `complete`, and gives
 *   checkpoints (ISO-8601 times) from which a later walk resumes, repeating the last
 *   `overlapMs` of changes so that records sharing a millisecond, or committed late by a
 *   concurrent writer, are not skipped. Deletes stay in the log as delete changes.
 * - Writes are optimistic: each commits atomically with checks, and retries when another writer
 *   got there first, so several workers or processes can share one storage.
 * - `parseWebhook` answers `[]`: the records change only through this connector.
 *
 * @example
 * ```ts
 * import { createMemoryStorage, createStorageConnector, scopeStorage } from '@salesos/core';
 *
 * const book = createStorageConnector({ storage: scopeStorage(createMemoryStorage(), 'acme'), id: 'book' });
 * const { record } = await book.entities.person.upsert(
 *   { email: 'ada@acme.com', firstName: 'Ada' },
 *   { matchBy: ['email'] },
 * );
 * await book.entities.person.findBy('email', 'ADA@acme.com'); // the same record
 * for await (const batch of book.entities.person.listChanges()) console.log(batch.changes);
 * ```
 */
export function createStorageConnector(options: StorageConnectorOptions): StorageConnector {
  const id = options.id ?? 'storage';
  if (typeof id !== 'string' || id === '') {
    throw new ConfigError('createStorageConnector: id must be a non-empty string.');
  }
  const pageSize = options.pageSize ?? 500;
  if (!Number.isInteger(pageSize) || pageSize < 1) {
    throw new ConfigError('createStorageConnector: pageSize must be a positive integer.');
  }
  const overlapMs = options.overlapMs ?? 1_000;
  if (!Number.isFinite(overlapMs) || overlapMs < 0) {
    throw new ConfigError('createStorageConnector: overlapMs must be a number of milliseconds, 0 or more.');
  }
  if (typeof options.storage?.atomic !== 'function') {
    throw new ConfigError(
      'createStorageConnector: storage must be a Storage (createMemoryStorage, SQLite, PostgreSQL…).',
    );
  }
  const resolved: Resolved = {
    storage: options.storage,
    id,
    prefix: options.prefix ?? ['connector', id],
    clock: options.clock ?? systemClock,
    pageSize,
    overlapMs,
  };
  return {
    id,
    entities: {
      person: createEntity('person', resolved),
      company: createEntity('company', resolved),
      deal: createEntity('deal', resolved),
    },
  };
}
