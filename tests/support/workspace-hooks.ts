// Loaded first by the worker scripts of the crash tests: resolves `@salesos/*` to the packages'
// source, as vitest does, so child processes run the same code as the test that spawns them.
// The scripts import the packages dynamically, after this module has registered the hook.
import { registerHooks } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';

const packages = fileURLToPath(new URL('../../packages/', import.meta.url));

registerHooks({
  resolve(specifier, context, nextResolve) {
    const match = /^@salesos\/([^/]+)(?:\/(.+))?$/.exec(specifier);
    if (!match) return nextResolve(specifier, context);
    const [, name, subpath] = match;
    const file = `${packages}${name}/src/${subpath === undefined ? '' : `${subpath}/`}index.ts`;
    return { url: pathToFileURL(file).href, shortCircuit: true };
  },
});
