import { type Clock, systemClock } from '../clock/clock.ts';
import { ConfigError } from '../errors/client-errors.ts';
import { SalesOSError } from '../errors/salesos-error.ts';
import { errorMessage } from '../internal/error-message.ts';
import { type Logger, noopLogger } from '../logger/logger.ts';
import type {
  ForgetResult,
  PersonalDataRecord,
  PersonalDataStore,
  PersonalDataSubject,
  PersonalDataSuppression,
} from './personal-data-store.ts';

/** Options of `createPrivacyService`. */
export interface PrivacyServiceOptions {
  /** Every store that holds personal data (scoring, sequences, crm…). Names must be unique. */
  stores: readonly PersonalDataStore[];
  /** Where erased addresses are added before anything is erased, so outreach stops first. Required. */
  suppression: PersonalDataSuppression;
  /** Where requests are logged, by tenant and store counts only (never the address). Default: no logging. */
  logger?: Logger;
  /** Time source of `exportedAt` and `erasedAt`. Default `systemClock`. */
  clock?: Clock;
}

/** A data subject request: the tenant and the address, plus person ids the caller already knows. */
export interface PersonalDataRequest {
  tenantId: string;
  email: string;
  /** Canonical person ids of this person that the caller knows (a CRM id, a contact-book id). */
  personIds?: readonly string[];
}

/** What `exportPerson` answers. */
export interface PersonalDataExport {
  tenantId: string;
  /** The address, trimmed and lower-cased. */
  email: string;
  /** Every person id found for the address. */
  personIds: string[];
  /** ISO time of the export. */
  exportedAt: string;
  /** Records by store name; a store holding nothing answers `[]`. */
  stores: Record<string, PersonalDataRecord[]>;
}

/** What `forgetPerson` answers. It never contains the address. */
export interface PersonalDataErasure {
  tenantId: string;
  /** Every person id found for the address and erased. */
  personIds: string[];
  /** ISO time the erasure finished. */
  erasedAt: string;
  /** What each store erased, by store name. */
  stores: Record<string, ForgetResult>;
}

/** Runs data subject requests across every engine. */
export interface PrivacyService {
  /** Everything every store holds about the person. */
  exportPerson(request: PersonalDataRequest): Promise<PersonalDataExport>;
  /**
   * Adds the address to the suppression list, then erases the person from every store. Safe to
   * repeat. When a store fails the others still run, and the call rejects with a
   * `SalesOSError` naming the stores that failed: run it again.
   */
  forgetPerson(request: PersonalDataRequest): Promise<PersonalDataErasure>;
}

const MAX_EMAIL_LENGTH = 320;
// Person ids learnt while erasing (a write racing the erasure) send the erasure round again, this often at most.
const MAX_ROUNDS = 3;

function validate(method: string, request: PersonalDataRequest): PersonalDataSubject {
  if (typeof request !== 'object' || request === null) {
    throw new ConfigError(`${method}: expected { tenantId, email }.`);
  }
  const { tenantId, email, personIds = [] } = request;
  if (typeof tenantId !== 'string' || tenantId.length === 0) {
    throw new ConfigError(`${method}: "tenantId" must be a non-empty string.`);
  }
  const address = typeof email === 'string' ? email.trim().toLowerCase() : '';
  // The address itself is never put in a message: it is the personal data being protected.
  if (address.length < 3 || address.length > MAX_EMAIL_LENGTH || !/^[^\s@]+@[^\s@]+$/.test(address)) {
    throw new ConfigError(`${method}: "email" must be an email address.`);
  }
  if (!Array.isArray(personIds) || personIds.some((id) => typeof id !== 'string' || id.length === 0)) {
    throw new ConfigError(`${method}: "personIds" must be an array of non-empty strings.`);
  }
  return { tenantId, email: address, personIds: [...new Set<string>(personIds)] };
}

/**
 * Creates the service that answers data subject requests across engines: `exportPerson`
 * gathers what every `PersonalDataStore` holds about an address, `forgetPerson` suppresses the
 * address and erases it everywhere. Person ids are gathered from the request and from every
 * store's `identify`, so a store that knows people only by id (scores) is reached through one
 * that knows their address (enrolments, CRM id maps).
 *
 * @example
 * ```ts
 * import { createPrivacyService } from '@salesos/core';
 * import { createScoringPersonalDataStore } from '@salesos/scoring';
 * import { createSequencePersonalDataStore } from '@salesos/sequences';
 *
 * const privacy = createPrivacyService({
 *   stores: [createScoringPersonalDataStore({ storage }), createSequencePersonalDataStore({ storage })],
 *   suppression: engine.suppression,
 * });
 * const held = await privacy.exportPerson({ tenantId: 'acme', email: 'ada@example.com' });
 * await privacy.forgetPerson({ tenantId: 'acme', email: 'ada@example.com' });
 * ```
 */
export function createPrivacyService(options: PrivacyServiceOptions): PrivacyService {
  if (!Array.isArray(options?.stores))
    throw new ConfigError('createPrivacyService: "stores" must be an array.');
  if (typeof options.suppression?.add !== 'function') {
    throw new ConfigError(
      'createPrivacyService: "suppression" is required, so that an erased address is never contacted again.',
    );
  }
  const names = new Set<string>();
  for (const store of options.stores) {
    if (typeof store?.name !== 'string' || store.name.length === 0) {
      throw new ConfigError('createPrivacyService: every store needs a non-empty "name".');
    }
    if (names.has(store.name))
      throw new ConfigError(`createPrivacyService: two stores are named "${store.name}".`);
    if (typeof store.exportPerson !== 'function' || typeof store.forgetPerson !== 'function') {
      throw new ConfigError(
        `createPrivacyService: store "${store.name}" lacks exportPerson or forgetPerson.`,
      );
    }
    names.add(store.name);
  }
  const stores = [...options.stores];
  const suppression = options.suppression;
  const logger = options.logger ?? noopLogger;
  const clock = options.clock ?? systemClock;

  const identify = async (subject: PersonalDataSubject): Promise<PersonalDataSubject> => {
    const ids = new Set(subject.personIds);
    for (const store of stores) {
      if (!store.identify) continue;
      for (const id of await store.identify({ tenantId: subject.tenantId, email: subject.email })) {
        if (typeof id === 'string' && id.length > 0) ids.add(id);
      }
    }
    return { ...subject, personIds: [...ids] };
  };

  const failure = (method: string, tenantId: string, failed: { store: string; error: unknown }[]) =>
    new SalesOSError(
      `${method}: ${failed.length} of ${stores.length} stores failed for tenant "${tenantId}" (${failed
        .map(({ store, error }) => `${store}: ${errorMessage(error)}`)
        .join('; ')}); run the request again.`,
      { cause: new AggregateError(failed.map(({ error }) => error)) },
    );

  return {
    async exportPerson(request) {
      const subject = await identify(validate('exportPerson', request));
      const result: PersonalDataExport = {
        tenantId: subject.tenantId,
        email: subject.email,
        personIds: [...subject.personIds],
        exportedAt: new Date(clock.now()).toISOString(),
        stores: {},
      };
      const failed: { store: string; error: unknown }[] = [];
      for (const store of stores) {
        try {
          result.stores[store.name] = await store.exportPerson(subject);
        } catch (error) {
          failed.push({ store: store.name, error });
        }
      }
      if (failed.length > 0) throw failure('exportPerson', subject.tenantId, failed);
      logger.info(
        {
          privacy: 'export',
          tenantId: subject.tenantId,
          records: Object.fromEntries(
            Object.entries(result.stores).map(([name, records]) => [name, records.length]),
          ),
        },
        'Exported personal data.',
      );
      return result;
    },

    async forgetPerson(request) {
      const validated = validate('forgetPerson', request);
      await suppression.add({ tenantId: validated.tenantId, email: validated.email, reason: 'erased' });
      const erased: Record<string, ForgetResult> = Object.fromEntries(
        stores.map((store) => [store.name, { erased: 0 }]),
      );
      let subject = await identify(validated);
      const done = new Set<string>();
      for (let round = 0; round < MAX_ROUNDS; round += 1) {
        const failed: { store: string; error: unknown }[] = [];
        for (const store of stores) {
          try {
            const result = await store.forgetPerson(subject);
            erased[store.name] = { erased: (erased[store.name]?.erased ?? 0) + result.erased };
          } catch (error) {
            failed.push({ store: store.name, error });
          }
        }
        if (failed.length > 0) throw failure('forgetPerson', subject.tenantId, failed);
        for (const id of subject.personIds) done.add(id);
        // A store may have linked the address to a new id while erasing (a write in flight): go again.
        const again = await identify(validated);
        if (again.personIds.every((id) => done.has(id))) break;
        subject = { ...again, personIds: [...new Set([...done, ...again.personIds])] };
      }
      logger.info({ privacy: 'forget', tenantId: subject.tenantId, erased }, 'Erased personal data.');
      return {
        tenantId: subject.tenantId,
        personIds: [...new Set([...done, ...subject.personIds])],
        erasedAt: new Date(clock.now()).toISOString(),
        stores: erased,
      };
    },
  };
}
