import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../../../../test/support/paths.js';
import { readDependencies } from '../index.js';
import { logicalLines, parseRequirementsTxt } from './requirements-txt.js';

const fixtures = join(repoRoot, 'test', 'fixtures');

describe('logicalLines', () => {
  it('joins backslash continuations, ends them at a comment line and drops comments', () => {
    const text = [
      'a==1 \\',
      '    --hash=sha256:x \\',
      '    # via b',
      'c==2  # trailing',
      '# only a comment',
      'd==3#not-a-comment',
    ].join('\n');
    expect(logicalLines(text)).toEqual([
      { text: 'a==1     --hash=sha256:x', line: 1 },
      { text: 'c==2', line: 4 },
      { text: 'd==3#not-a-comment', line: 6 },
    ]);
  });
});

describe('requirements file with includes, hashes, markers and direct references', () => {
  const file = join(fixtures, 'deps-requirements', 'requirements.txt');
  const set = readDependencies(file);
  const byName = new Map(set.dependencies.map((d) => [d.name, d]));

  it('reads pins with extras and multi-line hashes, at the line where they start', () => {
    const django = byName.get('django');
    expect(django).toMatchObject({
      displayName: 'Django',
      version: '4.2.11',
      extras: ['argon2', 'bcrypt'],
      kind: 'registry',
    });
    expect(django?.hashes).toEqual(['sha256:aaaa', 'sha256:bbbb']);
    expect(django?.location).toEqual({ file, line: 8 });
  });

  it('keeps environment markers raw', () => {
    expect(byName.get('pywin32')?.marker).toBe('sys_platform == "win32"');
    const requests = byName.get('requests');
    expect(requests?.specifier).toBe('>=2.31,<3');
    expect(requests?.version).toBeUndefined();
    expect(requests?.extras).toEqual(['socks']);
    expect(requests?.marker).toBe(
      'python_version >= "3.9" and (platform_machine == "x86_64" or platform_machine == "aarch64")',
    );
  });

  it('follows -r relative to the including file, and applies -c pins to ranges without adding constraint-only names', () => {
    expect(byName.get('attrs')?.location?.file).toBe(join(fixtures, 'deps-requirements', 'sub', 'base.txt'));
    expect(byName.get('six')?.location).toEqual({
      file: join(fixtures, 'deps-requirements', 'sub', 'more.txt'),
      line: 1,
    });
    expect(byName.get('numpy')).toMatchObject({ version: '1.26.4', specifier: '>=1.26' });
    expect(byName.has('scipy')).toBe(false);
  });

  it('notes index options and --find-links', () => {
    expect(set.indexUrls).toEqual(['https://pypi.example.org/simple', 'https://extra.example.org/simple']);
    expect(set.findLinks).toEqual(['./wheelhouse']);
  });

  it('keeps editable, VCS, URL and path requirements with their kind; a wheel or sdist file is judgeable, the rest not', () => {
    expect(byName.get('.')?.kind).toBe('editable');
    expect(byName.get('editable-lib')).toMatchObject({
      kind: 'editable',
      url: expect.stringContaining('git+https://'),
    });
    expect(byName.get('vcs-lib')).toMatchObject({ kind: 'vcs', displayName: 'vcs_lib' });
    expect(byName.get('direct-pkg')).toMatchObject({
      kind: 'url',
      files: [{ filename: 'direct_pkg-2.0-py3-none-any.whl' }],
    });
    expect(byName.get('local-pkg')).toMatchObject({
      kind: 'path',
      url: './vendor/local_pkg-1.0.tar.gz',
      files: [{ filename: 'local_pkg-1.0.tar.gz' }],
    });
    expect(byName.get('mylib')).toMatchObject({
      kind: 'url',
      marker: 'python_version < "3.13"',
      files: [{ filename: 'mylib-3.0.zip' }],
    });
    // The editable project, the editable VCS checkout and the VCS checkout.
    const notJudgeable = set.diagnostics.filter((d) => d.data?.reason === 'not-judgeable');
    expect(notJudgeable.map((d) => d.location?.startLine).sort((a, b) => (a ?? 0) - (b ?? 0))).toEqual([
      15, 16, 17,
    ]);
  });

  it('reports an unreadable requirement with its file and line, and reads the rest', () => {
    const bad = set.diagnostics.find((d) => d.message.includes('not a requirement!'));
    expect(bad?.location).toMatchObject({ file, startLine: 21 });
    expect(set.dependencies.length).toBe(12);
  });
});

describe('include cycles', () => {
  it('reports the cycle naming both files and the line, and still reads each file once', () => {
    const file = join(fixtures, 'deps-include-cycle', 'requirements.txt');
    const set = readDependencies(file);
    expect(set.dependencies.map((d) => d.name)).toEqual(['flask', 'click']);
    const cycle = set.diagnostics.filter((d) => d.severity === 'error');
    expect(cycle).toHaveLength(1);
    expect(cycle[0]?.location).toMatchObject({
      file: join(fixtures, 'deps-include-cycle', 'a.txt'),
      startLine: 2,
    });
    expect(cycle[0]?.message).toContain('a.txt');
    expect(cycle[0]?.message).toContain('requirements.txt');
  });

  it('reports a file that includes itself', () => {
    const set = parseRequirementsTxt('x==1\n-r self.txt\n', '/p/self.txt', {
      readInclude: () => {
        throw new Error('must not be read');
      },
    });
    expect(set.diagnostics.filter((d) => d.severity === 'error')[0]?.message).toContain('cycle');
  });

  it('reports a missing include at the including line', () => {
    const set = parseRequirementsTxt('x==1\n\n-r missing.txt\n', '/p/requirements.txt', {
      readInclude: (path) => readFileSync(path, 'utf8'),
    });
    const d = set.diagnostics.find((x) => x.code === 'PBE005');
    expect(d?.location).toMatchObject({ file: '/p/requirements.txt', startLine: 3 });
    expect(d?.message).toContain('missing.txt');
  });
});

describe('option spellings', () => {
  it('accepts -i URL, --index-url=URL, glued -r and --hash given with a space', () => {
    const set = parseRequirementsTxt(
      '--index-url=https://a.example/simple\n--extra-index-url https://b.example/simple\nfoo==1 --hash sha256:aa --hash=sha256:bb\n-rother.txt\n',
      'requirements.txt',
      { readInclude: () => 'bar==2\n' },
    );
    expect(set.indexUrls).toEqual(['https://a.example/simple', 'https://b.example/simple']);
    expect(set.dependencies.map((d) => [d.name, d.version, d.hashes])).toEqual([
      ['foo', '1', ['sha256:aa', 'sha256:bb']],
      ['bar', '2', undefined],
    ]);
  });

  it('warns about unknown options', () => {
    const set = parseRequirementsTxt('--frobnicate\nfoo==1\n', 'r.txt');
    expect(
      set.diagnostics.some((d) => d.message.includes('--frobnicate') && d.location?.startLine === 1),
    ).toBe(true);
  });
});
