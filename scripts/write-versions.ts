// Writes each published package's version from its package.json into src/version.ts, so the code that sends it
// (the SDK's and the widget's x-ftf-client header, the widget's bridge handshake) never spells a version by hand.
// `pnpm versions` rewrites the files (run by `pnpm version-packages` after `changeset version`);
// `--check` exits 1 naming any file that differs (scripts/test/versions.test.ts runs it).
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** Package folder → the constant its src/version.ts exports. */
export const VERSION_FILES = [
  { dir: 'packages/sdk', constant: 'SDK_VERSION' },
  { dir: 'packages/widget', constant: 'WIDGET_VERSION' },
] as const;

export function versionSource(packageName: string, version: string, constant: string): string {
  return `// Generated from package.json by scripts/write-versions.ts (\`pnpm versions\`); do not edit.
/** The version of ${packageName} this code was built from. */
export const ${constant} = '${version}';
`;
}

/** The files whose content differs from what package.json says (written unless `check`). */
export function writeVersions(check: boolean, root = ROOT): string[] {
  const stale: string[] = [];
  for (const { dir, constant } of VERSION_FILES) {
    const pkg = JSON.parse(readFileSync(join(root, dir, 'package.json'), 'utf8')) as { name: string; version: string };
    const file = join(root, dir, 'src/version.ts');
    const wanted = versionSource(pkg.name, pkg.version, constant);
    let current = '';
    try {
      current = readFileSync(file, 'utf8');
    } catch {}
    if (current === wanted) continue;
    stale.push(relative(root, file));
    if (!check) writeFileSync(file, wanted);
  }
  return stale;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const check = process.argv.includes('--check');
  const stale = writeVersions(check);
  if (check && stale.length > 0) {
    console.error(`Out of date with package.json: ${stale.join(', ')} — run \`pnpm versions\`.`);
    process.exit(1);
  }
  for (const file of stale) console.log(`wrote ${file}`);
}
