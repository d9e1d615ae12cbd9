import {
  ConfigError,
  type Key,
  type PersonalDataRecord,
  type PersonalDataStore,
  type Storage,
  StorageError,
} from '@salesos/core';
import { type ContactRecord, normalizeEmail, scoringKeys } from '../internal/scoring-state.ts';

/** Options of `createScoringPersonalDataStore`. */
export interface ScoringPersonalDataStoreOptions {
  /** The storage the scorers keep their state in (the `storage` given to `createScorer`). */
  storage: Storage;
}

const MAX_ATTEMPTS = 25;

/**
 * The scoring engine's part of data subject requests (core's `PersonalDataStore`), for every
 * tenant of a storage: exports and erases a person's stored contact state (profile, decayed
 * activity counts, last scores), their link to their company and their address index.
 * Contacts are found by person id and by the address they were stored with
 * (`upsertContact({ person: { id, email } })`). Companies are not personal data and stay;
 * remembered activity ids carry no link to the person and expire after `dedupeWindowMs`.
 *
 * @example
 * ```ts
 * import { createPrivacyService } from '@salesos/core';
 * import { createScoringPersonalDataStore } from '@salesos/scoring';
 *
 * const privacy = createPrivacyService({
 *   stores: [createScoringPersonalDataStore({ storage })],
 *   suppression,
 * });
 * await privacy.forgetPerson({ tenantId: 'acme', email: 'ada@example.com' });
 * ```
 */
export function createScoringPersonalDataStore(options: ScoringPersonalDataStoreOptions): PersonalDataStore {
  const storage = options?.storage;
  if (!storage) throw new ConfigError('createScoringPersonalDataStore: "storage" is required');

  const identify = async (tenantId: string, email: string): Promise<string[]> => {
    const address = normalizeEmail(email);
    if (address === null) return [];
    const ids: string[] = [];
    for await (const entry of storage.list({ prefix: scoringKeys(tenantId).byEmail(address) })) {
      const personId = entry.key.at(-1);
      if (typeof personId === 'string') ids.push(personId);
    }
    return ids;
  };

  const peopleOf = async (subject: { tenantId: string; email: string; personIds: readonly string[] }) => [
    ...new Set([...subject.personIds, ...(await identify(subject.tenantId, subject.email))]),
  ];

  return {
    name: 'scoring',

    identify: ({ tenantId, email }) => identify(tenantId, email),

    async exportPerson(subject) {
      const keys = scoringKeys(subject.tenantId);
      const records: PersonalDataRecord[] = [];
      for (const personId of await peopleOf(subject)) {
        const contact = await storage.get<ContactRecord>(keys.contact(personId));
        if (contact.value) records.push({ kind: 'contact', id: personId, data: contact.value });
      }
      return records;
    },

    async forgetPerson(subject) {
      const keys = scoringKeys(subject.tenantId);
      const address = normalizeEmail(subject.email);
      let erased = 0;
      for (const personId of await peopleOf(subject)) {
        let done = false;
        for (let attempt = 0; attempt < MAX_ATTEMPTS && !done; attempt += 1) {
          const contact = await storage.get<ContactRecord>(keys.contact(personId));
          const doomed: Key[] = [];
          if (contact.value) {
            doomed.push(keys.contact(personId));
            const { companyId, person } = contact.value;
            if (companyId !== null) doomed.push(keys.member(companyId, personId));
            const stored = normalizeEmail(person?.email);
            if (stored !== null) doomed.push(keys.byEmail(stored, personId));
          }
          if (address !== null) doomed.push(keys.byEmail(address, personId));
          const unique = [...new Map(doomed.map((key) => [JSON.stringify(key), key])).values()];
          const existing = (await storage.getMany(unique)).filter((entry) => entry.versionstamp !== null);
          const operation = storage.atomic().check(contact);
          for (const key of unique) operation.delete(key);
          done = (await operation.commit()).ok;
          if (done) erased += existing.length;
        }
        if (!done) {
          throw new StorageError(
            `Could not erase the scoring state of contact "${personId}": ${MAX_ATTEMPTS} attempts met concurrent writes`,
          );
        }
      }
      return { erased };
    },
  };
}
