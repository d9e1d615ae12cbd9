import { ConfigError } from '../errors/client-errors.ts';

/**
 * Reads the arguments of a conformance kit, called as `kit(factory, options?)` or
 * `kit(name, factory, options?)`: the suite's title, the factory and the options.
 * Throws `ConfigError` when no factory function is given.
 */
export function kitArguments<Factory, Options extends object>(
  /** What the kit tests, capitalised: `Storage`, `Queue`, `Cache`. */
  subject: string,
  nameOrFactory: unknown,
  factoryOrOptions: unknown,
  namedOptions: unknown,
): { title: string; factory: Factory; options: Options } {
  const kit = `describe${subject}Conformance`;
  const named = typeof nameOrFactory === 'string';
  const factory = named ? factoryOrOptions : nameOrFactory;
  if (typeof factory !== 'function') {
    throw new ConfigError(
      `${kit}: "factory" must be a function that makes a ${subject.toLowerCase()}, got ${typeof factory}. ` +
        `Call it as ${kit}(factory, options?) or ${kit}(name, factory, options?).`,
    );
  }
  return {
    title: named ? `${nameOrFactory} (${subject} conformance)` : `${subject} conformance`,
    factory: factory as Factory,
    options: ((named ? namedOptions : factoryOrOptions) ?? {}) as Options,
  };
}
