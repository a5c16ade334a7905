import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runMain } from '../../../test/support/run-main.js';
import { writeProject } from '../../check/test-project.js';

function run(argv: string[], cwd: string) {
  return runMain(argv, { cwd, now: '2026-08-20T12:00:00Z' });
}

describe('pybase check', () => {
  const clean = writeProject({ Dockerfile: 'FROM python:3.12.14-slim-trixie\n' });
  const dirty = writeProject({ Dockerfile: 'FROM python:latest\n' });

  it('exits 0 when nothing reaches the threshold, 1 when something does', async () => {
    expect((await run(['check'], clean)).code).toBe(0);
    const r = await run(['check', dirty], dirty);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/^Dockerfile:1:\d+ PB001 error /m);
  });

  it('writes files as seen from the working directory in text, sarif and github; json keeps them root-relative', async () => {
    // As the GitHub Action runs it: from the checkout root, on a project in a folder of it.
    const parent = path.dirname(dirty);
    const name = path.basename(dirty);
    const text = await run(['check', name], parent);
    expect(text.out).toMatch(new RegExp(`^${name}/Dockerfile:1:\\d+ PB001 error `, 'm'));
    const sarif = JSON.parse((await run(['check', name, '--format', 'sarif'], parent)).out);
    expect(sarif.runs[0].results[0].locations[0].physicalLocation.artifactLocation).toEqual({
      uri: `${name}/Dockerfile`,
      uriBaseId: '%SRCROOT%',
    });
    expect(sarif.runs[0].originalUriBaseIds).toEqual({
      '%SRCROOT%': { uri: `${pathToFileURL(parent).href}/` },
    });
    expect((await run(['check', name, '--format', 'github'], parent)).out).toMatch(
      new RegExp(`^::error file=${name}/Dockerfile,line=1`, 'm'),
    );
    const json = JSON.parse((await run(['check', name, '--format', 'json'], parent)).out);
    expect(json.root).toBe(dirty);
    expect(json.findings[0].location.file).toBe('Dockerfile');
    // A project outside the working directory: absolute paths.
    const elsewhere = writeProject({});
    expect((await run(['check', dirty], elsewhere)).out).toContain(`${path.join(dirty, 'Dockerfile')}:1:`);
    const outside = JSON.parse((await run(['check', dirty, '--format', 'sarif'], elsewhere)).out);
    expect(outside.runs[0].results[0].locations[0].physicalLocation.artifactLocation).toEqual({
      uri: pathToFileURL(path.join(dirty, 'Dockerfile')).href,
    });
  });

  it('--fail-on moves the threshold', async () => {
    expect((await run(['check', '--fail-on', 'info'], clean)).code).toBe(1);
    expect((await run(['check', '--fail-on', 'never'], dirty)).code).toBe(0);
  });

  it('uses --date, and io.now otherwise', async () => {
    const old = writeProject({ Dockerfile: 'FROM python:3.10.18-slim-trixie\n' });
    expect((await run(['check', '--format', 'json'], old)).out).not.toContain('"code": "PB101"');
    expect((await run(['check', '--format', 'json', '--date', '2026-11-27'], old)).out).toContain(
      '"code": "PB101"',
    );
  });

  it('writes json, sarif and github formats', async () => {
    const json = JSON.parse((await run(['check', '--format', 'json'], dirty)).out);
    expect(json.schemaVersion).toBe(1);
    const sarif = JSON.parse((await run(['check', '--format', 'sarif'], dirty)).out);
    expect(sarif.version).toBe('2.1.0');
    expect((await run(['check', '--format', 'github'], dirty)).out).toMatch(
      /^::error file=Dockerfile,line=1/m,
    );
  });

  it('--exclude and --stage-glob reach the extraction', async () => {
    const root = writeProject({
      'a/Dockerfile': 'FROM python:latest\n',
      'b/Dockerfile': 'FROM python:3.12.14-slim-trixie\n',
    });
    expect((await run(['check', '--exclude', 'a/**'], root)).code).toBe(0);
    // A leading ./ (as shells complete paths) names the same file.
    expect((await run(['check', '--exclude', './a/Dockerfile'], root)).code).toBe(0);
    expect((await run(['check', '--exclude', 'a/Dockerfile'], root)).code).toBe(0);
    const dev = await run(['check', '--stage-glob', 'dev=a/**', '--format', 'json'], root);
    const f = JSON.parse(dev.out).findings.find((d: { code: string }) => d.code === 'PB001');
    expect(f.severity).toBe('warning');
  });

  it('points a broken workflow at a line of the file, also as a GitHub annotation', async () => {
    // Three lines: the parser reports the unclosed '[' at the end of input, after the last line break.
    const root = writeProject({ '.github/workflows/ci.yml': 'on: push\njobs:\n  test: [\n' });
    const json = JSON.parse((await run(['check', '--format', 'json'], root)).out);
    const broken = json.findings.filter((d: { code: string }) => d.code === 'PBE006');
    expect(broken.length).toBeGreaterThan(0);
    for (const d of broken) expect(d.location).toMatchObject({ startLine: 3, endLine: 3 });
    const github = (await run(['check', '--format', 'github'], root)).out;
    expect(github).toMatch(/^::error file=\.github\/workflows\/ci\.yml,line=3,/m);
    expect(github).not.toMatch(/line=4/);
  });

  it('exits 2 on usage errors, a bad configuration and a missing path', async () => {
    expect((await run(['check', '--format', 'xml'], clean)).code).toBe(2);
    expect((await run(['check', '--fail-on', 'sometimes'], clean)).code).toBe(2);
    expect((await run(['check', '--stage-glob', 'staging=x'], clean)).code).toBe(2);
    expect((await run(['check', '--date', '2026-13-40'], clean)).code).toBe(2);
    const bad = writeProject({ 'pybase.toml': 'fail-on = "loud"\n', Dockerfile: 'FROM python:latest\n' });
    const r = await run(['check'], bad);
    expect(r.code).toBe(2);
    expect(r.err).toContain('pybase.toml');
    expect(r.err).toContain('fail-on');
    const broken = writeProject({ 'pybase.toml': 'fail-on = [\n' });
    expect((await run(['check'], broken)).code).toBe(2);
    expect((await run(['check', path.join(clean, 'nope')], clean)).code).toBe(2);
    expect((await run(['check', '--config', 'missing.toml'], clean)).code).toBe(2);
  });
});

describe('pybase rules / rule', () => {
  it('lists every rule', async () => {
    const r = await run(['rules'], '/');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^PB001\s+latest-tag\s+warning\s+error\s+error\s+error\s+/m);
    expect(r.out).toMatch(/^PB303\s+stage-mismatch/m);
  });
  it('prints a rule, and exits 2 with the nearest codes for an unknown one', async () => {
    const r = await run(['rule', 'PB101'], '/');
    expect(r.code).toBe(0);
    expect(r.out.startsWith('# PB101 python-eol\n')).toBe(true);
    expect(r.out).not.toContain('<!--');
    expect(r.out).toContain('## Why is this bad?');
    const u = await run(['rule', 'PB10'], '/');
    expect(u.code).toBe(2);
    expect(u.err).toMatch(/nearest: PB\d{3}/);
    expect(u.err).toContain('PB010');
  });
});
