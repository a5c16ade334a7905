import { cpSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runMain } from '../../../test/support/run-main.js';
import { tempDirs } from '../../../test/support/temp-dirs.js';
import { writeProject } from '../../check/test-project.js';
import type { RecommendResult } from '../../recommend/types.js';

const repo = path.resolve(import.meta.dirname, '../../..');
const temps = tempDirs();
// Results are cached under XDG_CACHE_HOME: a directory of the test's own, never the user's.
const cacheHome = mkdtempSync(path.join(tmpdir(), 'pybase-cli-cache-'));
/** A copy of the pure Flask fixture (alpine passes there) with a configuration file. */
function flaskWith(config: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'pybase-recommend-cli-'));
  temps.push(dir);
  cpSync(path.join(repo, 'test/fixtures/recommend-flask-app'), dir, { recursive: true });
  writeFileSync(path.join(dir, 'pybase.toml'), config);
  return dir;
}

function run(argv: string[], cwd: string) {
  return runMain(argv, { cwd, env: { XDG_CACHE_HOME: cacheHome }, now: '2025-09-01T12:00:00Z' });
}

const prodTag = (out: string) =>
  (JSON.parse(out) as RecommendResult).recommendations.find((r) => r.stage === 'prod')?.tag ?? '';

describe('pybase recommend: policy from the configuration', () => {
  it('prefer-small lets alpine win; libc = "glibc" in the configuration keeps it out; a flag overrides both', async () => {
    const small = flaskWith('[policy]\nprefer-small = true\n');
    const a = await run(['recommend', '--offline', '--json', '--stage', 'prod'], small);
    expect(a.code).toBe(0);
    expect(prodTag(a.out)).toMatch(/-alpine3\.\d+$/);

    const glibc = flaskWith('[policy]\nprefer-small = true\nlibc = "glibc"\n');
    const b = await run(['recommend', '--offline', '--json', '--stage', 'prod'], glibc);
    const result = JSON.parse(b.out) as RecommendResult;
    expect(result.recommendations[0]?.policy.libc).toBe('glibc');
    expect(prodTag(b.out)).toMatch(/-slim-/);
    expect(result.recommendations[0]?.candidates.every((c) => c.candidate.libc.family === 'glibc')).toBe(
      true,
    );

    const flag = await run(['recommend', '--offline', '--json', '--stage', 'prod', '--libc', 'musl'], glibc);
    expect(prodTag(flag.out)).toMatch(/-alpine3\.\d+$/);
  });

  it('min-support-months and archs come from the configuration too', async () => {
    const dir = flaskWith('archs = ["linux/arm/v7"]\n[policy.min-support-months]\nprod = 240\n');
    const r = await run(['recommend', '--offline', '--json', '--stage', 'prod'], dir);
    expect(r.code).toBe(1);
    const result = JSON.parse(r.out) as RecommendResult;
    expect(result.archs).toEqual(['arm32v7']);
    expect(result.recommendations[0]?.policy.minSupportMonths).toBe(240);
    expect(result.recommendations[0]?.reference).toBeUndefined();
  });

  it('a bad policy value exits 2 naming the file, the key and the line', async () => {
    const dir = flaskWith('fail-on = "error"\n\n[policy]\nlibc = "glibc"\nappetite = "huge"\n');
    const r = await run(['recommend', '--offline'], dir);
    expect(r.code).toBe(2);
    expect(r.out).toBe('');
    expect(r.err).toContain('pybase.toml:5');
    expect(r.err).toContain('policy.appetite');
  });

  it('--config names another file', async () => {
    const dir = flaskWith('[policy]\nlibc = "glibc"\n');
    writeFileSync(path.join(dir, 'musl.toml'), '[policy]\nlibc = "musl"\n');
    const r = await run(
      ['recommend', '--offline', '--json', '--stage', 'prod', '--config', 'musl.toml'],
      dir,
    );
    expect(prodTag(r.out)).toMatch(/-alpine3\.\d+$/);
  });
});

describe('pybase recommend: text a first-time reader can follow (examples/reports-api)', () => {
  it('relative paths, one line per reason, and what to do about the alpine reference', async () => {
    const r = await run(['recommend', 'examples/reports-api', '--offline', '--date', '2026-11-27'], repo);
    expect(r.code).toBe(0);
    expect(r.out).not.toContain(repo);
    expect(r.out.split('\n')[0]).toMatch(/dependencies uv\.lock$/);
    const lines = r.out.split('\n');
    const excluded = lines.filter((l) => l.includes('python-excluded'));
    // One line per stage (ci and prod), naming both places of the specifier.
    expect(excluded).toHaveLength(2);
    for (const l of excluded) expect(l).toContain("excluded by '>=3.11' (uv.lock, pyproject.toml:5)");
    const sklearn = lines.filter(
      (l) => l.includes('deps-need-compiler') && l.includes('scikit-learn 1.9.0 has no musllinux wheel'),
    );
    expect(sklearn).toHaveLength(2);
    for (const l of sklearn)
      expect(l).toMatch(/^\s+all alpine on Python 3\.11 to 3\.14 \(8\): deps-need-compiler/);
    const alpine = lines.find((l) => l.includes('python:3.11-alpine'));
    expect(alpine).toMatch(/\[none\] no musl image passes the constraints of prod/);
    // The decision path says why alpine is out, instead of only calling it risky.
    expect(lines.filter((l) => l.includes('Alpine considered? rejected: scikit-learn'))).toHaveLength(2);
    // Python 3.10 is excluded by the project whatever the libc: it does not explain why alpine lost.
    expect(lines.filter((l) => l.includes('Alpine considered?') && l.includes('Python 3.10'))).toEqual([]);
    expect(alpine).toMatch(/pass --libc glibc or set libc = "glibc" in \[tool\.pybase\.policy\]/);
    const glibc = await run(
      ['recommend', 'examples/reports-api', '--offline', '--date', '2026-11-27', '--libc', 'glibc'],
      repo,
    );
    expect(glibc.out.split('\n').find((l) => l.includes('python:3.11-alpine'))).toMatch(
      /-> python:3\.14\.\d+-slim-trixie\s+\[minor\]/,
    );
  });
});

describe('pybase recommend: the dependency analysis is cached', () => {
  it('a second run reads the stored analysis and decisions and prints the same; --no-cache stores nothing', async () => {
    const { existsSync, readdirSync } = await import('node:fs');
    const dir = flaskWith('');
    const cache = mkdtempSync(path.join(tmpdir(), 'pybase-recommend-cache-'));
    temps.push(cache);
    const argv = ['recommend', '--offline', '--json', '--cache-dir', cache];
    const uncached = await run([...argv, '--no-cache'], dir);
    expect(existsSync(path.join(cache, 'deps'))).toBe(false);
    const first = await run(argv, dir);
    const entries = (sub: string) => readdirSync(path.join(cache, sub)).filter((f) => f.endsWith('.json'));
    expect(entries('deps')).toHaveLength(1);
    expect(entries('deps/recommend')).toHaveLength(1);
    const second = await run(argv, dir);
    expect(second.code).toBe(first.code);
    expect(second.out).toBe(first.out);
    expect(first.out).toBe(uncached.out);
    expect((JSON.parse(second.out) as RecommendResult).recommendations.length).toBeGreaterThan(0);
  });
});

describe("pybase recommend: Poetry's python constraint in pyproject.toml", () => {
  const poetryProject = (constraint: string) => {
    const dir = writeProject({
      'pyproject.toml': `[tool.poetry]\nname = "m"\nversion = "1"\n[tool.poetry.dependencies]\npython = "${constraint}"\n`,
    });
    temps.push(dir);
    return dir;
  };
  const minorsExcluded = (out: string) =>
    new Set(
      (JSON.parse(out) as RecommendResult).recommendations[0]?.rejected
        .filter((r) => r.reasons.some((x) => x.code === 'python-excluded'))
        .map((r) => r.tag.split('.').slice(0, 2).join('.')),
    );

  it.each([
    ['^3.10', '3.14', []],
    ['~3.12', '3.12', ['3.10', '3.11', '3.13', '3.14']],
    ['3.12.*', '3.12', ['3.10', '3.11', '3.13', '3.14']],
    ['^3.10,<3.14', '3.13', ['3.14']],
    ['~3.12 || ~3.13', '3.13', ['3.10', '3.11', '3.14']],
  ])('python = %j: recommends Python %s, excludes %j', async (constraint, minor, excluded) => {
    const r = await runMain(
      ['recommend', '--offline', '--json', '--no-cache', '--stage', 'prod', '--date', '2026-11-27'],
      { cwd: poetryProject(constraint), env: { XDG_CACHE_HOME: cacheHome } },
    );
    expect(r.code).toBe(0);
    expect(prodTag(r.out).startsWith(`${minor}.`)).toBe(true);
    expect([...minorsExcluded(r.out)].sort()).toEqual(excluded);
  });
});

describe('pybase recommend at a date whose images lack architecture data', () => {
  it('says the architectures are not recorded instead of claiming the image is not published for them', async () => {
    const dir = writeProject({ 'requirements.txt': 'six==1.16.0\n' });
    const r = await run(
      ['recommend', '--offline', '--no-cache', '--format', 'json', '--date', '2021-06-01'],
      dir,
    );
    const result = JSON.parse(r.out) as RecommendResult;
    const messages = result.recommendations.flatMap((rec) =>
      rec.rejected.flatMap((x) => x.reasons.filter((y) => y.code === 'arch-missing').map((y) => y.message)),
    );
    expect(messages.some((m) => m.startsWith("its architectures are not recorded in pybase's data"))).toBe(
      true,
    );
  });
});

describe('architectures no image is built for', () => {
  it('are refused with exit 2 on a first run and on a run the result cache could answer', async () => {
    const dir = flaskWith('');
    // A run that stores the analysis for the default architectures, then two asking for mips64le
    // (none is built for it at the date): the second could be answered from the cache, and is not.
    const date = ['--date', '2026-11-27'];
    expect((await run(['recommend', '--offline', '--stage', 'prod', ...date], dir)).code).not.toBe(2);
    for (let i = 0; i < 2; i++) {
      const r = await run(['recommend', '--offline', '--arch', 'mips64le', '--arch', 'amd64', ...date], dir);
      expect(r.code, `run ${i + 1}`).toBe(2);
      expect(r.err).toContain('no python image published at 2026-11-27 is built for mips64le');
    }
  });
});
