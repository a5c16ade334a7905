/**
 * `pybase check` judges dependencies whose files the lock does not name by looking them up in the
 * package index first, as `pybase deps` does; offline, or when the look-up fails, a notice says how
 * many were not judged. The index is a real HTTP server on 127.0.0.1 (test/support/index-server.ts).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCliAsync } from '../hardening/support.js';
import { closedPort, type IndexServer, projectPath, startIndexServer } from '../support/index-server.js';

const date = '2026-11-27';
const wheels = [
  'scikit_learn-1.5.0-cp312-cp312-manylinux_2_17_x86_64.manylinux2014_x86_64.whl',
  'scikit_learn-1.5.0-cp312-cp312-manylinux_2_17_aarch64.manylinux2014_aarch64.whl',
];

interface Finding {
  code: string;
  severity: string;
  message: string;
  location?: { file: string; startLine: number };
  data?: Record<string, unknown>;
}

interface CheckJson {
  findings: Finding[];
  notices: Finding[];
}

function project(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'pybase-check-index-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(path.join(dir, name), text);
  return dir;
}

describe('check looks up in the package index what the lock does not name', () => {
  let server: IndexServer;
  let requirements: string;
  let pipfile: string;
  beforeAll(async () => {
    server = await startIndexServer({
      projects: [
        {
          name: 'scikit-learn',
          versions: ['1.5.0'],
          files: [
            ...wheels.map((filename) => ({ filename, requiresPython: '>=3.9' })),
            { filename: 'scikit_learn-1.5.0.tar.gz', requiresPython: '>=3.9' },
          ],
        },
      ],
    });
    const config = `index-url = "${server.indexUrl}"\n`;
    requirements = project({
      'requirements.txt': 'scikit-learn==1.5.0\n',
      Dockerfile: 'FROM python:3.12.14-alpine3.24\n',
      'pybase.toml': config,
    });
    // Hashes only, of the two manylinux wheels: the files they select are on the index.
    const lock = {
      _meta: { 'pipfile-spec': 6, requires: {}, sources: [{ name: 'local', url: server.indexUrl }] },
      default: {
        'scikit-learn': {
          hashes: wheels.map((w) => `sha256:${server.sha256(w)}`),
          version: '==1.5.0',
        },
      },
      develop: {},
    };
    pipfile = project({
      'Pipfile.lock': `${JSON.stringify(lock, null, 2)}\n`,
      Dockerfile: 'FROM python:3.12.14-alpine3.24\n',
      'pybase.toml': config,
    });
  });
  afterAll(async () => {
    await server?.close();
  });

  const env = () => ({
    XDG_CACHE_HOME: mkdtempSync(path.join(tmpdir(), 'pybase-cache-')),
    PIP_INDEX_URL: '',
    PIP_EXTRA_INDEX_URL: '',
  });
  const check = async (dir: string, ...args: string[]) => {
    const r = await runCliAsync(['check', dir, '--date', date, '--format', 'json', ...args], { env: env() });
    expect(r.stdout, r.stderr).not.toBe('');
    return { ...r, json: JSON.parse(r.stdout) as CheckJson };
  };

  it('deps and check agree: scikit-learn has no musllinux wheel and needs a compiler on alpine', async () => {
    const deps = await runCliAsync(
      ['deps', requirements, '--date', date, '--image', '3.12-alpine', '--json'],
      {
        env: env(),
      },
    );
    expect(deps.status, deps.stderr).toBe(0);
    const verdicts = JSON.parse(deps.stdout).images.map(
      (i: { packages: { name: string; verdict: string }[] }) => i.packages[0]?.verdict,
    );
    expect(verdicts).toEqual(['sdist-build', 'sdist-build']);

    const before = server.hits(projectPath('scikit-learn'));
    const r = await check(requirements);
    expect(server.hits(projectPath('scikit-learn'))).toBe(before + 1);
    const codes = r.json.findings.map((f) => f.code);
    expect(codes).toContain('PB201');
    expect(codes).toContain('PB205');
    const pb201 = r.json.findings.find((f) => f.code === 'PB201')!;
    expect(pb201.message).toMatch(/1 locked package has no musllinux wheel for Python 3\.12/);
    expect(pb201.data?.packages).toEqual(['scikit-learn']);
    expect(r.json.notices.filter((n) => n.code === 'PBE008')).toEqual([]);
    // PB205 is an error in production: the check fails.
    expect(r.status).toBe(1);
  });

  it('a dependency the index does not have is a warning notice, and not blamed on musl', async () => {
    const dir = project({
      'requirements.txt': 'scikit-learn==1.5.0\nno-such-package-here==1.0\n',
      Dockerfile: 'FROM python:3.12.14-alpine3.24\n',
      'pybase.toml': `index-url = "${server.indexUrl}"\n`,
    });
    const r = await check(dir);
    const notice = r.json.notices.find((n) => n.data?.reason === 'not-found');
    expect(notice?.severity).toBe('warning');
    expect(notice?.message).toContain('no-such-package-here');
    expect(notice?.message).toContain('not on the package index');
    expect(notice?.data?.packages).toEqual(['no-such-package-here']);
    // PB201 names the musl problem only: scikit-learn, which has manylinux wheels.
    expect(r.json.findings.find((f) => f.code === 'PB201')?.data?.packages).toEqual(['scikit-learn']);
  });

  it('a hash-only Pipfile.lock: the hashes select files on the index', async () => {
    const r = await check(pipfile);
    expect(r.json.findings.map((f) => f.code)).toEqual(expect.arrayContaining(['PB201']));
    expect(r.json.findings.find((f) => f.code === 'PB201')?.data?.packages).toEqual(['scikit-learn']);
    expect(r.json.notices.filter((n) => n.code === 'PBE008')).toEqual([]);
  });

  it('--offline asks nothing and says how many dependencies were not judged, and why', async () => {
    const before = server.requests.length;
    const r = await check(requirements, '--offline');
    expect(server.requests.length).toBe(before);
    expect(r.json.findings.filter((f) => f.code.startsWith('PB2'))).toEqual([]);
    expect(r.json.notices).toContainEqual(
      expect.objectContaining({
        code: 'PBE008',
        severity: 'info',
        message:
          '1 dependency of requirements.txt could not be judged by the dependency rules (PB201-PB206): requirements.txt names no files for them and pybase is offline, so they were not looked up: scikit-learn',
        data: { dependencyFile: 'requirements.txt', reason: 'offline', packages: ['scikit-learn'] },
      }),
    );
    const text = await runCliAsync(['check', pipfile, '--date', date, '--offline'], { env: env() });
    expect(text.stdout).toMatch(
      /^PBE008 info 1 dependency of Pipfile\.lock could not be judged by the dependency rules \(PB201-PB206\): .*pybase is offline/m,
    );
    expect(text.stdout).toMatch(/hint: run without --offline to look them up in the package index/);
  });

  it('a failed look-up is a notice naming the host, not silence and not a crash', async () => {
    const port = await closedPort();
    const r = await check(requirements, '--index-url', `http://127.0.0.1:${port}/simple/`, '--timeout', '10');
    expect([0, 1]).toContain(r.status);
    const notice = r.json.notices.find((n) => n.code === 'PBE008');
    expect(notice).toMatchObject({
      severity: 'warning',
      data: { reason: 'lookup-failed', packages: ['scikit-learn'] },
    });
    expect(notice?.message).toMatch(
      /^1 dependency of requirements\.txt could not be judged .*: the package index look-up failed \(/,
    );
    expect(notice?.message).toContain(`127.0.0.1:${port}`);
    const text = await runCliAsync(
      ['check', requirements, '--date', date, '--index-url', `http://127.0.0.1:${port}/simple/`],
      { env: env() },
    );
    expect(text.stdout).toMatch(/^PBE008 warning 1 dependency of requirements\.txt could not be judged/m);
  });

  it('no image to judge them on: nothing is looked up', async () => {
    const dir = project({
      'requirements.txt': 'scikit-learn==1.5.0\n',
      'pybase.toml': `index-url = "${server.indexUrl}"\n`,
    });
    const before = server.requests.length;
    const r = await check(dir);
    expect(server.requests.length).toBe(before);
    expect(r.json.notices.filter((n) => n.code === 'PBE008')).toEqual([]);
  });

  it('check --help lists the network options it accepts', async () => {
    const r = await runCliAsync(['check', '--help']);
    for (const option of ['--offline', '--timeout SECONDS', '--index-url URL', '--cache-dir DIR'])
      expect(r.stdout).toContain(option);
  });
});
