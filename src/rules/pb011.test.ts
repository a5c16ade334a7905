import { describe, expect, it } from 'vitest';
import { runCheck } from '../check/check.js';
import { writeProject } from '../check/test-project.js';

async function pb011(files: Record<string, string>) {
  const result = await runCheck(writeProject(files), { date: '2026-08-20' });
  return result.findings
    .filter((d) => d.code === 'PB011')
    .map(
      (d) =>
        `${d.location?.file}:${d.location?.startLine}:${d.location?.startColumn} ${d.severity} ${d.message}`,
    );
}

describe('PB011 yaml-number-version', () => {
  it('fires on bare versions YAML reads as another number, where they are written', async () => {
    const out = await pb011({
      '.github/workflows/ci.yml': [
        'jobs:',
        '  test:',
        '    runs-on: ubuntu-latest',
        '    strategy:',
        '      matrix:',
        '        python: [3.9, 3.10]',
        '    container: python:${{ matrix.python }}-slim-trixie',
        '    steps:',
        '      - uses: actions/setup-python@v5',
        '        with:',
        '          python-version: 3.10',
        '      - uses: actions/setup-python@v5',
        '        with:',
        '          python-version: ${{ matrix.python }}',
      ].join('\n'),
      '.gitlab-ci.yml': 'variables:\n  PY: 3.20\ntest:\n  image: python:$PY-slim\n',
      'compose.yaml': 'services:\n  app:\n    build:\n      context: .\n      args:\n        PY: 3.10\n',
      Dockerfile: 'ARG PY=3.12\nFROM python:${PY}-slim-trixie\n',
    });
    expect(out).toEqual([
      ".github/workflows/ci.yml:6:23 error 3.10 is a YAML number: GitHub Actions reads it as 3.1, so the image 'python:${{ matrix.python }}-slim-trixie' gets 3.1, not 3.10",
      '.github/workflows/ci.yml:11:27 error 3.10 is a YAML number: GitHub Actions reads it as 3.1, so setup-python gets 3.1, not 3.10',
      ".gitlab-ci.yml:2:7 error 3.20 is a YAML number: GitLab CI reads it as 3.2, so the image 'python:$PY-slim' gets 3.2, not 3.20",
      "compose.yaml:6:13 error 3.10 is a YAML number: compose reads it as 3.1, so the image 'python:${PY}-slim-trixie' gets 3.1, not 3.10",
    ]);
  });

  it('does not fire on quoted versions, numbers YAML keeps, or numbers that feed no python image', async () => {
    const out = await pb011({
      '.github/workflows/ci.yml': [
        'jobs:',
        '  test:',
        '    runs-on: ubuntu-latest',
        '    strategy:',
        '      matrix:',
        '        python: ["3.10", 3.9, 3.12]',
        '        node: [18, 20.10]',
        '    container: python:${{ matrix.python }}-slim-trixie',
        '    services:',
        '      web: { image: "node:${{ matrix.node }}" }',
        '    steps:',
        '      - uses: actions/setup-python@v5',
        "        with: { python-version: '3.10' }",
      ].join('\n'),
    });
    expect(out).toEqual([]);
  });
});
