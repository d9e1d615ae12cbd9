// The testing tools without the conformance kits: what the CommonJS build of
// `@salesos/core/testing` exposes, since vitest (which the kits run on) cannot be required.

export { type FaultOptions, type FaultStats, withFaults } from './fault-injector.ts';
export { type FetchHandler, type ListeningServer, listenFetchHandler } from './fetch-handler.ts';
export { createMockApi, type MockApi, type MockReply, type RecordedCall } from './mock-api.ts';
export { createMswHandlers } from './msw-handlers.ts';
export { createRandom, type Random } from './random.ts';
export { type SeverableStorage, severableStorage } from './severable-storage.ts';
export { spawnWorker, type WorkerProcess } from './spawn-worker.ts';
export { createTestClock, type TestClock } from './test-clock.ts';
