import {
  type Clock,
  createEventBus,
  createMemoryConnector,
  createMemoryQueue,
  createMemoryStorage,
  type EventBus,
  type MemoryConnector,
  type MemoryStorage,
  type Queue,
} from '@salesos/core';
import type { SyncDefinition } from '../definition/sync-definition.ts';
import { createSyncEngine } from '../engine/sync-engine.ts';
import type { SyncEngine, SyncEngineOptions } from '../engine/types.ts';

/** Two memory systems and an engine over them, for tests. */
export interface MemorySync {
  left: MemoryConnector;
  right: MemoryConnector;
  engine: SyncEngine;
  storage: MemoryStorage;
  queue: Queue;
  events: EventBus;
  /** Every event emitted, in order. */
  emitted: { type: string; payload: unknown }[];
}

/** The people definition most tests use: email, names and title, two-way. */
export function peopleDefinition(
  left: MemoryConnector,
  right: MemoryConnector,
  overrides: Partial<SyncDefinition<'person'>> = {},
): SyncDefinition<'person'> {
  return {
    id: 'people',
    tenantId: 'acme',
    left,
    right,
    entity: 'person',
    direction: 'both',
    fieldMap: [
      { left: 'email', right: 'email' },
      { left: 'firstName', right: 'firstName' },
      { left: 'lastName', right: 'lastName' },
      { left: 'title', right: 'title' },
    ],
    conflictPolicy: 'last-write-wins',
    deletePolicy: 'propagate',
    ...overrides,
  };
}

/**
 * Creates two memory connectors (`left`, `right`, on `clock` when given) and an engine with
 * memory storage and queue (on the system clock, with short retry delays).
 */
export function createMemorySync(
  options: { clock?: Clock; pageSize?: number; engine?: Partial<SyncEngineOptions> } = {},
): MemorySync {
  const connectorOptions = {
    ...(options.clock ? { clock: options.clock } : {}),
    pageSize: options.pageSize ?? 4,
  };
  const left = createMemoryConnector({ id: 'left', ...connectorOptions });
  const right = createMemoryConnector({ id: 'right', ...connectorOptions });
  const storage = createMemoryStorage();
  const queue = createMemoryQueue();
  const events = createEventBus();
  const emitted: { type: string; payload: unknown }[] = [];
  events.onAny((type, payload) => emitted.push({ type, payload }));
  const engine = createSyncEngine({
    storage,
    queue,
    events,
    retry: { attempts: 3, delayMs: 1, maxDelayMs: 5 },
    ...options.engine,
  });
  return { left, right, engine, storage, queue, events, emitted };
}

/** Mapped people fields of a system, by lower-case email, for comparisons. */
export function peopleByEmail(connector: MemoryConnector): Map<string, Record<string, unknown>> {
  const people = new Map<string, Record<string, unknown>>();
  for (const person of connector.remote.person.all()) {
    people.set(String(person.email).toLowerCase(), {
      firstName: person.firstName ?? null,
      lastName: person.lastName ?? null,
      title: person.title ?? null,
    });
  }
  return people;
}
