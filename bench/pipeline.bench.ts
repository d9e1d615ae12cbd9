// Wall time of the end-to-end pipeline (examples/pipeline) on embedded defaults: SQLite in a
// temporary folder, the storage queue, the three vendor simulators on local ports.
import { runPipeline } from '../examples/pipeline/src/run-pipeline.ts';
import type { BenchRow } from './run.ts';

const timed = async (leads: number) => {
  const cpu = process.cpuUsage();
  const started = performance.now();
  const run = await runPipeline({ seed: 1, leads });
  const seconds = (performance.now() - started) / 1000;
  const used = process.cpuUsage(cpu);
  const { summary } = run;
  await run.close();
  return { seconds, cpuSeconds: (used.user + used.system) / 1e6, summary };
};

export async function run(report: (row: BenchRow) => void): Promise<void> {
  // The quick start's main job: the default run must feel instant.
  const quick = await timed(200);
  report({
    name: 'default run (200 leads)',
    value: quick.seconds,
    unit: 's',
    target: '<= 5',
    ok: quick.seconds <= 5,
  });

  const { seconds, cpuSeconds, summary } = await timed(1_000);
  report({
    name: 'wall time per 1 000 leads (1 000 leads)',
    value: seconds,
    unit: 's',
    target: '<= 20',
    ok: seconds <= 20,
  });
  // CPU time says the same without the noise of other work on the machine.
  report({ name: 'CPU time per 1 000 leads (1 000 leads)', value: cpuSeconds, unit: 's' });
  report({
    name: 'emails sent per second (1 000 leads)',
    value: summary.emailsSent / seconds,
    unit: 'emails/s',
  });
  report({
    name: 'records synced per second (1 000 leads)',
    value: (summary.sync.people + summary.sync.deals) / seconds,
    unit: 'records/s',
  });
}
