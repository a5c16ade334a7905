import { cpSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runMain } from '../../../test/support/run-main.js';
import { tempDirs } from '../../../test/support/temp-dirs.js';
import { createCatalog } from '../../catalog/catalog.js';
import { recommendProject } from '../../recommend/project.js';

const fixtures = path.resolve(import.meta.dirname, '../../../test/fixtures');
const temps = tempDirs();
function copy(from: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'pybase-cli-recommended-'));
  temps.push(dir);
  cpSync(from, dir, { recursive: true });
  return dir;
}

function run(argv: string[], cwd: string) {
  return runMain(argv, { cwd, env: {}, now: '2026-08-13T12:00:00Z' });
}

const catalog = createCatalog();

describe('pybase fix --to recommended', () => {
  const fixture = path.join(fixtures, 'fix-recommended');

  it('moves each FROM to the recommended tag; the diff matches; a second run changes nothing', async () => {
    const dir = copy(path.join(fixture, 'repo'));
    const golden = readFileSync(path.join(fixture, 'expected.diff'), 'utf8');
    const rec = await recommendProject(dir, { catalog, date: '2026-08-13', stages: ['prod'], offline: true });
    const prod = rec.recommendations[0]?.tag ?? '';
    // numpy 1.24.4 has wheels up to cp311: the recommendation leaves 3.12 for 3.11.
    expect(prod).toMatch(/^3\.11\.\d+-slim-/);

    const dry = await run(['fix', '--to', 'recommended', '--offline', '--dry-run'], dir);
    expect(dry.code).toBe(0);
    expect(dry.out).toBe(golden);
    expect(dry.err).toContain(`prod ${prod}`);

    const write = await run(['fix', '--to', 'recommended', '--offline'], dir);
    expect(write.code).toBe(0);
    expect(write.out).toMatch(/updated 1 file\n$/);
    const froms = readFileSync(path.join(dir, 'Dockerfile'), 'utf8')
      .split('\n')
      .filter((l) => l.startsWith('FROM '));
    expect(froms).toEqual([`FROM python:${prod} AS build`, `FROM python:${prod}`]);

    const again = await run(['fix', '--to', 'recommended', '--offline', '--check'], dir);
    expect(again).toMatchObject({ code: 0, out: 'nothing to fix\n' });
  });

  it('.python-version follows the images of its minor, and stays when one of them stays', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'pybase-cli-recommended-'));
    temps.push(dir);
    writeFileSync(path.join(dir, '.python-version'), '3.8\n');
    writeFileSync(path.join(dir, 'Dockerfile'), 'FROM python:3.8-slim\n');
    const rec = await recommendProject(dir, { catalog, date: '2026-08-13', stages: ['prod'], offline: true });
    const prod = rec.recommendations[0]?.tag ?? '';
    const minor = prod.split('.').slice(0, 2).join('.');
    expect(minor).toMatch(/^3\.1\d$/);
    const moved = await run(['fix', '--to', 'recommended', '--offline'], dir);
    expect(moved.code).toBe(0);
    expect(readFileSync(path.join(dir, 'Dockerfile'), 'utf8')).toBe(`FROM python:${prod}\n`);
    expect(readFileSync(path.join(dir, '.python-version'), 'utf8')).toBe(`${minor}\n`);
    // pybase recommend lists the statement with the same move.
    expect(rec.statements).toMatchObject([{ file: '.python-version', line: 1, kind: 'minor', to: minor }]);

    // A Windows image of the same minor is left alone (fix never judges Windows images): the
    // version file, which describes it too, stays.
    const mixed = mkdtempSync(path.join(tmpdir(), 'pybase-cli-recommended-'));
    temps.push(mixed);
    writeFileSync(path.join(mixed, '.python-version'), '3.8\n');
    writeFileSync(path.join(mixed, 'Dockerfile'), 'FROM python:3.8-slim\n');
    writeFileSync(path.join(mixed, 'Dockerfile.windows'), 'FROM python:3.8-windowsservercore-ltsc2022\n');
    // pybase recommend says why the version file stays.
    const listed = await recommendProject(mixed, {
      catalog,
      date: '2026-08-13',
      stages: ['prod'],
      offline: true,
    });
    expect(listed.statements).toMatchObject([
      {
        file: '.python-version',
        kind: 'none',
        reason: `not every python image of Python 3.8 moves (some go to ${minor}, some stay), so it stays`,
      },
    ]);
    const kept = await run(['fix', '--to', 'recommended', '--offline'], mixed);
    expect(kept.code).toBe(0);
    expect(readFileSync(path.join(mixed, 'Dockerfile'), 'utf8')).toBe(`FROM python:${prod}\n`);
    expect(readFileSync(path.join(mixed, '.python-version'), 'utf8')).toBe('3.8\n');
  });

  it('the policy comes from the configuration, and the never-rules still hold', async () => {
    const dir = copy(path.join(fixtures, 'recommend-glibc-only-sdk'));
    const before = readFileSync(path.join(dir, 'Dockerfile'), 'utf8');
    expect(before).toContain('FROM python:3.11-alpine');
    // Without a policy the alpine reference keeps musl: it moves to the best alpine image.
    const plain = await run(
      ['fix', '--to', 'recommended', '--offline', '--dry-run', '--date', '2025-09-01'],
      dir,
    );
    expect(plain.out).toMatch(/^\+FROM python:3\.\d+\.\d+-alpine3\.\d+$/m);
    // libc = "glibc" asks for the swap; the fixer never swaps the C library, and says so.
    writeFileSync(path.join(dir, 'pybase.toml'), '[policy]\nlibc = "glibc"\n');
    const r = await run(['fix', '--to', 'recommended', '--offline', '--date', '2025-09-01'], dir);
    expect(r.code).toBe(0);
    expect(r.out).toBe('nothing to fix\n');
    expect(r.err).toMatch(/python:3\.11-alpine left alone: .*swaps the C library \(musl -> glibc\)/);
    expect(readFileSync(path.join(dir, 'Dockerfile'), 'utf8')).toBe(before);
  });

  it('rejects recommendation options without --to recommended, and a bad configuration', async () => {
    const dir = copy(path.join(fixture, 'repo'));
    expect((await run(['fix', '--arch', 'arm64', '--dry-run'], dir)).code).toBe(2);
    writeFileSync(path.join(dir, 'pybase.toml'), '[policy]\nlibc = "bionic"\n');
    const bad = await run(['fix', '--to', 'recommended', '--offline', '--dry-run'], dir);
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/pybase\.toml:2.*policy\.libc/);
  });
});

describe('pybase init on the recommendation', () => {
  it('writes the tag pybase recommend gives for the stage, policy included', async () => {
    const dir = copy(path.join(fixtures, 'init-uv'));
    const rec = await recommendProject(dir, { catalog, date: '2026-08-13', stages: ['prod'], offline: true });
    const r = await run(['init', '--offline'], dir);
    expect(r.code).toBe(0);
    expect(r.out).toContain(`image: python:${rec.recommendations[0]?.tag} (recommended for prod)`);
    expect(readFileSync(path.join(dir, 'Dockerfile'), 'utf8')).toContain(
      `FROM python:${rec.recommendations[0]?.tag} AS final`,
    );
    // The catalog's choice is always slim; alpine can only come from the recommendation.
    const small = copy(path.join(fixtures, 'init-uv'));
    writeFileSync(path.join(small, 'pybase.toml'), '[policy]\nlibc = "musl"\n');
    const m = await run(['init', '--offline', '--stage', 'ci'], small);
    expect(m.code).toBe(0);
    expect(m.out).toMatch(/image: python:3\.\d+\.\d+-alpine3\.\d+ \(recommended for ci\)/);
  });

  it('when no image has the support asked, decides with only the end of life as limit, and says so', async () => {
    const dir = copy(path.join(fixtures, 'init-uv'));
    writeFileSync(path.join(dir, 'pybase.toml'), '[policy]\nmin-support-months = 240\n');
    const r = await run(['init', '--offline'], dir);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(
      /image: python:3\.\d+\.\d+-slim-trixie \(for prod with only the end of life as support limit\)/,
    );
    expect(r.out).toMatch(
      /note: no image has the 240 months of support asked for prod \(.*support-too-short/,
    );
    expect(existsSync(path.join(dir, 'Dockerfile'))).toBe(true);
  });

  it('--python takes the best recommended image of that minor', async () => {
    const dir = copy(path.join(fixtures, 'init-uv'));
    const r = await run(['init', '--offline', '--python', '3.12'], dir);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/image: python:3\.12\.\d+-slim-trixie \(recommended for prod\)/);
  });
});
