import { createApolloClient } from '@salesos/apollo';
import { createAttioClient } from '@salesos/attio';
import { createAttioSimulator } from '@salesos/attio/testing';
import { createEventBus, createMemoryQueue, createMemoryStorage, type Storage } from '@salesos/core';
import { createSyncEngine } from '@salesos/crm';
import { describe, expect, it } from 'vitest';
import { SCORING } from '../dependencies.ts';
import { createTenantServices, type TenantServices } from '../tenancy/tenant-services.ts';
import { createServerPersonalDataStore } from './server-personal-data-store.ts';

/** A tenant with a simulated CRM whose people the CRM connector has scanned once. */
async function scannedTenant(storage: Storage): Promise<{
  services: TenantServices;
  recordIds: string[];
  changedIds: () => Promise<string[]>;
}> {
  const simulator = createAttioSimulator({ seed: 1 });
  const client = createAttioClient({
    apiKey: 'simulator',
    baseUrl: simulator.baseUrl,
    fetch: (input, init) => simulator.fetch(new Request(input, init)),
  });
  const services = createTenantServices({
    tenantId: 'acme',
    storage,
    events: createEventBus(),
    scoring: SCORING,
    apollo: createApolloClient({ apiKey: 'unused' }),
    sync: createSyncEngine({ storage, queue: createMemoryQueue() }),
    crm: { client, simulator },
  });
  let checkpoint: string | undefined;
  /**
   * Walks the CRM connector's people to the end (which stores their hashes), from where the
   * last walk ended; answers the ids reported. The first walk is a full one: it lists everyone.
   */
  const changedIds = async (): Promise<string[]> => {
    const ids: string[] = [];
    for await (const batch of services.crm?.connector.entities.person.listChanges({ since: checkpoint }) ??
      []) {
      for (const change of batch.changes) ids.push(change.id);
      checkpoint = batch.checkpoint;
    }
    return ids;
  };
  const recordIds = await changedIds();
  return { services, recordIds, changedIds };
}

describe('createServerPersonalDataStore and the CRM connector’s hashes', () => {
  it('exports and erases the content hash of the person’s CRM record, so the next scan reads it again', async () => {
    const storage = createMemoryStorage();
    const { services, recordIds, changedIds } = await scannedTenant(storage);
    const [ada] = recordIds as [string];
    expect(recordIds.length).toBeGreaterThan(1);
    // Scanned and unchanged, a record is not reported again.
    expect(await changedIds()).toEqual([]);
    const store = createServerPersonalDataStore({
      storage,
      tenant: (id) => (id === 'acme' ? services : undefined),
      inbox: () => undefined,
    });
    // The CRM sync's store links the address to the record id; the server's store gets the id.
    const subject = { tenantId: 'acme', email: 'ada@example.com', personIds: [ada] };

    const exported = await store.exportPerson(subject);
    expect(exported.map(({ kind, id }) => ({ kind, id }))).toEqual([{ kind: 'crm-hash', id: ada }]);
    expect(await store.exportPerson({ ...subject, tenantId: 'globex' })).toEqual([]);

    expect(await store.forgetPerson(subject)).toEqual({ erased: 1 });

    expect(await store.exportPerson(subject)).toEqual([]);
    expect(await store.forgetPerson(subject)).toEqual({ erased: 0 });
    const mentions: unknown[] = [];
    for await (const entry of storage.list({ prefix: [] })) {
      if (JSON.stringify(entry.key).includes(ada)) mentions.push(entry.key);
    }
    expect(mentions).toEqual([]);
    // The record stays in the CRM: the next scan reports it (and only it) as new.
    expect(await changedIds()).toEqual([ada]);
  });
});
