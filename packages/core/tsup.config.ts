import type { Options } from 'tsup';
import { defineSalesosConfig } from '../../tsup.config.base.ts';

const config = defineSalesosConfig(['index', 'testing/index']);

// The conformance kits run on vitest, which is ESM-only: the CommonJS build of
// `@salesos/core/testing` carries every testing tool but the kits.
const configs: Options[] = [
  { ...config, format: ['esm'], clean: false },
  {
    ...config,
    format: ['cjs'],
    clean: false,
    entry: { index: 'src/index.ts', 'testing/index': 'src/testing/tools.ts' },
  },
];

export default configs;
