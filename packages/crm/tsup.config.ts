import { defineSalesosConfig } from '../../tsup.config.base.ts';

export default defineSalesosConfig(['index']);
