import { parseArgs } from 'node:util';

/** The usage line printed with `--help` and after every bad option. */
export const USAGE = 'Usage: node src/main.ts [--seed <integer>] [--leads <1-100000>] [--json]';

/** The most leads one run may ask for. */
export const MAX_LEADS = 100_000;

/** What the command line asks for. */
export interface CliOptions {
  seed: number;
  leads: number;
  json: boolean;
}

/** The outcome of reading the command line: options to run with, or what to print and exit with. */
export type CliParse =
  | { kind: 'run'; options: CliOptions }
  | { kind: 'help'; message: string }
  | { kind: 'error'; message: string; exitCode: 2 };

const failure = (message: string): CliParse => ({
  kind: 'error',
  message: `${message}\n${USAGE}`,
  exitCode: 2,
});

// Decimal digits only: `Number()` would take "", " ", "0x10" and "1e3" for numbers.
const INTEGER = /^[+-]?\d+$/;

/**
 * Reads the pipeline's command line (`process.argv.slice(2)`): `--seed N` (default 1), `--leads N`
 * (default 200, 1 to 100 000), `--json`, `--help`. Never exits the process: `main.ts` does, with
 * the answer's message and exit code (2 for a bad option, as most command-line tools do).
 */
export function parseCliOptions(argv: readonly string[]): CliParse {
  let values: { seed?: string; leads?: string; json?: boolean; help?: boolean };
  try {
    ({ values } = parseArgs({
      // `pnpm start -- --leads 10` passes the `--` through: it is not an argument of ours.
      args: argv.filter((argument) => argument !== '--'),
      options: {
        seed: { type: 'string' },
        leads: { type: 'string' },
        json: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    return failure((error as Error).message);
  }
  if (values.help) return { kind: 'help', message: USAGE };

  const integer = (name: string, text: string | undefined, fallback: number): number | string => {
    if (text === undefined) return fallback;
    const value = Number(text);
    if (!INTEGER.test(text) || !Number.isSafeInteger(value)) {
      return `--${name} must be an integer, got ${JSON.stringify(text)}.`;
    }
    return value;
  };
  const seed = integer('seed', values.seed, 1);
  if (typeof seed === 'string') return failure(seed);
  const leads = integer('leads', values.leads, 200);
  if (typeof leads === 'string') return failure(leads);
  if (leads < 1 || leads > MAX_LEADS) {
    return failure(`--leads must be from 1 to ${MAX_LEADS}, got ${leads}.`);
  }
  return { kind: 'run', options: { seed, leads, json: values.json === true } };
}
