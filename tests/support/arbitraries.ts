import fc from 'fast-check';

type Path = (string | number)[];

/** Every path into a JSON value (the root included), breadth first, at most `limit`. */
function pathsOf(value: unknown, limit = 400): Path[] {
  const paths: Path[] = [[]];
  const queue: { path: Path; item: unknown }[] = [{ path: [], item: value }];
  while (queue.length > 0 && paths.length < limit) {
    const { path, item } = queue.shift() as { path: Path; item: unknown };
    if (item === null || typeof item !== 'object') continue;
    const entries: [string | number, unknown][] = Array.isArray(item)
      ? item.map((entry, index) => [index, entry])
      : Object.entries(item);
    for (const [key, entry] of entries) {
      paths.push([...path, key]);
      queue.push({ path: [...path, key], item: entry });
    }
  }
  return paths;
}

/** Values that break parsers written for the happy path. */
export const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.jsonValue({ maxDepth: 2 }),
  fc.constantFrom(
    null,
    '',
    ' ',
    0,
    -1,
    1.5,
    Number.MAX_SAFE_INTEGER + 2,
    -0,
    true,
    [],
    {},
    [[[[[[[[]]]]]]]],
    '\u0000',
    '\ud800',
    'x'.repeat(10_000),
    '1970-01-01T00:00:00Z',
    'not-a-date',
    '<script>alert(1)</script>',
    JSON.parse('{"__proto__": {"polluted": true}}'),
    { constructor: { prototype: { polluted: true } } },
    { toString: 'not a function' },
  ),
);

type Mutation = { pick: number; kind: 'replace' | 'delete' | 'retype' | 'duplicate-key'; value: unknown };

function mutate(root: unknown, path: Path, mutation: Mutation): unknown {
  // A copy: the hostile constants are shared between runs, and a later mutation must not
  // change them (or tie one into itself).
  const value = structuredClone(mutation.value);
  if (path.length === 0) return mutation.kind === 'delete' ? undefined : value;
  const parentPath = path.slice(0, -1);
  let parent = root as Record<string | number, unknown>;
  for (const key of parentPath) parent = parent[key] as Record<string | number, unknown>;
  const key = path.at(-1) as string | number;
  const current = parent[key];
  switch (mutation.kind) {
    case 'delete':
      if (Array.isArray(parent)) parent.splice(Number(key), 1);
      else delete parent[key];
      break;
    case 'retype':
      parent[key] =
        typeof current === 'string'
          ? Number(current.length)
          : typeof current === 'number'
            ? String(current)
            : Array.isArray(current)
              ? { ...current }
              : current !== null && typeof current === 'object'
                ? Object.values(current)
                : [current];
      break;
    case 'duplicate-key':
      if (!Array.isArray(parent)) parent[`${String(key)}_copy`] = current;
      parent[key] = value;
      break;
    default:
      parent[key] = value;
  }
  return root;
}

/**
 * Mutations of a valid example: one to four fields replaced by hostile values, deleted, or
 * given another type. Starting from the vendor's own examples keeps most inputs close to
 * valid, where parsers are most likely to slip.
 */
export function mutatedFrom(example: unknown): fc.Arbitrary<unknown> {
  return fc
    .array(
      fc.record({
        pick: fc.nat(),
        kind: fc.constantFrom<Mutation['kind']>('replace', 'delete', 'retype', 'duplicate-key'),
        value: hostileValue,
      }),
      { minLength: 1, maxLength: 4 },
    )
    .map((mutations) => {
      let value: unknown = structuredClone(example);
      for (const mutation of mutations) {
        const paths = pathsOf(value);
        value = mutate(value, paths[mutation.pick % paths.length] as Path, mutation);
      }
      return value;
    });
}

/** A body as text: mutated examples, random JSON, truncated JSON, and random text. */
export function bodyFrom(example: unknown): fc.Arbitrary<string> {
  const text = JSON.stringify(example);
  return fc.oneof(
    { weight: 4, arbitrary: mutatedFrom(example).map((value) => JSON.stringify(value) ?? '') },
    { weight: 1, arbitrary: fc.json({ maxDepth: 3 }) },
    { weight: 1, arbitrary: fc.nat({ max: text.length }).map((cut) => text.slice(0, cut)) },
    { weight: 1, arbitrary: fc.string({ maxLength: 200 }) },
    { weight: 1, arbitrary: fc.constant(text) },
  );
}

/**
 * The number of runs for a property: `base` in the regular suite, multiplied by the
 * `FUZZ_SCALE` environment variable for a long local sweep (`FUZZ_SCALE=50 vitest run tests/fuzz`).
 */
export function fuzzRuns(base: number): number {
  const scale = Number(process.env.FUZZ_SCALE ?? 1);
  return Number.isFinite(scale) && scale > 0 ? Math.ceil(base * scale) : base;
}
