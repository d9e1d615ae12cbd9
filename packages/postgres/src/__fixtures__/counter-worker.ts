// A worker process for the cross-process atomic test: read-check-increment loops on one key of a
// PostgreSQL storage. The workspace packages are loaded from source, as the tests load them.
// Resolves @salesos/* to the packages' source before the dynamic imports below.
import '../../../../tests/support/workspace-hooks.ts';

const { createPostgresStorage } = await import('@salesos/postgres');

/** What the test tells the worker, as JSON in argv[2]. */
interface CounterSettings {
  connectionString: string;
  schema: string;
  key: string[];
  /** Increments this process commits. */
  increments: number;
  /** Concurrent loops inside this process. */
  loops: number;
}

/** Messages the worker sends to the test. */
export type CounterMessage = { type: 'ready' } | { type: 'done'; committed: number; conflicts: number };

const settings = JSON.parse(process.argv[2] ?? '{}') as CounterSettings;
const storage = createPostgresStorage({
  connectionString: settings.connectionString,
  schema: settings.schema,
  maxConnections: settings.loops,
});

let remaining = settings.increments;
let committed = 0;
let conflicts = 0;
const loop = async () => {
  while (remaining > 0) {
    remaining -= 1;
    for (;;) {
      const current = await storage.get<number>(settings.key);
      const result = await storage
        .atomic()
        .check(settings.key, current.versionstamp)
        .set(settings.key, (current.value ?? 0) + 1)
        .commit();
      if (result.ok) break;
      conflicts += 1;
    }
    committed += 1;
  }
};

process.send?.({ type: 'ready' } satisfies CounterMessage);
process.once('message', async () => {
  await Promise.all(Array.from({ length: settings.loops }, loop));
  await storage.close();
  process.send?.({ type: 'done', committed, conflicts } satisfies CounterMessage, () => process.exit(0));
});
