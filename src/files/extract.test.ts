import { symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { tempDirs } from '../../test/support/temp-dirs.js';
import { writeProject } from '../check/test-project.js';
import { extractCompose } from './compose/extract.js';
import { extractDockerfile } from './dockerfile/extract.js';
import { extractProject } from './extract.js';
import { extractGithubWorkflow } from './github-actions/extract.js';
import { extractGitlabCi } from './gitlab-ci/extract.js';

const made = tempDirs();
async function project(files: Record<string, string | Uint8Array>): Promise<string> {
  const root = writeProject(files);
  made.push(root);
  return root;
}

describe('extractProject', () => {
  it('leaves out a file another one names when an exclude glob with a leading ./ names it', async () => {
    const root = await project({
      'deploy/app.build': 'FROM python:3.13-alpine\n',
      'deploy/compose.yaml': 'services:\n  app:\n    build:\n      context: .\n      dockerfile: app.build\n',
    });
    expect((await extractProject(root)).files).toContain('deploy/app.build');
    const result = await extractProject(root, { exclude: ['./deploy/app.build'] });
    expect(result.files).toEqual(['deploy/compose.yaml']);
  });

  it('extracts a whole project: compose build args reach the Dockerfile, stages follow names and config', async () => {
    const root = await project({
      Dockerfile: 'ARG PYTHON_VERSION=3.10\nFROM python:${PYTHON_VERSION}-slim AS build\nFROM build\n',
      'docker-compose.yml':
        'services:\n  web:\n    build:\n      context: .\n      args:\n        PYTHON_VERSION: "3.12"\n  db:\n    image: postgres:16\n',
      'docker-compose.test.yml': 'services:\n  t:\n    image: python:3.11\n',
      '.devcontainer/Dockerfile': 'FROM mcr.microsoft.com/devcontainers/python:3.12\n',
      'deploy/app.build': 'FROM python:3.13-alpine\n',
      'deploy/compose.yaml': 'services:\n  app:\n    build:\n      context: .\n      dockerfile: app.build\n',
      'ops/Dockerfile': 'FROM python:3.9\n',
      '.github/workflows/ci.yml':
        'jobs:\n  t:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/setup-python@v5\n        with:\n          python-version-file: .python-version\n',
      '.gitlab-ci.yml': 'image: python:3.12\n',
      '.python-version': '3.12.4\n',
      'pyproject.toml': '[project]\nname = "x"\nrequires-python = ">=3.10"\n',
    });
    const result = await extractProject(root, { stages: { ci: ['ops/**'] } });
    expect(result.diagnostics).toEqual([]);
    expect(result.files).toEqual([
      '.devcontainer/Dockerfile',
      '.github/workflows/ci.yml',
      '.gitlab-ci.yml',
      '.python-version',
      'Dockerfile',
      'deploy/app.build',
      'deploy/compose.yaml',
      'docker-compose.test.yml',
      'docker-compose.yml',
      'ops/Dockerfile',
      'pyproject.toml',
    ]);
    expect(result.references.map((r) => [r.file, r.text, r.resolved, r.stage, r.service])).toEqual([
      [
        '.devcontainer/Dockerfile',
        'mcr.microsoft.com/devcontainers/python:3.12',
        undefined,
        'dev',
        undefined,
      ],
      ['.gitlab-ci.yml', 'python:3.12', undefined, 'ci', undefined],
      ['Dockerfile', 'python:${PYTHON_VERSION}-slim', 'python:3.12-slim', 'prod', 'web'],
      ['deploy/app.build', 'python:3.13-alpine', undefined, 'prod', undefined],
      ['docker-compose.test.yml', 'python:3.11', undefined, 'dev', 't'],
      ['docker-compose.yml', 'postgres:16', undefined, 'prod', 'db'],
      ['ops/Dockerfile', 'python:3.9', undefined, 'ci', undefined],
    ]);
    const fromCompose = result.references[2]!.origins!;
    expect(fromCompose.map((o) => [o.source, o.file, o.range?.startLine])).toEqual([
      ['compose-build-arg', 'docker-compose.yml', 6],
    ]);
    expect(result.stageBases.map((b) => [b.file, b.text, b.stage])).toEqual([
      ['Dockerfile', 'build', 'prod'],
    ]);
    const file = result.versions.find((v) => v.kind === 'setup-python-file')!;
    expect(file.versions).toEqual(['3.12.4']);
    expect(result.versions.map((v) => v.kind)).toEqual([
      'setup-python-file',
      'python-version-file',
      'requires-python',
    ]);
  });

  it('lets configured build args win over compose args and ARG defaults', async () => {
    const root = await project({
      Dockerfile: 'ARG PY=3.10\nFROM python:${PY}\n',
      'compose.yaml': 'services:\n  a:\n    build: .\n',
    });
    const result = await extractProject(root, { buildArgs: { PY: '3.14' } });
    expect(result.references[0]).toMatchObject({ resolved: 'python:3.14' });
    expect(result.references[0]!.origins?.[0]).toMatchObject({ source: 'config-build-arg', value: '3.14' });
  });

  it("interpolates compose files with their directory's .env, even when git ignores it", async () => {
    const root = await project({
      '.gitignore': '.env\n',
      '.env': '# versions\nPY=3.12\nDISTRO=bookworm\n',
      'compose.yaml': [
        'services:',
        '  api:',
        '    image: python:${PY}-slim-${DISTRO}',
        '  worker:',
        '    build:',
        '      context: .',
        '      args:',
        '        PYTHON_VERSION: ${PY}',
        '  other:',
        '    image: python:${UNSET_PY}',
      ].join('\n'),
      Dockerfile: 'ARG PYTHON_VERSION=3.10\nFROM python:${PYTHON_VERSION}-alpine\n',
      'deploy/compose.yaml': 'services:\n  app:\n    image: python:${PY}\n',
    });
    const result = await extractProject(root);
    const byFile = (file: string, line: number) =>
      result.references.find((r) => r.file === file && r.range.startLine === line);
    const api = byFile('compose.yaml', 3)!;
    expect(api.resolved).toBe('python:3.12-slim-bookworm');
    expect(api.origins?.map((o) => [o.source, o.name, o.file, o.range?.startLine])).toEqual([
      ['compose-env', 'PY', '.env', 2],
      ['compose-env', 'DISTRO', '.env', 3],
    ]);
    expect(byFile('Dockerfile', 2)).toMatchObject({ resolved: 'python:3.12-alpine', service: 'worker' });
    expect(byFile('compose.yaml', 10)).toMatchObject({ unresolved: ['UNSET_PY'] });
    // deploy/ has no .env of its own: its variables are the shell's, unknown here.
    expect(byFile('deploy/compose.yaml', 3)).toMatchObject({ unresolved: ['PY'] });
    expect(result.files).toContain('.env');
  });

  it('reads no .env outside the root, and reports a .env line it cannot read', async () => {
    const outside = await project({ '.env': 'PY=3.9\n' });
    const root = await project({
      'compose.yaml': 'services:\n  api:\n    image: python:${PY}\n',
      'bad/compose.yaml': 'services:\n  api:\n    image: python:${PY}\n',
      'bad/.env': 'PY=3.13\nthis is not an assignment\n',
    });
    await symlink(path.join(outside, '.env'), path.join(root, '.env'));
    const result = await extractProject(root);
    expect(result.references.find((r) => r.file === 'compose.yaml')).toMatchObject({ unresolved: ['PY'] });
    expect(result.references.find((r) => r.file === 'bad/compose.yaml')).toMatchObject({
      resolved: 'python:3.13',
    });
    expect(result.diagnostics.map((d) => [d.code, d.location?.file, d.location?.startLine])).toContainEqual([
      'PBE006',
      'bad/.env',
      2,
    ]);
  });

  it('takes the stage a compose build stops at (build.target) as the image it ships', async () => {
    const dockerfile = ['FROM python:3.12-slim AS runtime', 'FROM python:3.12 AS tests', 'RUN pytest'].join(
      '\n',
    );
    const root = await project({
      'app/Dockerfile': dockerfile,
      'compose.yaml': 'services:\n  app:\n    build:\n      context: app\n      target: runtime\n',
      'plain/Dockerfile': dockerfile,
    });
    const result = await extractProject(root);
    const roles = (file: string) =>
      result.references.filter((r) => r.file === file).map((r) => [r.text, r.stage, r.dockerStage?.isFinal]);
    expect(roles('app/Dockerfile')).toEqual([
      ['python:3.12-slim', 'prod', true],
      ['python:3.12', 'build', false],
    ]);
    // Without a target the last stage is the image.
    expect(roles('plain/Dockerfile')).toEqual([
      ['python:3.12-slim', 'build', false],
      ['python:3.12', 'prod', true],
    ]);
  });

  it('keeps a FROM once, in the role of the service that builds its stage, when services stop at different stages', async () => {
    const root = await project({
      Dockerfile: 'FROM python:3.12-slim AS runtime\nFROM python:3.12 AS dev\n',
      'compose.yaml': [
        'services:',
        '  app:',
        '    build: { context: ., target: runtime }',
        '  shell:',
        '    build: { context: ., target: dev }',
      ].join('\n'),
    });
    const result = await extractProject(root);
    expect(result.references.map((r) => [r.text, r.stage, r.service])).toEqual([
      ['python:3.12-slim', 'prod', undefined],
      // `target: dev` builds a development image.
      ['python:3.12', 'dev', undefined],
    ]);
  });

  it('reads the compose files a compose file includes or extends, once each', async () => {
    const root = await project({
      '.env': 'COMMON=common\n',
      'compose.yaml': [
        'include:',
        '  - ${COMMON}/db.yaml',
        '  - path: [missing.yaml, https://example.com/x.yaml]',
        'services:',
        '  api:',
        '    extends:',
        '      file: common/base.yaml',
        '      service: base',
        '  worker:',
        '    extends: { file: ../outside.yaml, service: w }',
      ].join('\n'),
      'common/db.yaml': 'include: [base.yaml]\nservices:\n  tools:\n    image: python:3.11-alpine\n',
      'common/base.yaml': 'services:\n  base:\n    image: python:3.10-slim\n',
    });
    const result = await extractProject(root);
    expect(result.references.map((r) => [r.file, r.range.startLine, r.text, r.stage])).toEqual([
      ['common/base.yaml', 3, 'python:3.10-slim', 'prod'],
      ['common/db.yaml', 4, 'python:3.11-alpine', 'prod'],
    ]);
    expect(result.diagnostics.map((d) => [d.severity, d.location?.file, d.location?.startLine])).toEqual([
      ['warning', 'compose.yaml', 3],
      ['info', 'compose.yaml', 3],
      ['info', 'compose.yaml', 10],
    ]);
  });

  it('follows local GitLab CI includes, once each, and reports the ones it cannot read', async () => {
    const root = await project({
      '.gitlab-ci.yml': [
        'include:',
        "  - local: '/ci/python.yml'",
        '  - ci/missing.yml',
        "  - local: 'ci/*.yml'",
        "  - local: 'ci/none/*.yml'",
        '  - local: $CI_DIR/jobs.yml',
        '  - remote: https://example.com/ci.yml',
        '  - template: Auto-DevOps.gitlab-ci.yml',
        'test:',
        '  extends: .py',
        '  script: [pytest]',
      ].join('\n'),
      'ci/python.yml': "include: 'ci/nested.yml'\n.py:\n  image: python:3.9-slim\n",
      'ci/nested.yml': "include:\n  local: '.gitlab-ci.yml'\nlint:\n  image: python:3.12-alpine\n",
      // Reached only through the pattern; `*` does not reach into ci/sub/.
      'ci/more.yml': 'docs:\n  image: python:3.11-slim\n',
      'ci/sub/deep.yml': 'deep:\n  image: python:3.10-slim\n',
    });
    const result = await extractProject(root);
    expect(result.references.map((r) => [r.file, r.range.startLine, r.text, r.stage])).toEqual([
      ['ci/more.yml', 2, 'python:3.11-slim', 'ci'],
      ['ci/nested.yml', 4, 'python:3.12-alpine', 'ci'],
      ['ci/python.yml', 3, 'python:3.9-slim', 'ci'],
    ]);
    expect(result.files).toEqual(expect.arrayContaining(['ci/python.yml', 'ci/nested.yml', 'ci/more.yml']));
    expect(result.files).not.toContain('ci/sub/deep.yml');
    const notes = result.diagnostics.map((d) => [d.severity, d.location?.file, d.location?.startLine]);
    expect(notes).toEqual([
      ['warning', '.gitlab-ci.yml', 3],
      ['warning', '.gitlab-ci.yml', 5],
      ['info', '.gitlab-ci.yml', 6],
    ]);
    expect(result.diagnostics[1]?.message).toContain("'ci/none/*.yml' matches no file");
  });

  it('follows ** patterns of GitLab includes into sub-folders, leaving excluded files out', async () => {
    const root = await project({
      '.gitlab-ci.yml': "include: 'ci/**.yml'\n",
      'ci/a.yml': 'a:\n  image: python:3.11-slim\n',
      'ci/x/b.yml': 'b:\n  image: python:3.12-slim\n',
      'ci/x/skip.yml': 'c:\n  image: python:3.13-slim\n',
      'ci/x/notes.txt': 'image: python:3.8\n',
    });
    const result = await extractProject(root, { exclude: ['skip.yml'] });
    expect(result.references.map((r) => [r.file, r.text])).toEqual([
      ['ci/a.yml', 'python:3.11-slim'],
      ['ci/x/b.yml', 'python:3.12-slim'],
    ]);
    expect(result.diagnostics).toEqual([]);
  });

  it('reports every kind of bad input and never throws', async () => {
    const big = `FROM python:3.12\n${'RUN echo padding-padding-padding\n'.repeat(330_000)}`;
    const root = await project({
      Dockerfile: new Uint8Array([0x46, 0x52, 0x4f, 0x4d, 0x00, 0xff, 0xfe, 0x00]),
      'big/Dockerfile': big,
      'heredoc/Dockerfile': 'FROM python:3.12\nRUN <<EOF\necho never closed\n',
      'docker-compose.yml': 'services:\n  a:\n    image: "python:3.12\n',
      '.github/workflows/ci.yml': 'jobs: [\n',
      '.gitlab-ci.yml': 'a: b: c\n',
      'pyproject.toml': '[project\nrequires-python = ">=3.9"\n',
      Pipfile: '[requires]\npython_version = 3.11"\n',
      'loop/Dockerfile': 'FROM python:3.11\n',
    });
    expect(big.length).toBeGreaterThan(10 * 1024 * 1024);
    await symlink(path.join(root, 'loop'), path.join(root, 'loop', 'again'));
    const result = await extractProject(root);
    const byFile = new Map(result.diagnostics.map((d) => [d.location?.file, d]));
    expect(byFile.get('Dockerfile')).toMatchObject({ code: 'PBE007', severity: 'info' });
    expect(byFile.get('big/Dockerfile')).toMatchObject({ code: 'PBE007' });
    expect(byFile.get('loop/again')).toMatchObject({ code: 'PBE007' });
    expect(byFile.get('loop/again')!.message).toContain('loop');
    for (const file of [
      'heredoc/Dockerfile',
      'docker-compose.yml',
      '.github/workflows/ci.yml',
      '.gitlab-ci.yml',
    ]) {
      expect(byFile.get(file), file).toMatchObject({ code: 'PBE006', severity: 'error' });
      expect(byFile.get(file)!.location!.startLine, file).toBeGreaterThanOrEqual(1);
    }
    expect(byFile.get('pyproject.toml')).toMatchObject({ code: 'PBE006', location: { startLine: 1 } });
    expect(byFile.get('Pipfile')).toMatchObject({ code: 'PBE006', location: { startLine: 2 } });
    expect(byFile.get('heredoc/Dockerfile')!.location!.startLine).toBe(2);
    expect(result.references.map((r) => [r.file, r.text])).toEqual([
      ['heredoc/Dockerfile', 'python:3.12'],
      ['loop/Dockerfile', 'python:3.11'],
    ]);
  });

  it('reports a root that does not exist', async () => {
    const result = await extractProject(path.join(tmpdir(), 'pybase-missing-root-abc'));
    expect(result.references).toEqual([]);
    expect(result.diagnostics[0]).toMatchObject({ code: 'PBE005' });
  });
});

describe('extractors on random input', () => {
  const dockerLines = [
    'FROM python:3.12',
    'FROM ${X:-python}:${Y:+3} AS a',
    'ARG X=${Y}',
    'ARG',
    'FROM --platform=$P',
    'COPY --from=${A} a b',
    'RUN --mount=from=,type= x',
    'RUN <<EOF',
    'EOF',
    '# escape=`',
    '\\',
    '`',
    '# pybase: ignore=PB1',
    'FROM a AS a',
    '${',
    '"',
  ];
  const yamlLines = [
    'services:',
    '  a:',
    '    image: ${X:-y}',
    '    build:',
    '      args: [A=1, B]',
    'jobs:',
    '  j:',
    '    container: x',
    '    strategy: {matrix: {python: [3.1, "${{ matrix.python }}"]}}',
    '    steps:',
    '      - uses: actions/setup-python@v5',
    '        with: {python-version: "${{ matrix.python }}"}',
    'image: {name: $A}',
    'services: [a, {name: b}]',
    '<<: *x',
    '&x a: b',
    '- [',
    '  ? ',
    "'",
    '\t',
  ];

  it('never throw on random or mutated Dockerfiles', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ maxLength: 200 }),
          fc.array(fc.constantFrom(...dockerLines), { maxLength: 12 }).map((l) => l.join('\n')),
          fc
            .tuple(
              fc.array(fc.constantFrom(...dockerLines), { maxLength: 8 }),
              fc.string({ maxLength: 5 }),
              fc.nat(),
            )
            .map(([lines, noise, at]) => {
              const text = lines.join('\r\n');
              const i = text.length === 0 ? 0 : at % text.length;
              return text.slice(0, i) + noise + text.slice(i);
            }),
        ),
        (text) => {
          const out = extractDockerfile('Dockerfile', text);
          expect(Array.isArray(out.references)).toBe(true);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('never throw on random or mutated YAML', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ maxLength: 200 }),
          fc.array(fc.constantFrom(...yamlLines), { maxLength: 14 }).map((l) => l.join('\n')),
        ),
        (text) => {
          extractCompose('compose.yml', text);
          extractGithubWorkflow('.github/workflows/x.yml', text);
          extractGitlabCi('.gitlab-ci.yml', text);
        },
      ),
      { numRuns: 300 },
    );
  });
});
