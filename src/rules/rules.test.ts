import { describe, expect, it } from 'vitest';
import { runCheck } from '../check/check.js';
import { writeProject } from '../check/test-project.js';
import { defaultConfig, loadConfig, type PybaseConfig } from '../config/load.js';

async function codesAt(files: Record<string, string>, date: string, config: Partial<PybaseConfig> = {}) {
  const root = writeProject(files);
  const result = await runCheck(root, { date, config: { ...defaultConfig, ...config } });
  return result.findings.map((d) => `${d.location?.file}:${d.location?.startLine} ${d.code} ${d.severity}`);
}

function only(list: string[], code: string): string[] {
  return list.filter((l) => l.includes(` ${code} `));
}

const d = '2026-08-20';

describe('PB001 latest-tag', () => {
  it('fires on no tag, latest and version-less tags', async () => {
    const out = await codesAt(
      { Dockerfile: 'FROM python AS a\nFROM python:latest AS b\nFROM python:slim\n' },
      d,
    );
    expect(only(out, 'PB001')).toEqual([
      'Dockerfile:1 PB001 error',
      'Dockerfile:2 PB001 error',
      'Dockerfile:3 PB001 error',
    ]);
  });
  it('does not fire on a versioned tag or a digest-pinned reference', async () => {
    const digest = 'a'.repeat(64);
    const out = await codesAt(
      { Dockerfile: `FROM python:3.12-slim AS a\nFROM python@sha256:${digest}\n` },
      d,
    );
    expect(only(out, 'PB001')).toEqual([]);
  });
  it('is a warning in dev files', async () => {
    const out = await codesAt({ 'docker/dev/Dockerfile': 'FROM python:latest\n' }, d);
    expect(only(out, 'PB001')).toEqual(['docker/dev/Dockerfile:1 PB001 warning']);
  });
});

describe('PB002 / PB003 / PB004 precision', () => {
  it('PB002 fires on major-only tags only', async () => {
    const out = await codesAt({ Dockerfile: 'FROM python:3-slim AS a\nFROM python:3.12-slim-trixie\n' }, d);
    expect(only(out, 'PB002')).toEqual(['Dockerfile:1 PB002 error']);
  });
  it('PB003 fires on minor-only tags in prod, not on patch pins, not in dev', async () => {
    const out = await codesAt(
      {
        Dockerfile: 'FROM python:3.12-slim-trixie AS a\nFROM python:3.12.14-slim-trixie\n',
        'dev/Dockerfile': 'FROM python:3.12-slim-trixie\n',
      },
      d,
    );
    expect(only(out, 'PB003')).toEqual(['Dockerfile:1 PB003 warning']);
  });
  it('PB003 suggests the exact tag of a current image, never the last image of a frozen one', async () => {
    const current = await runCheck(writeProject({ Dockerfile: 'FROM python:3.12-slim-trixie\n' }), {
      date: d,
    });
    expect(current.findings.find((x) => x.code === 'PB003')?.hint).toMatch(/python:3\.12\.\d+-slim-trixie$/);
    const frozen = await runCheck(writeProject({ Dockerfile: 'FROM python:3.9-alpine\n' }), {
      date: '2026-11-27',
    });
    expect(frozen.findings.find((x) => x.code === 'PB003')?.hint).not.toMatch(/3\.9\.\d+/);
  });
  it('PB004 fires without a distro and names the resolved distro', async () => {
    const root = writeProject({ Dockerfile: 'FROM python:3.12-slim AS a\nFROM python:3.12-slim-trixie\n' });
    const r = await runCheck(root, { date: d });
    const f = r.findings.filter((x) => x.code === 'PB004');
    expect(f.map((x) => x.location?.startLine)).toEqual([1]);
    expect(f[0]?.message).toContain('trixie');
    // Before 2025-08 the default distro was bookworm.
    const old = await runCheck(root, { date: '2025-03-01' });
    expect(old.findings.find((x) => x.code === 'PB004')?.message).toContain('bookworm');
  });
});

describe('messages', () => {
  it('print an ARG value continued over two lines on one line', async () => {
    const r = await runCheck(writeProject({ Dockerfile: 'ARG PY=3.12\\\n.14\nFROM python:${PY}-slim\n' }), {
      date: d,
    });
    const message = r.findings.find((f) => f.code === 'PB004')?.message ?? '';
    expect(message).toContain("(= 'python:3.12.14-slim'; PY=3.12.14 at line 1)");
    expect(message).not.toContain('\n');
  });
});

describe('PB005 missing-digest', () => {
  it('is information in prod only', async () => {
    const out = await codesAt(
      {
        Dockerfile: 'FROM python:3.12.14-slim-trixie\n',
        '.gitlab-ci.yml': 'test:\n  image: python:3.12.14-slim-trixie\n  script: [pytest]\n',
      },
      d,
    );
    expect(only(out, 'PB005')).toEqual(['Dockerfile:1 PB005 info']);
  });
});

describe('PB006 unknown-tag and PB007 frozen-tag', () => {
  it('PB006 fires on a typo and suggests the real tag', async () => {
    const root = writeProject({ Dockerfile: 'FROM python:3.12-slim-bookwork\n' });
    const r = await runCheck(root, { date: d });
    const f = r.findings.find((x) => x.code === 'PB006');
    expect(f?.hint).toContain('3.12-slim-bookworm');
  });
  it('PB006 says a tag first listed after the date was not yet published; rules about its image stay quiet', async () => {
    const r = await runCheck(writeProject({ Dockerfile: 'FROM python:3.12-slim\n' }), { date: '2023-01-01' });
    expect(r.findings.map((f) => f.code)).toEqual(['PB006']);
    const f = r.findings[0]!;
    expect(f.message).toContain(
      "tag '3.12-slim' was not yet published at 2023-01-01 (first listed 2023-10-03)",
    );
    expect(f.data?.firstListed).toBe('2023-10-03');
    // Suggestions are tags that existed at the date: no 3.12 patch tag (those came later).
    expect(f.data?.suggestions).not.toEqual([]);
    expect(((f.data?.suggestions ?? []) as string[]).filter((s) => s.startsWith('3.12.'))).toEqual([]);
  });
  it('PB007 names a current equivalent on a supported distro, unless the policy still supports the old one', async () => {
    const files = { Dockerfile: 'FROM python:3.8\n' };
    const at = async (config: Partial<PybaseConfig>) => {
      const r = await runCheck(writeProject(files), { date: '2026-11-27', config });
      return r.findings.find((f) => f.code === 'PB007')?.hint;
    };
    expect(await at({})).toMatch(/^the current equivalent is '3\.\d+\.\d+-trixie'$/);
    expect(await at({ debianEolPolicy: 'lts' })).toMatch(/-bookworm'$/);
  });
  it('PB006 does not fire on a published tag', async () => {
    expect(only(await codesAt({ Dockerfile: 'FROM python:3.12-slim-bookworm\n' }, d), 'PB006')).toEqual([]);
  });
  it('PB007 fires on a tag no longer listed, with since and replacement; not while it is listed', async () => {
    const files = { Dockerfile: 'FROM python:3.11-slim-bullseye\n' };
    const root = writeProject(files);
    const r = await runCheck(root, { date: '2026-01-10' });
    const f = r.findings.find((x) => x.code === 'PB007');
    expect(f?.data?.since).toBe('2025-08-12');
    expect(f?.hint).toMatch(/current equivalent/);
    expect(only(await codesAt(files, '2024-06-01'), 'PB007')).toEqual([]);
  });
});

describe('PB008 prerelease-python', () => {
  it('fires outside dev; off in dev', async () => {
    const out = await codesAt(
      {
        Dockerfile: 'FROM python:3.15-rc-slim-trixie\n',
        'dev/Dockerfile': 'FROM python:3.15-rc-slim-trixie\n',
      },
      d,
    );
    expect(only(out, 'PB008')).toEqual(['Dockerfile:1 PB008 error']);
  });
});

describe('PB009 unresolved-reference', () => {
  it('fires on an ARG without a default; a default or a configured build arg silences it', async () => {
    const text = 'ARG PY\nFROM python:${PY}-slim-trixie\n';
    expect(only(await codesAt({ Dockerfile: text }, d), 'PB009')).toEqual(['Dockerfile:2 PB009 warning']);
    expect(only(await codesAt({ Dockerfile: text }, d, { buildArgs: { PY: '3.12' } }), 'PB009')).toEqual([]);
    expect(only(await codesAt({ Dockerfile: 'ARG NODE\nFROM node:${NODE}\n' }, d), 'PB009')).toEqual([]);
  });
  it('shows the variables as written and gives each kind of file a hint that works there', async () => {
    const root = writeProject({
      'deploy/compose.yaml': 'services:\n  app:\n    image: python:${PYV}-slim\n',
      '.gitlab-ci.yml': 'job:\n  image: python:$GPY\n  script: [echo]\n',
      '.github/workflows/ci.yml':
        'on: push\njobs:\n  t:\n    runs-on: ubuntu-latest\n    container: python:${{ vars.PYV }}\n    steps:\n      - run: echo\n  u:\n    runs-on: ubuntu-latest\n    container: python:${{ matrix.py }}\n    steps:\n      - run: echo\n',
      Dockerfile: 'ARG BASE\nFROM $BASE\n',
      'pybase.toml': '[build-args]\nPYV = "3.12"\nGPY = "3.12"\n',
    });
    const config = await loadConfig(root);
    const found = (await runCheck(root, { date: d, config })).findings.filter((f) => f.code === 'PB009');
    const byFile = Object.fromEntries(
      found.map((f) => [`${f.location?.file}:${f.location?.startLine}`, [f.message, f.hint]]),
    );
    expect(byFile['.github/workflows/ci.yml:5']?.[0]).toBe(
      "'python:${{ vars.PYV }}' uses ${{ vars.PYV }} without a value: the image cannot be judged",
    );
    expect(byFile['.github/workflows/ci.yml:5']?.[1]).toMatch(
      /^vars\.PYV is a repository or organization setting pybase cannot read/,
    );
    expect(byFile['.github/workflows/ci.yml:10']?.[1]).toBe('give strategy.matrix a value for py');
    expect(byFile['.gitlab-ci.yml:2']?.[0]).toBe(
      "'python:$GPY' uses $GPY without a value: the image cannot be judged",
    );
    expect(byFile['.gitlab-ci.yml:2']?.[1]).toMatch(/^give GPY a value under variables:/);
    expect(byFile['deploy/compose.yaml:3']?.[1]).toMatch(/^set PYV in deploy\/\.env beside the compose file/);
    expect(byFile['Dockerfile:2']?.[1]).toMatch(/build-args in the pybase configuration/);
    // build-args feed Dockerfile ARGs only: no other hint points there.
    for (const [where, [, hint]] of Object.entries(byFile)) {
      if (where !== 'Dockerfile:2') expect(hint, where).not.toMatch(/build-args/);
    }
  });
});

describe('PB010 registry-not-allowed', () => {
  it('fires only when a list is configured and the registry is not in it', async () => {
    const files = {
      Dockerfile:
        'FROM python:3.12.14-slim-trixie AS a\nFROM registry.example.com/library/python:3.12.14-slim-trixie\n',
    };
    expect(only(await codesAt(files, d), 'PB010')).toEqual([]);
    expect(only(await codesAt(files, d, { allowedRegistries: ['registry.example.com'] }), 'PB010')).toEqual([
      'Dockerfile:1 PB010 error',
    ]);
    expect(
      only(
        await codesAt(files, d, { allowedRegistries: ['index.docker.io', 'registry.example.com'] }),
        'PB010',
      ),
    ).toEqual([]);
  });
});

describe('PB204 arch-not-covered without dependencies', () => {
  const archs = ['amd64', 'arm64v8', 's390x'];
  it('reports a tag not published for a configured architecture, with no dependency file', async () => {
    const root = writeProject({ Dockerfile: 'FROM python:3.12-slim-bookworm\n' });
    const r = await runCheck(root, { date: '2026-11-27', config: { archs } });
    const found = r.findings.filter((f) => f.code === 'PB204');
    expect(found.map((f) => f.message)).toEqual([
      "'python:3.12-slim-bookworm' (3.12.14-slim-bookworm) is not published for s390x",
    ]);
    expect(found[0]?.hint).toMatch(/^it is published for amd64, .*ppc64le$/);
  });
  it('is quiet for a tag published for every configured architecture, and under the default archs', async () => {
    const trixie = writeProject({ Dockerfile: 'FROM python:3.12.14-slim-trixie\n' });
    expect(
      (await runCheck(trixie, { date: '2026-11-27', config: { archs } })).findings.filter(
        (f) => f.code === 'PB204',
      ),
    ).toEqual([]);
    const bookworm = writeProject({ Dockerfile: 'FROM python:3.12-slim-bookworm\n' });
    expect(
      (await runCheck(bookworm, { date: '2026-11-27' })).findings.filter((f) => f.code === 'PB204'),
    ).toEqual([]);
  });
  it('reports the missing architecture once when the project also has dependencies', async () => {
    const root = writeProject({
      Dockerfile: 'FROM python:3.12-slim-bookworm\n',
      'pyproject.toml': '[project]\nname = "x"\nversion = "1"\ndependencies = ["requests==2.32.3"]\n',
    });
    const r = await runCheck(root, { date: '2026-11-27', config: { archs } });
    expect(r.findings.filter((f) => f.code === 'PB204').map((f) => f.location?.startLine)).toEqual([1]);
  });
});

describe('PB101-PB104 end of life', () => {
  it('PB101 fires after the Python end of life, PB102 inside the window before it', async () => {
    const files = { Dockerfile: 'FROM python:3.10.18-slim-bookworm\n' };
    expect(only(await codesAt(files, '2026-11-27'), 'PB101')).toEqual(['Dockerfile:1 PB101 error']);
    expect(only(await codesAt(files, '2026-07-01'), 'PB102')).toEqual(['Dockerfile:1 PB102 warning']);
    expect(only(await codesAt(files, '2026-07-01'), 'PB101')).toEqual([]);
    expect(only(await codesAt(files, '2026-01-01'), 'PB102')).toEqual([]);
    expect(only(await codesAt(files, '2026-01-01', { eolWindowDays: 400 }), 'PB102')).toEqual([
      'Dockerfile:1 PB102 warning',
    ]);
  });
  it('PB103 follows the Debian policy: security by default, LTS when configured', async () => {
    const files = { Dockerfile: 'FROM python:3.12.14-slim-bookworm\n' };
    expect(only(await codesAt(files, '2026-08-20'), 'PB103')).toEqual(['Dockerfile:1 PB103 error']);
    expect(only(await codesAt(files, '2026-08-20', { debianEolPolicy: 'lts' }), 'PB103')).toEqual([]);
    expect(only(await codesAt(files, '2026-03-01'), 'PB104')).toEqual(['Dockerfile:1 PB104 warning']);
  });
  it('judges a floating tag by what it resolves to at the date', async () => {
    const files = { Dockerfile: 'FROM python:3.12-slim\n' };
    // 3.12-slim was bookworm before 2025-08: bookworm security support ends 2026-07.
    expect(only(await codesAt(files, '2025-03-01'), 'PB104')).toEqual([]);
    expect(only(await codesAt(files, '2026-08-20'), 'PB103')).toEqual([]);
  });
});

describe('PB101 / PB102 on version statements', () => {
  const findings = async (files: Record<string, string>, date = d, config: Partial<PybaseConfig> = {}) =>
    (await runCheck(writeProject(files), { date, config: { ...defaultConfig, ...config } })).findings.filter(
      (f) => f.code === 'PB101' || f.code === 'PB102',
    );
  const lines = (list: Awaited<ReturnType<typeof findings>>) =>
    list.map(
      (f) => `${f.location?.file}:${f.location?.startLine} ${f.code} ${f.severity} ${f.data?.subject}`,
    );

  it('a .python-version naming an end-of-life minor, in the stage of version files (dev unless configured)', async () => {
    const files = { '.python-version': '3.8\n' };
    const found = await findings(files);
    expect(lines(found)).toEqual(['.python-version:1 PB101 warning Python 3.8']);
    expect(found[0]!.message).toBe(
      ".python-version '3.8' names Python 3.8, which reached its end of life on 2024-10-07",
    );
    expect(found[0]!.location).toMatchObject({ startColumn: 1, endColumn: 4 });
    expect(found[0]!.data).toMatchObject({
      stage: 'dev',
      statement: 'python-version-file',
      versions: ['3.8'],
    });
    const prod = await findings(files, d, { stages: { prod: ['.python-version'] } });
    expect(lines(prod)).toEqual(['.python-version:1 PB101 error Python 3.8']);
    // A supported minor, and the same file before 3.8's end of life: nothing.
    expect(await findings({ '.python-version': '3.12.3\n' })).toEqual([]);
    expect(await findings(files, '2024-01-01')).toEqual([]);
  });

  it('PB102 inside the window before the end of life', async () => {
    expect(lines(await findings({ '.python-version': '3.10\n' }, '2026-07-01'))).toEqual([
      '.python-version:1 PB102 info Python 3.10',
    ]);
    expect(await findings({ '.python-version': '3.10\n' }, '2026-01-01')).toEqual([]);
  });

  it('runtime.txt, .tool-versions, Pipfile, each minor once per statement', async () => {
    const found = await findings({
      'runtime.txt': 'python-3.8.10\n',
      '.tool-versions': 'nodejs 20.1.0\npython 3.8.10 3.8.18 3.12.3\n',
      Pipfile: '[requires]\npython_version = "3.9"\npython_full_version = "3.9.18"\n',
    });
    expect(lines(found)).toEqual([
      '.tool-versions:2 PB101 warning Python 3.8',
      'Pipfile:2 PB101 warning Python 3.9',
      'Pipfile:3 PB101 warning Python 3.9',
      'runtime.txt:1 PB101 warning Python 3.8',
    ]);
    expect(found[0]!.data?.versions).toEqual(['3.8.10', '3.8.18']);
  });

  it('.tool-versions with several versions: each finding at the column of its own version, naming it', async () => {
    const found = await findings({ '.tool-versions': 'nodejs 20.1.0\npython 3.12.7 3.8.18  3.7.17\n' });
    expect(found.map((f) => [f.location?.startLine, f.location?.startColumn, f.location?.endColumn])).toEqual(
      [
        [2, 15, 21],
        [2, 23, 29],
      ],
    );
    expect(found.map((f) => f.message)).toEqual([
      ".tool-versions '3.8.18' names Python 3.8, which reached its end of life on 2024-10-07",
      ".tool-versions '3.7.17' names Python 3.7, which reached its end of life on 2023-06-27",
    ]);
  });

  it('setup-python versions written as a block or a list: each finding names its version, on one line, where it is written', async () => {
    const workflow = [
      'jobs:',
      '  t:',
      '    runs-on: ubuntu-latest',
      '    steps:',
      '      - uses: actions/setup-python@v5',
      '        with:',
      '          python-version: |',
      '            3.12',
      '            3.8',
      '            3.7.17',
      '      - uses: actions/setup-python@v5',
      '        with:',
      '          python-version:',
      '            - "3.13"',
      '            - "3.9"',
      '      - uses: actions/setup-python@v5',
      '        with: { python-version: ["3.12", "3.9"] }',
    ].join('\n');
    const found = await findings({ '.github/workflows/ci.yml': `${workflow}\n` });
    expect(found.map((f) => `${f.location?.startLine}:${f.location?.startColumn} ${f.message}`)).toEqual([
      "9:13 setup-python python-version '3.8' names Python 3.8, which reached its end of life on 2024-10-07",
      "10:13 setup-python python-version '3.7.17' names Python 3.7, which reached its end of life on 2023-06-27",
      "15:16 setup-python python-version '3.9' names Python 3.9, which reached its end of life on 2025-10-31",
      "17:43 setup-python python-version '3.9' names Python 3.9, which reached its end of life on 2025-10-31",
    ]);
  });

  it('setup-python in CI: a literal version and each value of a matrix, where the value is written', async () => {
    const workflow = [
      'on: push',
      'jobs:',
      '  test:',
      '    runs-on: ubuntu-latest',
      '    strategy:',
      '      matrix:',
      '        python: [3.9, "3.10", "3.12"]',
      '    steps:',
      '      - uses: actions/setup-python@v5',
      '        with:',
      '          python-version: ${{ matrix.python }}',
      '  lint:',
      '    runs-on: ubuntu-latest',
      '    steps:',
      '      - uses: actions/setup-python@v5',
      '        with:',
      '          python-version: 3.9',
    ].join('\n');
    const found = await findings({ '.github/workflows/ci.yml': `${workflow}\n` });
    expect(lines(found)).toEqual([
      '.github/workflows/ci.yml:11 PB101 error Python 3.9',
      '.github/workflows/ci.yml:11 PB102 warning Python 3.10',
      '.github/workflows/ci.yml:17 PB101 error Python 3.9',
    ]);
    expect(found[0]!.message).toBe(
      "setup-python python-version '${{ matrix.python }}' names Python 3.9 (matrix.python=3.9 at line 7), which reached its end of life on 2025-10-31",
    );
    expect(found[0]!.data).toMatchObject({ stage: 'ci', statement: 'setup-python' });
  });

  it('a setup-python version and a container image of the same job are two references, each judged', async () => {
    const workflow = [
      'jobs:',
      '  test:',
      '    runs-on: ubuntu-latest',
      '    container: python:3.9.23-slim-bookworm',
      '    steps:',
      '      - uses: actions/setup-python@v5',
      '        with: { python-version: "3.9" }',
    ].join('\n');
    expect(lines(await findings({ '.github/workflows/ci.yml': `${workflow}\n` }))).toEqual([
      '.github/workflows/ci.yml:4 PB101 error Python 3.9',
      '.github/workflows/ci.yml:7 PB101 error Python 3.9',
    ]);
  });

  it('tox envlist: each end-of-life Python it names', async () => {
    const found = await findings({ 'tox.ini': '[tox]\nenvlist = py38, py{39,312}-django, py3, pypy39\n' });
    expect(lines(found)).toEqual([
      'tox.ini:2 PB101 warning Python 3.8',
      'tox.ini:2 PB101 warning Python 3.9',
    ]);
    // An envlist over several lines is named on one line.
    const lines3 = await findings({ 'tox.ini': '[tox]\nenvlist =\n    py38\n    py312\n' });
    expect(lines3.map((f) => f.message)).toEqual([
      "tox envlist 'py38 py312' names Python 3.8, which reached its end of life on 2024-10-07",
    ]);
  });

  it('ranges, other interpreters and pre-releases are not pins: nothing is judged', async () => {
    const workflow = [
      'jobs:',
      '  t:',
      '    runs-on: ubuntu-latest',
      '    steps:',
      '      - uses: actions/setup-python@v5',
      '        with:',
      '          python-version: |',
      '            3.x',
      '            >=3.8',
      '            ~3.9.0',
      '            pypy3.9',
      '            3.9-dev',
      '            3.14.0-alpha.1',
    ].join('\n');
    expect(
      await findings({
        'pyproject.toml': '[project]\nname = "x"\nrequires-python = ">=3.8"\n',
        'setup.cfg': '[options]\npython_requires = >=3.8\n',
        '.github/workflows/ci.yml': `${workflow}\n`,
        '.python-version': 'pypy3.9-7.3.16\nsystem\n',
        'sub/pyproject.toml': '[tool.poetry.dependencies]\npython = "^3.8"\n',
      }),
    ).toEqual([]);
  });

  it('an ignore pragma silences it in a version file', async () => {
    expect(await findings({ '.python-version': '# pybase: ignore=PB101\n3.8\n' })).toEqual([]);
  });
});

describe('PB105 stale-patch', () => {
  it('counts the newer patch releases at the date', async () => {
    const root = writeProject({ Dockerfile: 'FROM python:3.12.4-slim-bookworm\n' });
    const r = await runCheck(root, { date: '2024-10-01' });
    const f = r.findings.find((x) => x.code === 'PB105');
    // Release data: 3.12.5 2024-08-06, 3.12.6 2024-09-06, 3.12.7 2024-10-01.
    expect(f?.data).toMatchObject({ current: '3.12.4', since: '2024-08-06', behind: 3, newest: '3.12.7' });
    const fresh = await runCheck(writeProject({ Dockerfile: 'FROM python:3.12.14-slim-trixie\n' }), {
      date: d,
    });
    expect(fresh.findings.filter((x) => x.code === 'PB105')).toEqual([]);
  });
});

describe('PB301 / PB302 / PB303 consistency', () => {
  it('PB301: CI on another libc family than production', async () => {
    const files = {
      Dockerfile: 'FROM python:3.12.14-alpine3.23\n',
      '.gitlab-ci.yml': 'test:\n  image: python:3.12.14-slim-trixie\n  script: [pytest]\n',
    };
    expect(only(await codesAt(files, d), 'PB301')).toEqual(['.gitlab-ci.yml:2 PB301 error']);
    const same = { ...files, Dockerfile: 'FROM python:3.12.14-slim-trixie\n' };
    expect(only(await codesAt(same, d), 'PB301')).toEqual([]);
  });
  it('PB302: .python-version and requires-python against the production Python', async () => {
    const files = {
      Dockerfile: 'FROM python:3.12.14-slim-trixie\n',
      '.python-version': '3.11\n',
      'pyproject.toml': '[project]\nname = "x"\nrequires-python = ">=3.13"\n',
    };
    const out = only(await codesAt(files, d), 'PB302');
    expect(out).toEqual(['.python-version:1 PB302 warning', 'pyproject.toml:3 PB302 warning']);
    const ok = {
      ...files,
      '.python-version': '3.12\n',
      'pyproject.toml': '[project]\nname = "x"\nrequires-python = ">=3.10"\n',
    };
    expect(only(await codesAt(ok, d), 'PB302')).toEqual([]);
  });
  it.each([
    ['^3.10', []],
    ['~3.12', []],
    ['3.12.*', []],
    ['^3.8 || ^3.12', []],
    ['~3.8|~3.12', []],
    ['>=3.10, <3.13', []],
    ['^3.13', ['pyproject.toml:5 PB302 warning']],
    ['~3.11 || ^3.13', ['pyproject.toml:5 PB302 warning']],
    ['^3.10,<3.12', ['pyproject.toml:5 PB302 warning']],
  ])("PB302: Poetry's python = %j read in Poetry's syntax", async (constraint, expected) => {
    const files = {
      Dockerfile: 'FROM python:3.12.14-slim-trixie\n',
      'pyproject.toml': `[tool.poetry]\nname = "x"\nversion = "1"\n[tool.poetry.dependencies]\npython = "${constraint}"\n`,
    };
    expect(only(await codesAt(files, d), 'PB302')).toEqual(expected);
  });
  it('PB302: names at most three production places, then how many more', async () => {
    const files: Record<string, string> = { '.python-version': '3.11\n' };
    for (let i = 1; i <= 5; i++) files[`svc${i}/Dockerfile`] = 'FROM python:3.12.14-slim-trixie\n';
    const root = writeProject(files);
    const result = await runCheck(root, { date: d, config: defaultConfig });
    const message = result.findings.find((f) => f.code === 'PB302')?.message ?? '';
    expect(message).toContain('svc1/Dockerfile:1, svc2/Dockerfile:1, svc3/Dockerfile:1 and 2 more');
    expect(message).not.toContain('svc5/Dockerfile');
  });
  it('PB302: a setup-python matrix that leaves out the production minor', async () => {
    const workflow = [
      'jobs:',
      '  test:',
      '    runs-on: ubuntu-latest',
      '    strategy:',
      '      matrix:',
      '        python-version: ["3.11", "3.13"]',
      '    steps:',
      '      - uses: actions/setup-python@v5',
      '        with:',
      '          python-version: ${{ matrix.python-version }}',
      '',
    ].join('\n');
    const files = { Dockerfile: 'FROM python:3.12.14-slim-trixie\n', '.github/workflows/ci.yml': workflow };
    expect(only(await codesAt(files, d), 'PB302')).toEqual(['.github/workflows/ci.yml:10 PB302 warning']);
    const ok = { ...files, '.github/workflows/ci.yml': workflow.replace('"3.13"', '"3.12"') };
    expect(only(await codesAt(ok, d), 'PB302')).toEqual([]);
  });
  it('PB302: an invalid requires-python is reported as invalid, not as excluding the production Python', async () => {
    const cases: [string, RegExp][] = [
      ['3.12', /write '>=3\.12' \(this minor and later\) or '==3\.12\.\*'/],
      ['^3.12', /write '>=3\.12,<4\.0'/],
      ['>=3.12;', /write '>=3\.12'/],
    ];
    for (const [spec, hint] of cases) {
      const root = writeProject({
        Dockerfile: 'FROM python:3.12.14-slim-trixie\n',
        'pyproject.toml': `[project]\nname = "x"\nrequires-python = "${spec}"\n`,
      });
      const found = (await runCheck(root, { date: d })).findings.filter((f) => f.code === 'PB302');
      expect(found.map((f) => `${f.location?.file}:${f.location?.startLine} ${f.message}`)).toEqual([
        `pyproject.toml:3 requires-python '${spec}' is not a valid PEP 440 specifier: pybase cannot compare it with the Python of the images`,
      ]);
      expect(found[0]?.hint).toMatch(hint);
    }
    // A long one is shown cut short; its location points at the whole of it.
    const long = writeProject({
      Dockerfile: 'FROM python:3.12.14-slim-trixie\n',
      'pyproject.toml': `[project]\nname = "x"\nrequires-python = "${'('.repeat(10_000)}"\n`,
    });
    const cut = (await runCheck(long, { date: d })).findings.find((f) => f.code === 'PB302');
    expect(cut?.message.length).toBeLessThan(300);
    expect(JSON.stringify(cut?.data).length).toBeLessThan(300);
    // Valid forms are compared as before.
    for (const spec of ['>=3.12', '~=3.12', '==3.12.*', '>=3.10,<3.14', '>= 3.12']) {
      const root = writeProject({
        Dockerfile: 'FROM python:3.12.14-slim-trixie\n',
        'pyproject.toml': `[project]\nname = "x"\nrequires-python = "${spec}"\n`,
      });
      expect(
        (await runCheck(root, { date: d })).findings.filter((f) => f.code === 'PB302'),
        spec,
      ).toEqual([]);
    }
  });
  it('PB302: with several production minors, a statement agrees when it names one of them, a specifier when it allows all', async () => {
    const workflow = (versions: string) =>
      `jobs:\n  t:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/setup-python@v5\n        with:\n          python-version: ${versions}\n`;
    const base = {
      'services/a/Dockerfile': 'FROM python:3.12.14-slim-trixie\n',
      'services/b/Dockerfile': 'FROM python:3.13.13-slim-trixie\n',
      '.python-version': '3.13\n',
    };
    const single = await runCheck(writeProject({ ...base, '.github/workflows/ci.yml': workflow('"3.13"') }), {
      date: d,
    });
    expect(single.findings.filter((f) => f.code === 'PB302')).toEqual([]);
    const other = await runCheck(
      writeProject({ ...base, '.python-version': '3.9\n', '.github/workflows/ci.yml': workflow('"3.14"') }),
      { date: d },
    );
    expect(other.findings.filter((f) => f.code === 'PB302').map((f) => f.message)).toEqual([
      "setup-python python-version '3.14' names Python 3.14, but production runs Python 3.12 (services/a/Dockerfile:1), 3.13 (services/b/Dockerfile:1)",
      ".python-version '3.9' names Python 3.9, but production runs Python 3.12 (services/a/Dockerfile:1), 3.13 (services/b/Dockerfile:1)",
    ]);
    const spec = await runCheck(
      writeProject({ ...base, 'pyproject.toml': '[project]\nname = "x"\nrequires-python = ">=3.13"\n' }),
      { date: d },
    );
    expect(spec.findings.filter((f) => f.code === 'PB302').map((f) => f.message)).toEqual([
      "requires-python '>=3.13' excludes Python 3.12.14 (services/a/Dockerfile:1), which production runs",
    ]);
  });
  it('PB302: a statement in a folder with production images of its own speaks for those only', async () => {
    const root = writeProject({
      'services/a/Dockerfile': 'FROM python:3.12.14-slim-trixie\n',
      'services/a/.python-version': '3.12\n',
      'services/b/Dockerfile': 'FROM python:3.13.13-slim-trixie\n',
      // Names a minor production runs elsewhere, not beside it: drift for service b.
      'services/b/.python-version': '3.12\n',
      'services/b/pyproject.toml': '[project]\nname = "b"\nrequires-python = ">=3.13"\n',
      // No image of its own: it speaks for every production image.
      'tools/.python-version': '3.13\n',
    });
    const messages = (await runCheck(root, { date: d })).findings
      .filter((f) => f.code === 'PB302')
      .map((f) => `${f.location?.file}: ${f.message}`);
    expect(messages).toEqual([
      "services/b/.python-version: .python-version '3.12' names Python 3.12, but production runs Python 3.13 (services/b/Dockerfile:1)",
    ]);
  });
  it('PB302 names statements by their file and key, and lists versions in version order', async () => {
    const root = writeProject({
      Dockerfile: 'FROM python:3.12.14-slim-trixie\n',
      Pipfile: '[requires]\npython_version = "3.10"\n',
      'runtime.txt': 'python-3.11.9\n',
      'tox.ini': '[tox]\nenvlist = py39, py313, py314\n',
    });
    const messages = (await runCheck(root, { date: d })).findings
      .filter((f) => f.code === 'PB302')
      .map((f) => f.message);
    expect(messages).toEqual([
      "Pipfile python_version '3.10' names Python 3.10, but production runs Python 3.12 (Dockerfile:1)",
      "runtime.txt 'python-3.11.9' names Python 3.11, but production runs Python 3.12 (Dockerfile:1)",
      "tox envlist 'py39, py313, py314' names Python 3.9, 3.13, 3.14, but production runs Python 3.12 (Dockerfile:1)",
    ]);
  });
  it('PB303: builder on another minor or libc family than the final stage', async () => {
    const minor = {
      Dockerfile: 'FROM python:3.11.16-slim-trixie AS build\nFROM python:3.12.14-slim-trixie\n',
    };
    expect(only(await codesAt(minor, d), 'PB303')).toEqual(['Dockerfile:1 PB303 error']);
    const libc = {
      Dockerfile:
        'FROM python:3.12.14-slim-trixie AS build\nFROM python:3.12.14-alpine3.23 AS base\nFROM base\n',
    };
    expect(only(await codesAt(libc, d), 'PB303')).toEqual(['Dockerfile:1 PB303 error']);
  });
  it('PB303: builder on a newer glibc than the final stage', async () => {
    const files = {
      Dockerfile:
        'FROM python:3.12.14-slim-trixie AS build\nRUN pip wheel .\nFROM python:3.12.14-slim-bookworm\nCOPY --from=build /w /w\n',
    };
    expect(only(await codesAt(files, d), 'PB303')).toEqual(['Dockerfile:1 PB303 error']);
    const same = {
      Dockerfile: 'FROM python:3.12.14-slim-bookworm AS build\nFROM python:3.12.14-slim-bookworm\n',
    };
    expect(only(await codesAt(same, d), 'PB303')).toEqual([]);
  });
});

describe('digest-pinned references', () => {
  const digest = `sha256:${'a'.repeat(64)}`;
  it('PB303: a bare digest or latest@digest has no known Python; a digest beside a minor tag keeps that minor', async () => {
    const final = `FROM python:3.12.14-slim-trixie@${digest}\n`;
    for (const builder of [`python@${digest}`, `python:latest@${digest}`]) {
      const files = { Dockerfile: `FROM ${builder} AS build\n${final}` };
      expect(only(await codesAt(files, d), 'PB303')).toEqual([]);
    }
    const stated = { Dockerfile: `FROM python:3.11@${digest} AS build\n${final}` };
    expect(only(await codesAt(stated, d), 'PB303')).toEqual(['Dockerfile:1 PB303 error']);
  });
  it('PB004 leaves a digest-pinned reference alone, as PB001-PB003 do', async () => {
    const out = await codesAt({ Dockerfile: `FROM python:3.12@${digest} AS a\nFROM python:3.12-slim\n` }, d);
    expect(out.filter((l) => / PB00[1-4] /.test(l))).toEqual([
      'Dockerfile:2 PB003 warning',
      'Dockerfile:2 PB004 warning',
    ]);
  });
  it('does not say what a digest-pinned floating tag resolves to, and judges end of life by the minor it names', async () => {
    const root = writeProject({ Dockerfile: `FROM python:3.9@${digest}\n` });
    const r = await runCheck(root, { date: '2026-11-27' });
    const pb101 = r.findings.find((f) => f.code === 'PB101');
    expect(pb101?.message).toMatch(/Python 3\.9 reached its end of life/);
    expect(pb101?.message).not.toMatch(/resolves to/);
    // The digest's distro is unknown: no distro end of life is invented for it.
    expect(r.findings.filter((f) => f.code === 'PB103')).toEqual([]);
  });
});
