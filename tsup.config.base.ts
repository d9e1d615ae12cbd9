import { readFileSync } from 'node:fs';
import { defineConfig, type Options } from 'tsup';

/**
 * The one build every package shares: ESM (`.mjs` + `.d.mts`) and CJS (`.cjs` + `.d.cts`),
 * with the package version injected as `__SALESOS_VERSION__`.
 */
export function defineSalesosConfig(entries: string[]): Options {
  const manifest = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string };
  return defineConfig({
    entry: Object.fromEntries(entries.map((name) => [name, `src/${name}.ts`])),
    format: ['esm', 'cjs'],
    dts: true,
    clean: true,
    sourcemap: true,
    target: 'node22',
    platform: 'node',
    splitting: false,
    treeshake: true,
    define: { __SALESOS_VERSION__: JSON.stringify(manifest.version) },
    // Declarations come out as `.d.ts` (ESM, the package is `type: module`) and `.d.cts`:
    // tsup's declaration worker does not take a custom extension, so the package build
    // renames the ESM ones to `.d.mts` afterwards (scripts/esm-declarations.ts).
    outExtension: ({ format }) => ({ js: format === 'cjs' ? '.cjs' : '.mjs' }),
  }) as Options;
}
