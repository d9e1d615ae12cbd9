// @salesos/salesloft/testing: a stateful SalesLoft simulator for tests, demos and benchmarks.

export {
  createSalesloftSimulator,
  type SalesloftSimulator,
  type SalesloftSimulatorOptions,
  type SalesloftSimulatorServer,
  type SimulatorRequestRecord,
} from './salesloft-simulator.ts';
export type {
  SimulatorRateLimitStats,
  SimulatorWindowUsage,
} from './simulator-budget.ts';
export type { SimulatorSettings } from './simulator-routes.ts';
export type {
  SalesloftSimulatorStore,
  SeedFields,
  SimulatorChange,
  SimulatorCollection,
  SimulatorCollectionName,
  SimulatorFields,
  SimulatorRecord,
} from './simulator-store.ts';
export {
  type DeliveryResult,
  type SimulatedDelivery,
  type SimulatorWebhooks,
  signSalesloftPayload,
} from './simulator-webhooks.ts';
