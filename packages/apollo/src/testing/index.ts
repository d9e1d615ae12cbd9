// @salesos/apollo/testing: a stateful simulator of Apollo's REST API for tests and demos.

export {
  type ApolloSimulator,
  type ApolloSimulatorOptions,
  type ApolloSimulatorRequest,
  type ApolloSimulatorWindowLimits,
  createApolloSimulator,
} from './apollo-simulator.ts';
export type {
  ApolloSimulatorStore,
  SimulatedCredits,
  SimulatedOrganization,
  SimulatedPerson,
  SimulatedRecord,
  SimulatedSequence,
} from './simulator-store.ts';
