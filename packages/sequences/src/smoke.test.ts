import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';

// Runs against the built package (the root `test` script builds first).
const root = new URL('../', import.meta.url);
const manifest = JSON.parse(readFileSync(new URL('package.json', root), 'utf8')) as { version: string };

describe('@salesos/sequences build', () => {
  it('loads with import, exposes VERSION and schedules a step', async () => {
    const module = (await import(new URL('dist/index.mjs', root).href)) as typeof import('./index.ts');
    expect(module.VERSION).toBe(manifest.version);
    const due = module.scheduleStep({
      from: new Date('2026-01-17T12:00:00Z'),
      window: { days: ['mon'], start: '09:00', end: '17:00' },
      timeZone: 'UTC',
    });
    expect(due.toISOString()).toBe('2026-01-19T09:00:00.000Z');
    const testing = (await import(
      new URL('dist/testing/index.mjs', root).href
    )) as typeof import('./testing/index.ts');
    expect(typeof testing.createMemorySender).toBe('function');
  });

  it('loads with require', () => {
    const require = createRequire(import.meta.url);
    const module = require(new URL('dist/index.cjs', root).pathname) as Record<string, unknown>;
    expect(module.VERSION).toBe(manifest.version);
    expect(typeof module.createSequenceEngine).toBe('function');
  });
});
