import { describe, expect, it } from 'vitest';
import { extractGitlabCi } from './extract.js';

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
      ['gitlab-service', undefined, 'postgres:16', undefined, undefined, undefined],
      ['gitlab-image', undefined, 'python:3.13', undefined, undefined, undefined],
      ['gitlab-image', '.template', 'python:${PY}-alpine', 'python:3.11-alpine', undefined, undefined],
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

  it('reports invalid YAML as PBE006 with the line', () => {
    const out = extractGitlabCi('.gitlab-ci.yml', 'image: python:3.12\ntest:\n  script:\n - a\n  - b\n');
    expect(out.references).toEqual([]);
    expect(out.diagnostics[0]).toMatchObject({ code: 'PBE006', severity: 'error' });
    expect(out.diagnostics[0]!.message).toContain('.gitlab-ci.yml:');
  });
});
