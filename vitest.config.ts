import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const root = fileURLToPath(new URL('.', import.meta.url));

// Tests import the workspace packages by name; resolve them to source so no build is needed.
const alias: { find: string; replacement: string }[] = [];
for (const dir of readdirSync(`${root}packages`)) {
  const manifest = JSON.parse(readFileSync(`${root}packages/${dir}/package.json`, 'utf8')) as {
    name: string;
    exports: Record<string, unknown>;
  };
  for (const subpath of Object.keys(manifest.exports)) {
    if (subpath === './package.json') continue;
    const name = subpath === '.' ? manifest.name : `${manifest.name}/${subpath.slice(2)}`;
    const file = subpath === '.' ? 'src/index.ts' : `src/${subpath.slice(2)}/index.ts`;
    alias.push({ find: name, replacement: `${root}packages/${dir}/${file}` });
  }
}
// Longest names first so '@salesos/core/testing' is not taken for '@salesos/core'.
alias.sort((left, right) => right.find.length - left.find.length);

export default defineConfig({
  resolve: {
    alias: alias.map(({ find, replacement }) => ({
      find: new RegExp(`^${find.replace(/[/]/g, '\\/')}$`),
      replacement,
    })),
  },
  define: { __SALESOS_VERSION__: JSON.stringify('0.0.0-test') },
  test: {
    include: ['packages/*/src/**/*.test.ts', 'examples/*/src/**/*.test.ts', 'tests/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
    // Property tests: random seeds locally, one fixed seed in CI (see the file).
    setupFiles: ['tests/support/fast-check-seed.ts'],
    // The JSON report lets .ci/run print one plain closing line with the counts.
    reporters: ['default', ['json', { outputFile: '.tmp/vitest-results.json' }]],
  },
});
