declare const __SALESOS_VERSION__: string;

/** The version of `@salesos/salesloft`, injected at build time and sent in the User-Agent. */
export const VERSION: string = typeof __SALESOS_VERSION__ === 'string' ? __SALESOS_VERSION__ : '0.0.0-dev';
