import { describe, expect, it } from 'vitest';
import { runCheck } from '../check/check.js';
import { writeProject } from '../check/test-project.js';
import { defaultConfig, type PybaseConfig } from '../config/load.js';

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
