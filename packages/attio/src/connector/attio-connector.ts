import { createHash } from 'node:crypto';
import {
  type Change,
  type ChangeBatch,
  type Clock,
  type Company,
  ConfigError,
  type Connector,
  createMemoryStorage,
  type Deal,
  type EntityConnector,
  type EntityType,
  type ListChangesOptions,
  type MatchByFieldMap,
  NotFoundError,
  type Person,
  type Storage,
  systemClock,
  type UpsertOptions,
  type UpsertRecord,
  type UpsertResult,
} from '@salesos/core';
import type { AttioClient } from '../client.ts';
import { decodeRecord } from '../codec/value-codec.ts';
import type { AttioAttribute } from '../schemas/attribute.ts';
import type { AttioRecord } from '../schemas/record.ts';
import { parseAttioDelivery } from '../webhooks/attio-webhook-events.ts';
import {
  type AttioEntityMapper,
  createCompanyMapper,
  createDealMapper,
  createPersonMapper,
  MATCH_ATTRIBUTES,
} from './attio-mappers.ts';

/** Options of `createAttioConnector`. */
export interface AttioConnectorOptions {
  /**
   * Where content hashes of scanned records are kept, so a scan reports only what changed and
   * notices deletions. Default: in-memory (a restart reports every record once more).
   */
  storage?: Storage | undefined;
  /** Key prefix of the hashes in `storage`. Default `['attio', 'connector']`. */
  prefix?: readonly (string | number)[] | undefined;
  /** Records per query page, and so per change batch. Default 500. */
  pageSize?: number | undefined;
  /**
   * A timestamp attribute per entity that your workspace keeps as "last modified" (Attio has no
   * such standard attribute). Given, `listChanges` queries records changed since the checkpoint,
   * sorted by it, instead of scanning; deletions then come from `parseWebhook` only.
   */
  updatedAtAttribute?: Partial<Record<EntityType, string>> | undefined;
  /** Object slugs holding each entity. Default `people`, `companies`, `deals`. */
  objects?: Partial<Record<EntityType, string>> | undefined;
  /** Time source of `deletedAt`. Default: the system clock. */
  clock?: Clock | undefined;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

type ScanCheckpoint = { mode: 'scan'; generation: number; offset: number; complete?: boolean };
type UpdatedCheckpoint = { mode: 'updated'; since: string | null; offset: number };
type Checkpoint = ScanCheckpoint | UpdatedCheckpoint;

const encodeCheckpoint = (checkpoint: Checkpoint): string =>
  Buffer.from(JSON.stringify(checkpoint), 'utf8').toString('base64url');

const decodeCheckpoint = (text: string): Checkpoint => {
  try {
    const parsed = JSON.parse(Buffer.from(text, 'base64url').toString('utf8')) as Checkpoint;
    if (parsed.mode === 'scan' && Number.isInteger(parsed.generation) && Number.isInteger(parsed.offset))
      return parsed;
    if (parsed.mode === 'updated' && Number.isInteger(parsed.offset)) return parsed;
  } catch {
    // Reported below.
  }
  throw new ConfigError(
    `Invalid Attio connector checkpoint "${text.slice(0, 40)}": pass a value read from a ChangeBatch.`,
  );
};

/** A stable hash of a canonical record: keys sorted, `updatedAt` left out. */
const contentHash = (record: object): string => {
  const stable = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(stable);
    if (value && typeof value === 'object') {
      return Object.fromEntries(
        Object.keys(value)
          .filter((key) => key !== 'updatedAt')
          .sort()
          .map((key) => [key, stable((value as Record<string, unknown>)[key])]),
      );
    }
    return value;
  };
  return createHash('sha256')
    .update(JSON.stringify(stable(record)))
    .digest('hex');
};

interface HashEntry {
  hash: string;
  generation: number;
}

/**
 * Creates the connector of one entity over an Attio object.
 */
function createEntityConnector<T extends { id: string }, Field extends string>(
  entity: EntityType,
  client: AttioClient,
  mapper: AttioEntityMapper<T>,
  options: AttioConnectorOptions,
  storage: Storage,
): EntityConnector<T, Field> {
  const object = mapper.object;
  const pageSize = options.pageSize ?? 500;
  const clock = options.clock ?? systemClock;
  const prefix = [...(options.prefix ?? ['attio', 'connector']), entity];
  const hashKey = (id: string) => [...prefix, 'hash', id];
  /** The last scan generation started: a full walk starts the next one. */
  const generationKey = [...prefix, 'generation'];
  const attributes = () => client.schema.attributes('objects', object);
  const toCanonical = (record: AttioRecord, schema: readonly AttioAttribute[]) =>
    mapper.toCanonical(record, decodeRecord(record, schema));

  const get = async (id: string): Promise<T | null> => {
    // Attio record ids are UUIDs: anything else names no record, so there is nothing to ask.
    if (!UUID.test(id)) return null;
    try {
      const record = await client.records.get(object, id);
      return toCanonical(record, await attributes());
    } catch (error) {
      if (NotFoundError.isInstance(error)) return null;
      throw error;
    }
  };

  /** Plain values of the fields present, limited to attributes the object has, encoded for Attio. */
  const encode = async (record: UpsertRecord<T>) => {
    const schema = await attributes();
    const known = new Set(
      schema.filter((attribute) => attribute.is_writable !== false).map((item) => item.api_slug),
    );
    const plain = Object.fromEntries(
      Object.entries(mapper.toPlain(record)).filter(([slug]) => known.has(slug)),
    );
    return client.codec.encodeValues(object, plain);
  };

  const upsertChange = (record: T): Change<T> => ({
    type: 'upsert',
    id: record.id,
    record,
    updatedAt: (record as { updatedAt?: string | null }).updatedAt ?? new Date(clock.now()).toISOString(),
  });

  async function* scan(since: ScanCheckpoint | undefined): AsyncGenerator<ChangeBatch<T>> {
    // A walk without a checkpoint is a full listing: it reports every record, changed or not
    // (a sync engine infers deletions from what a full walk did not list), and starts a
    // generation above every earlier one, so records it does not see are found missing.
    const full = since === undefined;
    const last = (await storage.get<number>(generationKey)).value ?? 0;
    const generation = full ? last + 1 : since.complete ? since.generation + 1 : since.generation;
    if (generation > last) await storage.set(generationKey, generation);
    let offset = since && !since.complete ? since.offset : 0;
    const schema = await attributes();
    const sortable = schema.some((attribute) => attribute.api_slug === 'created_at');
    let pending: [string, HashEntry][] = [];
    const commitPending = async () => {
      for (const [id, entry] of pending) await storage.set(hashKey(id), entry);
      pending = [];
    };
    for (;;) {
      const page = await client.records
        .query(object, {
          limit: pageSize,
          offset,
          ...(sortable ? { sorts: [{ direction: 'asc' as const, attribute: 'created_at' }] } : {}),
        })
        .pages()
        [Symbol.asyncIterator]()
        .next();
      const records: AttioRecord[] = page.done ? [] : page.value.items;
      const stored = await storage.getMany<HashEntry>(records.map((record) => hashKey(record.id.record_id)));
      const changes: Change<T>[] = [];
      records.forEach((record, index) => {
        const canonical = toCanonical(record, schema);
        const hash = contentHash(canonical);
        const previous = stored[index]?.value;
        if (full || previous?.hash !== hash) changes.push(upsertChange(canonical));
        pending.push([record.id.record_id, { hash, generation }]);
      });
      offset += records.length;
      // Hashes are remembered only once the consumer asks for the next batch, so a crash before
      // it stored this batch's checkpoint makes the resumed walk report these changes again.
      yield { changes, checkpoint: encodeCheckpoint({ mode: 'scan', generation, offset }) };
      await commitPending();
      if (records.length < pageSize) break;
    }
    // Records remembered from an earlier scan but not seen in this one may be gone; a record a
    // shifting offset hid is still found by id, so only real deletions are reported.
    const deletions: Change<T>[] = [];
    for await (const entry of storage.list<HashEntry>({ prefix: [...prefix, 'hash'] })) {
      if (entry.value.generation >= generation) continue;
      const id = String(entry.key[entry.key.length - 1]);
      if ((await get(id)) !== null) continue;
      deletions.push({ type: 'delete', id, deletedAt: new Date(clock.now()).toISOString() });
    }
    yield {
      changes: deletions,
      checkpoint: encodeCheckpoint({ mode: 'scan', generation, offset: 0, complete: true }),
      complete: true,
    };
    for (const change of deletions) await storage.delete(hashKey(change.id));
  }

  async function* byUpdated(
    attribute: string,
    since: UpdatedCheckpoint | undefined,
  ): AsyncGenerator<ChangeBatch<T>> {
    const from = since?.since ?? null;
    let offset = since?.offset ?? 0;
    let newest = from;
    const schema = await attributes();
    for (;;) {
      const page = await client.records
        .query(object, {
          ...(from === null ? {} : { filter: { [attribute]: { $gte: from } } }),
          sorts: [{ direction: 'asc', attribute }],
          limit: pageSize,
          offset,
        })
        .pages()
        [Symbol.asyncIterator]()
        .next();
      const records: AttioRecord[] = page.done ? [] : page.value.items;
      const changes = records.map((record) => upsertChange(toCanonical(record, schema)));
      for (const record of records) {
        const value = record.values[attribute]?.[0] as { value?: unknown } | undefined;
        if (typeof value?.value === 'string' && (newest === null || value.value > newest))
          newest = value.value;
      }
      offset += records.length;
      const done = records.length < pageSize;
      // Mid-walk the checkpoint keeps the filter and the offset; at the end it moves the filter
      // to the newest timestamp seen (records sharing it come again: resuming never skips).
      const checkpoint: UpdatedCheckpoint = done
        ? { mode: 'updated', since: newest, offset: 0 }
        : { mode: 'updated', since: from, offset };
      yield { changes, checkpoint: encodeCheckpoint(checkpoint), ...(done ? { complete: true } : {}) };
      if (done) return;
    }
  }

  return {
    listChanges(listOptions: ListChangesOptions = {}) {
      const since = listOptions.since === undefined ? undefined : decodeCheckpoint(listOptions.since);
      const attribute = options.updatedAtAttribute?.[entity];
      const walk = async function* () {
        if (attribute) {
          if (since && since.mode !== 'updated')
            throw new ConfigError('This checkpoint comes from a scan, not from an updated-at walk.');
          yield* byUpdated(attribute, since);
        } else {
          if (since && since.mode !== 'scan')
            throw new ConfigError('This checkpoint comes from an updated-at walk, not from a scan.');
          yield* scan(since);
        }
      };
      return {
        async *[Symbol.asyncIterator]() {
          for await (const batch of walk()) {
            listOptions.signal?.throwIfAborted();
            yield batch;
          }
        },
      };
    },
    get,
    async upsert(record: UpsertRecord<T>, upsertOptions: UpsertOptions<Field>): Promise<UpsertResult<T>> {
      const matchable = MATCH_ATTRIBUTES[entity];
      for (const field of upsertOptions.matchBy) {
        if (field !== 'id' && !(field in matchable)) {
          throw new ConfigError(
            `The Attio ${entity} connector cannot match by "${field}"; use ${['id', ...Object.keys(matchable)].join(' or ')}.`,
          );
        }
      }
      const schema = await attributes();
      // Attio stores a person's name as one value: writing only one part would blank the other,
      // so a missing part is taken from the record being updated.
      const valuesFor = (current: T | null) => {
        const named = record as { firstName?: string | null; lastName?: string | null };
        const existing = current as { firstName?: string | null; lastName?: string | null } | null;
        if (
          entity !== 'person' ||
          !existing ||
          (named.firstName === undefined) === (named.lastName === undefined)
        ) {
          return encode(record);
        }
        return encode({
          ...record,
          firstName: named.firstName === undefined ? existing.firstName : named.firstName,
          lastName: named.lastName === undefined ? existing.lastName : named.lastName,
        });
      };
      for (const field of upsertOptions.matchBy) {
        if (field === 'id') {
          // Attio ids are UUIDs; another system's id (`lead-1`) cannot name an Attio record.
          const externalIds = (record as { externalIds?: Record<string, string> }).externalIds;
          const id = [record.id, externalIds?.attio].find(
            (candidate) => typeof candidate === 'string' && UUID.test(candidate),
          );
          const current = id ? await get(id) : null;
          if (!id || current === null) continue;
          const updated = await client.records.update(object, id, { values: await valuesFor(current) });
          return { record: toCanonical(updated, schema), created: false };
        }
        const matchingAttribute = matchable[field] as string;
        const given = (record as Record<string, unknown>)[field];
        if (typeof given !== 'string' || given === '') continue;
        // Looked up first only to tell "created" from "updated"; the assert is what makes the write idempotent.
        const existing = await client.records
          .query(object, { filter: { [matchingAttribute]: given.toLowerCase() }, limit: 1 })
          .toArray({ limit: 1 });
        const current = existing[0] ? toCanonical(existing[0], schema) : null;
        const asserted = await client.records.assert(object, {
          matching_attribute: matchingAttribute,
          values: await valuesFor(current),
        });
        return { record: toCanonical(asserted, schema), created: existing.length === 0 };
      }
      const created = await client.records.create(object, { values: await valuesFor(null) });
      return { record: toCanonical(created, schema), created: true };
    },
    async delete(id) {
      try {
        await client.records.delete(object, id);
        await storage.delete(hashKey(id));
        return true;
      } catch (error) {
        if (NotFoundError.isInstance(error)) return false;
        throw error;
      }
    },
    async parseWebhook(payload) {
      const delivery = parseAttioDelivery(payload);
      const objectId = (await client.schema.objects()).find((item) => item.api_slug === object)?.id.object_id;
      const latest = new Map<string, 'upsert' | 'delete'>();
      for (const event of delivery.events) {
        if (!event.event_type.startsWith('record.')) continue;
        const ids = event.id as { object_id?: string; record_id?: string };
        if (ids.object_id !== objectId || !ids.record_id) continue;
        if (event.event_type === 'record.deleted') latest.set(ids.record_id, 'delete');
        else latest.set(ids.record_id, 'upsert');
        if (event.event_type === 'record.merged') latest.set(event.duplicate_record_id, 'delete');
      }
      const changes: Change<T>[] = [];
      for (const [id, kind] of latest) {
        const record = kind === 'upsert' ? await get(id) : null;
        changes.push(
          record
            ? upsertChange(record)
            : { type: 'delete', id, deletedAt: new Date(clock.now()).toISOString() },
        );
      }
      return changes;
    },
  };
}

/** The Attio connector: people, companies and deals in canonical form. */
export interface AttioConnector extends Connector {
  readonly id: 'attio';
  readonly entities: {
    readonly person: EntityConnector<Person, MatchByFieldMap['person']>;
    readonly company: EntityConnector<Company, MatchByFieldMap['company']>;
    readonly deal: EntityConnector<Deal, MatchByFieldMap['deal']>;
  };
}

/**
 * Creates the `Connector` of an Attio workspace: `Person` (people), `Company` (companies) and
 * `Deal` (deals), with `externalIds.attio` set to the record id.
 *
 * - `upsert` matches people by email and companies by domain through Attio's assert, so a
 *   repeated upsert never makes a second record.
 * - `listChanges` without a checkpoint lists every record (a full walk); from a checkpoint it
 *   scans the object and reports records whose content hash changed since the last scan (Attio
 *   cannot sort on an update time), plus records that disappeared; with `updatedAtAttribute`
 *   it queries records changed since the checkpoint instead.
 * - `parseWebhook` turns `record.*` events of the entity's object into changes.
 *
 * @example
 * ```ts
 * const connector = createAttioConnector(createAttioClient());
 * const { record, created } = await connector.entities.person.upsert(
 *   { id: 'lead-1', email: 'ada@example.com', firstName: 'Ada', lastName: 'Lovelace' },
 *   { matchBy: ['email'] },
 * );
 * ```
 */
export function createAttioConnector(
  client: AttioClient,
  options: AttioConnectorOptions = {},
): AttioConnector {
  if (options.pageSize !== undefined && (!Number.isInteger(options.pageSize) || options.pageSize < 1)) {
    throw new ConfigError(
      `createAttioConnector: "pageSize" must be a positive integer, got ${options.pageSize}.`,
    );
  }
  const storage = options.storage ?? createMemoryStorage();
  return {
    id: 'attio',
    entities: {
      person: createEntityConnector<Person, MatchByFieldMap['person']>(
        'person',
        client,
        createPersonMapper(options.objects?.person),
        options,
        storage,
      ),
      company: createEntityConnector<Company, MatchByFieldMap['company']>(
        'company',
        client,
        createCompanyMapper(options.objects?.company),
        options,
        storage,
      ),
      deal: createEntityConnector<Deal, MatchByFieldMap['deal']>(
        'deal',
        client,
        createDealMapper(options.objects?.deal),
        options,
        storage,
      ),
    },
  };
}
