// @salesos/core/testing: tools for testing code built on SalesOS, and the conformance kits.

export {
  type CacheConformanceOptions,
  type CacheFactory,
  type CacheUnderTest,
  describeCacheConformance,
} from './cache-conformance.ts';
export {
  type ConnectorConformanceContext,
  type ConnectorFactory,
  type ConnectorUnderTest,
  describeConnectorConformance,
} from './connector-conformance.ts';
export { type FaultOptions, type FaultStats, withFaults } from './fault-injector.ts';
export { type FetchHandler, type ListeningServer, listenFetchHandler } from './fetch-handler.ts';
export { createMockApi, type MockApi, type MockReply, type RecordedCall } from './mock-api.ts';
export { createMswHandlers } from './msw-handlers.ts';
export {
  describeQueueConformance,
  type QueueConformanceOptions,
  type QueueFactory,
  type QueueHandle,
  type QueueUnderTest,
} from './queue-conformance.ts';
export { createRandom, type Random } from './random.ts';
export { type SeverableStorage, severableStorage } from './severable-storage.ts';
export { spawnWorker, type WorkerProcess } from './spawn-worker.ts';
export {
  describeStorageConformance,
  type StorageConformanceOptions,
  type StorageFactory,
  type StorageUnderTest,
} from './storage-conformance.ts';
export { createTestClock, type TestClock } from './test-clock.ts';
