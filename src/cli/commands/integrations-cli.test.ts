import { cpSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runMain } from '../../../test/support/run-main.js';
import { tempDirs } from '../../../test/support/temp-dirs.js';
import { createCatalog } from '../../catalog/catalog.js';

const fixtures = path.resolve(import.meta.dirname, '../../../test/fixtures');
const temps = tempDirs();
function copyFixture(name: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'pybase-cli-init-'));
  temps.push(dir);
  cpSync(path.join(fixtures, name), dir, { recursive: true });
  return dir;
}

function run(argv: string[], cwd: string) {
  return runMain(argv, { cwd, now: '2026-08-13T12:00:00Z' });
}

describe('pybase renovate', () => {
  it('prints JSON packageRules whose allowed versions follow the date', async () => {
    const dir = copyFixture('init-requirements');
    writeFileSync(
      path.join(dir, 'pybase.toml'),
      'mirrors = ["registry.example.com/python"]\n[stages]\ndev = ["docker/dev/**"]\n',
    );
    const r = await run(['renovate', dir, '--date', '2026-08-13'], '/');
    expect(r.code).toBe(0);
    const snippet = JSON.parse(r.out) as { packageRules: Record<string, unknown>[] };
    const rule = snippet.packageRules[0]!;
    expect(rule.matchPackageNames).toContain('registry.example.com/python');
    expect(snippet.packageRules[1]).toMatchObject({ matchFileNames: ['docker/dev/**'], pinDigests: false });
    const re = new RegExp(String(rule.allowedVersions).slice(1, -1));
    const catalog = createCatalog();
    expect(catalog.isPublished('3.10.21-slim-trixie', '2026-08-13')).toBe(true);
    expect(re.test('3.10.21-slim-trixie')).toBe(true);
    // a year later 3.10 is past its end of life (October 2026) and leaves the allowed versions
    const later = JSON.parse((await run(['renovate', dir, '--date', '2027-08-13'], '/')).out) as {
      packageRules: { allowedVersions: string }[];
    };
    expect(new RegExp(later.packageRules[0]!.allowedVersions.slice(1, -1)).test('3.10.21-slim-trixie')).toBe(
      false,
    );
  });

  it("keeps to the project's requires-python, and exits 1 when it allows no supported minor", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'pybase-cli-renovate-'));
    temps.push(dir);
    writeFileSync(path.join(dir, 'setup.cfg'), '[options]\npython_requires = >=3.11,<3.13\n');
    const r = await run(['renovate', dir, '--date', '2026-08-13'], '/');
    expect(r.code).toBe(0);
    const re = new RegExp(
      (
        JSON.parse(r.out) as { packageRules: { allowedVersions: string }[] }
      ).packageRules[0]!.allowedVersions.slice(1, -1),
    );
    expect(re.test('3.12.14-slim-trixie')).toBe(true);
    expect(re.test('3.13.15-slim-trixie')).toBe(false);
    writeFileSync(path.join(dir, 'setup.cfg'), '[options]\npython_requires = ==3.7.*\n');
    const none = await run(['renovate', dir, '--date', '2026-08-13'], '/');
    expect(none.code).toBe(1);
    expect(none.out).toBe('');
    expect(none.err).toMatch(
      /renovate: the project allows none of the Python minors supported at 2026-08-13/,
    );
  });

  it('exits 2 on a bad debian policy or a missing directory', async () => {
    expect((await run(['renovate', '--debian-eol', 'never'], fixtures)).code).toBe(2);
    const r = await run(['renovate', path.join(fixtures, 'no-such-dir')], '/');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/not a directory/);
  });
});

describe('pybase init', () => {
  it('writes the files, then refuses a second run with exit 2 naming the file', async () => {
    const dir = copyFixture('init-requirements');
    const first = await run(['init', '--offline', '--date', '2026-08-13'], dir);
    expect(first.code).toBe(0);
    expect(first.out).toMatch(/wrote Dockerfile/);
    expect(first.out).toMatch(/installed from requirements\.txt/);
    expect(first.out).toMatch(/digest: not pinned/);
    expect(existsSync(path.join(dir, '.github/workflows/container.yml'))).toBe(true);
    const second = await run(['init', '--offline', '--date', '2026-08-13'], dir);
    expect(second.code).toBe(2);
    expect(second.err).toMatch(/Dockerfile already exists/);
    expect(
      (await run(['init', '--offline', '--force', '--python', '3.12', '--date', '2026-08-13'], dir)).code,
    ).toBe(0);
    expect(readFileSync(path.join(dir, 'Dockerfile'), 'utf8')).toMatch(
      /FROM python:3\.12\.\d+-slim-\w+ AS final/,
    );
  });

  it('then pybase check finds no tag or end-of-life problem in the result', async () => {
    const dir = copyFixture('init-uv');
    expect((await run(['init', '--offline', '--date', '2026-08-13'], dir)).code).toBe(0);
    const r = await run(['check', '--format', 'json', '--date', '2026-08-13'], dir);
    const codes = (JSON.parse(r.out) as { findings: { code: string }[] }).findings.map((f) => f.code);
    // only the information that the production image has no digest (init ran offline)
    expect(codes.filter((c) => /^PB00[1-7]$|^PB10[13]$/.test(c))).toEqual(['PB005']);
  });

  it('keeps to the Pythons the project allows: 3.11 for ==3.11.* with a note, nothing and exit 1 for ==3.7.*', async () => {
    const corpus = path.resolve('..', 'shared', 'corpus', 'lockfiles');
    const gpt = mkdtempSync(path.join(tmpdir(), 'pybase-cli-init-'));
    temps.push(gpt);
    cpSync(path.join(corpus, 'zylon-ai__private-gpt', 'uv.lock'), path.join(gpt, 'uv.lock'));
    const r = await run(['init', gpt, '--offline', '--date', '2026-11-27'], '/');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(
      /^image: python:3\.11\.\d+-slim-trixie \(for prod with only the end of life as support limit\)$/m,
    );
    expect(r.out).toMatch(/^note: no image has the 12 months of support asked for prod/m);
    expect(readFileSync(path.join(gpt, 'Dockerfile'), 'utf8')).toMatch(
      /^FROM python:3\.11\.\d+-slim-trixie AS final$/m,
    );

    const dash = mkdtempSync(path.join(tmpdir(), 'pybase-cli-init-'));
    temps.push(dash);
    cpSync(path.join(corpus, 'chunyeow__dash-coronavirus'), dash, { recursive: true });
    const none = await run(['init', dash, '--offline', '--date', '2026-11-27'], '/');
    expect(none.code).toBe(1);
    expect(none.out).toBe('');
    expect(none.err).toMatch(/init: no image fits the project for prod: .*'==3\.7\.\*'.*; nothing written/);
    expect(existsSync(path.join(dash, 'Dockerfile'))).toBe(false);
    // A file that exists is still the first thing said (exit 2), before any image is chosen.
    writeFileSync(path.join(dash, 'Dockerfile'), 'FROM scratch\n');
    expect((await run(['init', dash, '--offline', '--date', '2026-11-27'], '/')).code).toBe(2);
  });

  it('rejects an unknown stage', async () => {
    const dir = copyFixture('init-requirements');
    const r = await run(['init', '--offline', '--stage', 'staging'], dir);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/--stage/);
  });
});

describe('pybase matrix and the configuration', () => {
  it('decides with the policy and architectures of the configuration, as recommend does', async () => {
    const dir = copyFixture('init-requirements');
    const plain = await run(['matrix', dir, '--format', 'json', '--date', '2026-08-13'], '/');
    expect(plain.code).toBe(0);
    const first = (out: string) => (JSON.parse(out) as { entries: { tag: string }[] }).entries[0]?.tag ?? '';
    expect(first(plain.out)).not.toContain('alpine');
    writeFileSync(path.join(dir, 'pybase.toml'), '[policy]\nlibc = "musl"\n');
    const musl = await run(['matrix', dir, '--format', 'json', '--date', '2026-08-13'], '/');
    expect(musl.code).toBe(0);
    expect(first(musl.out)).toContain('alpine');
    writeFileSync(path.join(dir, 'pybase.toml'), 'archs = ["arm65"]\n');
    const bad = await run(['matrix', dir, '--date', '2026-08-13'], '/');
    expect(bad.code).toBe(2);
    expect(bad.err).toContain('pybase.toml');
  });
});
