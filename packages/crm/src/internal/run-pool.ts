/**
 * Runs `tasks` with at most `concurrency` in flight. The first task that throws stops new
 * tasks from starting; the ones in flight finish, then the error is thrown.
 */
export async function runPool(tasks: readonly (() => Promise<void>)[], concurrency: number): Promise<void> {
  if (tasks.length === 0) return;
  let next = 0;
  let failure: { error: unknown } | undefined;
  const worker = async () => {
    while (failure === undefined && next < tasks.length) {
      const task = tasks[next] as () => Promise<void>;
      next += 1;
      try {
        await task();
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  const workers: Promise<void>[] = [];
  for (let index = 0; index < Math.min(concurrency, tasks.length); index += 1) workers.push(worker());
  await Promise.all(workers);
  if (failure !== undefined) throw failure.error;
}
