import { describe, expect, it } from 'vitest';
import { createCatalog } from '../catalog/catalog.js';
import { minorOf, tryParseTag } from '../catalog/tag.js';
import { writeProject } from '../check/test-project.js';
import { extractProject } from '../files/extract.js';
import type { IsoDate } from '../model/date.js';
import { readProjectPythonConstraints } from '../recommend/project.js';
import {
  NoAllowedPythonError,
  pythonTagVersioning,
  renovateConfig,
  stuckReferences,
  supportedAtDate,
} from './renovate.js';

const catalog = createCatalog();

function allowedRegex(date: IsoDate): RegExp {
  const snippet = JSON.parse(JSON.stringify(renovateConfig({ catalog, date }))) as {
    packageRules: { allowedVersions: string }[];
  };
  const text = snippet.packageRules[0]!.allowedVersions;
  expect(text.startsWith('/') && text.endsWith('/')).toBe(true);
  return new RegExp(text.slice(1, -1));
}

describe('renovateConfig', () => {
  it('is JSON with the documented keys', () => {
    const text = JSON.stringify(
      renovateConfig({ catalog, date: '2026-08-13', mirrors: ['registry.example.com/python'] }),
    );
    const parsed = JSON.parse(text) as { packageRules: Record<string, unknown>[] };
    const rule = parsed.packageRules[0]!;
    expect(rule.matchDatasources).toEqual(['docker']);
    expect(rule.matchPackageNames).toContain('python');
    expect(rule.matchPackageNames).toContain('registry.example.com/python');
    expect(rule.versioning).toBe(pythonTagVersioning);
    expect(rule.ignoreUnstable).toBe(true);
    expect(rule.separateMinorPatch).toBe(true);
    expect(rule.pinDigests).toBe(true);
    expect(typeof rule.allowedVersions).toBe('string');
  });

  it('versioning keeps variant and distro as the compatibility part', () => {
    const re = new RegExp(pythonTagVersioning.slice('regex:'.length));
    expect(re.exec('3.12.14-slim-trixie')?.groups?.compatibility).toBe('-slim-trixie');
    expect(re.exec('3.12.14')?.groups?.compatibility).toBeUndefined();
    expect(re.test('3.12-slim')).toBe(false);
  });

  for (const date of ['2026-08-13', '2025-10-15', '2024-06-01'] as IsoDate[]) {
    it(`accepts exactly the supported stable Linux patch tags published at ${date}`, () => {
      const re = allowedRegex(date);
      const supported = supportedAtDate({ catalog, date });
      let accepted = 0;
      for (const tag of catalog.publishedTags(date)) {
        const parsed = tryParseTag(tag);
        if (!parsed) continue;
        const minor = minorOf(parsed);
        const status = minor ? catalog.pythonLifecycle(minor, date)?.status : undefined;
        const distroEol =
          parsed.distro && parsed.distro.family !== 'windows'
            ? catalog.distroLifecycle(parsed.distro, date)?.endOfLifeReached
            : false;
        const shouldAccept =
          parsed.precision === 'patch' &&
          !parsed.prerelease &&
          (status === 'bugfix' || status === 'security') &&
          ['full', 'slim', 'alpine'].includes(parsed.variant) &&
          parsed.distro?.family !== 'windows' &&
          distroEol !== true;
        expect(re.test(tag), `${tag} at ${date}`).toBe(shouldAccept);
        if (shouldAccept) accepted++;
      }
      // every supported minor has at least its default, slim and alpine patch tags
      expect(accepted).toBeGreaterThanOrEqual(supported.minors.length * 3);
    });
  }

  it('rejects end-of-life minors, pre-releases, floating tags and other distro shapes', () => {
    const re = allowedRegex('2026-08-13');
    const eolTags = catalog
      .allKnownTags()
      .filter((t) => /^3\.(?:[5-9])\.\d+-slim-bookworm$/.test(t) || /^3\.8\.\d+$/.test(t));
    expect(eolTags.length).toBeGreaterThan(0);
    for (const t of eolTags) expect(re.test(t), t).toBe(false);
    for (const t of [
      '3.15.0rc1-slim-trixie',
      '3.15.0rc1',
      '3.14-slim',
      '3',
      'latest',
      '3.14.7-windowsservercore-ltsc2025',
      '3.12.14-slim-bookworm', // bookworm is past Debian security support at that date
      '3.12.14-bullseye',
      '3.12.14-alpine3.20',
    ])
      expect(re.test(t), t).toBe(false);
    for (const t of ['3.12.14-slim-trixie', '3.14.7-alpine3.24', '3.10.21', '3.13.15-slim'])
      expect(re.test(t), t).toBe(true);
  });

  it('with the lts policy keeps a Debian release in LTS', () => {
    const lts = supportedAtDate({ catalog, date: '2026-08-13', debianEol: 'lts' });
    const security = supportedAtDate({ catalog, date: '2026-08-13' });
    expect(lts.debian).toContain('bookworm');
    expect(security.debian).not.toContain('bookworm');
  });

  it('leaves digests of dev files unpinned when dev globs are configured', () => {
    const snippet = renovateConfig({ catalog, date: '2026-08-13', devGlobs: ['docker/dev/**'] });
    expect(snippet.packageRules).toHaveLength(2);
    expect(snippet.packageRules[1]).toMatchObject({ matchFileNames: ['docker/dev/**'], pinDigests: false });
  });
});

describe('renovateConfig with the project Python constraints', () => {
  const date: IsoDate = '2026-08-13';
  const allowed = (snippet: ReturnType<typeof renovateConfig>) =>
    new RegExp(snippet.packageRules[0]!.allowedVersions!.slice(1, -1));

  it("allows only the supported minors the project's setup.cfg allows (>=3.11,<3.13)", async () => {
    const root = writeProject({
      'setup.cfg': '[metadata]\nname = demo\n\n[options]\npython_requires = >=3.11,<3.13\n',
    });
    const pythonConstraints = await readProjectPythonConstraints(root);
    expect(pythonConstraints).toEqual([{ text: '>=3.11,<3.13', where: 'setup.cfg:5' }]);
    const snippet = renovateConfig({ catalog, date, pythonConstraints });
    const re = allowed(snippet);
    expect(re.test('3.11.15-slim-trixie')).toBe(true);
    expect(re.test('3.12.14-slim-trixie')).toBe(true);
    for (const tag of ['3.10.21-slim-trixie', '3.13.15-slim-trixie', '3.14.6-slim-trixie'])
      expect(re.test(tag), tag).toBe(false);
    expect(snippet.packageRules[0]!.description).toContain(
      "Python 3.11, 3.12 only (supported and allowed by '>=3.11,<3.13' (setup.cfg:5))",
    );
  });

  it("reads Poetry's python and a lock's requires-python; a minor with one allowed patch is allowed", async () => {
    const poetry = await readProjectPythonConstraints(
      writeProject({
        'pyproject.toml': '[tool.poetry]\nname = "d"\n\n[tool.poetry.dependencies]\npython = "^3.12"\n',
      }),
    );
    const re = allowed(renovateConfig({ catalog, date, pythonConstraints: poetry }));
    expect(re.test('3.11.15-slim-trixie')).toBe(false);
    expect(re.test('3.14.6-slim-trixie')).toBe(true);
    const patch = allowed(
      renovateConfig({ catalog, date, pythonConstraints: [{ text: '>=3.12.4', where: 'uv.lock' }] }),
    );
    expect(patch.test('3.12.14-slim-trixie')).toBe(true);
    expect(patch.test('3.11.15-slim-trixie')).toBe(false);
  });

  it('refuses a project that allows none of the supported minors', () => {
    expect(() =>
      renovateConfig({ catalog, date, pythonConstraints: [{ text: '==3.7.*', where: 'Pipfile.lock' }] }),
    ).toThrow(NoAllowedPythonError);
    expect(() =>
      renovateConfig({ catalog, date, pythonConstraints: [{ text: '==3.7.*', where: 'Pipfile.lock' }] }),
    ).toThrow(
      /allows none of the Python minors supported at 2026-08-13 \(3\.10, .*\): '==3\.7\.\*' \(Pipfile\.lock\)/,
    );
  });
});

describe('stuckReferences', () => {
  it('names patch-pinned references on a distro the rules leave out, and only those', async () => {
    const root = writeProject({
      Dockerfile: [
        'FROM python:3.12.8-slim-bookworm AS build',
        'FROM python:3.12.8-alpine3.20 AS musl',
        'FROM python:3.12.8-slim-trixie AS fine',
        'FROM python:3.12-slim-bookworm AS floating',
        'FROM python:3.12.8-slim',
        '',
      ].join('\n'),
    });
    const date = '2026-11-27';
    const stuck = stuckReferences(await extractProject(root), { catalog, date });
    expect(stuck.map((s) => [s.line, s.reference])).toEqual([
      [1, 'python:3.12.8-slim-bookworm'],
      [2, 'python:3.12.8-alpine3.20'],
    ]);
    // What the note claims holds for the snippet: its allowed versions match neither distro.
    const allowed = allowedRegex(date);
    expect(allowed.test('3.12.14-slim-bookworm')).toBe(false);
    expect(allowed.test('3.12.14-alpine3.20')).toBe(false);
    expect(allowed.test('3.12.14-slim-trixie')).toBe(true);
    expect(stuck[0]!.reason).toContain('bookworm is past its end of life');
  });
});
