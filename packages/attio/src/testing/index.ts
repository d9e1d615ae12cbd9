// @salesos/attio/testing: a stateful fake of Attio's REST API for tests and demos.

export {
  type AttioSimulator,
  type AttioSimulatorCall,
  type AttioSimulatorDeliveryOptions,
  type AttioSimulatorEventInput,
  type AttioSimulatorOptions,
  type AttioSimulatorStats,
  type AttioSimulatorWebhooks,
  createAttioSimulator,
} from './attio-simulator.ts';
export type {
  SimulatorActor as AttioSimulatorActor,
  SimulatorEvent as AttioSimulatorEvent,
} from './simulator-store.ts';
export type { AttioSimulatorStore } from './simulator-types.ts';
export { type AttioSimulatedDelivery, signAttioBody } from './simulator-webhooks.ts';
