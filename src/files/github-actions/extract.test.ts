import { describe, expect, it } from 'vitest';
import { extractGithubAction, extractGithubWorkflow, isSetupPython } from './extract.js';

const slice = (text: string, r: { startOffset?: number; endOffset?: number }) =>
  text.slice(r.startOffset, r.endOffset);

const workflow = `name: ci
on: push
env:
  DEFAULT_PY: "3.12"
jobs:
  test:
    runs-on: ubuntu-latest
    container: python:3.11-slim
    services:
      db:
        image: postgres:16
    strategy:
      matrix:
        python-version: ["3.10", 3.11]
        include:
          - python-version: "3.13"
            experimental: true
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-python@v5
        with:
          python-version: \${{ matrix.python-version }}
      - uses: actions/setup-python@v5
        with:
          python-version: \${{ env.DEFAULT_PY }}
      - uses: actions/setup-python@v5
        with:
          python-version: |
            3.9
            3.10
      - uses: actions/setup-python@v5
        with:
          python-version-file: .python-version
      - uses: actions/setup-python@v5
        with:
          python-version: \${{ vars.PY }}
      - uses: astral-sh/setup-uv@v5
        with:
          python-version: "3.8"
  arch:
    runs-on: ubuntu-latest
    strategy:
      matrix:
        py: ['3.12', '3.13']
    container:
      image: i386/python:\${{ matrix.py }}
    steps: []
`;

describe('extractGithubWorkflow', () => {
  const out = extractGithubWorkflow('.github/workflows/ci.yml', workflow);

  it('finds containers and services, one reference per matrix value', () => {
    expect(out.diagnostics).toEqual([]);
    expect(out.references.map((r) => [r.kind, r.job, r.service, r.text, r.resolved, r.stage])).toEqual([
      ['gha-container', 'test', undefined, 'python:3.11-slim', undefined, 'ci'],
      ['gha-service', 'test', 'db', 'postgres:16', undefined, 'ci'],
      ['gha-container', 'arch', undefined, 'i386/python:${{ matrix.py }}', 'i386/python:3.12', 'ci'],
      ['gha-container', 'arch', undefined, 'i386/python:${{ matrix.py }}', 'i386/python:3.13', 'ci'],
    ]);
    const arch = out.references[2]!;
    expect(slice(workflow, arch.range)).toBe('i386/python:${{ matrix.py }}');
    expect(arch.origins?.map((o) => slice(workflow, o.range!))).toEqual(['3.12']);
  });

  it('expands setup-python versions from the matrix (with include), env and multi-line values', () => {
    const v = out.versions;
    expect(v.map((s) => [s.kind, s.text, s.versions, s.unresolved])).toEqual([
      ['setup-python', '${{ matrix.python-version }}', ['3.10', '3.11', '3.13'], undefined],
      ['setup-python', '${{ env.DEFAULT_PY }}', ['3.12'], undefined],
      ['setup-python', '3.9\n3.10\n', ['3.9', '3.10'], undefined],
      ['setup-python-file', '.python-version', undefined, undefined],
      ['setup-python', '${{ vars.PY }}', undefined, ['vars.PY']],
    ]);
    expect(v[0]!.origins?.map((o) => o.range?.startLine)).toEqual([14, 14, 16]);
    expect(v[0]!.origins?.map((o) => slice(workflow, o.range!))).toEqual(['3.10', '3.11', '3.13']);
    expect(v[1]!.origins?.[0]).toMatchObject({ source: 'env', range: { startLine: 4 } });
    expect(v.every((s) => s.job === 'test' && s.stage === 'ci')).toBe(true);
    // A single value is the statement itself; each line of a block is a part at its own place.
    expect(v[0]!.parts).toBeUndefined();
    expect(
      v[2]!.parts?.map((p) => [p.text, p.versions, p.range.startLine, slice(workflow, p.range)]),
    ).toEqual([
      ['3.9', ['3.9'], 29, '3.9'],
      ['3.10', ['3.10'], 30, '3.10'],
    ]);
  });

  it('reports pragmas written inside a setup-python block, where # starts no comment, and drops them', () => {
    const text = [
      'jobs:',
      '  t:',
      '    steps:',
      '      - uses: actions/setup-python@v5',
      '        with:',
      '          # pybase: ignore=PB102',
      '          python-version: | # pybase: ignore=PB101',
      '            3.12',
      '            # pybase: ignore=PB101',
      '            3.8  # pybase: ignore=PB101',
      '      # pybase: ignore=PB001',
      '      - uses: docker://python:latest',
      '',
    ].join('\n');
    const out = extractGithubWorkflow('w.yml', text);
    expect(out.pragmas.map((p) => p.line)).toEqual([6, 7, 11]);
    expect(out.diagnostics.map((d) => [d.code, d.location?.startLine, d.location?.startColumn])).toEqual([
      ['PBE010', 9, 13],
      ['PBE010', 10, 18],
    ]);
    expect(out.diagnostics[1]!.message).toBe(
      "ignore pragma not read: '#' starts no comment inside the python-version block: setup-python reads '3.8  # pybase: ignore=PB101' as a version",
    );
    // setup-python gets the line as written, which names no version pybase can judge.
    expect(out.versions[0]!.versions).toEqual([
      '3.12',
      '# pybase: ignore=PB101',
      '3.8  # pybase: ignore=PB101',
    ]);
  });

  it('places each value of a setup-python list, and each line of a block, with the versions it names', () => {
    const text = [
      'on: push',
      'jobs:',
      '  t:',
      '    strategy:',
      '      matrix:',
      '        py: ["3.8", "3.9"]',
      '    steps:',
      '      - uses: actions/setup-python@v5',
      '        with:',
      '          python-version: [3.7, "${{ matrix.py }}"]',
      '      - uses: actions/setup-python@v5',
      '        with:',
      '          python-version:',
      '            - "3.6"',
      '            - 3.12',
      '      - uses: actions/setup-python@v5',
      '        with:',
      '          python-version: |2-',
      '              3.5',
      '',
      '            3.11',
      '      - uses: actions/setup-python@v5',
      '        with:',
      '          python-version: >',
      '            3.4',
      '',
      '            3.13',
      '',
    ].join('\n');
    const v = extractGithubWorkflow('w.yml', text).versions;
    const parts = v.map((s) =>
      s.parts?.map((p) => [p.text, p.versions, `${p.range.startLine}:${p.range.startColumn}`]),
    );
    expect(parts).toEqual([
      [
        ['3.7', ['3.7'], '10:28'],
        ['${{ matrix.py }}', ['3.8', '3.9'], '10:34'],
      ],
      [
        ['3.6', ['3.6'], '14:16'],
        ['3.12', ['3.12'], '15:15'],
      ],
      [
        ['3.5', ['3.5'], '19:15'],
        ['3.11', ['3.11'], '21:13'],
      ],
      // A folded block is not the file's text line by line: each part is the whole value.
      [
        ['3.4', ['3.4'], '24:27'],
        ['3.13', ['3.13'], '24:27'],
      ],
    ]);
  });

  it('recognises setup-python actions but not other actions taking python-version', () => {
    expect(isSetupPython('actions/setup-python@v5')).toBe(true);
    expect(isSetupPython('actions/setup-python@0b93645e9fea7318ecaed2b359559ac225c90a2b')).toBe(true);
    expect(isSetupPython('./.github/actions/setup-python-uv')).toBe(true);
    expect(isSetupPython('astral-sh/setup-uv@v5')).toBe(false);
  });

  it('judges the matrix combinations GitHub runs: exclude removes, include adds or extends', () => {
    const workflow = [
      'jobs:',
      '  t:',
      '    strategy:',
      '      matrix:',
      '        py: ["3.8", "3.12"]',
      '        variant: [slim, alpine]',
      '        exclude:',
      '          - py: "3.8"',
      '        include:',
      '          - variant: slim',
      '            distro: -trixie',
      '          - py: "3.13"',
      '            variant: slim',
      '    container: python:${{ matrix.py }}-${{ matrix.variant }}${{ matrix.distro }}',
      '    steps:',
      '      - uses: actions/setup-python@v5',
      '        with: { python-version: "${{ matrix.py }}" }',
    ].join('\n');
    const out = extractGithubWorkflow('w.yml', workflow);
    // 3.8 is excluded; the first include extends the slim combination only; the second fits no
    // original combination (3.13 is no value of py), so it runs on its own, without a distro
    // (a key a combination lacks reads as empty text).
    expect(out.references.map((r) => r.resolved)).toEqual([
      'python:3.12-slim-trixie',
      'python:3.12-alpine',
      'python:3.13-slim',
    ]);
    expect(out.versions[0]?.versions).toEqual(['3.12', '3.13']);
    expect(out.diagnostics).toEqual([]);
  });

  it('pairs matrix keys as the jobs pair them, and follows the include example of GitHub', () => {
    const pairs = [
      'jobs:',
      '  t:',
      '    strategy:',
      '      matrix:',
      '        include:',
      '          - { py: "3.11", flavour: bookworm }',
      '          - { py: "3.13", flavour: trixie }',
      '    container: python:${{ matrix.py }}-slim-${{ matrix.flavour }}',
    ].join('\n');
    expect(extractGithubWorkflow('w.yml', pairs).references.map((r) => r.resolved)).toEqual([
      'python:3.11-slim-bookworm',
      'python:3.13-slim-trixie',
    ]);
    // fruit x animal with five include entries gives six jobs (GitHub's documented example).
    const fruit = [
      'jobs:',
      '  t:',
      '    strategy:',
      '      matrix:',
      '        fruit: [apple, pear]',
      '        animal: [cat, dog]',
      '        include:',
      '          - color: green',
      '          - { color: pink, animal: cat }',
      '          - { fruit: apple, shape: circle }',
      '          - fruit: banana',
      '          - { fruit: banana, animal: cat }',
      '    container: x/${{ matrix.fruit }}-${{ matrix.animal }}:${{ matrix.color }}',
    ].join('\n');
    // A key a combination lacks reads as empty text, as in GitHub's expressions.
    expect(extractGithubWorkflow('w.yml', fruit).references.map((r) => r.resolved)).toEqual([
      'x/apple-cat:pink',
      'x/apple-dog:green',
      'x/pear-cat:pink',
      'x/pear-dog:green',
      'x/banana-:',
      'x/banana-cat:',
    ]);
  });

  it('refuses a matrix GitHub would reject, quickly and with a warning at its line', () => {
    const axes = ['a', 'b', 'c', 'd', 'e', 'f'].map((k) => `        ${k}: [1, 2, 3, 4, 5, 6, 7, 8]`);
    const workflow = [
      'jobs:',
      '  big:',
      '    strategy:',
      '      matrix:',
      ...axes,
      '    container: python:3.${{ matrix.a }}${{ matrix.b }}${{ matrix.c }}${{ matrix.d }}${{ matrix.e }}${{ matrix.f }}',
    ].join('\n');
    const started = Date.now();
    const out = extractGithubWorkflow('w.yml', workflow);
    expect(Date.now() - started).toBeLessThan(2000);
    expect(out.references).toEqual([]);
    expect(out.diagnostics).toHaveLength(1);
    expect(out.diagnostics[0]).toMatchObject({ code: 'PBE002', severity: 'warning' });
    expect(out.diagnostics[0]!.message).toContain('262144 combinations');
    expect(out.diagnostics[0]!.location?.startLine).toBe(5);
  });

  it('reports a matrix given by an expression as unresolved', () => {
    const src =
      'jobs:\n  t:\n    strategy:\n      matrix: ${{ fromJSON(needs.a.outputs.m) }}\n    steps:\n      - uses: actions/setup-python@v5\n        with:\n          python-version: ${{ matrix.python }}\n';
    expect(extractGithubWorkflow('w.yml', src).versions[0]).toMatchObject({ unresolved: ['matrix.python'] });
  });

  it('reports invalid YAML with file and line, without throwing', () => {
    const bad = extractGithubWorkflow(
      '.github/workflows/bad.yml',
      'jobs:\n  a:\n    container: "python:3.12\n',
    );
    expect(bad.references).toEqual([]);
    expect(bad.diagnostics[0]).toMatchObject({
      code: 'PBE006',
      location: { file: '.github/workflows/bad.yml' },
    });
  });
});

describe('extractGithubAction', () => {
  it("reads a composite action's setup-python steps, taking inputs from their defaults", () => {
    const action = [
      'name: setup',
      'inputs:',
      '  python-version:',
      '    description: the Python to install',
      '    default: "3.11"',
      '  extra:',
      '    description: no default',
      'runs:',
      '  using: composite',
      '  steps:',
      '    - uses: actions/setup-python@v5',
      '      with:',
      '        python-version: ${{ inputs.python-version }}',
      '    - uses: actions/setup-python@v5',
      '      with:',
      '        python-version: ${{ inputs.extra }}',
      '    - uses: actions/setup-python@v5',
      '      with:',
      '        python-version-file: .python-version',
    ].join('\n');
    const out = extractGithubAction('.github/actions/setup/action.yml', action);
    expect(out.references).toEqual([]);
    expect(out.versions.map((v) => [v.kind, v.text, v.versions, v.unresolved, v.stage, v.job])).toEqual([
      ['setup-python', '${{ inputs.python-version }}', ['3.11'], undefined, 'ci', undefined],
      ['setup-python', '${{ inputs.extra }}', undefined, ['inputs.extra'], 'ci', undefined],
      ['setup-python-file', '.python-version', undefined, undefined, 'ci', undefined],
    ]);
    expect(out.versions[0]!.origins?.[0]).toMatchObject({
      name: 'inputs.python-version',
      source: 'action-input',
      range: { startLine: 5 },
    });
  });

  it("reads a Docker action's image after docker://, with the range of the name alone", () => {
    const action = 'name: lint\nruns:\n  using: docker\n  image: "docker://python:3.12-slim"\n';
    const out = extractGithubAction('action.yml', action);
    expect(out.references.map((r) => [r.kind, r.text, r.stage])).toEqual([
      ['gha-action-image', 'python:3.12-slim', 'ci'],
    ]);
    expect(slice(action, out.references[0]!.range)).toBe('python:3.12-slim');
    // A Dockerfile action builds the Dockerfile beside it, which is read as a Dockerfile.
    expect(
      extractGithubAction('action.yml', 'runs:\n  using: docker\n  image: Dockerfile\n').references,
    ).toEqual([]);
  });

  it('reads steps that run an image (uses: docker://...), in workflows and composite actions', () => {
    const workflow = [
      'jobs:',
      '  lint:',
      '    runs-on: ubuntu-latest',
      '    steps:',
      '      - uses: actions/checkout@v4',
      '      - uses: docker://python:3.9-slim',
      '        with: { args: python -V }',
      "      - uses: 'docker://python:3.12-alpine'",
      '      - uses: "docker://python:\\x33.12"',
    ].join('\n');
    const out = extractGithubWorkflow('.github/workflows/lint.yml', workflow);
    // The escaped value is not written plainly, so no range could point at it: it is left out.
    expect(out.references.map((r) => [r.kind, r.text, r.job, r.stage])).toEqual([
      ['gha-step-image', 'python:3.9-slim', 'lint', 'ci'],
      ['gha-step-image', 'python:3.12-alpine', 'lint', 'ci'],
    ]);
    expect(out.references.map((r) => slice(workflow, r.range))).toEqual([
      'python:3.9-slim',
      'python:3.12-alpine',
    ]);
    const action = 'runs:\n  using: composite\n  steps:\n    - uses: docker://python:3.11\n';
    const fromAction = extractGithubAction('.github/actions/x/action.yml', action);
    expect(fromAction.references.map((r) => [r.kind, slice(action, r.range), r.job])).toEqual([
      ['gha-step-image', 'python:3.11', undefined],
    ]);
  });

  it('reads inputs of reusable and manually run workflows from their defaults', () => {
    const reusable = [
      'on:',
      '  workflow_call:',
      '    inputs:',
      '      python: { type: string, default: "3.12" }',
      '  workflow_dispatch:',
      '    inputs:',
      '      python: { default: "3.13" }',
      'jobs:',
      '  test:',
      '    runs-on: ubuntu-latest',
      '    container: python:${{ inputs.python }}-slim',
      '    steps:',
      '      - uses: actions/setup-python@v5',
      '        with: { python-version: "${{ inputs.python }}" }',
    ].join('\n');
    const out = extractGithubWorkflow('.github/workflows/reusable.yml', reusable);
    expect(out.references.map((r) => r.resolved)).toEqual(['python:3.12-slim', 'python:3.13-slim']);
    expect(out.versions[0]!.versions).toEqual(['3.12', '3.13']);
  });
});
