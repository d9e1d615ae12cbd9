declare const __SALESOS_VERSION__: string;

/** The version of `@salesos/postgres`, injected at build time. */
export const VERSION: string = typeof __SALESOS_VERSION__ === 'string' ? __SALESOS_VERSION__ : '0.0.0-dev';
