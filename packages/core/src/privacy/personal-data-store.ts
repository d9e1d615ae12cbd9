/** Whose personal data an export or an erasure is about, as every store receives it. */
export interface PersonalDataSubject {
  /** The tenant the data belongs to. A store never reads or erases data of another tenant. */
  readonly tenantId: string;
  /** The person's email address, trimmed and lower-cased. */
  readonly email: string;
  /**
   * The ids the person is known by (canonical person ids): those the caller gave, and those
   * any store's `identify` linked to the address.
   */
  readonly personIds: readonly string[];
}

/** One piece of personal data a store holds about a person. */
export interface PersonalDataRecord {
  /** What it is, in the store's words: `contact`, `enrollment`, `execution`, `sync-map`… */
  readonly kind: string;
  /** Its id within the store and kind (a person id, an enrolment id…). */
  readonly id: string;
  /** The data as stored, JSON-compatible. */
  readonly data: unknown;
}

/** What `PersonalDataStore.forgetPerson` did. */
export interface ForgetResult {
  /** How many records were erased (0 when nothing was held, or it was erased before). */
  readonly erased: number;
}

/**
 * The part of an engine that can export and erase what it holds about a person, for data
 * subject requests (access and erasure). Every engine that keeps personal data implements it;
 * `createPrivacyService` runs a request across all of them.
 *
 * Contract:
 * - Only data of `subject.tenantId` is read or erased.
 * - `exportPerson` answers every record held about the address or any of `subject.personIds`.
 * - After `forgetPerson`, `exportPerson` of the same subject answers `[]`. Erasing again
 *   erases nothing and does not fail.
 *
 * @example
 * ```ts
 * const store: PersonalDataStore = {
 *   name: 'notes',
 *   async exportPerson({ tenantId, personIds }) {
 *     return (await notes.byPeople(tenantId, personIds)).map((note) => ({ kind: 'note', id: note.id, data: note }));
 *   },
 *   async forgetPerson({ tenantId, personIds }) {
 *     return { erased: await notes.deleteByPeople(tenantId, personIds) };
 *   },
 * };
 * ```
 */
export interface PersonalDataStore {
  /** The store's name in exports and reports (`scoring`, `sequences`, `crm`). Unique per service. */
  readonly name: string;
  /**
   * Person ids this store links to an address (optional). The service asks every store
   * before exporting or erasing, so a store that only knows people by id still finds them.
   */
  identify?(subject: { tenantId: string; email: string }): Promise<readonly string[]>;
  /** Every record held about the subject. */
  exportPerson(subject: PersonalDataSubject): Promise<PersonalDataRecord[]>;
  /** Erases every record held about the subject. */
  forgetPerson(subject: PersonalDataSubject): Promise<ForgetResult>;
}

/**
 * Where an erased address goes so that it is never contacted again: a suppression list,
 * such as the one of `@salesos/sequences`.
 */
export interface PersonalDataSuppression {
  /** Adds the address; adding one already there keeps it. */
  add(input: { tenantId: string; email: string; reason: 'erased' }): Promise<unknown>;
}
