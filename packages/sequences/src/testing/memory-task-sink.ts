import type { Clock } from '@salesos/core';
import { systemClock } from '@salesos/core';
import type { ChannelContext, SequenceTask, TaskSink } from '../engine/types.ts';

/** A task the memory sink received. */
export interface ReceivedTask {
  task: SequenceTask;
  taskId: string;
  /** Epoch milliseconds it was created. */
  at: number;
}

/** A `TaskSink` that keeps tasks in memory and honours idempotency keys. */
export interface MemoryTaskSink extends TaskSink {
  /** Every task created, one per idempotency key, in order. */
  readonly tasks: readonly ReceivedTask[];
}

/**
 * An in-memory `TaskSink` for tests and demos.
 *
 * @example
 * ```ts
 * const taskSink = createMemoryTaskSink({ clock });
 * // … run the sequence …
 * expect(taskSink.tasks.map(({ task }) => task.type)).toEqual(['call']);
 * ```
 */
export function createMemoryTaskSink(options: { clock?: Clock } = {}): MemoryTaskSink {
  const clock = options.clock ?? systemClock;
  const tasks: ReceivedTask[] = [];
  const byKey = new Map<string, string>();
  return {
    tasks,
    async create(task: SequenceTask, _context: ChannelContext) {
      const known = byKey.get(task.idempotencyKey);
      if (known) return { taskId: known };
      const taskId = `task-${tasks.length + 1}`;
      byKey.set(task.idempotencyKey, taskId);
      tasks.push({ task, taskId, at: clock.now() });
      return { taskId };
    },
  };
}
