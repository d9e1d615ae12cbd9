// @salesos/sequences/testing: in-memory channels for testing code built on the sequence engine.

export {
  createMemorySender,
  type DeliveredEmail,
  type MemorySender,
  type MemorySenderOptions,
} from './memory-sender.ts';
export { createMemoryTaskSink, type MemoryTaskSink, type ReceivedTask } from './memory-task-sink.ts';
export { createSequenceTestClock, type SequenceTestClock } from './sequence-test-clock.ts';
