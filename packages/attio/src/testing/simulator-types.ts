import type { createSimulatorStore } from './simulator-store.ts';

/** The simulator's whole state and operations (routes use all of it). */
export type InternalStore = ReturnType<typeof createSimulatorStore>;

/**
 * The simulator's state as tests see it: read what the fake workspace holds, seed records,
 * and change data as a user would in Attio's UI (changes raise webhook deliveries).
 */
export type AttioSimulatorStore = Pick<
  InternalStore,
  | 'workspaceId'
  | 'objects'
  | 'object'
  | 'attributes'
  | 'attribute'
  | 'addAttribute'
  | 'updateAttribute'
  | 'seed'
  | 'createRecord'
  | 'updateRecord'
  | 'assertRecord'
  | 'deleteRecord'
  | 'getRecord'
  | 'records'
  | 'countRecords'
  | 'lists'
  | 'list'
  | 'createEntry'
  | 'updateEntry'
  | 'deleteEntry'
  | 'getEntry'
  | 'entries'
  | 'members'
  | 'notes'
  | 'createNote'
  | 'tasks'
  | 'createTask'
  | 'webhooks'
>;
