/**
 * `pybase check` on Dockerfiles written in compose files (`build.dockerfile_inline`), and on
 * Dockerfiles compose files name under unusual names.
 */
import { mkdirSync, symlinkSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDirs } from '../../test/support/temp-dirs.js';
import { runCheck } from './check.js';
import { writeProject } from './test-project.js';

const date = '2026-08-20';
const made = tempDirs();
function project(files: Record<string, string>): string {
  const root = writeProject(files);
  made.push(root);
  return root;
}

/** `file:line:column CODE` of each finding with one of the codes. */
function found(result: Awaited<ReturnType<typeof runCheck>>, ...codes: string[]): string[] {
  return result.findings
    .filter((d) => codes.includes(d.code))
    .map((d) => `${d.location?.file}:${d.location?.startLine}:${d.location?.startColumn} ${d.code}`);
}

describe('check: compose dockerfile_inline', () => {
  it('judges the FROM lines of an inline Dockerfile at their line and column in the compose file', async () => {
    const root = project({
      'compose.yaml': [
        'services:',
        '  api:',
        '    build:',
        '      context: .',
        '      dockerfile_inline: |',
        '        FROM python:latest',
        '        RUN pip install .',
        '  ok:',
        '    build:',
        '      dockerfile_inline: |',
        '        FROM python:3.13.15-slim-trixie',
        '',
      ].join('\n'),
    });
    const r = await runCheck(root, { date });
    expect(found(r, 'PB001')).toEqual(['compose.yaml:6:14 PB001']);
    // The current, fully pinned tag of the other service is only told it has no digest.
    expect(r.findings.filter((d) => d.location?.startLine === 11).map((d) => d.code)).toEqual(['PB005']);
    expect(found(r, 'PB005')).toEqual(['compose.yaml:6:14 PB005', 'compose.yaml:11:14 PB005']);
    expect(r.findings.find((d) => d.code === 'PB001')?.data?.stage).toBe('prod');
  });

  it('a dev-named compose file makes its inline Dockerfiles dev, where PB001 is a warning', async () => {
    const root = project({
      'compose.dev.yaml':
        'services:\n  t:\n    build:\n      dockerfile_inline: |\n        FROM python:latest\n',
    });
    const r = await runCheck(root, { date });
    expect(
      r.findings.filter((d) => d.code === 'PB001').map((d) => [d.location?.startLine, d.severity]),
    ).toEqual([[5, 'warning']]);
  });

  it('silences findings with pragmas inside the Dockerfile and YAML comments before the key', async () => {
    const root = project({
      'compose.yaml': [
        'services:',
        '  a:',
        '    build:',
        '      dockerfile_inline: |',
        '        # pybase: ignore=PB001,PB005',
        '        FROM python:latest',
        '  b:',
        '    build:',
        '      # pybase: ignore=PB001,PB005',
        '      dockerfile_inline: |',
        '        FROM python:latest',
        '  c:',
        '    build:',
        '      dockerfile_inline: |',
        '        FROM python:latest # pybase: ignore=PB001',
        '',
      ].join('\n'),
    });
    const r = await runCheck(root, { date });
    // A `#` after an instruction is no comment in a Dockerfile: line 15 is not silenced.
    expect(found(r, 'PB001')).toEqual(['compose.yaml:15:14 PB001']);
    expect(r.suppressed.filter((d) => d.code === 'PB001').map((d) => d.location?.startLine)).toEqual([6, 11]);
    expect(r.findings.filter((d) => d.code === 'PBE010')).toEqual([]);
  });

  it('follows ARG defaults, $${V} escapes and build.args; a compose ${V} without a value is PB009 with its own hint', async () => {
    const root = project({
      'compose.yaml': [
        'services:', // 1
        '  escaped:',
        '    build:',
        '      dockerfile_inline: |',
        '        ARG V=3.9', // 5
        '        FROM python:$${V}-slim-bookworm',
        '  composed:',
        '    build:',
        '      dockerfile_inline: |',
        '        ARG V=3.12', // 10
        '        FROM python:${V}',
        '',
      ].join('\n'),
    });
    const r = await runCheck(root, { date });
    const eol = r.findings.find((d) => d.code === 'PB101');
    expect(eol?.location).toMatchObject({ file: 'compose.yaml', startLine: 6, startColumn: 14 });
    expect(eol?.message).toContain('python:3.9-slim-bookworm');
    expect(eol?.message).toContain('V=3.9 at line 5');
    const unresolved = r.findings.find((d) => d.code === 'PB009');
    expect(unresolved?.location).toMatchObject({ startLine: 11, startColumn: 14 });
    expect(unresolved?.hint).toBe(
      "compose replaces ${V} in a dockerfile_inline before the build (with a blank when it is not set): set it in the .env beside the compose file, or write $${V} to use the Dockerfile's ARG",
    );
  });

  it('compares builder and final stage within each inline Dockerfile, not across them (PB303)', async () => {
    const root = project({
      'compose.yaml': [
        'services:',
        '  matched:',
        '    build:',
        '      dockerfile_inline: |',
        '        FROM python:3.11-slim-trixie AS build',
        '        FROM python:3.11-slim-trixie',
        '        COPY --from=build /x /x',
        '  mismatched:',
        '    build:',
        '      dockerfile_inline: |',
        '        FROM python:3.12-slim-trixie AS build',
        '        FROM python:3.13-slim-trixie',
        '        COPY --from=build /x /x',
        '',
      ].join('\n'),
    });
    const r = await runCheck(root, { date });
    expect(found(r, 'PB303')).toEqual(['compose.yaml:11:14 PB303']);
    // Its own final stage (line 12), not the other service's (line 6).
    expect(r.findings.find((d) => d.code === 'PB303')?.message).toMatch(
      /\(line 12\): Python 3\.12 vs 3\.13$/,
    );
  });

  it('reports a broken inline Dockerfile as a finding at the compose file and line', async () => {
    const root = project({
      'compose.yaml':
        'services:\n  a:\n    build:\n      dockerfile_inline: |\n        FROM python:3.12-slim\n        RUN <<EOF\n        echo\n',
    });
    const r = await runCheck(root, { date });
    const broken = r.findings.find((d) => d.code === 'PBE006');
    expect(broken).toMatchObject({ severity: 'error', location: { file: 'compose.yaml', startLine: 6 } });
    expect(broken?.message).toMatch(
      /^compose\.yaml:6: cannot parse: services\.a\.build\.dockerfile_inline: heredoc <<EOF/,
    );
  });
});

describe('check: a Dockerfile a compose service names under an unusual name', () => {
  it('reads docker/app.df relative to build.context and judges it', async () => {
    const root = project({
      'deploy/compose.yaml':
        'services:\n  app:\n    build:\n      context: ../docker\n      dockerfile: app.df\n      args:\n        PY: "3.9"\n',
      'docker/app.df': 'ARG PY=3.12\nFROM python:${PY}-slim-bookworm\n',
    });
    const r = await runCheck(root, { date });
    expect(r.extraction.files).toContain('docker/app.df');
    const eol = r.findings.find((d) => d.code === 'PB101');
    expect(eol?.location).toMatchObject({ file: 'docker/app.df', startLine: 2 });
    expect(eol?.message).toContain('deploy/compose.yaml:7');
  });

  it('never follows a name out of the repository, by path or by symbolic link, and says so', async () => {
    const outside = project({ 'app.df': 'FROM python:latest\n' });
    const root = project({
      'compose.yaml': [
        'services:',
        '  up:',
        '    build:',
        '      context: ..',
        '      dockerfile: app.df',
        '  linked:',
        '    build:',
        '      dockerfile: docker/linked.df',
        '  missing:',
        '    build:',
        '      dockerfile: docker/missing.df',
        '',
      ].join('\n'),
    });
    mkdirSync(path.join(root, 'docker'));
    symlinkSync(path.join(outside, 'app.df'), path.join(root, 'docker', 'linked.df'));
    const r = await runCheck(root, { date });
    expect(r.findings.filter((d) => d.code === 'PB001')).toEqual([]);
    expect(r.extraction.files).not.toContain('docker/linked.df');
    expect(r.findings.filter((d) => d.code === 'PBE005').map((d) => [d.severity, d.message])).toEqual([
      [
        'info',
        "compose.yaml:5: the Dockerfile '../app.df' that service up builds is outside the repository: not followed",
      ],
      [
        'warning',
        "compose.yaml:8: the Dockerfile 'docker/linked.df' that service linked builds is a symbolic link that leads outside the repository, which pybase never reads: not checked",
      ],
      [
        'warning',
        "compose.yaml:11: the Dockerfile 'docker/missing.df' that service missing builds does not exist: not checked",
      ],
    ]);
  });
});
