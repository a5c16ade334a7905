import { readFileSync, symlinkSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createCatalog } from '../catalog/catalog.js';
import { parseTag } from '../catalog/tag.js';
import { defaultConfig, loadConfig, type PybaseConfig } from '../config/load.js';
import { isPybaseError } from '../model/diagnostic.js';
import { rules } from '../rules/index.js';
import { ruleCatalogOf } from './catalog-view.js';
import { exceedsThreshold, mayBePython, pinnedStatus, runCheck } from './check.js';
import { writeProject } from './test-project.js';

const fixtures = path.resolve(import.meta.dirname, '../../test/fixtures');
const seedDate = '2026-11-27';

function at(result: Awaited<ReturnType<typeof runCheck>>, code: string): string[] {
  return result.findings
    .filter((d) => d.code === code)
    .map((d) => `${d.location?.file}:${d.location?.startLine}`);
}

describe('seed anti-patterns (fixtures at 2026-11-27)', () => {
  it('python:latest -> PB001 on the FROM line', async () => {
    const r = await runCheck(path.join(fixtures, 'check-latest'), { date: seedDate });
    expect(at(r, 'PB001')).toEqual(['Dockerfile:2']);
    expect(r.findings.find((d) => d.code === 'PB001')?.severity).toBe('error');
  });

  it('3.9-alpine -> PB101 (end of life) and PB007 (no longer rebuilt)', async () => {
    const r = await runCheck(path.join(fixtures, 'check-alpine-eol'), { date: seedDate });
    expect(at(r, 'PB101')).toEqual(['Dockerfile:2']);
    expect(at(r, 'PB007')).toEqual(['Dockerfile:2']);
    expect(at(r, 'PB006')).toEqual([]);
    expect(r.findings.find((d) => d.code === 'PB101')?.message).toContain('3.9');
  });

  it('CI on slim, production on alpine -> PB301 on the CI line', async () => {
    const r = await runCheck(path.join(fixtures, 'check-ci-prod-drift'), { date: seedDate });
    expect(at(r, 'PB301')).toEqual(['.gitlab-ci.yml:6']);
    expect(r.findings.find((d) => d.code === 'PB301')?.message).toMatch(/glibc.*musl/);
  });

  it('a tag without its distro -> PB004', async () => {
    const r = await runCheck(path.join(fixtures, 'check-implicit-distro'), { date: seedDate });
    expect(at(r, 'PB004')).toEqual(['Dockerfile:1']);
  });

  it('findings are sorted and counted, and stale data is noticed', async () => {
    const r = await runCheck(path.join(fixtures, 'check-alpine-eol'), { date: seedDate });
    const keys = r.findings.map((d) =>
      [d.location?.file ?? '', d.location?.startLine ?? 0, d.code].join('\u0000'),
    );
    expect(keys).toEqual([...keys].sort());
    expect(r.counts.total).toBe(r.findings.length);
    expect(r.counts.error + r.counts.warning + r.counts.info).toBe(r.counts.total);
    expect(r.dataAge.stale).toBe(true);
    expect(r.notices[0]?.code).toBe('PBE009');
    const fresh = await runCheck(path.join(fixtures, 'check-latest'), { date: '2026-09-01' });
    expect(fresh.notices).toEqual([]);
  });
});

describe('configuration effects', () => {
  it('ignore, select and severity overrides', async () => {
    const root = writeProject({ Dockerfile: 'FROM python:3.12-slim\n' });
    const base = await runCheck(root, { date: '2026-08-20' });
    expect(base.findings.map((d) => d.code)).toEqual(expect.arrayContaining(['PB003', 'PB004', 'PB005']));
    const config = await loadConfig(
      writeProject({
        'pybase.toml': 'ignore = ["PB005"]\n[severity]\nPB004 = "error"\nPB003 = { prod = "off" }\n',
      }),
    );
    const r = await runCheck(root, { date: '2026-08-20', config });
    expect(r.findings.map((d) => d.code)).not.toContain('PB005');
    expect(r.findings.map((d) => d.code)).not.toContain('PB003');
    expect(r.findings.find((d) => d.code === 'PB004')?.severity).toBe('error');
    expect(r.rulesRun).not.toContain('PB005');
    const sel = await runCheck(root, {
      date: '2026-08-20',
      config: { ...config, select: ['PB0'], ignore: [] },
    });
    expect(sel.rulesRun.every((c) => c.startsWith('PB0'))).toBe(true);
  });

  it('a partial configuration from a library caller: keys left out take their defaults', async () => {
    const root = writeProject({ Dockerfile: 'FROM python:3.12-slim\n' });
    const r = await runCheck(root, {
      date: '2026-08-20',
      config: { ignore: ['PB005'], exclude: undefined } as Partial<PybaseConfig>,
    });
    expect(r.findings.map((d) => d.code)).toEqual(expect.arrayContaining(['PB003', 'PB004']));
    expect(r.findings.map((d) => d.code)).not.toContain('PB005');
    expect(r.config.eolWindowDays).toBe(180);
    expect(r.config.exclude).toEqual([]);
  });

  it('fail-on thresholds', async () => {
    const r = await runCheck(writeProject({ Dockerfile: 'FROM python:3.12.14-slim-trixie\n' }), {
      date: '2026-08-20',
    });
    expect(r.findings.map((d) => d.severity)).toEqual(['info']);
    expect(exceedsThreshold(r, 'error')).toBe(false);
    expect(exceedsThreshold(r, 'info')).toBe(true);
    expect(exceedsThreshold(r, 'never')).toBe(false);
  });
});

describe('ignore pragmas', () => {
  it('silence the next instruction and report unused codes', async () => {
    const root = writeProject({
      Dockerfile: [
        '# pybase: ignore=PB001,PB003',
        'FROM python:latest AS a',
        'FROM python:latest AS b',
        '# pybase: ignore-file=PB005',
        '',
      ].join('\n'),
    });
    const r = await runCheck(root, { date: '2026-08-20' });
    expect(at(r, 'PB001')).toEqual(['Dockerfile:3']);
    // Line 2 is a non-final stage (build), where PB005 is off; line 3 is the production image.
    expect(r.suppressed.map((d) => `${d.code}:${d.location?.startLine}`)).toEqual(['PB001:2', 'PB005:3']);
    const unused = r.findings.filter((d) => d.code === 'PBE010');
    expect(unused.map((d) => `${d.location?.startLine} ${d.data?.unusedCode}`)).toEqual(['1 PB003']);
  });

  it('take a pragma at the end of a YAML or TOML line for that line, and ; comments in INI files', async () => {
    const root = writeProject({
      Dockerfile: 'FROM python:3.12.14-slim-trixie\n',
      'compose.yaml': [
        'services:',
        '  a:',
        '    image: python:3.12-slim-trixie # pybase: ignore=PB003',
        '  b:',
        '    image: python:3.12-slim-trixie  #pybase: ignore=PB003, PB101',
        '  c:',
        '    image: "python:3.12-slim-trixie"',
        '',
      ].join('\n'),
      'tox.ini': '[tox]\n; pybase: ignore=PB302\nenvlist = py311\n',
    });
    const r = await runCheck(root, { date: '2026-08-20' });
    expect(at(r, 'PB003')).toEqual(['compose.yaml:7']);
    expect(r.suppressed.map((d) => `${d.location?.file}:${d.code}:${d.location?.startLine}`)).toEqual([
      'compose.yaml:PB003:3',
      'compose.yaml:PB003:5',
      'tox.ini:PB302:3',
    ]);
    const unused = r.findings.filter((d) => d.code === 'PBE010');
    expect(unused.map((d) => `${d.location?.file}:${d.location?.startLine} ${d.data?.unusedCode}`)).toEqual([
      'compose.yaml:5 PB101',
    ]);
  });

  it('report unknown codes, and do not call an ignore of a disabled rule unused', async () => {
    const root = writeProject({
      Dockerfile: '# pybase: ignore=PB999,PB010,PB002\nFROM python:3.12.14-slim-trixie\n',
    });
    const r = await runCheck(root, { date: '2026-08-20', config: { ...defaultConfig, ignore: ['PB002'] } });
    const unused = r.findings.filter((d) => d.code === 'PBE010');
    expect(unused.map((d) => d.data?.unusedCode)).toEqual(['PB010', 'PB999']);
    expect(unused[1]?.message).toContain('not a pybase code');
  });
});

describe('bad input never crashes', () => {
  it('binary Dockerfile, 10 MB Dockerfile, invalid YAML, invalid pyproject, unterminated heredoc, symlink loop', async () => {
    const big = `FROM python:3.12-slim\n${'# filler\n'.repeat((10 * 1024 * 1024) / 9)}`;
    const root = writeProject({
      'bin/Dockerfile': new Uint8Array([0, 1, 2, 3, 0, 255, 0, 10]),
      'big/Dockerfile': big,
      'docker-compose.yml': 'services:\n  app:\n    image: [python:3.12\n',
      'pyproject.toml': '[project\nrequires-python = ">=3.12"\n',
      'heredoc/Dockerfile': 'FROM python:3.12.14-slim-trixie\nRUN <<EOF\necho never closed\n',
      'loop/.keep': '',
    });
    symlinkSync(path.join(root, 'loop'), path.join(root, 'loop', 'again'));
    const r = await runCheck(root, { date: '2026-08-20' });
    const problems = r.findings.filter((d) => d.code.startsWith('PBE'));
    const files = problems.map((d) => d.location?.file);
    expect(files).toEqual(
      expect.arrayContaining([
        'bin/Dockerfile',
        'big/Dockerfile',
        'docker-compose.yml',
        'pyproject.toml',
        'loop/again',
      ]),
    );
    for (const d of problems) expect(d.message.length).toBeGreaterThan(10);
    // The heredoc file's FROM is still judged.
    expect(r.findings.some((d) => d.location?.file === 'heredoc/Dockerfile' && d.code === 'PB005')).toBe(
      true,
    );
  });

  it('an invalid pybase.toml is a configuration error naming file and line', async () => {
    const root = writeProject({ 'pybase.toml': 'ignore = ["PB005"]\nfail-on = \n' });
    const err = await loadConfig(root).catch((e: unknown) => e);
    expect(isPybaseError(err)).toBe(true);
    if (isPybaseError(err)) {
      expect(err.diagnostic.code).toBe('PBE004');
      expect(err.diagnostic.location).toMatchObject({ file: 'pybase.toml', startLine: 2 });
    }
  });
});

describe('a dependency file the PB2xx rules cannot read is a finding', () => {
  const uvText = () => readFileSync(path.join(fixtures, 'deps-uv-groups', 'uv.lock'), 'utf8');

  it('a uv.lock cut short: PBE006 at its line, relative to the root, instead of judging nothing', async () => {
    const root = writeProject({
      Dockerfile: 'FROM python:3.12.14-alpine3.23\n',
      'uv.lock': uvText().slice(0, 2500),
    });
    const r = await runCheck(root, { date: seedDate });
    const problem = r.findings.find((d) => d.code === 'PBE006');
    expect(problem).toMatchObject({ severity: 'error', location: { file: 'uv.lock' } });
    expect(problem?.message).toMatch(/^uv\.lock:\d+:\d+: not valid TOML/);
    expect(JSON.stringify(problem)).not.toContain(root);
    expect(exceedsThreshold(r, 'error')).toBe(true);
    // Without the PB2xx rules the lock is not read, and not reported.
    const without = await runCheck(root, {
      date: seedDate,
      rules: rules.filter((rule) => !rule.code.startsWith('PB2')),
    });
    expect(without.findings.filter((d) => d.code === 'PBE006')).toEqual([]);
  });

  it('an include cycle in requirements is reported with paths relative to the root', async () => {
    const root = writeProject({
      Dockerfile: 'FROM python:3.12.14-slim-trixie\n',
      'requirements.txt': '-r requirements/base.txt\n',
      'requirements/base.txt': 'flask==3.0.3\n-r ../requirements.txt\n',
    });
    const r = await runCheck(root, { date: seedDate });
    const problem = r.findings.find((d) => d.code === 'PBE006');
    expect(problem?.location?.file).toBe('requirements/base.txt');
    expect(problem?.message).toContain('forms a cycle');
    expect(problem?.message).not.toContain(root);
  });

  it('a pyproject.toml that is both a version file and the dependency file is reported once', async () => {
    const root = writeProject({
      Dockerfile: 'FROM python:3.12.14-slim-trixie\n',
      'pyproject.toml': '[project]\nname = "x\n',
    });
    const r = await runCheck(root, { date: seedDate });
    expect(r.findings.filter((d) => d.code === 'PBE006').map((d) => d.location?.file)).toEqual([
      'pyproject.toml',
    ]);
  });
});

describe('mayBePython', () => {
  it('tells references that may name python', () => {
    expect(mayBePython('python:${PY}-slim')).toBe(true);
    expect(mayBePython('${REGISTRY}/library/python:3.12')).toBe(true);
    expect(mayBePython('${BASE_IMAGE}')).toBe(true);
    expect(mayBePython('node:${NODE_VERSION}')).toBe(false);
    expect(mayBePython('ghcr.io/astral-sh/uv:${UV}')).toBe(false);
  });
});

describe('pinnedStatus', () => {
  it('keeps of a digest-pinned reference only what its tag states', () => {
    const catalog = ruleCatalogOf(createCatalog(), { dataDate: '2026-08-22' });
    const status = (tag: string) => pinnedStatus(parseTag(tag), catalog.status(tag, '2026-11-27'));
    expect(status('latest').facts).toEqual({ libc: { family: 'glibc' } });
    expect(status('3.12').facts).toEqual({ minor: '3.12', libc: { family: 'glibc' } });
    expect(status('3.12-alpine').facts).toEqual({ minor: '3.12', libc: { family: 'musl' } });
    expect(status('3.12-slim-trixie').facts).toMatchObject({
      minor: '3.12',
      distro: { name: 'trixie' },
      libc: { family: 'glibc', version: '2.41' },
    });
    expect(status('3.12-slim-trixie').facts.python).toBeUndefined();
    // A fully specified tag states everything.
    expect(status('3.12.14-slim-trixie').facts.python).toBe('3.12.14');
  });
});
