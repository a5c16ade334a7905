import { cpSync, linkSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../../test/support/paths.js';
import { tempDirs } from '../../test/support/temp-dirs.js';
import { writeProject } from '../check/test-project.js';
import { main } from '../cli/main.js';

const fixture = join(repoRoot, 'test/fixtures/fix-every-kind');
const temps = tempDirs();
function copyFixture(): string {
  const dir = mkdtempSync(join(tmpdir(), 'pybase-fix-cli-'));
  temps.push(dir);
  cpSync(join(fixture, 'repo'), dir, { recursive: true });
  return dir;
}

async function pybase(cwd: string, ...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(argv, {
    out: (t) => out.push(t),
    err: (t) => err.push(t),
    stdoutIsTTY: false,
    stderrIsTTY: false,
    color: false,
    cwd,
    env: {},
    now: new Date('2026-08-13T12:00:00Z'),
  });
  return { code, out: out.join(''), err: err.join('') };
}

describe('pybase fix (command line)', () => {
  it('--check prints the pending diff and exits 1; fixing exits 0; then --check exits 0', async () => {
    const dir = copyFixture();
    const golden = readFileSync(join(fixture, 'expected.diff'), 'utf8');
    const before = readFileSync(join(dir, 'Dockerfile'), 'utf8');

    const check = await pybase(dir, 'fix', '--check', '--date', '2026-08-13');
    expect(check).toMatchObject({ code: 1, out: golden });
    expect(readFileSync(join(dir, 'Dockerfile'), 'utf8')).toBe(before);

    const dry = await pybase(dir, 'fix', '.', '--dry-run', '--date', '2026-08-13');
    expect(dry).toMatchObject({ code: 0, out: golden });

    const run = await pybase(dir, 'fix', '--date', '2026-08-13');
    expect(run.code).toBe(0);
    expect(run.out).toContain('Dockerfile:3: patch: ARG PYTHON_VERSION 3.12.8 -> 3.12.14');
    expect(run.out).toMatch(/updated 5 files\n$/);

    const after = await pybase(dir, 'fix', '--check', '--date', '2026-08-13');
    expect(after).toMatchObject({ code: 0, out: 'nothing to fix\n' });
  });

  it('exits 2 when a planned edit cannot be written, and says how many were not made', async () => {
    const dir = writeProject({
      'a/Dockerfile': 'FROM python:3.12.8-slim-bookworm\n',
      'b/Dockerfile': 'FROM python:3.13.7-slim-bookworm\n',
    });
    temps.push(dir);
    // A second name for a/Dockerfile: replacing the file would split the link, so it is refused.
    linkSync(join(dir, 'a/Dockerfile'), join(dir, 'a.Dockerfile.copy'));
    const run = await pybase(dir, 'fix', '--date', '2026-08-13');
    expect(run.code).toBe(2);
    expect(run.err).toMatch(
      /^a\/Dockerfile:1:6 PBF002 error edit .* dropped: cannot write the file: it has 2 hard links/m,
    );
    expect(run.out).toMatch(
      /^b\/Dockerfile:1: patch: .*\nupdated 1 file; 1 edit could not be made \(see the errors above\)\n$/,
    );
    expect(readFileSync(join(dir, 'a/Dockerfile'), 'utf8')).toBe('FROM python:3.12.8-slim-bookworm\n');

    rmSync(join(dir, 'b'), { recursive: true });
    const again = await pybase(dir, 'fix', '--date', '2026-08-13');
    expect(again).toMatchObject({
      code: 2,
      out: 'no file updated: 1 edit could not be made (see the errors above)\n',
    });
    expect(again.out).not.toContain('nothing to fix');
  });

  it('fixes a GitLab pipeline after its spec: header document', async () => {
    const dir = writeProject({
      '.gitlab-ci.yml':
        'spec:\n  inputs:\n    stage:\n      default: test\n---\ntest:\n  image: python:3.12.8-slim-bookworm\n  script: [echo]\n',
    });
    temps.push(dir);
    const check = await pybase(dir, 'fix', '--check', '--date', '2026-08-13');
    expect(check.code).toBe(1);
    expect(check.out).toContain('+  image: python:3.12.14-slim-bookworm\n');
    expect(check.err).toBe('');
  });

  it('names files it could not read or parse on stderr, and exits 2 for them', async () => {
    const dir = writeProject({
      'compose.yaml': 'services:\n  a:\n    image: python:3.12.8-slim-bookworm\n---\nservices: {}\n',
      'big/Dockerfile': `FROM python:3.12.8-slim-bookworm\n${'# padding\n'.repeat(110_000)}`,
      Dockerfile: 'FROM python:3.13.7-slim-bookworm\n',
    });
    temps.push(dir);
    for (const mode of ['--check', '--dry-run']) {
      const run = await pybase(dir, 'fix', mode, '--date', '2026-08-13');
      expect(run.code, mode).toBe(2);
      expect(run.err).toContain(
        "compose.yaml:4:1 PBE006 error cannot parse: the file holds 2 YAML documents (a '---' line starts another), but is read as one: nothing in it was read\n",
      );
      expect(run.err).toMatch(
        /big\/Dockerfile:1:1 PBE007 info skipped: file is \d+ bytes, over the 1048576-byte limit\n {4}hint: pybase does not read files this large/,
      );
      expect(run.out).toContain('+FROM python:3.13.15-slim-bookworm\n');
    }
    // A file skipped on purpose (too large) is a note only.
    rmSync(join(dir, 'compose.yaml'));
    const run = await pybase(dir, 'fix', '--date', '2026-08-13');
    expect(run.code).toBe(0);
    expect(run.err).toContain('big/Dockerfile:1:1 PBE007 info skipped');
  });

  it('--to takes a tag or a python reference, and refuses a tag it cannot use once, with exit 2', async () => {
    const dir = writeProject({
      Dockerfile: 'FROM python:3.12.8-slim-bookworm\n',
      'b.Dockerfile': 'FROM python:3.12.9-slim-bookworm\n',
    });
    temps.push(dir);
    const prefixed = await pybase(
      dir,
      'fix',
      '--dry-run',
      '--to',
      'python:3.13.15-slim-bookworm',
      '--date',
      '2026-11-27',
    );
    expect(prefixed.code).toBe(0);
    expect(prefixed.out.match(/^\+FROM python:3\.13\.15-slim-bookworm$/gm)).toHaveLength(2);
    for (const [to, problem] of [
      ['nonsense::', "'nonsense::' does not name the python image"],
      ['', "fix: --to needs a value, got ''"],
      ['3.99.1-slim', 'python:3.99.1-slim was not published by 2026-11-27'],
      ['no-such-tag', "'no-such-tag' is not a python image tag"],
    ]) {
      const run = await pybase(dir, 'fix', '--dry-run', '--to', to!, '--date', '2026-11-27');
      expect(run.code, to).toBe(2);
      expect(run.out).toBe('');
      expect(run.err.split(problem!).length, run.err).toBe(2);
      expect(run.err).not.toContain('left alone');
    }
  });

  it('prints the code of every note and refusal, as pybase check prints rule codes and as --json has it', async () => {
    const dir = writeProject({
      Dockerfile: 'FROM python:3.12.8-slim-bookworm\nFROM python:3.12-alpine\n',
      'compose.yaml': 'services:\n  a:\n    image: python:3.12-slim\n',
    });
    temps.push(dir);
    const argv = ['fix', '--dry-run', '--to', '3.13-slim', '--date', '2026-08-13'];
    const text = await pybase(dir, ...argv);
    const json = await pybase(dir, ...argv, '--json');
    const { diagnostics } = JSON.parse(json.out) as {
      diagnostics: {
        code: string;
        severity: string;
        location?: { file: string; startLine: number; startColumn: number };
      }[];
    };
    const own = diagnostics.filter((d) => d.code.startsWith('PBF'));
    expect(own.length).toBeGreaterThanOrEqual(2);
    for (const d of own) {
      const where = d.location ? `${d.location.file}:${d.location.startLine}:${d.location.startColumn} ` : '';
      expect(text.err).toContain(`${where}${d.code} ${d.severity} `);
    }
    expect(text.err).toMatch(
      /^Dockerfile:2:6 PBF001 warning python:3\.12-alpine left alone: 3\.12-alpine -> 3\.13-slim swaps the C library \(musl -> glibc\)$/m,
    );
  });

  it('--json lists the edits and the diff', async () => {
    const dir = copyFixture();
    const { code, out } = await pybase(dir, 'fix', '--dry-run', '--json', '--date', '2026-08-13');
    expect(code).toBe(0);
    const parsed = JSON.parse(out) as {
      edits: { kind: string; file: string }[];
      diff: string;
      files: string[];
    };
    expect(parsed.diff).toBe(readFileSync(join(fixture, 'expected.diff'), 'utf8'));
    expect(parsed.files).toEqual([
      '.github/workflows/ci.yml',
      '.gitlab-ci.yml',
      'Dockerfile',
      'compose.yaml',
      'docker/worker.Dockerfile',
    ]);
    expect(new Set(parsed.edits.map((e) => e.kind))).toEqual(new Set(['patch']));
  });

  it('does not say "nothing to fix" when a digest could not be fetched', async () => {
    const { closedPort } = await import('../../test/support/index-server.js');
    const host = `127.0.0.1:${await closedPort()}`;
    const dir = writeProject({ Dockerfile: `FROM ${host}/library/python:3.12.14-slim-trixie\n` });
    for (const mode of [['--dry-run'], []]) {
      const r = await pybase(dir, 'fix', '--pin-digest', '--date', '2026-08-13', '--timeout', '5', ...mode);
      expect(r.code, mode.join(' ')).toBe(2);
      expect(r.err).toContain(host);
      expect(r.out).not.toContain('nothing to fix');
      expect(r.out).toContain('nothing changed: 1 error above');
      expect(r.err).toMatch(/^Dockerfile:1:6 PBF003 error cannot resolve the digest of /m);
    }
  });

  it('rejects bad options with exit 2', async () => {
    const dir = copyFixture();
    expect((await pybase(dir, 'fix', '--bump', 'major')).code).toBe(2);
    expect((await pybase(dir, 'fix', '--bump', 'minor', '--to', '3.13-slim')).code).toBe(2);
    expect((await pybase(dir, 'fix', '--pin-digest', '--offline')).code).toBe(2);
    const missing = await pybase(dir, 'fix', 'no-such-dir', '--date', '2026-08-13');
    expect(missing.code).toBe(2);
    expect(missing.err).toContain('no-such-dir is not a directory');
    const badDate = await pybase(dir, 'fix', '--date', '2026-13-01');
    expect(badDate.code).toBe(2);
    expect(badDate.err).toMatch(/date/);
  });

  it('--bump minor moves images and .python-version together', async () => {
    const dir = copyFixture();
    const { code } = await pybase(dir, 'fix', '--bump', 'minor', '--date', '2026-08-13');
    expect(code).toBe(0);
    expect(readFileSync(join(dir, '.python-version'), 'utf8')).toBe('3.14\n');
    expect(readFileSync(join(dir, 'Dockerfile'), 'utf8')).toContain('ARG PYTHON_VERSION=3.14.7\n');
    expect(readFileSync(join(dir, '.github/workflows/ci.yml'), 'utf8')).toContain("python-version: '3.14'");
  });

  it('--bump minor judges the lock: a held image gets its patch only, and stderr names what holds it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pybase-fix-cli-'));
    temps.push(dir);
    cpSync(join(repoRoot, 'test/fixtures/fix-minor-held-by-numpy'), dir, { recursive: true });
    const dry = await pybase(dir, 'fix', '--bump', 'minor', '--dry-run', '--date', '2026-08-13');
    expect(dry.code).toBe(0);
    expect(dry.out).toBe(
      '--- a/Dockerfile\n+++ b/Dockerfile\n@@ -1,3 +1,3 @@\n-FROM python:3.12.11-slim-trixie\n+FROM python:3.12.14-slim-trixie\n COPY . /app\n RUN pip install /app\n',
    );
    expect(dry.err).toBe(
      [
        'Dockerfile:1:6 PBF001 info python:3.12.11-slim-trixie held at Python 3.12 (moved to its newest patch, 3.12.14-slim-trixie): on python:3.14.7-slim-trixie numpy 1.26.4 has no cp314 wheel (source build); on python:3.13.15-slim-trixie numpy 1.26.4 has no cp313 wheel (source build)',
        '    hint: pybase deps --image python:3.14.7-slim-trixie shows every package there; upgrade the packages named (in uv.lock) to move, or pass --no-deps-check to move without judging them',
        '',
      ].join('\n'),
    );
    expect((await pybase(dir, 'fix', '--bump', 'minor', '--check', '--date', '2026-08-13')).code).toBe(1);

    // The JSON output carries the same, with the packages as data.
    const json = await pybase(dir, 'fix', '--bump', 'minor', '--dry-run', '--json', '--date', '2026-08-13');
    expect(json.code).toBe(0);
    const parsed = JSON.parse(json.out) as {
      dependencies: unknown;
      edits: { kind: string; after: string }[];
      diagnostics: {
        message: string;
        data?: { heldAt?: string; refused?: { blockers: { name: string }[] }[] };
      }[];
    };
    expect(parsed.dependencies).toEqual({ file: 'uv.lock', archs: ['amd64', 'arm64v8'] });
    expect(parsed.edits.map((e) => [e.kind, e.after])).toEqual([['patch', 'python:3.12.14-slim-trixie']]);
    const held = parsed.diagnostics.find((d) => d.data?.heldAt !== undefined);
    expect(held?.message).toContain('held at Python 3.12');
    expect(held?.data?.refused?.[0]?.blockers.map((b) => b.name)).toEqual(['numpy']);

    const run = await pybase(dir, 'fix', '--bump', 'minor', '--date', '2026-08-13');
    expect(run.out).toBe(
      'Dockerfile:1: patch: python:3.12.11-slim-trixie -> python:3.12.14-slim-trixie: newest 3.12 patch published for slim-trixie by 2026-08-13\nupdated 1 file\n',
    );
    expect(readFileSync(join(dir, '.python-version'), 'utf8')).toBe('3.12\n');
  });

  it('--no-deps-check moves to the newest minor without judging the lock, and says so', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pybase-fix-cli-'));
    temps.push(dir);
    cpSync(join(repoRoot, 'test/fixtures/fix-minor-held-by-numpy'), dir, { recursive: true });
    const moved = await pybase(dir, 'fix', '--bump', 'minor', '--no-deps-check', '--date', '2026-08-13');
    expect(moved.code).toBe(0);
    expect(readFileSync(join(dir, 'Dockerfile'), 'utf8')).toContain('FROM python:3.14.7-slim-trixie\n');
    expect(readFileSync(join(dir, '.python-version'), 'utf8')).toBe('3.14\n');
    expect(moved.err).toContain(
      "--no-deps-check: --bump minor moves to a new Python without judging uv.lock: run 'pybase deps --image",
    );
    expect(moved.err).not.toContain('held at');
    // The flag belongs to --bump minor; --arch and --deps do not go with it.
    for (const argv of [
      ['--no-deps-check'],
      ['--bump', 'patch', '--no-deps-check'],
      ['--bump', 'minor', '--no-deps-check', '--arch', 'amd64'],
      ['--bump', 'minor', '--no-deps-check', '--deps', 'uv.lock'],
    ]) {
      const r = await pybase(dir, 'fix', ...argv, '--dry-run', '--date', '2026-08-13');
      expect(r.code, argv.join(' ')).toBe(2);
    }
    // Without a dependency file there is nothing to say.
    const bare = writeProject({ Dockerfile: 'FROM python:3.12.4-slim-bookworm\n' });
    temps.push(bare);
    const none = await pybase(bare, 'fix', '--bump', 'minor', '--date', '2026-08-13', '--no-deps-check');
    expect(none.err).not.toContain('without judging');
  });

  it('--bump minor judges the architectures of --arch, or of the configuration', async () => {
    // A cp314 wheel for x86_64 only: arm64 would build from source.
    const wheels = [
      ...['312', '313'].flatMap((py) => [
        `fastcrc-0.3.2-cp${py}-cp${py}-manylinux_2_17_x86_64.manylinux2014_x86_64.whl`,
        `fastcrc-0.3.2-cp${py}-cp${py}-manylinux_2_17_aarch64.manylinux2014_aarch64.whl`,
      ]),
      'fastcrc-0.3.2-cp314-cp314-manylinux_2_17_x86_64.manylinux2014_x86_64.whl',
    ];
    const lock = `version = 1\nrevision = 3\nrequires-python = ">=3.10"\n\n[[package]]\nname = "fastcrc"\nversion = "0.3.2"\nsource = { registry = "https://pypi.org/simple" }\nsdist = { url = "https://files.pythonhosted.org/packages/fastcrc-0.3.2.tar.gz", hash = "sha256:${'0'.repeat(64)}" }\nwheels = [\n${wheels.map((w) => `    { url = "https://files.pythonhosted.org/packages/${w}", hash = "sha256:${'1'.repeat(64)}" },`).join('\n')}\n]\n`;
    const dir = writeProject({ 'uv.lock': lock, Dockerfile: 'FROM python:3.12.14-slim-trixie\n' });
    temps.push(dir);
    const both = await pybase(dir, 'fix', '--bump', 'minor', '--dry-run', '--date', '2026-08-13');
    expect(both.out).toContain('+FROM python:3.13.15-slim-trixie\n');
    expect(both.err).toContain('fastcrc 0.3.2 has no cp314 wheel on arm64 (source build)');
    const flag = await pybase(
      dir,
      'fix',
      '--bump',
      'minor',
      '--arch',
      'amd64',
      '--dry-run',
      '--date',
      '2026-08-13',
    );
    expect(flag.out).toContain('+FROM python:3.14.7-slim-trixie\n');
    writeFileSync(join(dir, 'pybase.toml'), 'archs = ["amd64"]\n');
    const config = await pybase(dir, 'fix', '--bump', 'minor', '--dry-run', '--date', '2026-08-13');
    expect(config.out).toContain('+FROM python:3.14.7-slim-trixie\n');
    expect(config.err).toBe('');
  });

  it('--bump minor stops with exit 2 on a dependency file it cannot read, as --to recommended does', async () => {
    for (const [name, text] of [
      ['uv.lock', 'version = 1\n[[package]\nname = "x"\n'],
      ['poetry.lock', '[[package]]\nname = "six"\nversion = "1.17.0"\n'],
    ] as const) {
      const dir = writeProject({ [name]: text, Dockerfile: 'FROM python:3.12.11-slim-trixie\n' });
      temps.push(dir);
      const minor = await pybase(dir, 'fix', '--bump', 'minor', '--date', '2026-08-13');
      const recommended = await pybase(
        dir,
        'fix',
        '--to',
        'recommended',
        '--offline',
        '--date',
        '2026-08-13',
      );
      expect(minor.code, name).toBe(2);
      expect(minor.out).toBe('');
      expect(minor.err).toMatch(new RegExp(`^pybase: error: \\S*${name.replace('.', '\\.')}:\\d+`));
      expect(minor.err).toBe(recommended.err);
      expect(readFileSync(join(dir, 'Dockerfile'), 'utf8')).toBe('FROM python:3.12.11-slim-trixie\n');
    }
  });

  it('says why floating tags stay under --bump, and why --to recommended leaves a reference alone', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pybase-fix-cli-'));
    temps.push(dir);
    cpSync(join(repoRoot, 'examples/reports-api'), dir, { recursive: true });
    const bump = await pybase(dir, 'fix', '--dry-run', '--offline', '--date', '2026-11-27');
    expect(bump.code).toBe(0);
    expect(bump.out).toBe('nothing to fix\n');
    expect(bump.err).toMatch(
      /\.github\/workflows\/ci\.yml:6:16 PBF001 info python:3\.12-slim left alone by --bump patch: the tag floats to the newest patch by itself \(2 more references likewise\)\n {4}hint: to pin such references, use pybase fix --to recommended/,
    );
    // --bump minor does move minor pins: no note says it leaves them alone.
    const minor = await pybase(
      dir,
      'fix',
      '--dry-run',
      '--offline',
      '--bump',
      'minor',
      '--date',
      '2026-11-27',
    );
    expect(minor.out).toContain('+FROM python:3.14-alpine\n');
    expect(minor.err).not.toContain('left alone by');
    const recommended = await pybase(
      dir,
      'fix',
      '--dry-run',
      '--offline',
      '--to',
      'recommended',
      '--date',
      '2026-11-27',
    );
    expect(recommended.err).toMatch(
      /Dockerfile:10:1 PBF001 info python:3\.11-alpine left alone: no musl image passes the constraints of prod, and pybase fix never swaps the C library\n {4}hint: to move to glibc, change it to python:3\.14\.7-slim-trixie by hand/,
    );
    // fix has no --libc: its notes never ask for one.
    expect(recommended.err).not.toContain('--libc glibc or');
    expect((await pybase(dir, 'fix', '--to', 'recommended', '--libc', 'glibc')).code).toBe(2);
    expect(recommended.err).not.toContain('left alone by --bump');
  });
});
