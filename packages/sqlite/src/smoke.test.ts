import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';

// Runs against the built package (the root `test` script builds first).
const root = new URL('../', import.meta.url);
const manifest = JSON.parse(readFileSync(new URL('package.json', root), 'utf8')) as { version: string };

describe('@salesos/sqlite build', () => {
  it('loads with import and exposes VERSION', async () => {
    const module = (await import(new URL('dist/index.mjs', root).href)) as Record<string, unknown>;
    expect(module.VERSION).toBe(manifest.version);
    expect(typeof module.createSqliteStorage).toBe('function');
  });

  it('loads with require', () => {
    const require = createRequire(import.meta.url);
    const module = require(new URL('dist/index.cjs', root).pathname) as Record<string, unknown>;
    expect(module.VERSION).toBe(manifest.version);
    expect(typeof module.createSqliteStorage).toBe('function');
  });
});
