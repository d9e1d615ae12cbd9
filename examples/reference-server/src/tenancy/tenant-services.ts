import type { ApolloClient } from '@salesos/apollo';
import { type AttioClient, type AttioConnector, createAttioConnector } from '@salesos/attio';
import type { createAttioSimulator } from '@salesos/attio/testing';
import {
  createStorageConnector,
  type EventBus,
  type Storage,
  type StorageConnector,
  scopeStorage,
} from '@salesos/core';
import { type SyncEngine, sameFields } from '@salesos/crm';
import { createScorer, type Scorer, type ScoringConfigInput } from '@salesos/scoring';

/** The syncs each tenant with a CRM has between its contact book and the CRM, by their API name. */
export const SYNC_NAMES = ['people', 'deals'] as const;

/** The API name of a sync (`/api/sync/:name`). */
export type SyncName = (typeof SYNC_NAMES)[number];

/** Where a tenant's contact book lives inside the tenant's scope. */
export const BOOK_PREFIX = ['book'] as const;

/** Where a tenant's CRM connector keeps the content hashes of the CRM records it scanned, inside the tenant's scope. */
export const CRM_CONNECTOR_PREFIX = ['attio-connector'] as const;

/** The sync engine's id of a tenant's sync: sync ids are unique per engine, names per tenant. */
export const syncIdOf = (tenantId: string, name: SyncName): string => `${tenantId}/${name}`;

/** A tenant's CRM connection and the syncs defined on it. */
export interface TenantCrm {
  connector: AttioConnector;
  /** The sync engine's id of each of the tenant's syncs. */
  syncIds: Record<SyncName, string>;
  /** The tenant's simulated CRM workspace, when the CRM is simulated. */
  simulator: ReturnType<typeof createAttioSimulator> | undefined;
}

/** What one tenant's requests work with. Nothing here reaches another tenant's data. */
export interface TenantServices {
  tenantId: string;
  /** The tenant's view of the storage (`['tenant', tenantId, …]`). */
  storage: Storage;
  /** The contact book, the system of record the CRM syncs with. */
  book: StorageConnector;
  scorer: Scorer;
  /** Apollo, with credits counted for this tenant. */
  apollo: ApolloClient;
  /** The tenant's CRM, or `null` when none is connected for it. */
  crm: TenantCrm | null;
}

/** Options of `createTenantServices`. */
export interface TenantServicesOptions {
  tenantId: string;
  /** The server's storage (not scoped: each engine scopes its own keys by tenant). */
  storage: Storage;
  events: EventBus;
  scoring: ScoringConfigInput;
  apollo: ApolloClient;
  sync: SyncEngine;
  /** The tenant's CRM client, or `null` for none. */
  crm: { client: AttioClient; simulator?: ReturnType<typeof createAttioSimulator> } | null;
}

/**
 * Builds a tenant's services: its contact book (in the tenant's storage scope), its scorer, and
 * its syncs with its own CRM (defined on the shared sync engine under tenant-qualified ids).
 */
export function createTenantServices(options: TenantServicesOptions): TenantServices {
  const { tenantId, storage, sync } = options;
  const scoped = scopeStorage(storage, tenantId);
  const book = createStorageConnector({ storage: scoped, id: 'book', prefix: [...BOOK_PREFIX] });
  const scorer = createScorer({ config: options.scoring, storage, events: options.events, tenantId });
  let crm: TenantCrm | null = null;
  if (options.crm) {
    const connector = createAttioConnector(options.crm.client, {
      storage,
      prefix: ['tenant', tenantId, ...CRM_CONNECTOR_PREFIX],
    });
    const syncIds = { people: syncIdOf(tenantId, 'people'), deals: syncIdOf(tenantId, 'deals') };
    sync.define({
      id: syncIds.people,
      tenantId,
      left: book,
      right: connector,
      entity: 'person',
      direction: 'both',
      fieldMap: sameFields('email', 'firstName', 'lastName', 'title', 'phone', 'linkedinUrl'),
      conflictPolicy: 'last-write-wins',
      deletePolicy: 'ignore',
    });
    sync.define({
      id: syncIds.deals,
      tenantId,
      left: book,
      right: connector,
      entity: 'deal',
      direction: 'both',
      fieldMap: sameFields('name', 'amount', 'stage'),
      conflictPolicy: 'last-write-wins',
      deletePolicy: 'ignore',
    });
    crm = { connector, syncIds, simulator: options.crm.simulator };
  }
  return { tenantId, storage: scoped, book, scorer, apollo: options.apollo, crm };
}
