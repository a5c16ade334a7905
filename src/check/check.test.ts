import { readFileSync, symlinkSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createCatalog } from '../catalog/catalog.js';
import { parseTag } from '../catalog/tag.js';
import { defaultConfig, loadConfig, type PybaseConfig } from '../config/load.js';
import type { DependencySet } from '../model/dependencies.js';
import { isPybaseError } from '../model/diagnostic.js';
import { rules } from '../rules/index.js';
import type { IndexClient, ProjectLookup } from '../sources/package-index.js';
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
    // Every command reads what 'pybase data update' refreshes: no --data-dir needed.
    expect(r.notices[0]?.hint).toContain("run 'pybase data update'");
    expect(r.notices[0]?.hint).not.toContain('--data-dir');
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

  it('silence one value of a setup-python matrix, list or block by a pragma where the value is written', async () => {
    const workflow = [
      'on: push',
      'jobs:',
      '  include:',
      '    runs-on: ubuntu-latest',
      '    strategy:',
      '      matrix:',
      '        include:',
      '          - python-version: "3.8" # pybase: ignore=PB101',
      '          # pybase: ignore=PB101',
      '          - python-version: "3.7"',
      '          - python-version: "3.9"',
      '          - python-version: "3.12"',
      '    steps:',
      '      - uses: actions/setup-python@v5',
      '        with:',
      '          python-version: ${{ matrix.python-version }}',
      '  flow:',
      '    runs-on: ubuntu-latest',
      '    strategy:',
      '      matrix:',
      '        py: ["3.8", "3.12"] # pybase: ignore=PB101',
      '        os:',
      '          - ubuntu-latest',
      '    steps:',
      '      - uses: actions/setup-python@v5',
      '        with:',
      '          python-version: ${{ matrix.py }}',
      '  lists:',
      '    runs-on: ubuntu-latest',
      '    steps:',
      '      - uses: actions/setup-python@v5',
      '        with:',
      '          python-version:',
      '            - "3.8" # pybase: ignore=PB101',
      '            - "3.9"',
      '',
    ].join('\n');
    const r = await runCheck(writeProject({ '.github/workflows/ci.yml': workflow }), { date: '2026-08-20' });
    const where = (list: typeof r.findings) =>
      list.filter((d) => d.code === 'PB101').map((d) => `${d.location?.startLine} ${d.data?.subject}`);
    // Silenced: 3.8 and 3.7 of the include entries (end of line, line before), 3.8 of the flow list
    // and the list item 3.8. Still reported: 3.9 of the matrix and of the list.
    expect(where(r.suppressed)).toEqual(['16 Python 3.7', '16 Python 3.8', '27 Python 3.8', '34 Python 3.8']);
    expect(where(r.findings)).toEqual(['16 Python 3.9', '35 Python 3.9']);
    expect(r.findings.filter((d) => d.code === 'PBE010')).toEqual([]);
    // The finding points at the step and names where the value is written, which it lists as related.
    const matrix = r.findings.find((d) => d.code === 'PB101' && d.location?.startLine === 16)!;
    expect(matrix.message).toContain('(matrix.python-version=3.9 at line 11)');
    expect(matrix.related?.map((p) => `${p.startLine}:${p.startColumn}`)).toEqual(['11:30']);
  });

  it('keep silencing every value by a pragma before the step, the key or the block', async () => {
    const workflow = [
      'jobs:',
      '  t:',
      '    runs-on: ubuntu-latest',
      '    strategy:',
      '      matrix:',
      '        py: ["3.8", "3.9"]',
      '    steps:',
      '      # pybase: ignore=PB101',
      '      - uses: actions/setup-python@v5',
      '        with:',
      '          python-version: ${{ matrix.py }}',
      '      - uses: actions/setup-python@v5',
      '        with:',
      '          # pybase: ignore=PB101',
      '          python-version:',
      '            - "3.8"',
      '            - "3.9"',
      '      - uses: actions/setup-python@v5',
      '        with:',
      '          python-version: | # pybase: ignore=PB101',
      '            3.8',
      '            3.9',
      '',
    ].join('\n');
    const r = await runCheck(writeProject({ '.github/workflows/ci.yml': workflow }), { date: '2026-08-20' });
    expect(r.findings.filter((d) => d.code === 'PB101' || d.code === 'PBE010')).toEqual([]);
    expect(r.suppressed.map((d) => `${d.location?.startLine} ${d.data?.subject}`)).toEqual([
      '11 Python 3.8',
      '11 Python 3.9',
      '16 Python 3.8',
      '17 Python 3.9',
      '21 Python 3.8',
      '22 Python 3.9',
    ]);
  });

  it('take a pragma at the end of a .tool-versions line, and report one after a .python-version version', async () => {
    const root = writeProject({
      '.tool-versions':
        'python 3.8.18 3.12.7 # pybase: ignore=PB101\npython 3.7.17  # pybase: ignore=PB102,PB998\n',
      '.python-version': '3.8  # pybase: ignore=PB101\n',
      'a/.python-version': '# pybase: ignore=PB101\n3.8\n',
    });
    const r = await runCheck(root, { date: '2026-08-20' });
    const show = (list: typeof r.findings) =>
      list.map((d) => `${d.location?.file}:${d.location?.startLine}:${d.location?.startColumn} ${d.code}`);
    expect(show(r.suppressed)).toEqual(['.tool-versions:1:8 PB101', 'a/.python-version:2:1 PB101']);
    expect(show(r.findings)).toEqual([
      '.python-version:1:1 PB101',
      '.python-version:1:6 PBE010',
      '.tool-versions:2:1 PBE010',
      '.tool-versions:2:1 PBE010',
      '.tool-versions:2:8 PB101',
    ]);
    const unused = r.findings.filter((d) => d.location?.file === '.tool-versions' && d.code === 'PBE010');
    expect(unused.map((d) => d.data?.unusedCode)).toEqual(['PB102', 'PB998']);
    const misplaced = r.findings.find((d) => d.location?.file === '.python-version' && d.code === 'PBE010');
    expect(misplaced?.message).toContain('.python-version takes comments only on lines of their own');
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

describe('dependencies the lock names no files for are looked up before the rules run', () => {
  const files = [
    'scikit_learn-1.5.0-cp312-cp312-manylinux_2_17_x86_64.manylinux2014_x86_64.whl',
    'scikit_learn-1.5.0-cp312-cp312-manylinux_2_17_aarch64.manylinux2014_aarch64.whl',
    'scikit_learn-1.5.0.tar.gz',
  ];
  /** An index client that knows scikit-learn and records what it is asked; `fail` makes every look-up fail. */
  function fakeIndex(fail = false): IndexClient & { asked: string[][] } {
    const asked: string[][] = [];
    const found = (name: string): ProjectLookup =>
      fail
        ? {
            status: 'error',
            name,
            diagnostic: {
              code: 'PBE008',
              severity: 'error',
              message: `cannot reach index.example.com for ${name}: connection refused`,
              hint: 'check the index URL',
            },
          }
        : name === 'scikit-learn'
          ? {
              status: 'found',
              name,
              files: files.map((filename) => ({
                filename,
                url: `https://index.example.com/files/${filename}`,
                hashes: {},
                requiresPython: '>=3.9',
                yanked: false,
              })),
              indexUrl: 'https://index.example.com/simple/',
              format: 'json',
              source: 'network',
              fetchedAt: 0,
              problems: [],
            }
          : { status: 'notFound', name, searched: ['https://index.example.com/simple/'] };
    return {
      asked,
      indexUrls: ['https://index.example.com/simple/'],
      getProjectFiles: () => Promise.reject(new Error('not used')),
      async lookupMany(names) {
        asked.push([...names]);
        return names.map(found);
      },
    };
  }
  const project = (extra: Record<string, string> = {}) =>
    writeProject({
      'requirements.txt': 'scikit-learn==1.5.0\n',
      Dockerfile: 'FROM python:3.12.14-alpine3.24\n',
      ...extra,
    });
  const dependencyNotices = (r: Awaited<ReturnType<typeof runCheck>>) =>
    r.notices.filter((n) => n.code === 'PBE008');

  it('judges them from the index pages: PB201 and PB205 on alpine', async () => {
    const index = fakeIndex();
    const r = await runCheck(project(), { date: seedDate, index });
    expect(index.asked).toEqual([['scikit-learn']]);
    expect(at(r, 'PB201')).toEqual(['Dockerfile:1']);
    expect(at(r, 'PB205')).toEqual(['Dockerfile:1']);
    expect(dependencyNotices(r)).toEqual([]);
  });

  it('opens the index only when a look-up is needed, given the dependencies', async () => {
    const index = fakeIndex();
    const opened: string[] = [];
    const open = async (deps: DependencySet) => {
      opened.push(deps.source.kind);
      return index;
    };
    await runCheck(project(), { date: seedDate, index: open });
    expect(opened).toEqual(['requirements']);
    // Nothing to look up (every file named), no image to judge on, or no PB2xx rule: not opened.
    const named = writeProject({
      'uv.lock': readFileSync(path.join(fixtures, 'deps-uv-groups', 'uv.lock'), 'utf8'),
      Dockerfile: 'FROM python:3.12.14-alpine3.24\n',
    });
    await runCheck(named, { date: seedDate, index: open });
    await runCheck(writeProject({ 'requirements.txt': 'scikit-learn==1.5.0\n' }), {
      date: seedDate,
      index: open,
    });
    await runCheck(project(), { date: seedDate, index: open, config: { select: ['PB0', 'PB1'] } });
    await runCheck(project(), { date: seedDate, index: open, offline: true });
    expect(opened).toEqual(['requirements']);
  });

  it('offline, or without an index, a notice says how many were not judged and why', async () => {
    const offline = await runCheck(project(), { date: seedDate, offline: true, index: fakeIndex() });
    expect(offline.findings.filter((d) => d.code.startsWith('PB2'))).toEqual([]);
    expect(dependencyNotices(offline)).toEqual([
      expect.objectContaining({
        severity: 'info',
        message:
          '1 dependency of requirements.txt could not be judged by the dependency rules (PB201-PB206): requirements.txt names no files for them and pybase is offline, so they were not looked up: scikit-learn',
        data: { dependencyFile: 'requirements.txt', reason: 'offline', packages: ['scikit-learn'] },
      }),
    ]);
    const none = await runCheck(project(), { date: seedDate });
    expect(dependencyNotices(none)).toEqual([
      expect.objectContaining({
        severity: 'info',
        message: expect.stringContaining('no package index was given'),
        data: expect.objectContaining({ reason: 'no-index' }),
      }),
    ]);
  });

  it('a failed look-up is a warning notice with the first error', async () => {
    const r = await runCheck(project({ 'requirements.txt': 'scikit-learn==1.5.0\nnumpy==2.0.0\n' }), {
      date: seedDate,
      index: fakeIndex(true),
    });
    expect(dependencyNotices(r)).toEqual([
      expect.objectContaining({
        severity: 'warning',
        message:
          '2 dependencies of requirements.txt could not be judged by the dependency rules (PB201-PB206): the package index look-up failed (cannot reach index.example.com for scikit-learn: connection refused): scikit-learn, numpy',
        hint: 'check the index URL',
        data: expect.objectContaining({ reason: 'lookup-failed', packages: ['scikit-learn', 'numpy'] }),
      }),
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
