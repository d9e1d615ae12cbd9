// Writes the package.json, tsconfig.json and tsup.config.ts of every package listed in
// scripts/packages.json, keeping fields a package already has (version, extra dependencies).
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';

const packages = JSON.parse(readFileSync('scripts/packages.json', 'utf8'));
const entry = (subpath) => ({
  import: { types: `./dist/${subpath}.d.mts`, default: `./dist/${subpath}.mjs` },
  require: { types: `./dist/${subpath}.d.cts`, default: `./dist/${subpath}.cjs` },
});

// `node scripts/scaffold.mjs crm redis` writes only those packages; the root tsconfig always lists all.
const only = process.argv.slice(2);
for (const [dir, spec] of Object.entries(packages)) {
  if (only.length > 0 && !only.includes(dir)) continue;
  if (only.length === 0 && !existsSync(`packages/${dir}`)) continue;
  const root = `packages/${dir}`;
  mkdirSync(`${root}/src`, { recursive: true });
  const path = `${root}/package.json`;
  const existing = existsSync(path) ? JSON.parse(readFileSync(path, 'utf8')) : {};
  const exportsMap = { '.': entry('index') };
  for (const subpath of spec.subpaths) exportsMap[`./${subpath}`] = entry(`${subpath}/index`);
  exportsMap['./package.json'] = './package.json';
  const dependencies = { ...(existing.dependencies ?? {}), ...spec.dependencies };
  if (dir !== 'core') dependencies['@salesos/core'] = 'workspace:^';
  const manifest = {
    name: `@salesos/${dir}`,
    version: existing.version ?? '0.1.0',
    description: spec.description,
    license: 'MIT',
    type: 'module',
    sideEffects: false,
    engines: { node: '>=22' },
    exports: exportsMap,
    main: './dist/index.cjs',
    module: './dist/index.mjs',
    types: './dist/index.d.cts',
    files: ['dist', 'README.md', 'CHANGELOG.md'],
    scripts: {
      build: existing.scripts?.build ?? 'tsup && node ../../scripts/esm-declarations.ts',
      clean: 'rm -rf dist',
    },
    dependencies: Object.fromEntries(Object.entries(dependencies).sort()),
    ...(existing.peerDependencies ? { peerDependencies: existing.peerDependencies } : {}),
    ...(existing.peerDependenciesMeta ? { peerDependenciesMeta: existing.peerDependenciesMeta } : {}),
    ...(existing.devDependencies ? { devDependencies: existing.devDependencies } : {}),
    keywords: ['salesos', 'sales-automation', dir],
    publishConfig: { access: 'public' },
  };
  writeFileSync(path, `${JSON.stringify(manifest, null, 2)}\n`);
  writeFileSync(
    `${root}/tsconfig.json`,
    `${JSON.stringify({ extends: '../../tsconfig.base.json', include: ['src'] }, null, 2)}\n`,
  );
  const entries = ['index', ...spec.subpaths.map((s) => `${s}/index`)];
  if (!existsSync(`${root}/tsup.config.ts`))
    writeFileSync(
      `${root}/tsup.config.ts`,
      `import { defineSalesosConfig } from '../../tsup.config.base.ts';\n\nexport default defineSalesosConfig(${JSON.stringify(entries)});\n`,
    );
}

// Root tsconfig: type-checks every package and example from source in one run.
const paths = {};
for (const [dir, spec] of Object.entries(packages)) {
  paths[`@salesos/${dir}`] = [`./packages/${dir}/src/index.ts`];
  for (const subpath of spec.subpaths)
    paths[`@salesos/${dir}/${subpath}`] = [`./packages/${dir}/src/${subpath}/index.ts`];
}
writeFileSync(
  'tsconfig.json',
  `${JSON.stringify(
    {
      extends: './tsconfig.base.json',
      compilerOptions: { noEmit: true, paths },
      include: ['packages/*/src', 'packages/*/*.ts', 'examples/*/src', 'bench', 'scripts', '*.ts'],
    },
    null,
    2,
  )}\n`,
);
