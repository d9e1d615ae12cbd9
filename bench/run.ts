// Runs every bench/*.bench.ts against the built packages, prints one table and writes bench/results.json.
// Usage: pnpm bench [name-filter]
import { readdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';

export interface BenchRow {
  name: string;
  value: number;
  unit: string;
  /** Human-readable target, such as '<= 1.3' or '>= 20000'. */
  target?: string;
  /** Whether the target was met. */
  ok?: boolean;
}

const directory = fileURLToPath(new URL('.', import.meta.url));
const filter = process.argv[2];
const files = readdirSync(directory)
  .filter((file) => file.endsWith('.bench.ts'))
  .filter((file) => !filter || file.includes(filter))
  .sort();

const rows: (BenchRow & { suite: string })[] = [];
let failed = false;
for (const file of files) {
  const suite = file.replace('.bench.ts', '');
  const module = (await import(pathToFileURL(`${directory}${file}`).href)) as {
    run: (report: (row: BenchRow) => void) => Promise<void>;
  };
  process.stdout.write(`running ${suite}…\n`);
  try {
    await module.run((row) => {
      rows.push({ suite, ...row });
      process.stdout.write(
        `  ${row.name}: ${formatValue(row.value)} ${row.unit}${row.target ? ` (target ${row.target})` : ''}\n`,
      );
    });
  } catch (error) {
    failed = true;
    process.stdout.write(`  ${suite} failed: ${error instanceof Error ? error.stack : String(error)}\n`);
  }
}

function formatValue(value: number): string {
  if (Number.isInteger(value)) return value.toLocaleString('en-US');
  return value.toLocaleString('en-US', { maximumFractionDigits: value < 10 ? 3 : 1 });
}

console.log();
console.table(
  rows.map((row) => ({
    suite: row.suite,
    benchmark: row.name,
    value: formatValue(row.value),
    unit: row.unit,
    target: row.target ?? '',
    met: row.ok === undefined ? '' : row.ok ? 'yes' : 'NO',
  })),
);
writeFileSync(
  `${directory}results.json`,
  `${JSON.stringify({ ranAt: new Date().toISOString(), node: process.version, rows }, null, 2)}\n`,
);
console.log(`wrote bench/results.json (${rows.length} rows)`);
if (failed) process.exitCode = 1;
