// Renames the ESM declarations tsup writes (`.d.ts`, as the packages are `type: module`) to
// `.d.mts`, next to the `.mjs` they describe, and points their relative imports at `.mjs`.
// tsup's declaration worker cannot take a custom extension, so every package build runs this
// after tsup, in the package folder: `tsup && node ../../scripts/esm-declarations.ts`.
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const RELATIVE_JS = /((?:from|import)\s*\(?\s*)(['"])(\.\.?\/[^'"]+?)\.js\2/g;

function declarationsIn(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) return declarationsIn(path);
    return entry.name.endsWith('.d.ts') ? [path] : [];
  });
}

const files = declarationsIn('dist');
if (files.length === 0) throw new Error(`No .d.ts files in ${join(process.cwd(), 'dist')}: run tsup first.`);
for (const file of files) {
  const text = readFileSync(file, 'utf8').replace(RELATIVE_JS, '$1$2$3.mjs$2');
  writeFileSync(file.replace(/\.d\.ts$/, '.d.mts'), text);
  rmSync(file);
  rmSync(`${file}.map`, { force: true });
}
