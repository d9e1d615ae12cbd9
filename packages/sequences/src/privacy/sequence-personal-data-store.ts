import {
  ConfigError,
  type Key,
  type PersonalDataRecord,
  type PersonalDataStore,
  type PersonalDataSubject,
  type Storage,
  StorageError,
} from '@salesos/core';
import { createSuppressionList, type SuppressionList } from '../compliance/suppression-list.ts';
import type { Enrollment } from '../engine/types.ts';
import { normalizeEmail } from '../internal/email-address.ts';
import { keys } from '../internal/keys.ts';

/** Options of `createSequencePersonalDataStore`. */
export interface SequencePersonalDataStoreOptions {
  /** The storage the sequence engine keeps its state in (the engine's `storage`). */
  storage: Storage;
  /** The engine's suppression list, when it is not the default one on `storage`. */
  suppression?: SuppressionList;
}

const MAX_ATTEMPTS = 25;

const executionsOf = (tenantId: string, enrollmentId: string): Key =>
  keys.execution(tenantId, enrollmentId, 0).slice(0, -1);

/**
 * The sequence engine's part of data subject requests (core's `PersonalDataStore`), for every
 * tenant of a storage. A person's data is their enrolments (the person as enrolled, template
 * variables, the thread), each enrolment's history and step records (rendered emails and
 * tasks, tracked links), and the time of their last touch; enrolments are found by address and
 * by person id. `forgetPerson` erases all of it; jobs still queued for an erased enrolment do
 * nothing when they run. The address's suppression entry is exported but never erased: it is
 * what keeps an erased person from being emailed again.
 *
 * @example
 * ```ts
 * import { createPrivacyService } from '@salesos/core';
 * import { createSequencePersonalDataStore } from '@salesos/sequences';
 *
 * const privacy = createPrivacyService({
 *   stores: [createSequencePersonalDataStore({ storage })],
 *   suppression: engine.suppression,
 * });
 * await privacy.forgetPerson({ tenantId: 'acme', email: 'ada@example.com' });
 * ```
 */
export function createSequencePersonalDataStore(
  options: SequencePersonalDataStoreOptions,
): PersonalDataStore {
  const storage = options?.storage;
  if (!storage) throw new ConfigError('createSequencePersonalDataStore: "storage" is required');
  const suppression = options.suppression ?? createSuppressionList({ storage });

  const listKeys = async (prefix: Key): Promise<{ key: Key; value: unknown }[]> => {
    const found: { key: Key; value: unknown }[] = [];
    for await (const entry of storage.list({ prefix })) found.push({ key: entry.key, value: entry.value });
    return found;
  };

  const identify = async (tenantId: string, email: string): Promise<string[]> => {
    const indexed = await listKeys(keys.byEmail(tenantId, normalizeEmail(email)));
    return [...new Set(indexed.flatMap(({ value }) => (typeof value === 'string' ? [value] : [])))];
  };

  /** The ids of every enrolment of the address or of one of the person ids. */
  const enrollmentIdsOf = async (subject: PersonalDataSubject): Promise<string[]> => {
    const prefixes = [
      keys.byEmail(subject.tenantId, normalizeEmail(subject.email)),
      ...subject.personIds.map((personId) => keys.byPerson(subject.tenantId, personId)),
    ];
    const ids = new Set<string>();
    for (const prefix of prefixes) {
      for (const { key } of await listKeys(prefix)) ids.add(String(key.at(-1)));
    }
    return [...ids];
  };

  const peopleOf = async (subject: PersonalDataSubject): Promise<PersonalDataSubject> => ({
    ...subject,
    personIds: [...new Set([...subject.personIds, ...(await identify(subject.tenantId, subject.email))])],
  });

  /** Deletes `found` keys in one batch; answers how many there were. */
  const deleteAll = async (found: readonly { key: Key }[]): Promise<number> => {
    if (found.length === 0) return 0;
    const operation = storage.atomic();
    for (const { key } of found) operation.delete(key);
    await operation.commit();
    return found.length;
  };

  /** Erases one enrolment with its history, step records, indexes and enrolment lock. */
  const forgetEnrollment = async (subject: PersonalDataSubject, enrollmentId: string): Promise<number> => {
    const { tenantId } = subject;
    const enrollmentKey = keys.enrollment(tenantId, enrollmentId);
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt += 1) {
      const entry = await storage.get<Enrollment>(enrollmentKey);
      const enrollment = entry.value;
      const doomed: Key[] = [
        ...(await listKeys(keys.history(tenantId, enrollmentId))).map(({ key }) => key),
        ...(await listKeys(executionsOf(tenantId, enrollmentId))).map(({ key }) => key),
        keys.byEmail(tenantId, normalizeEmail(subject.email), enrollmentId),
        ...subject.personIds.map((personId) => keys.byPerson(tenantId, personId, enrollmentId)),
      ];
      if (enrollment) {
        doomed.push(enrollmentKey, keys.byPerson(tenantId, enrollment.personId, enrollmentId));
        if (enrollment.email) doomed.push(keys.byEmail(tenantId, enrollment.email, enrollmentId));
        doomed.push(keys.enrolLock(tenantId, enrollment.sequenceId, enrollment.personId));
      }
      const unique = [...new Map(doomed.map((key) => [JSON.stringify(key), key])).values()];
      const existing = (await storage.getMany(unique)).filter((found) => found.versionstamp !== null);
      const operation = storage.atomic().check(entry);
      for (const key of unique) operation.delete(key);
      if (!(await operation.commit()).ok) continue;
      // A step that was recording its intent as the enrolment went may have written after the
      // listing above (that write does not change the enrolment itself): sweep once more.
      const late = [
        ...(await listKeys(keys.history(tenantId, enrollmentId))),
        ...(await listKeys(executionsOf(tenantId, enrollmentId))),
      ];
      return existing.length + (await deleteAll(late));
    }
    throw new StorageError(
      `Could not erase enrolment ${enrollmentId}: ${MAX_ATTEMPTS} attempts met concurrent writes`,
    );
  };

  return {
    name: 'sequences',

    identify: ({ tenantId, email }) => identify(tenantId, email),

    async exportPerson(input) {
      const subject = await peopleOf(input);
      const { tenantId } = subject;
      const records: PersonalDataRecord[] = [];
      const ids = await enrollmentIdsOf(subject);
      const enrollments = await storage.getMany<Enrollment>(ids.map((id) => keys.enrollment(tenantId, id)));
      for (const [index, entry] of enrollments.entries()) {
        const enrollmentId = ids[index] as string;
        if (entry.value) records.push({ kind: 'enrollment', id: enrollmentId, data: entry.value });
        for (const { key, value } of await listKeys(keys.history(tenantId, enrollmentId))) {
          records.push({ kind: 'transition', id: `${enrollmentId}:${String(key.at(-1))}`, data: value });
        }
        for (const { key, value } of await listKeys(executionsOf(tenantId, enrollmentId))) {
          records.push({ kind: 'step', id: `${enrollmentId}:${String(key.at(-1))}`, data: value });
        }
      }
      const touches = await storage.getMany<number>(
        subject.personIds.map((personId) => keys.touch(tenantId, personId)),
      );
      for (const [index, entry] of touches.entries()) {
        if (entry.value !== null) {
          records.push({ kind: 'last-touch', id: subject.personIds[index] as string, data: entry.value });
        }
      }
      const suppressed = await suppression.get({ tenantId, email: subject.email });
      if (suppressed) records.push({ kind: 'suppression', id: suppressed.email, data: suppressed });
      return records;
    },

    async forgetPerson(input) {
      const subject = await peopleOf(input);
      let erased = 0;
      for (const enrollmentId of await enrollmentIdsOf(subject)) {
        erased += await forgetEnrollment(subject, enrollmentId);
      }
      const touches = subject.personIds.map((personId) => keys.touch(subject.tenantId, personId));
      const present = (await storage.getMany(touches)).filter((entry) => entry.versionstamp !== null);
      erased += await deleteAll(present);
      return { erased };
    },
  };
}
