import { describe, expect, it } from 'vitest';
import { MAX_LEADS, parseCliOptions, USAGE } from './cli-options.ts';

const errorOf = (argv: string[]): string => {
  const parsed = parseCliOptions(argv);
  if (parsed.kind !== 'error') throw new Error(`expected an error for ${JSON.stringify(argv)}`);
  expect(parsed.exitCode).toBe(2);
  expect(parsed.message.endsWith(USAGE)).toBe(true);
  return parsed.message;
};

describe('parseCliOptions', () => {
  it('runs 200 leads with seed 1 and the table when nothing is given', () => {
    expect(parseCliOptions([])).toEqual({ kind: 'run', options: { seed: 1, leads: 200, json: false } });
  });

  it('reads --seed, --leads and --json, also after the "--" pnpm passes through', () => {
    expect(parseCliOptions(['--', '--seed', '7', '--leads=20', '--json'])).toEqual({
      kind: 'run',
      options: { seed: 7, leads: 20, json: true },
    });
    expect(parseCliOptions(['--seed=-3', '--leads', String(MAX_LEADS)])).toEqual({
      kind: 'run',
      options: { seed: -3, leads: MAX_LEADS, json: false },
    });
  });

  it('answers the usage line to --help and -h', () => {
    expect(parseCliOptions(['--help'])).toEqual({ kind: 'help', message: USAGE });
    expect(parseCliOptions(['-h', '--leads', '0'])).toEqual({ kind: 'help', message: USAGE });
  });

  it('refuses a number of leads out of range, naming the range', () => {
    expect(errorOf(['--leads', '0'])).toContain('--leads must be from 1 to 100000, got 0.');
    expect(errorOf(['--leads', '200000'])).toContain('--leads must be from 1 to 100000, got 200000.');
    expect(errorOf(['--leads=-5'])).toContain('--leads must be from 1 to 100000, got -5.');
  });

  it('refuses anything but a decimal integer, quoting what was given', () => {
    expect(errorOf(['--leads', 'abc'])).toContain('--leads must be an integer, got "abc".');
    for (const text of ['', ' ', '1.5', '0x10', '1e3', '12abc', '99999999999999999999']) {
      expect(errorOf([`--leads=${text}`])).toContain(
        `--leads must be an integer, got ${JSON.stringify(text)}.`,
      );
      expect(errorOf([`--seed=${text}`])).toContain(
        `--seed must be an integer, got ${JSON.stringify(text)}.`,
      );
    }
  });

  it('refuses unknown flags, missing values and stray arguments', () => {
    expect(errorOf(['--lead', '20'])).toMatch(/Unknown option '--lead'/);
    expect(errorOf(['--leads'])).toMatch(/--leads <value>' argument missing/);
    expect(errorOf(['--json=yes'])).toMatch(/--json' does not take an argument/);
    expect(errorOf(['20'])).toMatch(/Unexpected argument '20'/);
  });
});
