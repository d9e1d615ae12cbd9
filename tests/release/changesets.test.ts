import { readdirSync, readFileSync } from 'node:fs';
import parse from '@changesets/parse';
import { describe, expect, it } from 'vitest';

const root = new URL('../../', import.meta.url);
const workspaceNames = ['packages', 'examples'].flatMap((folder) =>
  readdirSync(new URL(`${folder}/`, root)).map(
    (name) =>
      (JSON.parse(readFileSync(new URL(`${folder}/${name}/package.json`, root), 'utf8')) as { name: string })
        .name,
  ),
);
const changesets = readdirSync(new URL('.changeset/', root)).filter(
  (file) => file.endsWith('.md') && file !== 'README.md',
);

// `changeset version` refuses the whole release when one file is malformed, so each is checked here.
describe('the pending changesets', () => {
  it.each(changesets)('%s names workspace packages with a bump and says what changed', (file) => {
    const changeset = parse(readFileSync(new URL(`.changeset/${file}`, root), 'utf8'));
    expect(changeset.releases.length).toBeGreaterThan(0);
    for (const release of changeset.releases) {
      expect(workspaceNames).toContain(release.name);
      expect(['major', 'minor', 'patch']).toContain(release.type);
    }
    expect(changeset.summary.trim().length).toBeGreaterThan(20);
  });
});
