import { mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../../../test/support/paths.js';
import { type DependencySourceKind, dependencyReadErrors } from '../../model/dependencies.js';
import { PybaseError } from '../../model/diagnostic.js';
import { dependencySourceKind, findDependencySource, parseDependencies, readDependencies } from './index.js';
import { jsonErrorOffset } from './shared.js';

const fixtures = join(repoRoot, 'test', 'fixtures');

describe('findDependencySource', () => {
  it('picks the most precise file and lists the others in order', () => {
    const found = findDependencySource(join(fixtures, 'deps-precedence'));
    expect(found?.kind).toBe('uv.lock');
    expect(found?.alsoPresent.map((s) => s.file.split('/').pop())).toEqual([
      'poetry.lock',
      'requirements.txt',
      'requirements-base.txt',
      'requirements-dev.txt',
      'pyproject.toml',
    ]);
  });

  it('refuses a lock that is there but cannot be read, instead of passing it over', () => {
    for (const make of ['broken link', 'directory'] as const) {
      const dir = mkdtempSync(join(tmpdir(), 'pybase-deps-'));
      writeFileSync(join(dir, 'pyproject.toml'), '[project]\nname = "x"\ndependencies = ["flask"]\n');
      if (make === 'broken link') symlinkSync(join(dir, 'gone.lock'), join(dir, 'uv.lock'));
      else mkdirSync(join(dir, 'uv.lock'));
      let error: unknown;
      try {
        findDependencySource(dir);
      } catch (e) {
        error = e;
      }
      expect(error, make).toBeInstanceOf(PybaseError);
      expect((error as PybaseError).diagnostic.message, make).toContain(join(dir, 'uv.lock'));
    }
  });

  it('a --deps path written with backslashes that names nothing gets a hint with slashes', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pybase-deps-'));
    mkdirSync(join(dir, 'sub'));
    writeFileSync(join(dir, 'sub', 'requirements.txt'), 'flask==3.0.0\n');
    for (const [written, hint] of [
      ['sub\\requirements.txt', "write it with '/' (sub/requirements.txt)"],
      ['C:\\proj\\uv.lock', "write it with '/' (C:/proj/uv.lock)"],
    ] as const) {
      let error: unknown;
      try {
        findDependencySource(dir, { deps: written });
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(PybaseError);
      const d = (error as PybaseError).diagnostic;
      expect(d.message).toContain(written);
      expect(d.hint).toBe(`a backslash does not separate folders here: ${hint}`);
    }
    expect(findDependencySource(dir, { deps: 'sub/requirements.txt' })?.kind).toBe('requirements');
  });

  it('falls back through the order', () => {
    expect(findDependencySource(join(fixtures, 'deps-pipfile'))?.kind).toBe('Pipfile.lock');
    expect(findDependencySource(join(fixtures, 'deps-poetry-2.0'))?.kind).toBe('poetry.lock');
    expect(findDependencySource(join(fixtures, 'deps-pyproject'))?.kind).toBe('pyproject');
    expect(findDependencySource(join(fixtures, 'deps-include-cycle'))?.file).toBe(
      join(fixtures, 'deps-include-cycle', 'requirements.txt'),
    );
    const empty = mkdtempSync(join(tmpdir(), 'pybase-deps-'));
    expect(findDependencySource(empty)).toBeUndefined();
  });

  it.each([
    [['requirements-dev.txt', 'requirements-prod.txt'], 'requirements-prod.txt'],
    [
      ['requirements-test.txt', 'requirements_production.txt', 'requirements-base.txt'],
      'requirements_production.txt',
    ],
    [['requirements-dev.txt', 'requirements-docs.txt', 'requirements-base.txt'], 'requirements-base.txt'],
    [['requirements-dev.txt', 'requirements-lock.txt'], 'requirements-lock.txt'],
    [['requirements-dev.txt', 'requirements.txt', 'requirements-prod.txt'], 'requirements.txt'],
    [
      ['requirements/base.txt', 'requirements/local.txt', 'requirements/production.txt'],
      'requirements/production.txt',
    ],
    [['requirements/prod.txt', 'requirements-prod.txt'], 'requirements-prod.txt'],
    [['requirements/dev.txt', 'requirements-test.txt'], 'requirements-test.txt'],
    [['requirements/dev.txt', 'requirements/tests.txt'], 'requirements/dev.txt'],
  ])('among %j reads %s, and names the others it passed over', (names, chosen) => {
    const dir = mkdtempSync(join(tmpdir(), 'pybase-reqs-'));
    for (const n of names) {
      mkdirSync(join(dir, n, '..'), { recursive: true });
      writeFileSync(join(dir, n), 'flask==3.0.3\n');
    }
    const found = findDependencySource(dir);
    expect(found?.file).toBe(join(dir, chosen));
    expect(found?.kind).toBe('requirements');
    expect(found?.passedOver.map((f) => f.file).sort()).toEqual(
      names
        .filter((n) => n !== chosen)
        .map((n) => join(dir, n))
        .sort(),
    );
  });

  it('passes nothing over with a single requirements file, a lock, or a named file', () => {
    expect(findDependencySource(join(fixtures, 'deps-requirements'))?.passedOver).toEqual([]);
    expect(findDependencySource(join(fixtures, 'deps-precedence'))?.passedOver).toEqual([]);
    expect(
      findDependencySource(join(fixtures, 'deps-precedence'), { deps: 'requirements-dev.txt' })?.passedOver,
    ).toEqual([]);
  });

  it('uses the file named by --deps, and refuses a missing or unknown one', () => {
    const found = findDependencySource(join(fixtures, 'deps-include-cycle'), { deps: 'a.txt' });
    expect(found).toEqual({
      file: join(fixtures, 'deps-include-cycle', 'a.txt'),
      kind: 'requirements',
      alsoPresent: [],
      passedOver: [],
    });
    expect(() => findDependencySource(fixtures, { deps: 'nope.lock' })).toThrow(PybaseError);
    expect(() => findDependencySource(join(fixtures, 'deps-precedence'), { deps: '../deps-pdm' })).toThrow(
      /not a file/,
    );
    expect(() => findDependencySource(join(fixtures, 'missing-dir'))).toThrow(PybaseError);
  });

  it('tells kinds from names', () => {
    expect(dependencySourceKind('a/b/uv.lock')).toBe('uv.lock');
    expect(dependencySourceKind('requirements/dev.in')).toBe('requirements');
    expect(dependencySourceKind('Pipfile')).toBeUndefined();
  });
});

describe('readDependencies errors', () => {
  it('throws a PybaseError naming an unreadable file', () => {
    const file = join(fixtures, 'deps-pdm', 'missing', 'pdm.lock');
    try {
      readDependencies(file);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(PybaseError);
      expect((error as PybaseError).diagnostic).toMatchObject({ code: 'PBE005', location: { file } });
    }
  });

  it('throws for a file whose kind cannot be told', () => {
    expect(() => readDependencies(join(fixtures, 'deps-pdm', 'pdm.lock.bak'))).toThrow(/which format/);
  });
});

describe('malformed input becomes a located diagnostic', () => {
  it.each([
    ['uv.lock', 'version = 1\n[[package]]\nname = "a\n'],
    ['poetry.lock', '[[package]]\nname = "a"\nversion = \n'],
    ['pdm.lock', '[metadata]\nlock_version = "4.5"\n[[package]\n'],
    ['pyproject', '[project]\ndependencies = ["a",\n'],
  ] as const)('bad TOML in %s', (kind, text) => {
    const set = parseDependencies(text, 'f', kind);
    expect(set.dependencies).toEqual([]);
    const error = set.diagnostics.find((d) => d.severity === 'error');
    expect(error?.code).toBe('PBE006');
    expect(error?.location?.file).toBe('f');
    expect(error?.location?.startLine).toBeGreaterThanOrEqual(2);
  });

  it('bad JSON in Pipfile.lock, with line and column', () => {
    const set = parseDependencies(
      '{\n  "_meta": {},\n  "default": {\n    "a": {"version": "==1",}\n  }\n}',
      'Pipfile.lock',
      'Pipfile.lock',
    );
    expect(set.diagnostics[0]).toMatchObject({
      severity: 'error',
      location: { startLine: 4, startColumn: 28 },
    });
  });

  it('a truncated JSON file points at its end', () => {
    const text = '{\n  "_meta": {\n    "pipfile-spec": 6\n';
    const set = parseDependencies(text, 'Pipfile.lock', 'Pipfile.lock');
    // At the end of the last line, not on a fourth line the file does not have.
    expect(set.diagnostics[0]?.location).toMatchObject({ startLine: 3, startColumn: 22 });
  });

  it('a truncated uv.lock is reported, not thrown', () => {
    const text = readFileSync(join(fixtures, 'deps-uv-groups', 'uv.lock'), 'utf8');
    const cut = text.slice(0, text.indexOf('wheels = [', 2000) + 14);
    const set = parseDependencies(cut, 'uv.lock', 'uv.lock');
    expect(set.diagnostics.some((d) => d.severity === 'error' && (d.location?.startLine ?? 0) > 1)).toBe(
      true,
    );
  });

  it('entries of the wrong shape are skipped with a warning at their line', () => {
    const set = parseDependencies(
      'version = 1\n[[package]]\nversion = "1"\n\n[[package]]\nname = "ok"\nversion = "2"\n',
      'uv.lock',
      'uv.lock',
    );
    expect(set.dependencies.map((d) => d.name)).toEqual(['ok']);
    expect(set.diagnostics[0]).toMatchObject({ severity: 'warning', location: { startLine: 2 } });
  });
});

describe('a file that cannot be read at all is unreadable, not an empty project', () => {
  const uvText = () => readFileSync(join(fixtures, 'deps-uv-groups', 'uv.lock'), 'utf8');

  it.each([
    ['uv.lock', () => uvText().slice(0, 3000), /^f:\d+:\d+: not valid TOML/],
    ['poetry.lock', () => '[[package]]\nname = "a"\nversion = \n', /^f:3:\d+: not valid TOML/],
    ['pdm.lock', () => '[metadata]\nlock_version = "4.5"\n[[package]\n', /^f:3:\d+: not valid TOML/],
    // Cut short: the end of input is at the end of the last line, not on a fourth line.
    ['Pipfile.lock', () => '{\n  "_meta": {\n    "pipfile-spec": 6\n', /^f:3:22: not valid JSON/],
    ['pyproject', () => '[project]\ndependencies = ["a",\n', /^f:\d+:\d+: not valid TOML/],
    ['uv.lock', () => '', /^f:1: no lock format `version` and no \[\[package\]\]: this is not a uv\.lock/],
    [
      'poetry.lock',
      () => 'title = "x"\n',
      /^f:1: no \[metadata\] and no \[\[package\]\]: this is not a poetry\.lock/,
    ],
    ['pdm.lock', () => '', /^f:1: no \[metadata\] and no \[\[package\]\]: this is not a pdm\.lock/],
    ['Pipfile.lock', () => '[1, 2]', /^f:1: the document is not a JSON object: this is not a Pipfile\.lock/],
    ['Pipfile.lock', () => '{"a": 1}', /^f:1: no _meta, default or develop section/],
    [
      'requirements',
      () => 'hello world\n',
      /^f:1: "hello world" is not a valid requirement.*no line of f is a requirement/,
    ],
    ['requirements', () => 'flask==3.0\u0000\u0001\n', /^f:1: binary data, not a requirements file/],
  ] as [DependencySourceKind, () => string, RegExp][])('%s (case %#)', (kind, text, message) => {
    const set = parseDependencies(text(), 'f', kind);
    expect(set.dependencies).toEqual([]);
    expect(set.unreadable).toMatchObject({ code: 'PBE006', severity: 'error', location: { file: 'f' } });
    expect(set.unreadable?.message).toMatch(message);
    expect(set.diagnostics).toContainEqual(set.unreadable);
  });

  it.each([
    ['uv.lock', 'version = 1\n[[package]]\nname = "a"\nversion = [\n', 4, 12],
    ['poetry.lock', '[[package]]\nname = "a"\nversion = \n', 3, 11],
    ['Pipfile.lock', '{"_meta": {\n', 1, 12],
    ['Pipfile.lock', '{"_meta": {\r\n\r\n', 2, 1],
    ['Pipfile.lock', '{"_meta": {', 1, 12],
  ] as [DependencySourceKind, string, number, number][])(
    'a file cut short is reported inside it, never on a line after its end (%s, case %#)',
    (kind, text, line, column) => {
      const set = parseDependencies(text, 'f', kind);
      expect(set.unreadable?.location).toMatchObject({
        startLine: line,
        startColumn: column,
        endLine: line,
        endColumn: column,
      });
      expect(set.unreadable?.message).toMatch(new RegExp(`^f:${line}:${column}: not valid`));
    },
  );

  it('readDependencies throws it, with the file and line', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pybase-deps-cut-'));
    const file = join(dir, 'uv.lock');
    writeFileSync(file, uvText().slice(0, 3000));
    expect(() => readDependencies(file)).toThrow(PybaseError);
    try {
      readDependencies(file);
    } catch (error) {
      expect((error as PybaseError).diagnostic.message).toMatch(
        new RegExp(`^${file}:\\d+:\\d+: not valid TOML`),
      );
    }
  });

  it('files that read, even empty ones, are not unreadable', () => {
    expect(parseDependencies('', 'f', 'requirements').unreadable).toBeUndefined();
    expect(parseDependencies('# nothing yet\n', 'f', 'requirements').unreadable).toBeUndefined();
    expect(parseDependencies('[project]\nname = "x"\n', 'f', 'pyproject').unreadable).toBeUndefined();
    expect(parseDependencies('version = 1\n', 'f', 'uv.lock').unreadable).toBeUndefined();
    // One bad line among requirements is a warning: the others are judged.
    const mixed = parseDependencies('flask==3.0.3\nhello world\n', 'f', 'requirements');
    expect(mixed.unreadable).toBeUndefined();
    expect(mixed.dependencies.map((d) => d.name)).toEqual(['flask']);
    expect(dependencyReadErrors(mixed.diagnostics)).toEqual([]);
  });
});

describe('errors that leave the dependencies incomplete', () => {
  it('a uv.lock cut at a line end names the packages it lacks, once', () => {
    const text = readFileSync(join(fixtures, 'deps-uv-groups', 'uv.lock'), 'utf8');
    const lines = text.split('\n');
    const cut = lines
      .slice(
        0,
        lines.findIndex((l, i) => i > 60 && l.startsWith('[[package]]')),
      )
      .join('\n');
    const set = parseDependencies(cut, 'uv.lock', 'uv.lock');
    expect(set.unreadable).toBeUndefined();
    const errors = dependencyReadErrors(set.diagnostics);
    expect(errors).toHaveLength(1);
    expect(errors[0]?.message).toMatch(
      /^uv\.lock:1: the lock is incomplete: \d+ dependencies have no \[\[package\]\] entry/,
    );
    expect(errors[0]?.data).toMatchObject({ dependencyFile: 'uv.lock' });
  });

  it('a poetry.lock without its closing [metadata] is cut short', () => {
    const set = parseDependencies('[[package]]\nname = "a"\nversion = "1"\n', 'poetry.lock', 'poetry.lock');
    expect(dependencyReadErrors(set.diagnostics).map((d) => d.message)).toEqual([
      'poetry.lock:1: no [metadata] section (Poetry writes it last): the lock is cut short',
    ]);
  });

  it('an include cycle is an error of the file read', () => {
    const set = readDependencies(join(fixtures, 'deps-include-cycle', 'requirements.txt'));
    expect(dependencyReadErrors(set.diagnostics).map((d) => d.message)).toEqual([
      expect.stringMatching(/forms a cycle/),
    ]);
  });
});

describe('jsonErrorOffset', () => {
  it('finds the first offending character', () => {
    expect(jsonErrorOffset('[1, 2,]')).toBe(6);
    expect(jsonErrorOffset('{"a": tru}')).toBe(6);
    expect(jsonErrorOffset('{"a": 1} x')).toBe(9);
    expect(jsonErrorOffset('"abc')).toBe(4);
  });
});

describe('a project folder written on the fly', () => {
  it('reads a requirements file with a BOM and Windows line ends', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pybase-deps-'));
    writeFileSync(
      join(dir, 'requirements.txt'),
      '\uFEFFflask==3.0.3\r\nclick==8.1.7 \\\r\n  --hash=sha256:ab\r\n',
    );
    const found = findDependencySource(dir);
    const set = readDependencies(found!.file);
    expect(set.dependencies.map((d) => [d.name, d.version, d.hashes])).toEqual([
      ['flask', '3.0.3', undefined],
      ['click', '8.1.7', ['sha256:ab']],
    ]);
  });
});
