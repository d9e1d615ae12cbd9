import type {
  Deal,
  Entry,
  Key,
  Person,
  PersonalDataRecord,
  PersonalDataStore,
  PersonalDataSubject,
  Storage,
} from '@salesos/core';
import type { RecordedEmail } from '@salesos/sequences';
import { BOOK_PREFIX, CRM_CONNECTOR_PREFIX, type TenantServices } from '../tenancy/tenant-services.ts';
import type { WebhookInbox } from '../webhooks/webhook-inbox.ts';

/** Options of `createServerPersonalDataStore`. */
export interface ServerPersonalDataStoreOptions {
  /** The server's storage (not scoped). */
  storage: Storage;
  /** A tenant's services (its contact book), or `undefined` for a tenant the server does not know. */
  tenant: (tenantId: string) => TenantServices | undefined;
  /** A tenant's webhook inbox, when it receives webhooks. */
  inbox: (tenantId: string) => WebhookInbox | undefined;
  /** Prefix of the outbox (`createRecordingSender`'s `prefix`). Default `['outbox']`. */
  outboxPrefix?: Key;
  /** Prefix of Apollo's cached enrichments (the credit tracker's `keyPrefix` + `enrichment`). Default `['apollo', 'enrichment']`. */
  enrichmentPrefix?: Key;
}

/** A contact-book change-log entry, as core's storage connector writes it. */
interface BookLogEntry {
  type: 'upsert' | 'delete';
  id: string;
}

const normalize = (value: unknown): string | null =>
  typeof value === 'string' && value.trim() !== '' ? value.trim().toLowerCase() : null;

/**
 * The reference server's own part of data subject requests (core's `PersonalDataStore`): the
 * records the server keeps besides the engines' state.
 *
 * | kind | what | erasure |
 * | --- | --- | --- |
 * | `contact` | the person in the tenant's contact book | deleted, and the delete left out of the book's change log |
 * | `deal` | deals naming the person | the person's id is taken off the deal; the deal stays |
 * | `email` | emails recorded in the outbox to the address or the person | deleted |
 * | `webhook` | webhook payloads about the address still waiting in the inbox | deleted; their jobs then do nothing |
 * | `enrichment` | Apollo enrichments of the person cached to save credits | deleted |
 * | `crm-hash` | the CRM connector's content hash of the person's CRM record (found by record id) | deleted; the record in the CRM stays, and the next sync run reads it again |
 *
 * People are found by address (the contact book's email index) and by the ids other stores
 * link to the address.
 *
 * @example
 * ```ts
 * const privacy = createPrivacyService({
 *   stores: [
 *     createScoringPersonalDataStore({ storage }),
 *     createSequencePersonalDataStore({ storage }),
 *     createServerPersonalDataStore({ storage, tenant: (id) => tenants.get(id), inbox: () => undefined }),
 *   ],
 *   suppression: sequences.suppression,
 * });
 * ```
 */
export function createServerPersonalDataStore(options: ServerPersonalDataStoreOptions): PersonalDataStore {
  const { storage } = options;
  const outboxPrefix = options.outboxPrefix ?? ['outbox'];
  const enrichmentPrefix = options.enrichmentPrefix ?? ['apollo', 'enrichment'];
  const logPrefix: Key = [...BOOK_PREFIX, 'person', 'log'];

  const identify = async (tenantId: string, email: string): Promise<string[]> => {
    const address = normalize(email);
    const book = options.tenant(tenantId)?.book;
    if (!book || address === null) return [];
    const person = await book.entities.person.findBy('email', address);
    return person ? [person.id] : [];
  };

  /** The person's contact records, and every way the server's records may name them. */
  const gather = async (subject: PersonalDataSubject) => {
    const services = options.tenant(subject.tenantId);
    const ids = new Set([...subject.personIds, ...(await identify(subject.tenantId, subject.email))]);
    const contacts: Person[] = [];
    for (const id of ids) {
      const person = await services?.book.entities.person.get(id);
      if (person) contacts.push(person);
    }
    const addresses = new Set([
      normalize(subject.email),
      ...contacts.map((person) => normalize(person.email)),
    ]);
    addresses.delete(null);
    const apolloIds = new Set(
      contacts.flatMap((person) => {
        const apollo = person.externalIds?.apollo;
        return typeof apollo === 'string' ? [apollo] : [];
      }),
    );
    return { services, ids, contacts, addresses: addresses as Set<string>, apolloIds };
  };

  type Gathered = Awaited<ReturnType<typeof gather>>;

  const dealsOf = async (found: Gathered): Promise<Deal[]> => {
    const deals: Deal[] = [];
    if (!found.services) return deals;
    for await (const deal of found.services.book.entities.deal.records()) {
      if (deal.personIds.some((id) => found.ids.has(id))) deals.push(deal);
    }
    return deals;
  };

  const emailsOf = async (tenantId: string, found: Gathered) => {
    const emails: { key: Key; email: RecordedEmail }[] = [];
    for await (const entry of storage.list<RecordedEmail>({ prefix: [...outboxPrefix, tenantId] })) {
      const email = entry.value;
      const to = normalize(email?.to?.email);
      const personId = email?.metadata?.personId;
      if (
        (to !== null && found.addresses.has(to)) ||
        (typeof personId === 'string' && found.ids.has(personId))
      )
        emails.push({ key: entry.key, email });
    }
    return emails;
  };

  /** Waiting webhook payloads that mention one of the addresses or ids. */
  const webhooksOf = async (tenantId: string, found: Gathered) => {
    const inbox = options.inbox(tenantId);
    const waiting: { name: string; id: string; data: unknown }[] = [];
    if (!inbox) return waiting;
    const needles = [...found.addresses, ...found.ids];
    for await (const entry of inbox.entries()) {
      const text = JSON.stringify(entry.data ?? null).toLowerCase();
      if (needles.some((needle) => text.includes(needle.toLowerCase()))) waiting.push(entry);
    }
    return waiting;
  };

  /** Cached Apollo enrichments of the person (found by Apollo id or address, in the value or the key). */
  const enrichmentsOf = async (tenantId: string, found: Gathered) => {
    const cached: { key: Key; value: unknown }[] = [];
    for await (const entry of storage.list<{ value?: { id?: unknown; email?: unknown } | null }>({
      prefix: [...enrichmentPrefix, tenantId, 'person'],
    })) {
      const person = entry.value?.value;
      const identity = String(entry.key.at(-1)).toLowerCase();
      const matches =
        (typeof person?.id === 'string' && found.apolloIds.has(person.id)) ||
        (normalize(person?.email) !== null && found.addresses.has(normalize(person?.email) as string)) ||
        [...found.addresses].some((address) => identity.endsWith(`email:${address}`)) ||
        [...found.apolloIds].some((id) => identity.endsWith(`id:${id.toLowerCase()}`));
      if (matches) cached.push({ key: entry.key, value: entry.value });
    }
    return cached;
  };

  /** The CRM connector's content hashes of the person's CRM records: keyed by record id, in the tenant's scope. */
  const crmHashesOf = async (found: Gathered): Promise<Entry<unknown>[]> => {
    if (!found.services || found.ids.size === 0) return [];
    const keys = [...found.ids].map((id): Key => [...CRM_CONNECTOR_PREFIX, 'person', 'hash', id]);
    const entries = await found.services.storage.getMany(keys);
    return entries.filter((entry): entry is Entry<unknown> => entry.versionstamp !== null);
  };

  /**
   * Deletes a contact from the book. The book keeps a delete entry in its change log (for syncs
   * that propagate deletes); an erasure leaves none, so that not even the id remains.
   */
  const eraseContact = async (services: TenantServices, id: string): Promise<number> => {
    const started = Date.now();
    if (!(await services.book.entities.person.delete(id))) return 0;
    const finished = Date.now();
    let erased = 1;
    for await (const entry of services.storage.list<BookLogEntry>({
      prefix: logPrefix,
      start: [...logPrefix, started],
    })) {
      const at = entry.key[logPrefix.length];
      if (typeof at === 'number' && at > finished) break;
      if (entry.value?.type === 'delete' && entry.value.id === id) {
        await services.storage.delete(entry.key);
        erased += 1;
      }
    }
    return erased;
  };

  return {
    name: 'server',

    identify: ({ tenantId, email }) => identify(tenantId, email),

    async exportPerson(subject) {
      const found = await gather(subject);
      const records: PersonalDataRecord[] = found.contacts.map((person) => ({
        kind: 'contact',
        id: person.id,
        data: person,
      }));
      for (const deal of await dealsOf(found)) records.push({ kind: 'deal', id: deal.id, data: deal });
      for (const { email } of await emailsOf(subject.tenantId, found)) {
        records.push({ kind: 'email', id: email.idempotencyKey, data: email });
      }
      for (const entry of await webhooksOf(subject.tenantId, found)) {
        records.push({ kind: 'webhook', id: `${entry.name}:${entry.id}`, data: entry.data });
      }
      for (const entry of await enrichmentsOf(subject.tenantId, found)) {
        records.push({ kind: 'enrichment', id: String(entry.key.at(-1)), data: entry.value });
      }
      for (const entry of await crmHashesOf(found)) {
        records.push({ kind: 'crm-hash', id: String(entry.key.at(-1)), data: entry.value });
      }
      return records;
    },

    async forgetPerson(subject) {
      const found = await gather(subject);
      let erased = 0;
      // Waiting webhooks first: a job that runs meanwhile must not write the person back.
      const inbox = options.inbox(subject.tenantId);
      for (const entry of await webhooksOf(subject.tenantId, found)) {
        await inbox?.remove(entry.name, entry.id);
        erased += 1;
      }
      if (found.services) {
        const { book } = found.services;
        for (const deal of await dealsOf(found)) {
          await book.entities.deal.upsert(
            { ...deal, personIds: deal.personIds.filter((id) => !found.ids.has(id)) },
            { matchBy: ['id'] },
          );
          erased += 1;
        }
        for (const person of found.contacts) erased += await eraseContact(found.services, person.id);
        // Left behind, the hash keeps the record id and hides the unchanged record from the next run.
        const hashes = await crmHashesOf(found);
        if (hashes.length > 0) {
          const operation = found.services.storage.atomic();
          for (const { key } of hashes) operation.delete(key);
          await operation.commit();
          erased += hashes.length;
        }
      }
      const doomed = [
        ...(await emailsOf(subject.tenantId, found)).map(({ key }) => key),
        ...(await enrichmentsOf(subject.tenantId, found)).map(({ key }) => key),
      ];
      if (doomed.length > 0) {
        const operation = storage.atomic();
        for (const key of doomed) operation.delete(key);
        await operation.commit();
        erased += doomed.length;
      }
      return { erased };
    },
  };
}
