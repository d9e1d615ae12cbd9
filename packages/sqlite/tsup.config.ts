import type { Options } from 'tsup';
import { defineSalesosConfig } from '../../tsup.config.base.ts';

// `node:sqlite` exists only under its `node:` name: keep the prefix in the output.
const config: Options = { ...defineSalesosConfig(['index']), removeNodeProtocol: false };

export default config;
