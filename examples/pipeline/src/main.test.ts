import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { USAGE } from './cli-options.ts';
import { formatSummary, type PipelineSummary } from './summary.ts';

// The command as `pnpm start` runs it (`node src/main.ts` in this package) on the Node.js running
// the tests (24, the root devDependency). The workspace hooks resolve `@salesos/*` to source, as
// vitest does, so no build is needed and the child runs the code under test.
const packageDirectory = fileURLToPath(new URL('..', import.meta.url));
const hooks = new URL('../../../tests/support/workspace-hooks.ts', import.meta.url).href;

interface CommandResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

function pipeline(...args: string[]): Promise<CommandResult> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--disable-warning=ExperimentalWarning', '--import', hooks, 'src/main.ts', ...args],
      { cwd: packageDirectory, timeout: 60_000, maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : null) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

const SEED = '7';
const LEADS = 20;

/** The progress lines of a run: `  0.4 s  stage   message`. */
const progressOf = (stderr: string) =>
  stderr
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const match = /^\s*\d+\.\d s {2}(\w+)\s+(.*)$/.exec(line);
      if (!match) throw new Error(`not a progress line: ${JSON.stringify(line)}`);
      return { stage: match[1] as string, message: match[2] as string };
    });

const numbers = (text: string) => [...text.matchAll(/\d+/g)].map((match) => Number(match[0]));

describe('node src/main.ts', () => {
  let first: CommandResult;
  let second: CommandResult;
  let table: CommandResult;
  let summary: PipelineSummary;

  beforeAll(async () => {
    [first, second, table] = await Promise.all([
      pipeline('--seed', SEED, '--leads', String(LEADS), '--json'),
      pipeline('--seed', SEED, '--leads', String(LEADS), '--json'),
      pipeline('--seed', SEED, '--leads', String(LEADS)),
    ]);
    for (const run of [first, second, table]) expect(run, run.stderr).toMatchObject({ code: 0 });
    summary = JSON.parse(first.stdout) as PipelineSummary;
  }, 90_000);

  it('prints the summary as JSON with every count, and the counts agree with each other', () => {
    expect(Object.keys(summary).sort()).toEqual(
      [
        'seed',
        'requestedLeads',
        'leadsFound',
        'enriched',
        'creditsSpent',
        'tiers',
        'enrolled',
        'emailsSent',
        'opens',
        'clicks',
        'replies',
        'meetings',
        'outOfOffice',
        'bounces',
        'unsubscribes',
        'sync',
        'simulatedDays',
        'wallTimeMs',
      ].sort(),
    );
    expect(Object.keys(summary.tiers)).toEqual(['1', '2', '3', '4']);
    expect(Object.keys(summary.sync).sort()).toEqual(['conflicts', 'deals', 'people', 'writes']);
    const counts = [
      ...Object.entries(summary).filter(([name]) => name !== 'tiers' && name !== 'sync' && name !== 'seed'),
      ...Object.entries(summary.tiers),
      ...Object.entries(summary.sync),
    ];
    for (const [name, value] of counts) {
      expect(Number.isInteger(value) && (value as number) >= 0, `${name}: ${String(value)}`).toBe(true);
    }

    expect(summary.seed).toBe(Number(SEED));
    expect(summary.requestedLeads).toBe(LEADS);
    expect(summary.leadsFound).toBe(LEADS);
    expect(summary.enriched).toBe(summary.leadsFound);
    expect(summary.creditsSpent).toBe(summary.enriched); // one Apollo credit per enriched person
    const { tiers } = summary;
    expect(tiers[1] + tiers[2] + tiers[3] + tiers[4]).toBe(summary.enriched);
    expect(summary.enrolled).toBeGreaterThan(0);
    expect(summary.enrolled).toBeLessThanOrEqual(summary.enriched);
    // Every enrolment sends its first email; the reactions are to emails sent.
    expect(summary.emailsSent).toBeGreaterThanOrEqual(summary.enrolled);
    for (const reaction of ['opens', 'clicks', 'replies', 'outOfOffice', 'bounces'] as const) {
      expect(summary[reaction], reaction).toBeLessThanOrEqual(summary.emailsSent);
    }
    for (const exit of ['meetings', 'unsubscribes', 'bounces'] as const) {
      expect(summary[exit], exit).toBeLessThanOrEqual(summary.enrolled);
    }
    // The CRM holds the book's leads and the people it had already; deals include the meetings'.
    expect(summary.sync.people).toBeGreaterThanOrEqual(summary.enriched);
    expect(summary.sync.deals).toBeGreaterThanOrEqual(summary.meetings);
    expect(summary.simulatedDays).toBeGreaterThan(0);
    expect(summary.wallTimeMs).toBeGreaterThan(0);
  });

  it('reports progress on stderr that matches the summary read back from storage', () => {
    const progress = progressOf(first.stderr);
    const stage = (name: string) =>
      progress.filter((line) => line.stage === name).map((line) => line.message);
    expect(stage('search')).toEqual([`${LEADS} leads found in Apollo`]);
    expect(stage('enrich')).toEqual([
      `${summary.enriched} leads enriched, ${summary.creditsSpent} credits spent`,
    ]);
    // Before any outreach: tiers 1 and 2 are the ones enrolled.
    const [tier1, tier2, tier3, tier4] = numbers(stage('score')[0]?.replace('tiers 1–4:', '') ?? '');
    expect((tier1 ?? 0) + (tier2 ?? 0) + (tier3 ?? 0) + (tier4 ?? 0)).toBe(summary.enriched);
    expect(stage('enrol')).toEqual([
      `${(tier1 ?? 0) + (tier2 ?? 0)} leads enrolled (tier 1 and 2), pushed to SalesLoft`,
    ]);
    expect(summary.enrolled).toBe((tier1 ?? 0) + (tier2 ?? 0));
    // The last simulated day's running counts are the summary's.
    const days = stage('engage');
    expect(days).toHaveLength(summary.simulatedDays);
    expect(days.at(-1)).toBe(
      `day ${String(summary.simulatedDays).padStart(2)}: ${summary.emailsSent} emails sent, ${summary.opens} opens, ${summary.replies} replies, ${summary.meetings} meetings`,
    );
    // Two runs per sync (full, then incremental); their writes and conflicts add up to the totals.
    const syncs = stage('sync');
    expect(syncs.map((line) => line.slice(0, line.indexOf(':')))).toEqual([
      'people (full)',
      'deals (full)',
      'people (incremental)',
      'deals (incremental)',
    ]);
    const [writes, conflicts] = syncs.reduce(
      ([written, conflicted], line) => {
        const [created = 0, updated = 0, found = 0] = numbers(line.slice(line.indexOf(':')));
        return [written + created + updated, conflicted + found];
      },
      [0, 0],
    );
    expect(writes).toBe(summary.sync.writes);
    expect(conflicts).toBe(summary.sync.conflicts);
  });

  it('prints the same JSON for the same seed, but for the wall time', () => {
    const again = JSON.parse(second.stdout) as PipelineSummary;
    expect({ ...again, wallTimeMs: 0 }).toEqual({ ...summary, wallTimeMs: 0 });
    // Key for key, in the same order: the text differs only in the wall time.
    const withoutTime = (text: string) => text.replace(/"wallTimeMs": \d+/, '"wallTimeMs": 0');
    expect(withoutTime(second.stdout)).toBe(withoutTime(first.stdout));
  });

  it('without --json prints the summary table on stdout and the progress on stderr', () => {
    const lines = table.stdout.split('\n');
    expect(lines[0]).toBe('');
    expect(lines[1]).toMatch(
      new RegExp(
        `^Pipeline summary: seed ${SEED}, ${LEADS} leads asked, ${summary.simulatedDays} simulated days in \\d+\\.\\d s$`,
      ),
    );
    // The same run as the JSON one, drawn by formatSummary (only the header's wall time differs).
    const expected = formatSummary(summary).split('\n');
    expect(lines.slice(2, -1)).toEqual(expected.slice(1));
    expect(lines.at(-1)).toBe('');
    expect(table.stdout).toMatch(new RegExp(`\\n│ Leads found +│ +${LEADS} │\\n`));
    expect(table.stdout).toMatch(new RegExp(`\\n│ Conflicts +│ +${summary.sync.conflicts} │\\n`));
    // Progress only on stderr, the summary only on stdout.
    expect(progressOf(table.stderr).map((line) => line.stage)).toEqual(
      progressOf(first.stderr).map((line) => line.stage),
    );
    expect(table.stderr).not.toContain('Pipeline summary');
    expect(table.stdout).not.toMatch(/\d s {2}(setup|search|enrich|score|enrol|engage|sync) /);
  });

  it.each([
    [['--leads', '0'], '--leads must be from 1 to 100000, got 0.'],
    [['--leads', 'abc'], '--leads must be an integer, got "abc".'],
    [['--leads', '200000'], '--leads must be from 1 to 100000, got 200000.'],
    [['--seed', '1.5'], '--seed must be an integer, got "1.5".'],
    [['--leeds', '20'], "Unknown option '--leeds'"],
  ])('exits with code 2 and a clear message for %j', async (args, message) => {
    const result = await pipeline(...args);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain(message);
    expect(result.stderr).toContain(USAGE);
    // Refused before any work: no progress line.
    expect(result.stderr).not.toContain('setup');
  });

  it('prints the usage line on --help and exits 0', async () => {
    const result = await pipeline('--help');
    expect(result).toEqual({ code: 0, stdout: `${USAGE}\n`, stderr: '' });
  });
});
