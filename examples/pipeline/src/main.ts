// The whole SalesOS job in one command: pnpm start (from the repository root), or
// node src/main.ts [--seed N] [--leads N] [--json] from this folder.
import { parseArgs } from 'node:util';
import { runPipeline } from './run-pipeline.ts';
import { formatSummary } from './summary.ts';

const usage = 'Usage: node src/main.ts [--seed <integer>] [--leads <1-100000>] [--json]';

const integer = (name: string, text: string | undefined, fallback: number): number => {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!Number.isInteger(value)) {
    console.error(`--${name} must be an integer, got "${text}".\n${usage}`);
    process.exit(2);
  }
  return value;
};

let parsed: ReturnType<typeof parseOptions>;
function parseOptions() {
  return parseArgs({
    // `pnpm start -- --leads 10` passes the `--` through: it is not an argument of ours.
    args: process.argv.slice(2).filter((argument) => argument !== '--'),
    options: {
      seed: { type: 'string' },
      leads: { type: 'string' },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
  });
}
try {
  parsed = parseOptions();
} catch (error) {
  console.error(`${(error as Error).message}\n${usage}`);
  process.exit(2);
}
if (parsed.values.help) {
  console.log(usage);
  process.exit(0);
}
const seed = integer('seed', parsed.values.seed, 1);
const leads = integer('leads', parsed.values.leads, 200);
if (leads < 1 || leads > 100_000) {
  console.error(`--leads must be from 1 to 100000, got ${leads}.\n${usage}`);
  process.exit(2);
}
const json = parsed.values.json === true;

// Progress goes to stderr, so `--json` leaves stdout to the summary alone.
const started = performance.now();
const elapsed = () => `${((performance.now() - started) / 1000).toFixed(1).padStart(5)} s`;
const run = await runPipeline({
  seed,
  leads,
  onProgress: ({ stage, message }) => process.stderr.write(`${elapsed()}  ${stage.padEnd(6)}  ${message}\n`),
});
try {
  if (json) process.stdout.write(`${JSON.stringify(run.summary, null, 2)}\n`);
  else process.stdout.write(`\n${formatSummary(run.summary)}\n`);
} finally {
  await run.close();
}
