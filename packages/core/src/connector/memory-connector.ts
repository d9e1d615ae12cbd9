import { z } from 'zod';
import { type Clock, systemClock } from '../clock/clock.ts';
import { InvalidRequestError } from '../errors/api-error.ts';
import { ConfigError, WebhookVerificationError } from '../errors/client-errors.ts';
import {
  type Company,
  CompanySchema,
  type Deal,
  DealSchema,
  ENTITY_TYPES,
  type EntityRecordMap,
  type EntityType,
  type Person,
  PersonSchema,
} from '../model/canonical.ts';
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
  WebhookHeaders,
} from './connector.ts';

/** Options of `createMemoryConnector`. */
export interface MemoryConnectorOptions {
  /** The system id, used as the connector's `id`. Default `'memory'`. */
  id?: string;
  /** Source of `updatedAt`/`deletedAt` timestamps. Default `systemClock`; pass `createTestClock()` to control them. */
  clock?: Clock;
  /** Changes per batch of `listChanges`. Default `100`. */
  pageSize?: number;
}

/** Names of the counted `EntityConnector` methods. */
export type ConnectorMethod = 'listChanges' | 'get' | 'upsert' | 'delete' | 'parseWebhook';

/** Direct access to the records of one entity "on the other side", bypassing the connector. */
export interface RemoteRecords<T> {
  /**
   * Creates or replaces a record as a user of the system would, without counting a call.
   * A missing `id` is generated. `updatedAt` defaults to the clock's now; give the same
   * value to several records to test checkpoint overlap.
   */
  put(record: UpsertRecord<T>, options?: { updatedAt?: string | Date }): T;
  /** Deletes a record, leaving a delete change; answers whether it existed. */
  delete(id: string, options?: { deletedAt?: string | Date }): boolean;
  /** The record, or `undefined`. */
  get(id: string): T | undefined;
  /** Every live record, ordered by id. */
  all(): T[];
}

/** A webhook body the memory connector understands (one change or a list of them). */
export interface MemoryWebhookChange {
  entity: EntityType;
  type: 'upsert' | 'delete';
  id: string;
  /** The record, for `upsert`. */
  record?: Record<string, unknown>;
  /** ISO-8601 time of the change. */
  at: string;
}

/** An in-memory system behind the `Connector` contract, for engine tests. */
export interface MemoryConnector extends Connector {
  readonly entities: {
    readonly [Entity in EntityType]: EntityConnector<EntityRecordMap[Entity], MatchByFieldMap[Entity]>;
  };
  /** Edit records directly, as if someone changed them in the system. */
  readonly remote: { readonly [Entity in EntityType]: RemoteRecords<EntityRecordMap[Entity]> };
  /** How many times each connector method was called, per entity. */
  readonly calls: { readonly [Entity in EntityType]: Record<ConnectorMethod, number> };
  /** Sets every call counter back to zero. */
  resetCalls(): void;
  /** The webhook body this system would send for the current state of a record (or its deletion). */
  webhookPayload(entity: EntityType, id: string): MemoryWebhookChange;
}

const SCHEMAS: { [Entity in EntityType]: z.ZodType<EntityRecordMap[Entity]> } = {
  person: PersonSchema as unknown as z.ZodType<Person>,
  company: CompanySchema as unknown as z.ZodType<Company>,
  deal: DealSchema as unknown as z.ZodType<Deal>,
};

const MATCH_FIELDS: { [Entity in EntityType]: readonly MatchByFieldMap[Entity][] } = {
  person: ['id', 'email'],
  company: ['id', 'domain'],
  deal: ['id'],
};

const WebhookChangeSchema = z.object({
  entity: z.enum(ENTITY_TYPES),
  type: z.enum(['upsert', 'delete']),
  id: z.string().min(1),
  record: z.record(z.string(), z.unknown()).optional(),
  at: z.iso.datetime({ offset: true }),
});

interface Stored<T> {
  record: T;
  updatedAt: number;
  /** `updatedAt` as ISO-8601, formatted once. */
  updatedAtIso: string;
}

/**
 * A deep copy of a record the schema validated: plain objects, arrays and primitives only
 * (unknown fields are stripped), so a plain walk copies it faster than `structuredClone`.
 */
function copyRecord<T>(value: T): T {
  if (typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) return value.map(copyRecord) as T;
  const copy: Record<string, unknown> = {};
  for (const key of Object.keys(value)) {
    const field = copyRecord((value as Record<string, unknown>)[key]);
    // An own `__proto__` key (an external id's system name, say) stays a plain field.
    if (key === '__proto__') {
      Object.defineProperty(copy, key, {
        value: field,
        enumerable: true,
        writable: true,
        configurable: true,
      });
    } else {
      copy[key] = field;
    }
  }
  return copy as T;
}

const EPOCH = new Date(0).toISOString();
const toTime = (value: string | Date | undefined, fallback: number): number => {
  if (value === undefined) return fallback;
  const time = value instanceof Date ? value.getTime() : Date.parse(value);
  if (!Number.isFinite(time)) throw new ConfigError(`Invalid timestamp ${String(value)}: expected ISO-8601.`);
  return time;
};

/**
 * Creates an in-memory system that implements `Connector` for people, companies and deals:
 * its own ids and `updatedAt` timestamps, `listChanges` with checkpoints that re-deliver
 * records sharing the boundary timestamp (as vendors filtering `updated_at >= since` do),
 * `remote` to change records behind the engine's back, and call counters.
 *
 * @example
 * ```ts
 * const crm = createMemoryConnector({ id: 'crm', clock: createTestClock() });
 * crm.remote.person.put({ email: 'ada@example.com', firstName: 'Ada' });
 * for await (const batch of crm.entities.person.listChanges()) console.log(batch.changes);
 * ```
 */
export function createMemoryConnector(options: MemoryConnectorOptions = {}): MemoryConnector {
  const id = options.id ?? 'memory';
  const clock = options.clock ?? systemClock;
  const pageSize = options.pageSize ?? 100;
  if (!Number.isInteger(pageSize) || pageSize < 1) {
    throw new ConfigError('createMemoryConnector: pageSize must be a positive integer.');
  }
  const zeroCalls = (): Record<ConnectorMethod, number> => ({
    listChanges: 0,
    get: 0,
    upsert: 0,
    delete: 0,
    parseWebhook: 0,
  });
  const calls = { person: zeroCalls(), company: zeroCalls(), deal: zeroCalls() };
  let nextId = 0;

  const build = <Entity extends EntityType>(entity: Entity) => {
    type Record_ = EntityRecordMap[Entity];
    type Field = MatchByFieldMap[Entity];
    const schema = SCHEMAS[entity] as z.ZodType<Record_>;
    const records = new Map<string, Stored<Record_>>();
    const tombstones = new Map<string, number>();

    const validate = (candidate: unknown): Record_ => {
      const parsed = schema.safeParse(candidate);
      if (parsed.success) return parsed.data;
      const fieldErrors = parsed.error.issues.map((issue) => ({
        path: issue.path.join('.'),
        message: issue.message,
      }));
      throw new InvalidRequestError(
        `${id} rejected the ${entity}: ${fieldErrors.map((error) => `"${error.path}" ${error.message}`).join('; ')}`,
        { vendor: id, status: 422, fieldErrors },
      );
    };

    const write = (record: UpsertRecord<Record_>, existing: Record_ | undefined, time: number): Record_ => {
      const recordId = (record as { id?: string }).id ?? existing?.id ?? `${entity}_${++nextId}`;
      const updatedAtIso = new Date(time).toISOString();
      const next = validate({
        ...(existing ?? {}),
        ...record,
        id: recordId,
        updatedAt: updatedAtIso,
      });
      records.set(recordId, { record: next, updatedAt: time, updatedAtIso });
      tombstones.delete(recordId);
      return copyRecord(next);
    };

    const remove = (recordId: string, time: number): boolean => {
      if (!records.delete(recordId)) return false;
      tombstones.set(recordId, time);
      return true;
    };

    const findBy = (field: Field, record: UpsertRecord<Record_>): Record_ | undefined => {
      const wanted = (record as Record<string, unknown>)[field];
      if (typeof wanted !== 'string' || wanted.length === 0) return undefined;
      if (field === 'id') return records.get(wanted)?.record;
      const lower = wanted.toLowerCase();
      for (const stored of records.values()) {
        const value = (stored.record as Record<string, unknown>)[field];
        if (typeof value === 'string' && value.toLowerCase() === lower) return stored.record;
      }
      return undefined;
    };

    const changeOf = (recordId: string): { change: Change<Record_>; time: number } | undefined => {
      const stored = records.get(recordId);
      if (stored) {
        return {
          time: stored.updatedAt,
          change: {
            type: 'upsert',
            id: recordId,
            record: copyRecord(stored.record),
            updatedAt: stored.updatedAtIso,
          },
        };
      }
      const deletedAt = tombstones.get(recordId);
      if (deletedAt === undefined) return undefined;
      return {
        time: deletedAt,
        change: { type: 'delete', id: recordId, deletedAt: new Date(deletedAt).toISOString() },
      };
    };

    const connector: EntityConnector<Record_, Field> = {
      async *listChanges(listOptions: ListChangesOptions = {}): AsyncGenerator<ChangeBatch<Record_>> {
        calls[entity].listChanges += 1;
        const since = listOptions.since === undefined ? undefined : toTime(listOptions.since, 0);
        // Filter and sort on timestamps first; clone only the records actually handed out.
        const due: { id: string; time: number }[] = [];
        const consider = (recordId: string, time: number) => {
          if (since === undefined || time >= since) due.push({ id: recordId, time });
        };
        for (const [recordId, stored] of records) consider(recordId, stored.updatedAt);
        for (const [recordId, deletedAt] of tombstones)
          if (!records.has(recordId)) consider(recordId, deletedAt);
        due.sort((left, right) => left.time - right.time || (left.id < right.id ? -1 : 1));
        if (due.length === 0) {
          yield { changes: [], checkpoint: listOptions.since ?? EPOCH, complete: true };
          return;
        }
        for (let start = 0; start < due.length; start += pageSize) {
          listOptions.signal?.throwIfAborted();
          const page = due.slice(start, start + pageSize);
          const last = page.at(-1) as { time: number };
          yield {
            changes: page.flatMap((item) => {
              const found = changeOf(item.id);
              return found ? [found.change] : [];
            }),
            checkpoint: new Date(last.time).toISOString(),
            ...(start + pageSize >= due.length ? { complete: true } : {}),
          };
        }
      },

      async get(recordId) {
        calls[entity].get += 1;
        const stored = records.get(recordId);
        return stored ? copyRecord(stored.record) : null;
      },

      async upsert(record, upsertOptions: UpsertOptions<Field>): Promise<UpsertResult<Record_>> {
        calls[entity].upsert += 1;
        const allowed = MATCH_FIELDS[entity] as readonly string[];
        if (!Array.isArray(upsertOptions?.matchBy) || upsertOptions.matchBy.length === 0) {
          throw new ConfigError(
            `${id} ${entity}.upsert: matchBy must list at least one of ${allowed.join(', ')}.`,
          );
        }
        for (const field of upsertOptions.matchBy) {
          if (!allowed.includes(field)) {
            throw new ConfigError(
              `${id} ${entity}.upsert: cannot match by "${field}"; use ${allowed.join(', ')}.`,
            );
          }
        }
        let existing: Record_ | undefined;
        for (const field of upsertOptions.matchBy) {
          existing = findBy(field, record);
          if (existing) break;
        }
        const time = clock.now();
        if (existing) {
          return { record: write({ ...record, id: existing.id }, existing, time), created: false };
        }
        const { id: _ignored, ...fields } = record as UpsertRecord<Record_> & { id?: string };
        return { record: write(fields as UpsertRecord<Record_>, undefined, time), created: true };
      },

      async delete(recordId) {
        calls[entity].delete += 1;
        return remove(recordId, clock.now());
      },

      async parseWebhook(payload: unknown, _headers?: WebhookHeaders): Promise<Change<Record_>[]> {
        calls[entity].parseWebhook += 1;
        const items = Array.isArray(payload) ? payload : [payload];
        const changes: Change<Record_>[] = [];
        for (const item of items) {
          const parsed = WebhookChangeSchema.safeParse(item);
          if (!parsed.success) {
            throw new WebhookVerificationError(
              `${id} webhook body is not a change: ${parsed.error.issues[0]?.message ?? 'invalid'}.`,
            );
          }
          const change = parsed.data;
          if (change.entity !== entity) continue;
          if (change.type === 'delete') {
            changes.push({ type: 'delete', id: change.id, deletedAt: change.at });
          } else {
            changes.push({
              type: 'upsert',
              id: change.id,
              record: validate({ ...change.record, id: change.id }),
              updatedAt: change.at,
            });
          }
        }
        return changes;
      },
    };

    const remote: RemoteRecords<Record_> = {
      put(record, putOptions = {}) {
        const recordId = (record as { id?: string }).id;
        const existing = recordId === undefined ? undefined : records.get(recordId)?.record;
        return write(record, existing, toTime(putOptions.updatedAt, clock.now()));
      },
      delete(recordId, deleteOptions = {}) {
        return remove(recordId, toTime(deleteOptions.deletedAt, clock.now()));
      },
      get(recordId) {
        const stored = records.get(recordId);
        return stored ? copyRecord(stored.record) : undefined;
      },
      all() {
        return [...records.values()]
          .map((stored) => copyRecord(stored.record))
          .sort((left, right) => (left.id < right.id ? -1 : left.id > right.id ? 1 : 0));
      },
    };

    const webhookPayload = (recordId: string): MemoryWebhookChange => {
      const found = changeOf(recordId);
      if (!found) throw new ConfigError(`${id} has no ${entity} "${recordId}" to send a webhook about.`);
      return found.change.type === 'upsert'
        ? {
            entity,
            type: 'upsert',
            id: recordId,
            record: found.change.record as Record<string, unknown>,
            at: found.change.updatedAt,
          }
        : { entity, type: 'delete', id: recordId, at: found.change.deletedAt };
    };

    return { connector, remote, webhookPayload };
  };

  const person = build('person');
  const company = build('company');
  const deal = build('deal');
  const built = { person, company, deal };

  return {
    id,
    entities: { person: person.connector, company: company.connector, deal: deal.connector },
    remote: { person: person.remote, company: company.remote, deal: deal.remote },
    calls,
    resetCalls() {
      for (const entity of ENTITY_TYPES) Object.assign(calls[entity], zeroCalls());
    },
    webhookPayload(entity, recordId) {
      return built[entity].webhookPayload(recordId);
    },
  };
}
