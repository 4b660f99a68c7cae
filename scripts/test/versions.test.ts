import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SDK_VERSION } from '../../packages/sdk/src/version.js';
import { WIDGET_VERSION } from '../../packages/widget/src/version.js';
import { VERSION_FILES, writeVersions } from '../write-versions.js';

const ROOT = resolve(import.meta.dirname, '../..');
const versionOf = (dir: string) => JSON.parse(readFileSync(join(ROOT, dir, 'package.json'), 'utf8')).version;
const work = mkdtempSync(join(tmpdir(), 'ftf-versions-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('generated version constants', () => {
  it('match each package.json (run `pnpm versions` after a version bump)', () => {
    expect(writeVersions(true)).toEqual([]);
    expect(SDK_VERSION).toBe(versionOf('packages/sdk'));
    expect(WIDGET_VERSION).toBe(versionOf('packages/widget'));
  });

  it('names a stale file in check mode and rewrites it otherwise', () => {
    for (const { dir } of VERSION_FILES) {
      cpSync(join(ROOT, dir, 'package.json'), join(work, dir, 'package.json'));
      cpSync(join(ROOT, dir, 'src/version.ts'), join(work, dir, 'src/version.ts'));
    }
    const pkgFile = join(work, 'packages/widget/package.json');
    writeFileSync(pkgFile, JSON.stringify({ ...JSON.parse(readFileSync(pkgFile, 'utf8')), version: '9.8.7' }));
    expect(writeVersions(true, work)).toEqual(['packages/widget/src/version.ts']);
    expect(readFileSync(join(work, 'packages/widget/src/version.ts'), 'utf8')).toContain(
      `'${versionOf('packages/widget')}'`,
    );
    expect(writeVersions(false, work)).toEqual(['packages/widget/src/version.ts']);
    expect(readFileSync(join(work, 'packages/widget/src/version.ts'), 'utf8')).toContain("WIDGET_VERSION = '9.8.7'");
    expect(writeVersions(true, work)).toEqual([]);
  });
});
