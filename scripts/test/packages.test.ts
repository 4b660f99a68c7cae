import { describe, expect, it } from 'vitest';
import { checkPackage, HOMEPAGE, libraryPackages, metadataProblems, REPOSITORY_URL } from '../check-packages.js';

// `pnpm check:packages` as a test: what `pnpm pack` would publish for each library passes publint (strict) and
// Are the Types Wrong, and its package.json carries the metadata an npm page shows. Needs the build (pnpm test).
describe('published package shape (publint, attw, metadata)', async () => {
  const folders = await libraryPackages();

  it('covers every library package', () => {
    expect(folders).toEqual(
      expect.arrayContaining([
        'packages/eval',
        'packages/ingest',
        'packages/sdk',
        'packages/server',
        'packages/widget',
      ]),
    );
  });

  it.each(folders)(
    '%s has no problems',
    async (folder) => {
      const report = await checkPackage(folder);
      expect(report.problems, report.problems.join('\n')).toEqual([]);
    },
    180_000,
  );

  it('names each missing or wrong field', () => {
    const problems = metadataProblems(
      {
        description: 'x',
        license: 'ISC',
        repository: { type: 'git', url: REPOSITORY_URL, directory: 'packages/other' },
        homepage: `${HOMEPAGE}/tree/main/packages/demo#readme`,
        bugs: { url: `${HOMEPAGE}/issues` },
        engines: { node: '>=20.19' },
        files: ['dist'],
        bin: { demo: './dist/cli.js' },
      },
      'packages/demo',
    );
    expect(problems).toEqual([
      'license is ISC, expected MIT (the root LICENSE)',
      'no keywords',
      `repository should be { type: git, url: ${REPOSITORY_URL}, directory: packages/demo }`,
      'bin demo points at ./dist/cli.js, not a committed ./bin/ shim',
    ]);
  });
});
