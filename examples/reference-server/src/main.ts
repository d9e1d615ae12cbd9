// The SalesOS reference server. From the repository root: pnpm build, then
// node examples/reference-server/src/main.ts (or pnpm --filter @salesos/example-reference-server start).
// With no configuration it runs embedded: SQLite in ./data, the storage queue, vendor simulators.
import { ConfigError } from '@salesos/core';
import { loadConfig } from './config.ts';
import { startServer } from './server.ts';

let config: ReturnType<typeof loadConfig>;
try {
  config = loadConfig(process.env);
} catch (error) {
  if (!ConfigError.isInstance(error)) throw error;
  console.error(error.message);
  process.exit(78); // EX_CONFIG
}

const server = await startServer(config);
if (server.deps.generatedApiKey) {
  // Printed once for the developer, outside the JSON logs; set API_KEYS or API_KEY_HASHES to choose keys.
  process.stdout.write(`\nAPI key for this run (no API_KEYS set): ${server.deps.generatedApiKey}\n`);
  process.stdout.write(
    `Try: curl -s -X POST ${server.url}/api/leads/search -H 'x-api-key: ${server.deps.generatedApiKey}' -H 'content-type: application/json' -d '{"limit":3}'\n\n`,
  );
}

let signals = 0;
const shutdown = (signal: string) => {
  signals += 1;
  if (signals > 1) process.exit(130); // a second Ctrl-C does not wait
  server.deps.logger.info({ signal }, 'signal received');
  server.close().then(
    () => process.exit(0),
    (error: unknown) => {
      server.deps.logger.error({ err: error }, 'shutdown failed');
      process.exit(1);
    },
  );
};
process.on('SIGINT', () => shutdown('SIGINT'));
process.on('SIGTERM', () => shutdown('SIGTERM'));
