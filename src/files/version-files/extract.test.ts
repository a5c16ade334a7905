import { describe, expect, it } from 'vitest';
import { expandToxBraces, extractVersionFile, toxEnvVersions } from './extract.js';

const slice = (text: string, r: { startOffset?: number; endOffset?: number }) =>
  text.slice(r.startOffset, r.endOffset);

describe('extractVersionFile', () => {
  it('reads each non-comment line of .python-version', () => {
    const text = '# pinned\n3.12.3\n\n  3.11  # second\n';
    const { versions } = extractVersionFile('python-version', '.python-version', text);
    expect(versions.map((v) => [v.kind, v.text, v.versions, v.range.startLine, v.stage])).toEqual([
      ['python-version-file', '3.12.3', ['3.12.3'], 2, 'dev'],
      ['python-version-file', '3.11', ['3.11'], 4, 'dev'],
    ]);
    expect(slice(text, versions[1]!.range)).toBe('3.11');
  });

  it('finds requires-python and Poetry python (string and inline table) with exact positions', () => {
    const text = [
      '[project]',
      'name = "x"',
      "requires-python = '>=3.10,<3.14'",
      '',
      '[tool.poetry.dependencies]',
      'python = "^3.11"',
    ].join('\n');
    const { versions, diagnostics } = extractVersionFile('pyproject', 'pyproject.toml', text);
    expect(diagnostics).toEqual([]);
    expect(versions.map((v) => [v.kind, v.specifier, v.range.startLine, slice(text, v.range)])).toEqual([
      ['requires-python', '>=3.10,<3.14', 3, '>=3.10,<3.14'],
      ['poetry-python', '^3.11', 6, '^3.11'],
    ]);
    const table =
      '[tool.poetry]\nname = "x"\n[tool.poetry.dependencies]\npython = { version = "~3.12", optional = false }\n';
    const t = extractVersionFile('pyproject', 'pyproject.toml', table).versions[0]!;
    expect([t.specifier, slice(table, t.range)]).toEqual(['~3.12', '~3.12']);
  });

  it('does not confuse a key of the same name in another table', () => {
    const text = '[tool.other]\nrequires-python = ">=2.7"\n[project]\nrequires-python = ">=3.9"\n';
    const [v] = extractVersionFile('pyproject', 'pyproject.toml', text).versions;
    expect([v!.specifier, v!.range.startLine]).toEqual(['>=3.9', 4]);
  });

  it('reports invalid TOML as PBE006 with the line', () => {
    const out = extractVersionFile('pyproject', 'pyproject.toml', '[project]\nrequires-python = = ">=3"\n');
    expect(out.versions).toEqual([]);
    expect(out.diagnostics[0]).toMatchObject({
      code: 'PBE006',
      location: { file: 'pyproject.toml', startLine: 2 },
    });
  });

  it('reports TOML cut short at the end of its last line, not on a line after it', () => {
    const out = extractVersionFile(
      'pyproject',
      'pyproject.toml',
      '[project]\nname = "x"\nrequires-python = [\n',
    );
    expect(out.diagnostics).toHaveLength(1);
    expect(out.diagnostics[0]).toMatchObject({
      code: 'PBE006',
      message: expect.stringMatching(/^pyproject\.toml:3: cannot parse: /),
      location: { file: 'pyproject.toml', startLine: 3, endLine: 3, startColumn: 20 },
    });
  });

  it('reads runtime.txt, Pipfile and .tool-versions', () => {
    const runtime = extractVersionFile('runtime-txt', 'runtime.txt', 'python-3.12.3\n').versions[0]!;
    expect([runtime.text, runtime.versions]).toEqual(['python-3.12.3', ['3.12.3']]);
    const pipText =
      '[packages]\nrequests = "*"\n\n[requires]\npython_version = "3.11"\npython_full_version = "3.11.9"\n';
    expect(
      extractVersionFile('pipfile', 'Pipfile', pipText).versions.map((v) => [
        v.kind,
        v.versions,
        v.range.startLine,
      ]),
    ).toEqual([
      ['pipfile-python-version', ['3.11'], 5],
      ['pipfile-python-full-version', ['3.11.9'], 6],
    ]);
    const tools = 'nodejs 20.1.0\npython 3.12.3 3.11.9 # two\n';
    const tv = extractVersionFile('tool-versions', '.tool-versions', tools).versions[0]!;
    expect([tv.versions, slice(tools, tv.range)]).toEqual([['3.12.3', '3.11.9'], '3.12.3 3.11.9']);
  });

  it('reads a pragma at the end of a .tool-versions line, after any #, for that line', () => {
    const tools =
      '# pybase: ignore=PB102\npython 3.8.18 # pybase: ignore=PB101\nnodejs 20#pybase: ignore=pb101,PB302\n';
    const out = extractVersionFile('tool-versions', '.tool-versions', tools);
    expect(out.pragmas).toEqual([
      {
        file: '.tool-versions',
        line: 1,
        codes: ['PB102'],
        scope: 'next',
        target: { startLine: 2, endLine: 2 },
      },
      {
        file: '.tool-versions',
        line: 2,
        codes: ['PB101'],
        scope: 'next',
        target: { startLine: 2, endLine: 2 },
      },
      {
        file: '.tool-versions',
        line: 3,
        codes: ['PB101', 'PB302'],
        scope: 'next',
        target: { startLine: 3, endLine: 3 },
      },
    ]);
    expect(out.versions[0]?.versions).toEqual(['3.8.18']);
    expect(out.diagnostics).toEqual([]);
  });

  it('reports a pragma after a version in .python-version, which takes comments on lines of their own only', () => {
    const text = '# pybase: ignore=PB102\n3.8  # pybase: ignore=PB101\n3.9 #pybase: ignore-file=PB101\n';
    const out = extractVersionFile('python-version', '.python-version', text);
    // The whole-line pragma is read; the others are reported, and the versions before them still read.
    expect(out.pragmas).toEqual([
      {
        file: '.python-version',
        line: 1,
        codes: ['PB102'],
        scope: 'next',
        target: { startLine: 2, endLine: 2 },
      },
    ]);
    expect(out.versions.map((v) => v.versions)).toEqual([['3.8'], ['3.9']]);
    expect(
      out.diagnostics.map((d) => [d.code, d.severity, d.location?.startLine, d.location?.startColumn]),
    ).toEqual([
      ['PBE010', 'warning', 2, 6],
      ['PBE010', 'warning', 3, 5],
    ]);
    expect(out.diagnostics[0]).toMatchObject({
      message:
        "ignore pragma not read: .python-version takes comments only on lines of their own: uv takes the whole line '3.8  # pybase: ignore=PB101' for the version, cannot read it, and ignores the line",
      hint: "move the pragma to a line of its own before '3.8'",
      data: { pragmaCodes: ['PB101'], misplaced: true },
    });
  });

  it('gives each version of a .tool-versions line its own column', () => {
    const tools = 'nodejs 20.11.0\npython   3.8.18 3.12.7\t3.13.1  # three\n';
    const tv = extractVersionFile('tool-versions', '.tool-versions', tools).versions[0]!;
    expect(tv.parts?.map((p) => [p.text, p.versions, p.range.startLine, p.range.startColumn])).toEqual([
      ['3.8.18', ['3.8.18'], 2, 10],
      ['3.12.7', ['3.12.7'], 2, 17],
      ['3.13.1', ['3.13.1'], 2, 24],
    ]);
    expect(tv.parts?.map((p) => slice(tools, p.range))).toEqual(['3.8.18', '3.12.7', '3.13.1']);
  });

  it('reads tox envlist over continuation lines and setup.cfg python_requires', () => {
    const tox =
      '[tox]\nenvlist =\n    py311, py312\n    {py310,py313}-django{42,50}\n    lint\n[testenv]\ndeps = x\n';
    const t = extractVersionFile('tox-ini', 'tox.ini', tox).versions[0]!;
    expect(t.versions).toEqual(['3.11', '3.12', '3.10', '3.13']);
    expect(t.range).toMatchObject({ startLine: 3, endLine: 5 });
    const cfg = '[metadata]\nname = x\n[options]\npython_requires = >=3.8\n';
    const s = extractVersionFile('setup-cfg', 'setup.cfg', cfg).versions[0]!;
    expect([s.kind, s.specifier, slice(cfg, s.range)]).toEqual(['setup-cfg', '>=3.8', '>=3.8']);
  });

  it('expands tox braces and version factors', () => {
    expect(expandToxBraces('{py311,py312}-{a,b}')).toEqual(['py311-a', 'py311-b', 'py312-a', 'py312-b']);
    expect(toxEnvVersions('py3, py3.9, pypy3, py27-x')).toEqual(['3', '3.9', '2.7']);
  });
});

describe('tox brace expansion', () => {
  it('expands the product, and past the cap each alternative once instead of growing exponentially', async () => {
    const { expandToxBraces, maxToxExpansions, toxEnvVersions } = await import('./extract.js');
    expect(expandToxBraces('py{311,312}-django{42,50}')).toEqual([
      'py311-django42',
      'py311-django50',
      'py312-django42',
      'py312-django50',
    ]);
    const bomb = `py{311,312}${'-x{a,b}'.repeat(40)}`;
    const started = performance.now();
    const envs = expandToxBraces(bomb);
    expect(performance.now() - started).toBeLessThan(1000);
    expect(envs.length).toBeLessThanOrEqual(maxToxExpansions);
    expect(toxEnvVersions(bomb)).toEqual(['3.11', '3.12']);
  });
});
