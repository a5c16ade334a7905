import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../../../../test/support/paths.js';
import { parseUvLock } from './uv-lock.js';

const file = join(repoRoot, 'test', 'fixtures', 'deps-uv-groups', 'uv.lock');
const text = readFileSync(file, 'utf8');

describe('uv.lock groups, extras and markers', () => {
  const runtime = parseUvLock(text, file);
  const all = parseUvLock(text, file, { with: ['*'] });
  const find = (name: string, set = all) => set.dependencies.filter((d) => d.name === name);

  it('treats the editable root as the project, not a dependency', () => {
    expect(all.projectPackages).toEqual(['demo']);
    expect(find('demo')).toEqual([]);
    expect(all.groups).toEqual(['main', 'dev', 'pg']);
  });

  it('walks runtime dependencies from the root, transitively', () => {
    expect(runtime.dependencies.map((d) => d.name).sort()).toEqual([
      'anyio',
      'httpx',
      'numpy',
      'numpy',
      'tool-from-git',
    ]);
  });

  it('keeps one entry per locked version, each with the marker of its edge', () => {
    const numpy = find('numpy', runtime);
    expect(numpy.map((n) => [n.version, n.marker])).toEqual([
      ['1.26.4', "python_full_version < '3.12'"],
      ['2.0.0', "python_full_version >= '3.12'"],
    ]);
    expect(numpy[1]?.files?.map((f) => f.filename)).toEqual([
      'numpy-2.0.0.tar.gz',
      'numpy-2.0.0-cp312-cp312-musllinux_1_2_x86_64.whl',
    ]);
    expect(numpy[1]?.files?.[0]).toMatchObject({
      url: 'https://files.example.org/numpy-2.0.0.tar.gz',
      hashes: ['sha256:08'],
    });
  });

  it('puts extras and dev groups in named groups, and activates extras of dependencies', () => {
    expect(find('psycopg')[0]?.groups).toEqual(['pg']);
    expect(find('psycopg-binary')[0]).toMatchObject({
      groups: ['pg'],
      marker: "implementation_name != 'pypy'",
    });
    expect(find('pytest')[0]?.groups).toEqual(['dev']);
    expect(find('pytest', runtime)).toEqual([]);
    expect(parseUvLock(text, file, { with: ['pg'] }).dependencies.some((d) => d.name === 'pytest')).toBe(
      false,
    );
  });

  it('combines markers along a path', () => {
    expect(find('colorama')[0]?.marker).toBe("sys_platform == 'win32'");
    expect(find('tzdata')[0]?.marker).toBe("sys_platform == 'win32'");
  });

  it('gives location, index and kind', () => {
    expect(find('httpx')[0]).toMatchObject({
      location: { file, line: 47 },
      index: 'https://pypi.org/simple',
      kind: 'registry',
    });
    expect(find('tool-from-git')[0]).toMatchObject({
      kind: 'vcs',
      url: 'https://github.com/example/tool.git#0123456789abcdef',
    });
    expect(runtime.diagnostics.filter((d) => d.data?.reason === 'not-judgeable')).toHaveLength(1);
    expect(runtime.requiresPython).toBe('>=3.10');
  });

  it('warns about an unknown group asked for', () => {
    const set = parseUvLock(text, file, { with: ['docs'] });
    expect(set.diagnostics.some((d) => d.message.includes('"docs"'))).toBe(true);
  });

  it('ANDs markers along a path and ORs alternative paths', () => {
    const lock = [
      'version = 1',
      'requires-python = ">=3.9"',
      '[[package]]',
      'name = "app"',
      'version = "1"',
      'source = { virtual = "." }',
      'dependencies = [{ name = "a", marker = "os_name == \'posix\'" }, { name = "b" }]',
      '[[package]]',
      'name = "a"',
      'version = "1"',
      'source = { registry = "https://pypi.org/simple" }',
      'dependencies = [{ name = "c", marker = "python_version < \'3.11\'" }]',
      '[[package]]',
      'name = "b"',
      'version = "1"',
      'source = { registry = "https://pypi.org/simple" }',
      'dependencies = [{ name = "c", marker = "sys_platform == \'darwin\'" }]',
      '[[package]]',
      'name = "c"',
      'version = "1"',
      'source = { registry = "https://pypi.org/simple" }',
    ].join('\n');
    const c = parseUvLock(lock, 'uv.lock').dependencies.find((d) => d.name === 'c');
    expect(c?.marker).toBe("sys_platform == 'darwin' or (os_name == 'posix' and python_version < '3.11')");
  });
});
