import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCheck } from '../check/check.js';
import { writeProject } from '../check/test-project.js';
import { loadConfig } from '../config/load.js';
import { installsCompiler, runTextByStage } from '../deps/facts.js';

const date = '2026-08-13';
const fixtures = path.resolve(import.meta.dirname, '../../test/fixtures');

async function pb2Findings(name: string) {
  const root = path.join(fixtures, name);
  const config = await loadConfig(root);
  const result = await runCheck(root, { date, config });
  return result.findings.filter((f) => f.code.startsWith('PB2'));
}

const codes = (findings: { code: string }[]) => [...new Set(findings.map((f) => f.code))].sort();

describe('dependency rules on fixture projects', () => {
  it('alpine with numpy 1.24.4 (no musllinux wheel): PB201, PB205, PB206', async () => {
    const found = await pb2Findings('deps-rule-alpine');
    expect(codes(found)).toEqual(['PB201', 'PB205', 'PB206']);
    const pb201 = found.find((f) => f.code === 'PB201')!;
    expect(pb201.message).toMatch(/numpy/);
    // Architectures are spelled as everywhere else in the output (arm64, not the library id arm64v8).
    expect(pb201.message).toMatch(/\barm64: numpy/);
    expect(pb201.message).not.toMatch(/arm64v8/);
    expect(pb201.location?.file).toBe('Dockerfile');
    expect(pb201.location?.startLine).toBe(1);
    expect(found.find((f) => f.code === 'PB206')!.message).toMatch(/locked: numpy/);
  });

  it('PB201 says when a package cannot be installed on musl at all (no wheel there, no sdist)', async () => {
    const lock = readFileSync(path.join(fixtures, 'deps-py3-cuda/pdm.lock'), 'utf8');
    const root = writeProject({ 'pdm.lock': lock, Dockerfile: 'FROM python:3.11-alpine\n' });
    const result = await runCheck(root, { date });
    const pb201 = result.findings.find((f) => f.code === 'PB201');
    expect(pb201?.hint).toContain('nvidia-cublas-cu12 cannot be installed on musl at all');
    // Not a Python problem: the package has a wheel for every Python 3.
    expect(result.findings.filter((f) => f.code === 'PB203')).toEqual([]);
  });

  it('alpine whose stage installs build-base: no PB205, no PB206 without configuration', async () => {
    expect(codes(await pb2Findings('deps-rule-alpine-compiler'))).toEqual(['PB201']);
  });

  it('Python 3.12 under a lock made for <= 3.11: PB203 (naming 3.11) and PB205', async () => {
    const found = await pb2Findings('deps-rule-python312');
    expect(codes(found)).toEqual(['PB203', 'PB205']);
    const pb203 = found.find((f) => f.code === 'PB203')!;
    expect(pb203.message).toMatch(
      /no cp312 wheel for numpy 1\.24\.4; Python 3\.11 has wheels for all of them$/,
    );
    expect(pb203.hint).toMatch(
      /^use Python 3\.11 \(python:3\.11\.\d+-slim-trixie\), or update the lock for Python 3\.12$/,
    );
    expect(pb203.data?.better).toMatchObject({ python: '3.11', noWheel: [], excluded: [] });
  });

  it('no PB205 for a package that publishes only an sdist (usually pure Python: pip builds it without a compiler)', async () => {
    const lock = readFileSync(
      path.resolve(
        import.meta.dirname,
        '../../../shared/corpus/lockfiles/fastapi__full-stack-fastapi-template/uv.lock',
      ),
      'utf8',
    );
    expect(lock).toContain('name = "dkimpy"');
    // The lock requires Python >= 3.14; there every package but dkimpy has a wheel.
    const root = writeProject({ 'uv.lock': lock, Dockerfile: 'FROM python:3.14.7-slim-trixie\n' });
    const result = await runCheck(root, { date: '2026-11-27' });
    expect(result.findings.filter((f) => f.code === 'PB205')).toEqual([]);
  });

  it('Python 3.11 slim: every package from a wheel, nothing fires', async () => {
    expect(await pb2Findings('deps-rule-python311')).toEqual([]);
  });

  it('bookworm (glibc 2.36) for riscv64 wheels needing glibc 2.39: PB202, PB204 (no riscv64 image) and PB205 (a build on slim)', async () => {
    const found = await pb2Findings('deps-rule-glibc');
    expect(codes(found)).toEqual(['PB202', 'PB204', 'PB205']);
    const pb202 = found.find((f) => f.code === 'PB202')!;
    expect(pb202.message).toMatch(/glibc 2\.36/);
    expect(pb202.message).toMatch(/kiwisolver \(glibc >= 2\.39 on riscv64\)/);
    expect(found.find((f) => f.code === 'PB204')!.message).toMatch(/not published for riscv64/);
  });

  it('trixie (glibc 2.41) for the same lock: nothing fires', async () => {
    expect(await pb2Findings('deps-rule-glibc-trixie')).toEqual([]);
  });
});

/** A PDM lock of packages given by their files (nothing reads the hashes). */
function pdmLock(
  packages: { name: string; version: string; requiresPython?: string; files: string[] }[],
  requiresPython = '>=3.8',
): string {
  const hash = `sha256:${'0'.repeat(64)}`;
  const lines = ['[metadata]', 'groups = ["default"]', 'lock_version = "4.5.0"', `content_hash = "${hash}"`];
  lines.push('', '[[metadata.targets]]', `requires_python = "${requiresPython}"`);
  for (const p of packages) {
    lines.push('', '[[package]]', `name = "${p.name}"`, `version = "${p.version}"`);
    if (p.requiresPython) lines.push(`requires_python = "${p.requiresPython}"`);
    lines.push('groups = ["default"]', 'files = [');
    for (const f of p.files) lines.push(`    {file = "${f}", hash = "${hash}"},`);
    lines.push(']');
  }
  return `${lines.join('\n')}\n`;
}

/** manylinux wheels for amd64 and arm64 per CPython tag (`cp311`), and the sdist. */
function binary(name: string, version: string, pythons: string[]): string[] {
  const platforms = [
    'manylinux_2_17_x86_64.manylinux2014_x86_64',
    'manylinux_2_17_aarch64.manylinux2014_aarch64',
  ];
  return [
    ...pythons.flatMap((cp) => platforms.map((p) => `${name}-${version}-${cp}-${cp}-${p}.whl`)),
    `${name}-${version}.tar.gz`,
  ];
}

describe('PB203 blames the Python only when another Python suits the lock better', () => {
  async function pb203(files: Record<string, string>, at = date, config = {}) {
    const result = await runCheck(writeProject(files), { date: at, config });
    return result.findings.filter((f) => f.code === 'PB203');
  }

  it('stays silent when every Python is as affected (no wheel for any published Python): only PB205', async () => {
    const lock = pdmLock([{ name: 'oldext', version: '1.0', files: binary('oldext', '1.0', ['cp27']) }]);
    for (const image of ['3.12-slim', '3.14-slim-trixie']) {
      const root = writeProject({ 'pdm.lock': lock, Dockerfile: `FROM python:${image}\n` });
      const found = (await runCheck(root, { date })).findings.filter((f) => f.code.startsWith('PB2'));
      expect(codes(found)).toEqual(['PB205']);
    }
  });

  it("stays silent on the image's Python when it is the best for the lock, fires on another naming it", async () => {
    const lock = pdmLock([
      { name: 'a', version: '1.0', files: binary('a', '1.0', ['cp311']) },
      { name: 'b', version: '1.0', files: binary('b', '1.0', ['cp312']) },
      { name: 'c', version: '1.0', files: binary('c', '1.0', ['cp312', 'cp313']) },
    ]);
    // 3.12 builds a; 3.11 builds b and c; 3.13 a and b; 3.10 and 3.14 all three.
    expect(await pb203({ 'pdm.lock': lock, Dockerfile: 'FROM python:3.12-slim\n' })).toEqual([]);
    const found = await pb203({ 'pdm.lock': lock, Dockerfile: 'FROM python:3.13-slim\n' });
    expect(found.map((f) => f.message)).toEqual([
      "'python:3.13-slim' runs Python 3.13.15, which the locked dependencies do not support: no cp313 wheel for a 1.0, b 1.0; Python 3.12 needs 1 fewer source build (only a 1.0)",
    ]);
  });

  it("keeps to the Pythons the project's requires-python admits", async () => {
    const lock = readFileSync(path.join(fixtures, 'deps-rule-python312/pdm.lock'), 'utf8');
    const files = { 'pdm.lock': lock, Dockerfile: 'FROM python:3.12-slim\n' };
    expect(await pb203(files)).toHaveLength(1);
    // The project asks for 3.12 or newer: numpy 1.24.4 has no wheel for any Python it admits.
    const pyproject = '[project]\nname = "app"\nversion = "1"\nrequires-python = ">=3.12"\n';
    expect(await pb203({ ...files, 'pyproject.toml': pyproject })).toEqual([]);
  });

  it("reports a requires-python exclusion of the image's Python whenever another Python is not excluded", async () => {
    const lock = pdmLock([
      { name: 'x', version: '1.0', requiresPython: '<3.14', files: ['x-1.0-py3-none-any.whl'] },
      { name: 'y', version: '1.0', files: binary('y', '1.0', ['cp314']) },
      { name: 'z', version: '1.0', files: binary('z', '1.0', ['cp314']) },
    ]);
    // Every other Python builds y and z (two packages, more than the one 3.14 cannot install).
    const found = await pb203({ 'pdm.lock': lock, Dockerfile: 'FROM python:3.14-slim-trixie\n' });
    expect(found.map((f) => [f.message, f.hint])).toEqual([
      [
        "'python:3.14-slim-trixie' runs Python 3.14.7, which the locked dependencies do not support: requires-python excludes it for x 1.0; the requires-python of x 1.0 admits Python 3.13",
        'use Python 3.13 (python:3.13.15-slim-trixie), or update the lock for Python 3.14',
      ],
    ]);
  });

  describe('on a real lock (mealie: 3.11 has wheels for everything, 3.12 builds 3 packages, 3.13 8, 3.14 17)', () => {
    const lock = readFileSync(
      path.resolve(
        import.meta.dirname,
        '../../../shared/corpus/lockfiles/mealie-recipes__mealie/poetry.lock',
      ),
      'utf8',
    );
    // At this date 3.10 is past its end of life and 3.11 has 11 months left.
    const at = '2026-11-27';

    it('production on 3.12 (what recommend picks): silent, since 3.11 lacks the 12 months of support production asks', async () => {
      expect(await pb203({ 'poetry.lock': lock, Dockerfile: 'FROM python:3.12.14-trixie\n' }, at)).toEqual(
        [],
      );
    });

    it('production on 3.13: names 3.12', async () => {
      const found = await pb203({ 'poetry.lock': lock, Dockerfile: 'FROM python:3.13-trixie\n' }, at);
      expect(found.map((f) => f.message)).toEqual([
        expect.stringMatching(
          /no cp313 wheel for .*; Python 3\.12 needs 5 fewer source builds \(only markupsafe 2\.1\.2, regex 2022\.10\.31, websockets 10\.4\)$/,
        ),
      ]);
    });

    it('with no support asked (min-support-months = 0), 3.12 is blamed and 3.11 named', async () => {
      const found = await pb203({ 'poetry.lock': lock, Dockerfile: 'FROM python:3.12.14-trixie\n' }, at, {
        policy: { minSupportMonths: 0 },
      });
      expect(found.map((f) => f.message)).toEqual([
        expect.stringMatching(
          /no cp312 wheel for markupsafe 2\.1\.2, regex 2022\.10\.31, websockets 10\.4; Python 3\.11 has wheels for all of them$/,
        ),
      ]);
    });
  });
});

describe('the wheelhouse pattern: a builder stage with a compiler, a final stage that copies from it', () => {
  // numpy 1.24.4 has wheels up to cp311: on Python 3.12 pip builds it from the sdist.
  const lock = readFileSync(path.join(fixtures, 'deps-rule-python312/pdm.lock'), 'utf8');
  const aptCompiler = 'RUN apt-get update && apt-get install -y --no-install-recommends build-essential';
  async function found(dockerfile: string) {
    const root = writeProject({ Dockerfile: dockerfile, 'pdm.lock': lock });
    const result = await runCheck(root, { date });
    return result.findings
      .filter((f) => f.code.startsWith('PB2'))
      .map((f) => `${f.location?.startLine} ${f.code}`)
      .sort();
  }

  it('judges the builds on the builder stage only: no PB203 / PB205 on the stage that copies the wheels', async () => {
    const lines = [
      'FROM python:3.12.14-slim-trixie AS build',
      aptCompiler,
      'RUN pip wheel -w /wheels -r requirements.txt',
      'FROM python:3.12.14-slim-trixie',
      'COPY --from=build /wheels /wheels',
      'RUN pip install --no-index /wheels/*',
    ];
    expect(await found(lines.join('\n'))).toEqual(['1 PB203']);
    // RUN --mount from= the builder is the same pattern.
    lines[4] =
      'RUN --mount=type=bind,from=build,source=/wheels,target=/wheels pip install --no-index /wheels/*';
    expect(await found(lines.join('\n'))).toEqual(['1 PB203']);
  });

  it('still fires on the final stage when it copies nothing, or copies from a stage without a compiler', async () => {
    expect(
      await found(
        'FROM python:3.12.14-slim-trixie AS build\n' + aptCompiler + '\nFROM python:3.12.14-slim-trixie\n',
      ),
    ).toEqual(['1 PB203', '3 PB203', '3 PB205']);
    expect(
      await found(
        'FROM python:3.12.14-slim-trixie AS build\nRUN pip wheel -w /wheels numpy\nFROM python:3.12.14-slim-trixie\nCOPY --from=build /wheels /wheels\n',
      ),
    ).toEqual(['1 PB203', '1 PB205', '3 PB203', '3 PB205']);
  });

  it('counts a full python image, and a stage built FROM a stage with a compiler, as a builder', async () => {
    expect(
      await found(
        'FROM python:3.12.14-trixie AS build\nFROM python:3.12.14-slim-trixie\nCOPY --from=build /w /w\n',
      ),
    ).toEqual(['1 PB203']);
    expect(
      await found(
        `FROM python:3.12.14-slim-trixie AS base\n${aptCompiler}\nFROM base AS build\nRUN pip wheel -w /w numpy\nFROM python:3.12.14-slim-trixie\nCOPY --from=build /w /w\n`,
      ),
    ).toEqual(['1 PB203']);
  });

  it('reads the stages of each Dockerfile written in a compose file (dockerfile_inline) on their own', async () => {
    const block = (lines: string[]) => lines.map((l) => `        ${l}`);
    const root = writeProject({
      'compose.yaml': [
        'services:',
        '  wheelhouse:',
        '    build:',
        '      dockerfile_inline: |',
        ...block([
          'FROM python:3.12.14-slim-trixie AS build', // 5
          aptCompiler,
          'RUN pip wheel -w /wheels -r requirements.txt',
          'FROM python:3.12.14-slim-trixie', // 8
          'COPY --from=build /wheels /wheels',
        ]),
        '  plain:',
        '    build:',
        '      dockerfile_inline: |',
        ...block([
          'FROM python:3.12.14-slim-trixie AS build', // 13
          'RUN pip wheel -w /wheels numpy',
          'FROM python:3.12.14-slim-trixie', // 15
          'COPY --from=build /wheels /wheels',
        ]),
        '',
      ].join('\n'),
      'pdm.lock': lock,
    });
    const result = await runCheck(root, { date });
    // The second builder has no compiler of its own: the first one's apt-get is not its stage's.
    expect(
      result.findings
        .filter((f) => f.code.startsWith('PB2'))
        .map((f) => `${f.location?.startLine} ${f.code}`)
        .sort(),
    ).toEqual(['13 PB203', '13 PB205', '15 PB203', '15 PB205', '5 PB203']);
  });

  it('keeps PB201 on an Alpine builder and leaves the Alpine stage that copies its wheels alone', async () => {
    const alpineLock = readFileSync(path.join(fixtures, 'deps-rule-alpine/pdm.lock'), 'utf8');
    const root = writeProject({
      Dockerfile:
        'FROM python:3.11-alpine AS build\nRUN apk add --no-cache build-base\nRUN pip wheel -w /w numpy\nFROM python:3.11-alpine\nCOPY --from=build /w /w\n',
      'pdm.lock': alpineLock,
    });
    const result = await runCheck(root, { date });
    expect(
      result.findings
        .filter((f) => f.code.startsWith('PB2'))
        .map((f) => `${f.location?.startLine} ${f.code}`),
    ).toEqual(['1 PB201']);
  });
});

describe('dependency rules on digest-pinned references', () => {
  it('do not judge a bare digest as the image latest resolves to today; do judge a digest beside a minor and distro', async () => {
    const lock = readFileSync(path.join(fixtures, 'deps-rule-python312/pdm.lock'), 'utf8');
    const digest = `sha256:${'b'.repeat(64)}`;
    const bare = writeProject({ Dockerfile: `FROM python@${digest}\n`, 'pdm.lock': lock });
    expect((await runCheck(bare, { date })).findings.filter((f) => f.code.startsWith('PB2'))).toEqual([]);
    const stated = writeProject({ Dockerfile: `FROM python:3.12-slim-trixie@${digest}\n`, 'pdm.lock': lock });
    expect(
      codes((await runCheck(stated, { date })).findings.filter((f) => f.code.startsWith('PB2'))),
    ).toEqual(['PB203', 'PB205']);
  });
});

describe('compiler detection in RUN lines', () => {
  it('finds apt and apk compiler installs per stage, across continuation lines', () => {
    const stages = runTextByStage(
      'FROM python:3.12 AS build\nRUN apt-get update && \\\n  apt-get install -y --no-install-recommends build-essential\nFROM python:3.12-slim\nRUN pip install x\n',
    );
    expect(stages).toHaveLength(2);
    expect(installsCompiler(stages[0]!)).toBe(true);
    expect(installsCompiler(stages[1]!)).toBe(false);
    expect(installsCompiler('apk add --no-cache gcc musl-dev')).toBe(true);
    expect(installsCompiler('apt-get install -y libgcc-s1')).toBe(false);
    expect(installsCompiler('apt-get remove gcc')).toBe(false);
  });
});
