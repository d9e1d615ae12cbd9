import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';

const dist = new URL('../dist/', import.meta.url);
const built = existsSync(new URL('index.mjs', dist));

describe('the built package', () => {
  it('is built (run tsup in packages/salesloft first)', () => {
    expect(built).toBe(true);
  });

  it('loads with import and exposes VERSION', async () => {
    const module = (await import(new URL('index.mjs', dist).href)) as Record<string, unknown>;
    expect(typeof module.VERSION).toBe('string');
    expect(module.VERSION).not.toBe('');
    expect(typeof module.createSalesloftClient).toBe('function');
    const testing = (await import(new URL('testing/index.mjs', dist).href)) as Record<string, unknown>;
    expect(typeof testing.createSalesloftSimulator).toBe('function');
  });

  it('loads with require', () => {
    const require = createRequire(import.meta.url);
    const module = require(new URL('index.cjs', dist).pathname) as Record<string, unknown>;
    expect(typeof module.VERSION).toBe('string');
    expect(module.VERSION).not.toBe('');
    expect(typeof module.createSalesloftConnector).toBe('function');
  });
});
