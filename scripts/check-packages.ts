// Runs publint and @arethetypeswrong/cli on every built package; exits non-zero if either complains.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';

const packages = readdirSync('packages').filter((dir) => existsSync(`packages/${dir}/dist`));
let failed = false;
for (const dir of packages) {
  const path = `packages/${dir}`;
  for (const [tool, args] of [
    ['publint', ['--strict', '--pack', 'npm', path]],
    // node16 profile: the packages need Node >= 22, so node10 resolution of subpaths does not apply.
    ['attw', ['--pack', path, '--profile', 'node16', '--format', 'table-flipped']],
  ] as const) {
    try {
      const output = execFileSync(tool, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
      console.log(`${tool} ${dir}: ok${output.includes('Warning') ? `\n${output}` : ''}`);
    } catch (error) {
      failed = true;
      const { stdout, stderr } = error as { stdout?: string; stderr?: string };
      console.error(`${tool} ${dir}: FAILED\n${stdout ?? ''}${stderr ?? ''}`);
    }
  }
}
if (packages.length === 0) {
  console.error('check-packages: no built package found; run the build first.');
  failed = true;
}
process.exitCode = failed ? 1 : 0;
