import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';

// Runs against the built package (the root `test` script builds first).
const root = new URL('../', import.meta.url);
const manifest = JSON.parse(readFileSync(new URL('package.json', root), 'utf8')) as { version: string };

describe('@salesos/scoring build', () => {
  it('loads with import, exposes VERSION and scores', async () => {
    const module = (await import(new URL('dist/index.mjs', root).href)) as typeof import('./index.ts');
    expect(module.VERSION).toBe(manifest.version);
    const scorer = module.createScorer();
    const score = scorer.score(
      {
        person: { id: 'p1' },
        activities: [{ id: 'a1', type: 'email_replied', personId: 'p1', occurredAt: '2026-01-01T00:00:00Z' }],
      },
      { now: '2026-01-01T00:00:00Z' },
    );
    expect(score.engagement).toBe(24);
  });

  it('loads with require', () => {
    const require = createRequire(import.meta.url);
    const module = require(new URL('dist/index.cjs', root).pathname) as Record<string, unknown>;
    expect(module.VERSION).toBe(manifest.version);
    expect(typeof module.createScorer).toBe('function');
  });
});
