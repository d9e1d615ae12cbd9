import {
  ConfigError,
  type Entry,
  type EntryMaybe,
  type Key,
  type PersonalDataRecord,
  type PersonalDataStore,
  type PersonalDataSubject,
  type Storage,
  StorageError,
  scopeStorage,
} from '@salesos/core';
import type { SyncConflict, SyncDeadLetter } from '../engine/types.ts';
import { other as otherSide, SIDE_NAMES, type SideIndex } from '../internal/compile-definition.ts';
import {
  type CreateIntent,
  type KeyEntry,
  type KeyLayout,
  keyLayout,
  type PendingDelete,
  type RecordState,
} from '../internal/state.ts';
import { normaliseKey } from '../internal/values.ts';

/** Options of `createSyncPersonalDataStore`. */
export interface SyncPersonalDataStoreOptions {
  /** The storage the sync engines keep their state in (the `storage` given to `createSyncEngine`). */
  storage: Storage;
}

const MAX_ATTEMPTS = 25;
const SIDES = [0, 1] as const;
const LETTERS = ['l', 'r'] as const;

/** The state of one people sync in a tenant: its storage prefix and connector pair. */
interface PeopleSync {
  keys: KeyLayout;
  /** Connector ids by side. */
  connectors: readonly [string, string];
}

/** What one people sync holds about a person, with the entries as read (for atomic checks). */
interface Held extends Found {
  sync: PeopleSync;
  /** The normalised address. */
  address: string | null;
  conflicts: Entry<SyncConflict>[];
  deadLetters: Entry<SyncDeadLetter>[];
  /** Dirty marks and pending deletes of the records. */
  marks: Entry<unknown>[];
  /** Create intents naming the records (the creates a run was about to make for them). */
  intents: Entry<CreateIntent>[];
  /** Seen-id batches of a full run naming the records, by side. */
  seen: { entry: Entry<string[]>; side: SideIndex }[];
}

type ScopedSubject = Pick<PersonalDataSubject, 'email' | 'personIds'>;

const present = <T>(entry: EntryMaybe<T> | undefined): entry is Entry<T> =>
  entry !== undefined && entry.versionstamp !== null;

async function listEntries<T>(storage: Storage, prefix: Key): Promise<Entry<T>[]> {
  const found: Entry<T>[] = [];
  for await (const entry of storage.list<T>({ prefix })) found.push(entry);
  return found;
}

/** The people syncs stored in a tenant's scope, found by skipping from one sync's keys to the next. */
async function peopleSyncs(storage: Storage): Promise<PeopleSync[]> {
  const syncs: PeopleSync[] = [];
  let start: Key | undefined;
  for (;;) {
    const selector = start === undefined ? { prefix: ['crm'] } : { prefix: ['crm'], start };
    let name: string | undefined;
    for await (const entry of storage.list(selector, { limit: 1 })) name = String(entry.key[1]);
    if (name === undefined) return syncs;
    start = ['crm', `${name}\u0000`];
    let parsed: unknown;
    try {
      parsed = JSON.parse(name);
    } catch {
      continue;
    }
    if (!Array.isArray(parsed) || parsed[0] !== 'person') continue;
    syncs.push({ keys: keyLayout(['crm', name]), connectors: [String(parsed[1]), String(parsed[2])] });
  }
}

/** Reads the states of `wanted` records of `side`; answers those stored. */
async function readStates(
  storage: Storage,
  keys: KeyLayout,
  side: SideIndex,
  wanted: Iterable<string>,
): Promise<Map<string, Entry<RecordState>>> {
  const list = [...new Set(wanted)];
  const entries = await storage.getMany<RecordState>(list.map((id) => keys.record(side, id)));
  const found = new Map<string, Entry<RecordState>>();
  entries.forEach((entry, index) => {
    if (present(entry)) found.set(list[index] as string, entry);
  });
  return found;
}

/** The records of one people sync that are the person's, with the key index entry of the address. */
interface Found {
  /** Record ids by side. */
  ids: [Set<string>, Set<string>];
  states: [Map<string, Entry<RecordState>>, Map<string, Entry<RecordState>>];
  keyEntries: Map<string, Entry<KeyEntry>>;
}

/**
 * The person's records in one people sync: those the key index holds for the address, with
 * `scan` every record whose matching key is the address (duplicates the index does not hold),
 * those with one of `personIds` whose matching key is the address or absent (an id alone does
 * not say which side it belongs to, and a record with another address is someone else's), and
 * the partner each of them is linked to.
 */
async function findRecords(
  storage: Storage,
  sync: PeopleSync,
  subject: ScopedSubject,
  scan: boolean,
): Promise<Found> {
  const { keys } = sync;
  const found: Found = { ids: [new Set(), new Set()], states: [new Map(), new Map()], keyEntries: new Map() };
  const address = normaliseKey(subject.email);
  const indexed: [string[], string[]] = [[], []];
  if (address !== null) {
    const entry = await storage.get<KeyEntry>(keys.matchKey(address));
    if (present(entry)) {
      found.keyEntries.set(address, entry);
      for (const side of SIDES) {
        const id = entry.value[LETTERS[side]];
        if (id) indexed[side].push(id);
      }
    }
  }
  for (const side of SIDES) {
    for (const id of indexed[side]) found.ids[side].add(id);
    for (const [id, entry] of await readStates(storage, keys, side, indexed[side])) {
      found.states[side].set(id, entry);
    }
    if (scan && address !== null) {
      for await (const entry of storage.list<RecordState>({ prefix: keys.records(side) })) {
        if (entry.value.k !== address) continue;
        const id = String(entry.key.at(-1));
        found.ids[side].add(id);
        found.states[side].set(id, entry);
      }
    }
  }
  for (const side of SIDES) {
    // Ids of the person's records on the other side are not looked for on this one.
    const wanted = subject.personIds.filter(
      (id) => !found.ids[side].has(id) && !found.ids[otherSide(side)].has(id),
    );
    for (const [id, entry] of await readStates(storage, keys, side, wanted)) {
      const key = entry.value.k;
      if (key !== undefined && key !== address) continue;
      found.ids[side].add(id);
      found.states[side].set(id, entry);
    }
  }
  const partners: [string[], string[]] = [[], []];
  for (const side of SIDES) {
    for (const { value } of found.states[side].values()) {
      const other = otherSide(side);
      if (value.p && !found.ids[other].has(value.p)) partners[other].push(value.p);
    }
  }
  for (const side of SIDES) {
    for (const id of partners[side]) found.ids[side].add(id);
    for (const [id, entry] of await readStates(storage, keys, side, partners[side])) {
      found.states[side].set(id, entry);
    }
  }
  return found;
}

/** What `findRecords` found, and every other entry of the sync that names those records. */
async function gather(storage: Storage, sync: PeopleSync, subject: ScopedSubject): Promise<Held> {
  const { keys } = sync;
  const found = await findRecords(storage, sync, subject, true);
  const { ids } = found;
  const address = normaliseKey(subject.email);
  const held: Held = {
    sync,
    address,
    ...found,
    conflicts: [],
    deadLetters: [],
    marks: [],
    intents: [],
    seen: [],
  };

  const matchKeys = new Set<string>();
  for (const side of SIDES) {
    for (const { value } of held.states[side].values()) if (value.k) matchKeys.add(value.k);
  }
  const missing = [...matchKeys].filter((value) => !held.keyEntries.has(value));
  const keyEntries = await storage.getMany<KeyEntry>(missing.map((value) => keys.matchKey(value)));
  keyEntries.forEach((entry, index) => {
    if (present(entry) && SIDES.some((side) => ids[side].has(entry.value[LETTERS[side]] ?? ''))) {
      held.keyEntries.set(missing[index] as string, entry);
    }
  });

  const perRecord: Key[] = [];
  for (const side of SIDES) {
    for (const id of ids[side]) perRecord.push(keys.dirty(side, id), keys.pendingDelete(side, id));
  }
  held.marks = (await storage.getMany(perRecord)).filter(present);
  const letters = SIDES.flatMap((side) => [...ids[side]].map((id) => keys.deadLetter(side, id)));
  held.deadLetters = (await storage.getMany<SyncDeadLetter>(letters)).filter(present);
  held.conflicts = (await listEntries<SyncConflict>(storage, keys.conflicts())).filter(
    ({ value }) => ids[0].has(value.leftId) || ids[1].has(value.rightId),
  );
  for (const side of SIDES) {
    // A delete waiting on a record whose state is gone still names its found partner as source.
    for (const entry of await listEntries<PendingDelete>(storage, keys.pendingDeletes(side))) {
      const id = String(entry.key.at(-1));
      if (!ids[side].has(id) && ids[otherSide(side)].has(entry.value.source)) held.marks.push(entry);
    }
    for (const entry of await listEntries<CreateIntent>(storage, keys.intents(side))) {
      if (entry.value.items.some((item) => intentNames(item, ids, address))) held.intents.push(entry);
    }
    for (const entry of await listEntries<string[]>(storage, keys.seenPrefix(side))) {
      if (entry.value.some((id) => ids[side].has(id))) held.seen.push({ entry, side });
    }
  }
  return held;
}

/**
 * Whether a create intent is about the person: its source is one of their records, or the
 * values it was about to create (its fingerprint) hold their address (a batch that died before
 * it committed leaves no state of the source).
 */
function intentNames(
  [source, id, print]: CreateIntent['items'][number],
  ids: Found['ids'],
  address: string | null,
): boolean {
  if (ids[source].has(id)) return true;
  if (address === null) return false;
  try {
    const values: unknown = JSON.parse(print);
    return Array.isArray(values) && values.some((value) => normaliseKey(value) === address);
  } catch {
    return false;
  }
}

const pairsOf = (held: Held): [string, string][] => {
  const pairs = new Map<string, [string, string]>();
  for (const side of SIDES) {
    for (const [id, { value }] of held.states[side]) {
      if (!value.p) continue;
      const pair: [string, string] = side === 0 ? [id, value.p] : [value.p, id];
      pairs.set(JSON.stringify(pair), pair);
    }
  }
  return [...pairs.values()];
};

function exportHeld(held: Held): PersonalDataRecord[] {
  const [left, right] = held.sync.connectors;
  const pair = `${left}:${right}`;
  const records: PersonalDataRecord[] = [];
  for (const side of SIDES) {
    for (const [id, entry] of held.states[side]) {
      records.push({
        kind: 'sync-record',
        id: `${pair}:${SIDE_NAMES[side]}:${id}`,
        data: { connectors: { left, right }, side: SIDE_NAMES[side], id, state: entry.value },
      });
    }
  }
  for (const [leftId, rightId] of pairsOf(held)) {
    records.push({
      kind: 'sync-link',
      id: `${pair}:${leftId}:${rightId}`,
      data: { left: { connector: left, id: leftId }, right: { connector: right, id: rightId } },
    });
  }
  for (const [value, entry] of held.keyEntries) {
    records.push({ kind: 'sync-match-key', id: `${pair}:${value}`, data: { key: value, ...entry.value } });
  }
  for (const entry of held.conflicts)
    records.push({ kind: 'sync-conflict', id: entry.value.id, data: entry.value });
  for (const entry of held.deadLetters) {
    records.push({
      kind: 'sync-dead-letter',
      id: `${pair}:${entry.value.side}:${entry.value.id}`,
      data: entry.value,
    });
  }
  return records;
}

/** Erases what `gather` found in one atomic write; answers how many entries it erased, or `null` on a race. */
async function eraseHeld(storage: Storage, held: Held): Promise<number | null> {
  const { keys } = held.sync;
  const operation = storage.atomic();
  let erased = 0;
  const drop = (entry: Entry<unknown>) => {
    operation.check(entry).delete(entry.key);
    erased += 1;
  };
  const rewrite = (entry: Entry<unknown>, rest: unknown, empty: boolean) => {
    if (empty) drop(entry);
    else {
      operation.check(entry).set(entry.key, rest);
      erased += 1;
    }
  };
  for (const side of SIDES) for (const entry of held.states[side].values()) drop(entry);
  for (const entry of [...held.conflicts, ...held.deadLetters, ...held.marks]) drop(entry);
  for (const [, entry] of held.keyEntries) {
    const next: KeyEntry = { ...entry.value };
    for (const side of SIDES) {
      const id = next[LETTERS[side]];
      if (id !== undefined && held.ids[side].has(id)) delete next[LETTERS[side]];
    }
    rewrite(entry, next, !next.l && !next.r);
  }
  for (const entry of held.intents) {
    const items = entry.value.items.filter((item) => !intentNames(item, held.ids, held.address));
    rewrite(entry, { items }, items.length === 0);
  }
  for (const { entry, side } of held.seen) {
    const rest = entry.value.filter((id) => !held.ids[side].has(id));
    rewrite(entry, rest, rest.length === 0);
  }
  if (erased === 0) return 0;
  const links = pairsOf(held).length;
  if (links > 0) operation.sum(keys.linked(), -links);
  return (await operation.commit()).ok ? erased : null;
}

/**
 * The CRM sync engine's part of data subject requests (core's `PersonalDataStore`), for every
 * tenant of a storage and every people sync stored there. A person is found by the address
 * (the key index of each sync, then a pass over the sync's record states for records with the
 * same address the index does not hold) and by the person ids given, on either side, together
 * with the partner each record is linked to. `exportPerson` answers their record states
 * (`sync-record`: the mapped values, the link, the time last seen), links (`sync-link`),
 * key index entries (`sync-match-key`), conflicts (`sync-conflict`) and dead letters
 * (`sync-dead-letter`). `forgetPerson` erases all of those with the records' dirty marks,
 * pending deletes, create intents and seen-id entries, in one atomic write per sync.
 *
 * The connected systems are not touched: a person still in one of them is read again by the
 * next run (erase or unsubscribe them there too). Companies and deals are not personal data
 * and stay.
 *
 * @example
 * ```ts
 * import { createPrivacyService } from '@salesos/core';
 * import { createSyncPersonalDataStore } from '@salesos/crm';
 *
 * const privacy = createPrivacyService({
 *   stores: [createSyncPersonalDataStore({ storage })],
 *   suppression,
 * });
 * await privacy.forgetPerson({ tenantId: 'acme', email: 'ada@example.com' });
 * ```
 */
export function createSyncPersonalDataStore(options: SyncPersonalDataStoreOptions): PersonalDataStore {
  const storage = options?.storage;
  if (!storage) throw new ConfigError('createSyncPersonalDataStore: "storage" is required');

  return {
    name: 'crm',

    async identify({ tenantId, email }) {
      const scoped = scopeStorage(storage, tenantId);
      const ids = new Set<string>();
      for (const sync of await peopleSyncs(scoped)) {
        const found = await findRecords(scoped, sync, { email, personIds: [] }, false);
        for (const side of SIDES) for (const id of found.ids[side]) ids.add(id);
      }
      return [...ids];
    },

    async exportPerson(subject) {
      const scoped = scopeStorage(storage, subject.tenantId);
      const records: PersonalDataRecord[] = [];
      for (const sync of await peopleSyncs(scoped)) {
        records.push(...exportHeld(await gather(scoped, sync, subject)));
      }
      return records;
    },

    async forgetPerson(subject) {
      const scoped = scopeStorage(storage, subject.tenantId);
      let erased = 0;
      for (const sync of await peopleSyncs(scoped)) {
        let done: number | null = null;
        for (let attempt = 0; attempt < MAX_ATTEMPTS && done === null; attempt += 1) {
          done = await eraseHeld(scoped, await gather(scoped, sync, subject));
        }
        if (done === null) {
          throw new StorageError(
            `Could not erase a person's sync state between "${sync.connectors[0]}" and "${sync.connectors[1]}": ${MAX_ATTEMPTS} attempts met concurrent writes`,
          );
        }
        erased += done;
      }
      return { erased };
    },
  };
}
