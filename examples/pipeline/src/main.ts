// The whole SalesOS job in one command: pnpm start (from the repository root), or
// node src/main.ts [--seed N] [--leads N] [--json] from this folder.
import { parseCliOptions } from './cli-options.ts';

const parsed = parseCliOptions(process.argv.slice(2));
if (parsed.kind === 'help') {
  console.log(parsed.message);
  process.exit(0);
}
if (parsed.kind === 'error') {
  console.error(parsed.message);
  process.exit(parsed.exitCode);
}
const { seed, leads, json } = parsed.options;
// Loaded once the options are known good, so a bad option is answered at once.
const { runPipeline } = await import('./run-pipeline.ts');
const { formatSummary } = await import('./summary.ts');

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
