/**
 * Every command reads the project's files as `check` does: the configuration's `exclude`, `stages`
 * and `build-args` decide which files count and how, for recommend, fix, report, matrix, init and renovate
 * as for check.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runMain } from '../../../test/support/run-main.js';
import { tempDirs } from '../../../test/support/temp-dirs.js';
import { writeProject } from '../../check/test-project.js';
import type { RecommendResult } from '../../recommend/types.js';

const temps = tempDirs();
const date = ['--date', '2026-08-13', '--offline'];

/**
 * A project whose configuration leaves `vendor/` out, gives `PY` a value and maps `tools/` to dev:
 * without the configuration, the vendored Dockerfile is read, the root one cannot be resolved, and
 * `tools/Dockerfile` serves production.
 */
function project(): string {
  const dir = writeProject({
    'pybase.toml': 'exclude = ["vendor/**"]\n\n[stages]\ndev = ["tools/**"]\n\n[build-args]\nPY = "3.12"\n',
    Dockerfile: 'ARG PY\nFROM python:${PY}.8-slim-bookworm\n',
    'vendor/lib/Dockerfile': 'FROM python:3.9.18-slim-bookworm\n',
    'tools/Dockerfile': 'FROM python:3.11.9-slim-bookworm\n',
  });
  temps.push(dir);
  return dir;
}

describe('the configuration decides which files every command reads', () => {
  it('check: the baseline the other commands must agree with', async () => {
    const dir = project();
    const r = await runMain(['check', dir, '--format', 'json', ...date]);
    const files = new Set(
      (JSON.parse(r.out) as { findings: { location?: { file: string } }[] }).findings.map(
        (f) => f.location?.file,
      ),
    );
    expect(files.has('vendor/lib/Dockerfile')).toBe(false);
    expect(files.has('Dockerfile')).toBe(true);
  });

  it('recommend: leaves excluded files out of the current references, resolves build args, keeps the stages', async () => {
    const dir = project();
    const r = await runMain(['recommend', dir, '--json', ...date]);
    expect(r.code, r.err).toBe(0);
    const result = JSON.parse(r.out) as RecommendResult;
    const moved = result.moves.map((m) => `${m.file} ${m.stage} ${m.current}`);
    expect(moved.some((m) => m.startsWith('vendor/'))).toBe(false);
    expect(moved).toContain('Dockerfile prod python:3.12.8-slim-bookworm');
    expect(moved).toContain('tools/Dockerfile dev python:3.11.9-slim-bookworm');
    expect(result.recommendations.map((x) => x.stage)).toContain('dev');
  });

  it('fix: never edits a file the configuration excludes', async () => {
    const dir = project();
    const r = await runMain(['fix', dir, '--bump', 'patch', ...date]);
    expect(r.code, r.err).toBe(0);
    expect(readFileSync(path.join(dir, 'vendor/lib/Dockerfile'), 'utf8')).toBe(
      'FROM python:3.9.18-slim-bookworm\n',
    );
    expect(readFileSync(path.join(dir, 'tools/Dockerfile'), 'utf8')).toMatch(
      /^FROM python:3\.11\.\d+-slim-bookworm\n$/,
    );
    expect(readFileSync(path.join(dir, 'tools/Dockerfile'), 'utf8')).not.toBe(
      'FROM python:3.11.9-slim-bookworm\n',
    );
  });

  it('fix --config FILE: reads another configuration in every mode (here one that excludes nothing)', async () => {
    const dir = project();
    const other = path.join(dir, 'other.toml');
    writeFileSync(other, 'exclude = ["tools/**"]\n');
    const r = await runMain(['fix', dir, '--bump', 'patch', '--config', other, ...date]);
    expect(r.code, r.err).toBe(0);
    expect(readFileSync(path.join(dir, 'tools/Dockerfile'), 'utf8')).toBe(
      'FROM python:3.11.9-slim-bookworm\n',
    );
    // That configuration does not leave vendor/ out, so its file moves like any other.
    expect(readFileSync(path.join(dir, 'vendor/lib/Dockerfile'), 'utf8')).not.toBe(
      'FROM python:3.9.18-slim-bookworm\n',
    );
  });

  it('renovate: names no stuck reference in an excluded file', async () => {
    const dir = project();
    const r = await runMain(['renovate', dir, '--date', '2026-08-13']);
    expect(r.code, r.err).toBe(0);
    expect(r.err).not.toMatch(/vendor\//);
  });

  it('report: decides the stages the configuration maps files to, as recommend does', async () => {
    const dir = project();
    const html = path.join(dir, 'report.html');
    const rep = await runMain(['report', dir, '--html', html, ...date]);
    expect(rep.code, rep.err).toBe(0);
    const page = readFileSync(html, 'utf8');
    // tools/ is the development stage only through the configuration.
    expect(page).toContain('data-stage="dev"');
    expect(page).not.toContain('vendor/lib/Dockerfile');
  });

  it('matrix: ranks for the Python of the files the configuration keeps', async () => {
    // With appetite = patch, the images of the current Python minor rank first; the two excluded
    // Dockerfiles on 3.13 would make 3.13 the current minor.
    const dir = writeProject({
      'pybase.toml': 'exclude = ["vendor/**"]\n\n[policy]\nappetite = "patch"\n',
      Dockerfile: 'FROM python:3.12.8-slim-trixie\n',
      'vendor/a/Dockerfile': 'FROM python:3.13.5-slim-trixie\n',
      'vendor/b/Dockerfile': 'FROM python:3.13.5-slim-trixie\n',
    });
    temps.push(dir);
    const m = await runMain(['matrix', dir, '--format', 'json', '--date', '2026-08-13']);
    expect(m.code, m.err).toBe(0);
    const entries = (JSON.parse(m.out) as { entries: { tag: string }[] }).entries;
    expect(entries[0]?.tag).toMatch(/^3\.12\./);
  });

  it('init: chooses for the Python of the files the configuration keeps', async () => {
    const dir = writeProject({
      'pybase.toml': 'exclude = ["vendor/**"]\n\n[policy]\nappetite = "patch"\n',
      '.python-version': '3.12\n',
      'vendor/a/Dockerfile': 'FROM python:3.13.5-slim-trixie\n',
      'vendor/b/Dockerfile': 'FROM python:3.13.5-slim-trixie\n',
    });
    temps.push(dir);
    const r = await runMain(['init', dir, ...date]);
    expect(r.code, r.err).toBe(0);
    expect(readFileSync(path.join(dir, 'Dockerfile'), 'utf8')).toMatch(/FROM python:3\.12\.\d+-slim-trixie/);
  });
});
