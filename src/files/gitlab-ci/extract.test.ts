import { describe, expect, it } from 'vitest';
import { extractGitlabCi, extractGitlabPipeline, readGitlabFile } from './extract.js';

const text = `image: python:3.12
variables:
  PY: "3.11"
  FULL:
    value: python:3.10-slim
    description: image
services:
  - postgres:16
stages: [test]
default:
  image:
    name: python:3.13
include:
  - local: other.yml
.template:
  image: python:\${PY}-alpine
test:
  extends: .template
  services:
    - name: redis:7
      alias: cache
  script: [pytest]
lint:
  variables:
    PY: "3.9"
  image: python:$PY
build:
  image: $FULL
deploy:
  image: $CI_REGISTRY/python:3.12
`;

describe('extractGitlabCi', () => {
  it('finds top-level, default, job and template images and services, expanding variables', () => {
    const { references, diagnostics } = extractGitlabCi('.gitlab-ci.yml', text);
    expect(diagnostics).toEqual([]);
    expect(references.map((r) => [r.kind, r.job, r.text, r.resolved, r.unresolved, r.service])).toEqual([
      ['gitlab-image', undefined, 'python:3.12', undefined, undefined, undefined],
      // The default service of every job without its own: named after the first such job.
      ['gitlab-service', 'lint', 'postgres:16', undefined, undefined, undefined],
      ['gitlab-image', undefined, 'python:3.13', undefined, undefined, undefined],
      ['gitlab-image', 'test', 'python:${PY}-alpine', 'python:3.11-alpine', undefined, undefined],
      ['gitlab-service', 'test', 'redis:7', undefined, undefined, 'cache'],
      ['gitlab-image', 'lint', 'python:$PY', 'python:3.9', undefined, undefined],
      ['gitlab-image', 'build', '$FULL', 'python:3.10-slim', undefined, undefined],
      ['gitlab-image', 'deploy', '$CI_REGISTRY/python:3.12', undefined, ['CI_REGISTRY'], undefined],
    ]);
    expect(references.every((r) => r.stage === 'ci')).toBe(true);
    const lint = references[5]!;
    expect(lint.origins?.[0]).toMatchObject({ name: 'PY', source: 'ci-variable', range: { startLine: 25 } });
    expect(text.slice(references[2]!.range.startOffset, references[2]!.range.endOffset)).toBe('python:3.13');
  });

  it('resolves a template image once per set of values the jobs extending it give', () => {
    const pipeline = [
      'variables:',
      '  DISTRO: bookworm',
      '.py:',
      '  image: python:${PY}-slim-${DISTRO}',
      'py311:',
      '  extends: .py',
      '  variables: { PY: "3.11" }',
      'py312:',
      '  extends: [.py]',
      '  variables: { PY: "3.12", DISTRO: trixie }',
      'again311:',
      '  extends: py311',
      '.unused:',
      '  image: python:${PY}',
    ].join('\n');
    const { references } = extractGitlabCi('.gitlab-ci.yml', pipeline);
    expect(references.map((r) => [r.job, r.range.startLine, r.resolved, r.unresolved])).toEqual([
      ['py311', 4, 'python:3.11-slim-bookworm', undefined],
      ['py312', 4, 'python:3.12-slim-trixie', undefined],
      // A template no job extends is judged with the global variables.
      ['.unused', 14, undefined, ['PY']],
    ]);
    expect(references[1]!.origins?.map((o) => [o.name, o.range?.startLine])).toEqual([
      ['PY', 10],
      ['DISTRO', 10],
    ]);
  });

  it('judges each combination of a parallel matrix, inherited through extends', () => {
    const pipeline = [
      'variables: { DISTRO: bookworm }',
      '.tests:',
      '  image: python:${PY}-slim-${DISTRO}',
      '  parallel:',
      '    matrix:',
      '      - PY: ["3.9", "3.12"]',
      '      - PY: "3.13"',
      '        DISTRO: trixie',
      'test:',
      '  extends: .tests',
      '  variables: { PY: "3.11" }',
    ].join('\n');
    const { references, diagnostics } = extractGitlabCi('.gitlab-ci.yml', pipeline);
    expect(diagnostics).toEqual([]);
    // The matrix values win over the job's own variable; the template itself runs as no job.
    expect(references.map((r) => [r.job, r.resolved])).toEqual([
      ['test', 'python:3.9-slim-bookworm'],
      ['test', 'python:3.12-slim-bookworm'],
      ['test', 'python:3.13-slim-trixie'],
    ]);
    expect(references[0]!.origins?.map((o) => [o.name, o.value, o.range?.startLine])).toEqual([
      ['PY', '3.9', 6],
      ['DISTRO', 'bookworm', 1],
    ]);
  });

  it('reports a parallel matrix over the GitLab limit once, and judges the job without it', () => {
    const axis = (k: string) =>
      `      - { ${k}1: [a, b, c, d, e, f], ${k}2: [a, b, c, d, e, f], ${k}3: [a, b, c, d, e, f] }`;
    const pipeline = [
      'test:',
      '  image: python:${PY}',
      '  parallel:',
      '    matrix:',
      axis('A'),
      axis('B'),
    ].join('\n');
    const { references, diagnostics } = extractGitlabCi('.gitlab-ci.yml', pipeline);
    expect(diagnostics.map((d) => [d.code, d.severity, d.location?.startLine])).toEqual([
      ['PBE002', 'warning', 5],
    ]);
    expect(diagnostics[0]!.message).toContain('432 jobs');
    expect(references.map((r) => r.unresolved)).toEqual([['PY']]);
  });

  it('merges a pipeline with its included files: globals, templates and defaults, the including file winning', () => {
    const main = readGitlabFile(
      '.gitlab-ci.yml',
      'include: ci/templates.yml\nvariables:\n  PY: "3.13"\ntest:\n  extends: .python\nlint:\n  script: [ruff]\n',
    );
    const templates = readGitlabFile(
      'ci/templates.yml',
      'variables:\n  PY: "3.9"\n  VARIANT: slim\ndefault:\n  image: python:${PY}\n.python:\n  image: python:${PY}-${VARIANT}\n',
    );
    expect(main.includes.map((i) => i.path)).toEqual(['ci/templates.yml']);
    const refs = extractGitlabPipeline([main, templates]);
    expect(refs.map((r) => [r.file, r.job, r.resolved])).toEqual([
      ['ci/templates.yml', 'lint', 'python:3.13'],
      ['ci/templates.yml', 'test', 'python:3.13-slim'],
    ]);
  });

  it('follows !reference tags to the image and services they name', () => {
    const pipeline = [
      '.defaults:',
      '  image: python:${PY}-slim',
      '  services: [postgres:16]',
      '.base:',
      '  extends: .defaults',
      'test:',
      '  variables: { PY: "3.12" }',
      '  image: !reference [.base, image]',
      '  services: !reference [.defaults, services]',
      'lint:',
      '  image: !reference [.missing, image]',
      'loop:',
      '  image: !reference [loop, image]',
    ].join('\n');
    const { references, diagnostics } = extractGitlabCi('.gitlab-ci.yml', pipeline);
    expect(references.map((r) => [r.kind, r.job, r.range.startLine, r.resolved ?? r.text])).toEqual([
      ['gitlab-image', 'test', 2, 'python:3.12-slim'],
      ['gitlab-service', 'test', 3, 'postgres:16'],
    ]);
    // A reference that names nothing is said, at its line, never skipped in silence.
    expect(diagnostics.map((d) => [d.code, d.severity, d.location?.startLine])).toEqual([
      ['PBE002', 'warning', 11],
      ['PBE002', 'warning', 13],
    ]);
    expect(diagnostics[0]!.message).toContain('!reference [.missing, image] names nothing');
  });

  it('reads the pipeline after a spec: header document, at its own offsets', () => {
    const withSpec =
      'spec:\n  inputs:\n    stage:\n      default: test\n---\ntest:\n  image: python:3.12.8-slim-bookworm\n  script: [echo]\n';
    const out = extractGitlabCi('.gitlab-ci.yml', withSpec);
    expect(out.diagnostics).toEqual([]);
    expect(out.references.map((r) => [r.job, r.text, r.range.startLine])).toEqual([
      ['test', 'python:3.12.8-slim-bookworm', 7],
    ]);
    const ref = out.references[0]!;
    expect(withSpec.slice(ref.range.startOffset, ref.range.endOffset)).toBe('python:3.12.8-slim-bookworm');
  });

  it('says, in its own words, that a file of several documents without a spec: header is not read', () => {
    const out = extractGitlabCi(
      '.gitlab-ci.yml',
      'a:\n  image: python:3.11\n---\nb:\n  image: python:3.12\n',
    );
    expect(out.references).toEqual([]);
    expect(out.diagnostics).toEqual([
      expect.objectContaining({
        code: 'PBE006',
        severity: 'error',
        location: expect.objectContaining({ startLine: 3 }),
      }),
    ]);
    expect(out.diagnostics[0]!.message).toBe(
      ".gitlab-ci.yml:3: cannot parse: the file holds 2 YAML documents (a '---' line starts another), but is read as one; only a header document holding `spec:` may come before the one pybase reads: nothing in it was read",
    );
    expect(out.diagnostics[0]!.message).not.toContain('parseAllDocuments');
  });

  it('reports invalid YAML as PBE006 with the line', () => {
    const out = extractGitlabCi('.gitlab-ci.yml', 'image: python:3.12\ntest:\n  script:\n - a\n  - b\n');
    expect(out.references).toEqual([]);
    expect(out.diagnostics[0]).toMatchObject({ code: 'PBE006', severity: 'error' });
    expect(out.diagnostics[0]!.message).toContain('.gitlab-ci.yml:');
  });
});

describe('extractGitlabCi on hostile extends', () => {
  it('stops at cycles and at chains deeper than GitLab allows, without exhausting the stack', () => {
    const chain = Array.from({ length: 20_000 }, (_, i) => `.t${i}:\n  extends: .t${i + 1}\n`).join('');
    const text = `${chain}.t20000:\n  image: python:3.12\njob:\n  extends: .t0\ncycle:\n  extends: .c1\n.c1:\n  extends: cycle\n`;
    const { references } = extractGitlabCi('.gitlab-ci.yml', text);
    // Too deep for the job to inherit it: the image is judged where it is written, for no job.
    expect(references.map((r) => [r.text, r.job])).toEqual([['python:3.12', '.t20000']]);
  });
});
