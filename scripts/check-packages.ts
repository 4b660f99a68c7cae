// `pnpm check:packages`: what users of our npm packages get, checked the way they would meet it. For every
// package under packages/ (after `pnpm build`): publint on what `pnpm pack` would publish, Are the Types Wrong
// on the packed tarball (ESM + CJS packages under Node 16+ and bundler resolution; ESM-only packages without the
// CommonJS rows, which they do not claim), and the metadata an npm page shows (repository, homepage, licence…).
// Prints one block per package and exits 1 on any problem; scripts/test/packages.test.ts runs the same checks.
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { promisify } from 'node:util';
import { publint } from 'publint';
import { formatMessage } from 'publint/utils';

const run = promisify(execFile);
export const ROOT = resolve(import.meta.dirname, '..');
export const REPOSITORY_URL = 'git+https://github.com/find-this-fit/find-this-fit.git';
export const HOMEPAGE = 'https://github.com/find-this-fit/find-this-fit';

interface PackageJson {
  name?: string;
  private?: boolean;
  description?: string;
  license?: string;
  keywords?: string[];
  homepage?: string;
  bugs?: { url?: string };
  repository?: { type?: string; url?: string; directory?: string };
  engines?: { node?: string };
  files?: string[];
  exports?: unknown;
  bin?: Record<string, string>;
}

/** Private test infrastructure under packages/: never packed or published, so not checked as libraries. */
export const TEST_INFRASTRUCTURE = ['packages/fixture-marketplace', 'packages/testing'];

/** The library packages (packages/* but the test infrastructure), as folders relative to the repository root. */
export async function libraryPackages(): Promise<string[]> {
  const entries = await readdir(join(ROOT, 'packages'), { withFileTypes: true });
  return entries
    .filter((e) => e.isDirectory())
    .map((e) => `packages/${e.name}`)
    .filter((folder) => !TEST_INFRASTRUCTURE.includes(folder))
    .sort();
}

const readJson = async (path: string) => JSON.parse(await readFile(path, 'utf8')) as PackageJson;

/** Fields an npm page and a bug reporter rely on; `directory` must be the package's own folder. */
export function metadataProblems(pkg: PackageJson, folder: string): string[] {
  const problems: string[] = [];
  if (!pkg.description) problems.push('no description');
  if (pkg.license !== 'MIT') problems.push(`license is ${pkg.license ?? 'missing'}, expected MIT (the root LICENSE)`);
  if (!pkg.keywords?.length) problems.push('no keywords');
  if (pkg.homepage !== `${HOMEPAGE}/tree/main/${folder}#readme`) problems.push(`homepage is ${pkg.homepage}`);
  if (pkg.bugs?.url !== `${HOMEPAGE}/issues`) problems.push(`bugs.url is ${pkg.bugs?.url}`);
  const repo = pkg.repository;
  if (repo?.type !== 'git' || repo.url !== REPOSITORY_URL || repo.directory !== folder) {
    problems.push(`repository should be { type: git, url: ${REPOSITORY_URL}, directory: ${folder} }`);
  }
  if (!pkg.engines?.node) problems.push('no engines.node');
  if (!pkg.files?.length) problems.push('no files list (tests and sources would be published)');
  for (const [name, target] of Object.entries(pkg.bin ?? {})) {
    // A bin inside dist/ cannot be linked by `pnpm install` before the first build (a warning per workspace).
    if (!target.startsWith('./bin/')) problems.push(`bin ${name} points at ${target}, not a committed ./bin/ shim`);
  }
  return problems;
}

/** ESM + CJS packages get Node 16+ and bundler resolution checked; ESM-only ones skip the `require` rows. */
function attwProfile(pkg: PackageJson): 'node16' | 'esm-only' {
  return JSON.stringify(pkg.exports ?? {}).includes('"require"') ? 'node16' : 'esm-only';
}

export interface PackageReport {
  folder: string;
  name: string;
  problems: string[];
}

/** All checks for one package folder (relative to the root); it must be built. */
export async function checkPackage(folder: string): Promise<PackageReport> {
  const dir = join(ROOT, folder);
  const pkg = await readJson(join(dir, 'package.json'));
  const problems = metadataProblems(pkg, folder);

  const lint = await publint({ pkgDir: dir, pack: 'pnpm', strict: true });
  for (const message of lint.messages) {
    problems.push(`publint ${message.type}: ${formatMessage(message, lint.pkg, { color: false }) ?? message.code}`);
  }

  const out = await mkdtemp(join(tmpdir(), 'ftf-pack-'));
  try {
    await run('pnpm', ['pack', '--pack-destination', out], { cwd: dir });
    const [tarball] = (await readdir(out)).filter((f) => f.endsWith('.tgz'));
    if (!tarball) throw new Error(`pnpm pack wrote no tarball for ${folder}`);
    const args = [join(out, tarball), '--profile', attwProfile(pkg), '--format', 'ascii', '--no-emoji', '--no-color'];
    try {
      await run(join(ROOT, 'node_modules/.bin/attw'), args, { cwd: dir });
    } catch (error) {
      const { stdout = '', stderr = '' } = error as { stdout?: string; stderr?: string };
      problems.push(`attw (--profile ${attwProfile(pkg)}):\n${`${stdout}${stderr}`.trim()}`);
    }
  } finally {
    await rm(out, { recursive: true, force: true });
  }
  return { folder, name: pkg.name ?? folder, problems };
}

async function main(): Promise<number> {
  let failed = 0;
  for (const folder of await libraryPackages()) {
    const report = await checkPackage(folder);
    if (report.problems.length === 0) {
      process.stdout.write(`ok    ${report.name} (${relative(ROOT, join(ROOT, folder))}): publint, attw, metadata\n`);
    } else {
      failed++;
      process.stdout.write(`FAIL  ${report.name} (${folder})\n${report.problems.map((p) => `  - ${p}`).join('\n')}\n`);
    }
  }
  return failed === 0 ? 0 : 1;
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(import.meta.filename)) {
  process.exitCode = await main();
}
