// Loaded before every test file (vitest setupFiles). Property tests explore new random inputs on every
// local run and print the seed of any failure; CI replays one fixed seed, so a submission's result does
// not depend on the draw. FAST_CHECK_SEED=<n> replays a given seed anywhere (a failure's report names it).
import fc from 'fast-check';

const CI_SEED = 20_261_207;
const given = process.env.FAST_CHECK_SEED;
const seed = given !== undefined && given !== '' ? Number(given) : process.env.CI ? CI_SEED : undefined;
if (seed !== undefined) {
  if (!Number.isSafeInteger(seed)) throw new Error(`FAST_CHECK_SEED must be an integer, got "${given}"`);
  fc.configureGlobal({ ...fc.readConfigureGlobal(), seed });
}
