import { execFileSync } from 'node:child_process';
import { symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDirs } from '../../test/support/temp-dirs.js';
import { writeProject } from '../check/test-project.js';
import { classifyProjectFile } from './classify.js';
import { discoverFiles, discoverFilesWithContent } from './discover.js';

const made = tempDirs();
async function project(files: Record<string, string | Uint8Array>): Promise<string> {
  const root = writeProject(files);
  made.push(root);
  return root;
}

describe('classifyProjectFile', () => {
  it('recognises the file kinds pybase reads', () => {
    const cases: [string, string | undefined][] = [
      ['Dockerfile', 'dockerfile'],
      ['docker/Dockerfile.prod', 'dockerfile'],
      ['DockerFile', 'dockerfile'],
      ['Dockerfile-alpine', 'dockerfile'],
      ['api.Dockerfile', 'dockerfile'],
      ['bin/all-py.dockerfile', 'dockerfile'],
      ['Containerfile', 'dockerfile'],
      ['Containerfile.dev', 'dockerfile'],
      ['Dockerfile.dockerignore', undefined],
      ['docs/Dockerfile.md', undefined],
      ['docker-compose.yml', 'compose'],
      ['docker-compose.override.yaml', 'compose'],
      ['compose.dev.yaml', 'compose'],
      ['compose.json', undefined],
      ['.github/workflows/ci.yml', 'github-workflow'],
      ['.github/workflows/sub/ci.yml', undefined],
      ['pkg/.github/workflows/ci.yml', undefined],
      ['.github/actions/setup/action.yml', 'github-action'],
      ['.github/actions/python/setup/action.yaml', 'github-action'],
      ['action.yml', 'github-action'],
      ['docs/action.yml', undefined],
      ['.gitlab-ci.yml', 'gitlab-ci'],
      ['ci/templates/python.gitlab-ci.yml', 'gitlab-ci'],
      ['frontend/.python-version', 'python-version'],
      ['pyproject.toml', 'pyproject'],
      ['runtime.txt', 'runtime-txt'],
      ['Pipfile', 'pipfile'],
      ['Pipfile.lock', undefined],
      ['.tool-versions', 'tool-versions'],
      ['tox.ini', 'tox-ini'],
      ['setup.cfg', 'setup-cfg'],
      ['README.md', undefined],
    ];
    expect(cases.map(([p]) => [p, classifyProjectFile(p)])).toEqual(cases);
  });
});

describe('discoverFiles', () => {
  it('honours nested .gitignore files and excludes, skips .git and node_modules, sorts the result', async () => {
    const root = await project({
      '.gitignore': 'build/\n*.tmp.Dockerfile\n',
      Dockerfile: 'FROM python:3.12\n',
      'build/Dockerfile': 'FROM python:3.12\n',
      'a.tmp.Dockerfile': 'FROM python:3.12\n',
      'svc/.gitignore': 'Dockerfile.local\n!keep.tmp.Dockerfile\n',
      'svc/Dockerfile.local': 'FROM python:3.12\n',
      'svc/keep.tmp.Dockerfile': 'FROM python:3.12\n',
      'svc/Dockerfile': 'FROM python:3.12\n',
      'vendor/lib/Dockerfile': 'FROM python:3.12\n',
      'examples/x/Dockerfile': 'FROM python:3.12\n',
      '.git/Dockerfile': 'FROM python:3.12\n',
      'node_modules/pkg/Dockerfile': 'FROM python:3.12\n',
      'README.md': '# hi\n',
    });
    const { files, diagnostics } = await discoverFiles(root, { exclude: ['vendor', 'examples/**'] });
    expect(diagnostics).toEqual([]);
    expect(files.map((f) => [f.path, f.kind])).toEqual([
      ['Dockerfile', 'dockerfile'],
      ['svc/Dockerfile', 'dockerfile'],
      ['svc/keep.tmp.Dockerfile', 'dockerfile'],
    ]);
    const all = await discoverFiles(root, { gitignore: false });
    expect(all.files.map((f) => f.path)).toContain('build/Dockerfile');
  });

  it('reads an exclude glob with a leading ./ as relative to the root', async () => {
    const root = await project({
      'a/Dockerfile': 'FROM python:3.12\n',
      'b/c/Dockerfile': 'FROM python:3.12\n',
      'd/Dockerfile': 'FROM python:3.12\n',
    });
    const { files } = await discoverFiles(root, { exclude: ['./a/Dockerfile', '././b/**'] });
    expect(files.map((f) => f.path)).toEqual(['d/Dockerfile']);
  });

  it('skips binary and oversized files and reports each skip as PBE007', async () => {
    const binary = new Uint8Array([70, 82, 79, 77, 0, 1, 2]);
    const root = await project({
      Dockerfile: binary,
      'big/Dockerfile': `FROM python:3.12\n${'# padding\n'.repeat(200)}`,
      'ok/Dockerfile': 'FROM python:3.12\n',
    });
    const { files, diagnostics } = await discoverFiles(root, { maxFileSize: 1000 });
    expect(files.map((f) => f.path)).toEqual(['ok/Dockerfile']);
    expect(diagnostics.map((d) => [d.code, d.severity, d.location?.file])).toEqual([
      ['PBE007', 'info', 'Dockerfile'],
      ['PBE007', 'info', 'big/Dockerfile'],
    ]);
    expect(diagnostics[0]!.message).toMatch(/binary/);
    expect(diagnostics[1]!.message).toMatch(/over the 1000-byte limit/);
  });

  it('follows symlinks inside the root, refuses those leading out, and stops at loops', async () => {
    const outside = await project({ Dockerfile: 'FROM python:3.12\n' });
    const root = await project({ 'real/Dockerfile': 'FROM python:3.12\n' });
    await symlink(path.join(outside, 'Dockerfile'), path.join(root, 'Dockerfile'));
    await symlink(outside, path.join(root, 'out-dir'));
    await symlink(root, path.join(root, 'real', 'loop'));
    await symlink(path.join(root, 'real'), path.join(root, 'alias'));
    await symlink(path.join(root, 'missing'), path.join(root, 'gone.Dockerfile'));
    const { files, diagnostics } = await discoverFiles(root);
    expect(files.map((f) => f.path)).toEqual(['alias/Dockerfile', 'real/Dockerfile']);
    const reasons = diagnostics.map((d) => [d.location?.file, d.message.replace(/^[^:]*: skipped: /, '')]);
    expect(reasons).toEqual([
      ['Dockerfile', 'symbolic link leads outside the scanned root'],
      ['alias/loop', 'symbolic link loop (it points to a directory that contains it)'],
      ['gone.Dockerfile', 'broken symbolic link'],
      ['out-dir', 'symbolic link leads outside the scanned root'],
      ['real/loop', 'symbolic link loop (it points to a directory that contains it)'],
    ]);
  });

  it('skips a FIFO under a name pybase reads, without opening it, and says so', async () => {
    const root = await project({ 'ok/Dockerfile': 'FROM python:3.12\n' });
    execFileSync('mkfifo', [path.join(root, 'Dockerfile')]);
    const { files, diagnostics } = await discoverFiles(root);
    expect(files.map((f) => f.path)).toEqual(['ok/Dockerfile']);
    expect(diagnostics.map((d) => [d.code, d.severity, d.location?.file, d.message])).toEqual([
      ['PBE007', 'info', 'Dockerfile', 'Dockerfile: skipped: not a regular file (a FIFO)'],
    ]);
  });

  it('warns about an exclude pattern written with backslashes that leaves nothing out', async () => {
    const root = await project({
      'vendor/lib/Dockerfile': 'FROM python:3.12\n',
      'a/Dockerfile': 'FROM python:3.12\n',
    });
    const { files, diagnostics } = await discoverFiles(root, {
      exclude: ['vendor\\**', 'a\\Dockerfile', 'b\\*.yml', 'x/**'],
    });
    expect(files.map((f) => f.path)).toEqual(['a/Dockerfile', 'vendor/lib/Dockerfile']);
    expect(diagnostics.map((d) => [d.code, d.severity, d.message, d.hint])).toEqual(
      ['vendor\\**', 'a\\Dockerfile', 'b\\*.yml'].map((p) => [
        'PBE001',
        'warning',
        `the exclude pattern '${p}' leaves nothing out: a backslash escapes the next character in a pattern, it does not separate folders`,
        `write it with '/' (${p.replaceAll('\\', '/')})`,
      ]),
    );
  });

  it('reports a missing root instead of throwing', async () => {
    const { files, diagnostics } = await discoverFiles(path.join(tmpdir(), 'pybase-no-such-dir-xyz'));
    expect(files).toEqual([]);
    expect(diagnostics[0]).toMatchObject({ code: 'PBE005' });
  });

  it('keeps the bytes of files read whole, and reports skips in walk order however the reads finish', async () => {
    const small = 'FROM python:3.12\n';
    const large = `FROM python:3.12\n${'# padding line\n'.repeat(800)}`;
    const exact = 'x'.repeat(8192);
    const files: Record<string, string | Uint8Array> = {
      'a/Dockerfile': small,
      'b/Dockerfile': large,
      'c/Dockerfile': exact,
    };
    for (let i = 0; i < 40; i++) {
      const dir = `s${String(i).padStart(2, '0')}`;
      files[`${dir}/Dockerfile`] = i % 3 === 0 ? new Uint8Array([70, 0]) : small;
      files[`${dir}/deep/x.Dockerfile`] = i % 4 === 0 ? 'y'.repeat(30000) : small;
    }
    const root = await project(files);
    const found = await discoverFilesWithContent(root, { maxFileSize: 20000 });
    expect(new TextDecoder().decode(found.contents.get('a/Dockerfile'))).toBe(small);
    expect(found.contents.has('b/Dockerfile')).toBe(false);
    expect(found.contents.has('c/Dockerfile')).toBe(false);
    const order = found.diagnostics.map((d) => d.location?.file);
    expect(found.files.map((f) => f.path).slice(0, 3)).toEqual([
      'a/Dockerfile',
      'b/Dockerfile',
      'c/Dockerfile',
    ]);
    const expected: string[] = [];
    for (let i = 0; i < 40; i++) {
      const dir = `s${String(i).padStart(2, '0')}`;
      if (i % 3 === 0) expected.push(`${dir}/Dockerfile`);
      if (i % 4 === 0) expected.push(`${dir}/deep/x.Dockerfile`);
    }
    expect(order).toEqual(expected);
    const plain = await discoverFiles(root, { maxFileSize: 20000 });
    expect(plain).toEqual({ files: found.files, diagnostics: found.diagnostics });
  });
});
