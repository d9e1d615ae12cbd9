import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';

// The root `pnpm test` builds first; locally run `tsup` in packages/attio before this test.
const dist = new URL('../dist/', import.meta.url);

describe('the built package', () => {
  it('loads with import and with require, with a VERSION', async () => {
    const esm = (await import(new URL('index.mjs', dist).href)) as Record<string, unknown>;
    const require = createRequire(import.meta.url);
    const cjs = require(new URL('index.cjs', dist).pathname) as Record<string, unknown>;
    for (const loaded of [esm, cjs]) {
      expect(typeof loaded.VERSION).toBe('string');
      expect((loaded.VERSION as string).length).toBeGreaterThan(0);
      expect(typeof loaded.createAttioClient).toBe('function');
      expect(typeof loaded.verifyAttioSignature).toBe('function');
    }
    const testingEsm = (await import(new URL('testing/index.mjs', dist).href)) as Record<string, unknown>;
    const testingCjs = require(new URL('testing/index.cjs', dist).pathname) as Record<string, unknown>;
    expect(typeof testingEsm.createAttioSimulator).toBe('function');
    expect(typeof testingCjs.createAttioSimulator).toBe('function');
  });
});
