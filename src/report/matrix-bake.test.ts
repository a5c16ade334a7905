import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { captureIo } from '../../test/support/run-main.js';
import { createCatalog } from '../catalog/catalog.js';
import { main } from '../cli/main.js';
import { extractDockerfile } from '../files/dockerfile/extract.js';
import { buildMatrix, formatBake } from './matrix.js';
import { planBake } from './matrix-bake.js';

const date = '2026-11-27';
const catalog = createCatalog();

/** The report-web project (pure Python, any image installs it) with another Dockerfile. */
function withDockerfile(text: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'pybase-bake-'));
  cpSync('test/fixtures/report-web', dir, { recursive: true });
  writeFileSync(path.join(dir, 'Dockerfile'), text);
  return dir;
}

/** The targets of a bake file: name -> its args block, parsed. */
function targets(hcl: string): Map<string, Record<string, string>> {
  const out = new Map<string, Record<string, string>>();
  for (const chunk of hcl.split(/^(?=target ")/m).slice(1)) {
    const name = /^target "([^"]+)"/.exec(chunk)![1]!;
    const block = /args = \{([^}]*)\}/.exec(chunk)![1]!;
    const args: Record<string, string> = {};
    for (const m of block.matchAll(/^\s*([A-Za-z_][A-Za-z0-9_]*) = ("[^"]*")$/gm))
      args[m[1]!] = JSON.parse(m[2]!);
    out.set(name, args);
  }
  return out;
}

/** The image the Dockerfile's FROM at `line` names when built with `args`, resolved at the date. */
function builtImage(dockerfile: string, args: Record<string, string>, line: number): string | undefined {
  const refs = extractDockerfile('Dockerfile', dockerfile, {
    buildArgs: Object.entries(args).map(([name, value]) => ({
      name,
      value,
      origin: { name, value, source: 'config-build-arg' as const },
    })),
  }).references;
  const image = refs.find((r) => r.range.startLine === line)?.resolved;
  const tag = image?.replace(/^python:/, '');
  return tag ? `python:${catalog.resolve(tag, date)?.fullTag ?? tag}` : undefined;
}

describe('matrix --format bake: the build argument the Dockerfile takes', () => {
  it('the documented form: PYTHON_IMAGE, no warning', async () => {
    const root = withDockerfile('ARG PYTHON_IMAGE\nFROM ${PYTHON_IMAGE}\nCOPY . .\n');
    const m = await buildMatrix(root, { date, top: 3 });
    const plan = await planBake(root, m, { catalog });
    expect(plan.warnings).toEqual([]);
    expect(plan.args).toEqual(m.entries.map((e) => ({ PYTHON_IMAGE: e.image })));
  });

  it('a python FROM written with its version argument gets that argument, naming each image', async () => {
    const dockerfile = 'ARG PY=3.12\nFROM python:${PY}-slim-trixie AS build\nFROM python:${PY}-slim-trixie\n';
    const root = withDockerfile(dockerfile);
    const m = await buildMatrix(root, { date, top: 5 });
    const plan = await planBake(root, m, { catalog });
    const hcl = formatBake(m, { plan });
    const built = targets(hcl);
    const slim = m.entries.filter((e) => e.tag.endsWith('-slim-trixie'));
    expect(slim.length).toBeGreaterThan(0);
    for (const e of slim) {
      const args = [...built.values()].find((a) => builtImage(dockerfile, a, 3) === e.image);
      expect(args, e.image).toEqual({ PY: e.pythonVersion });
    }
    // other variants cannot be spelled through that FROM: left out, and said so
    const others = m.entries.filter((e) => !e.tag.endsWith('-slim-trixie'));
    expect(built.size).toBe(slim.length);
    if (others.length > 0)
      expect(plan.warnings.join('\n')).toContain(`cannot name ${others.map((e) => e.image).join(', ')}`);
  });

  it('examples/reports-api: PYTHON_VERSION per target, the images it cannot build and the fixed final stage named', async () => {
    const root = 'examples/reports-api';
    const m = await buildMatrix(root, { date, top: 3 });
    const io = captureIo({ now: `${date}T12:00:00Z` });
    expect(await main(['matrix', root, '--format', 'bake', '--date', date], io)).toBe(0);
    const built = targets(io.stdout());
    expect(built.size).toBeGreaterThan(0);
    const dockerfile = readFileSync(path.join(root, 'Dockerfile'), 'utf8');
    for (const [name, args] of built) {
      expect(Object.keys(args)).toEqual(['PYTHON_VERSION']);
      const entry = m.entries.find((e) => `py-${e.tag.replace(/[^A-Za-z0-9]+/g, '-')}` === name)!;
      expect(builtImage(dockerfile, args, 3)).toBe(entry.image);
    }
    const err = io.stderr();
    expect(err).toMatch(
      /warning: matrix: Dockerfile:3: FROM python:\$\{PYTHON_VERSION\}-slim cannot name python:3\.14\.7-trixie/,
    );
    expect(err).toContain('Dockerfile:10: FROM python:3.11-alpine takes no build argument');
  });

  it('a Dockerfile with no argument in its FROM: a warning naming it and the ARG it needs', async () => {
    const io = captureIo({ now: `${date}T12:00:00Z` });
    expect(await main(['matrix', 'test/fixtures/report-web', '--format', 'bake', '--date', date], io)).toBe(
      0,
    );
    expect(io.stderr()).toContain(
      "warning: matrix: Dockerfile takes no python image from a build argument (line 2: FROM python:3.12-alpine), so every bake target would build the same image: write 'ARG PYTHON_IMAGE' before the first FROM and 'FROM ${PYTHON_IMAGE}'",
    );
    expect([...targets(io.stdout()).values()].every((a) => Object.keys(a).join() === 'PYTHON_IMAGE')).toBe(
      true,
    );
    // the other formats have nothing to do with the Dockerfile
    const gh = captureIo({ now: `${date}T12:00:00Z` });
    expect(await main(['matrix', 'test/fixtures/report-web', '--date', date], gh)).toBe(0);
    expect(gh.stderr()).not.toContain('warning');
  });

  it('an argument declared only inside a stage never reaches FROM: not set, and said so', async () => {
    const root = withDockerfile('FROM python:${PY}-slim\nARG PY=3.12\n');
    const m = await buildMatrix(root, { date, top: 2 });
    const plan = await planBake(root, m, { catalog });
    expect(plan.args).toEqual(m.entries.map((e) => ({ PYTHON_IMAGE: e.image })));
    expect(plan.warnings).toHaveLength(1);
    expect(plan.warnings[0]).toMatch(
      /^Dockerfile:1: FROM python:\$\{PY\}-slim cannot name .* whatever PY is: write 'ARG PYTHON_IMAGE'/,
    );
  });

  it('no Dockerfile: said so', async () => {
    const root = mkdtempSync(path.join(tmpdir(), 'pybase-bake-none-'));
    cpSync('test/fixtures/report-web/uv.lock', path.join(root, 'uv.lock'));
    const m = await buildMatrix(root, { date, top: 1 });
    const plan = await planBake(root, m, { catalog });
    expect(plan.warnings[0]).toMatch(/^there is no Dockerfile in the project/);
  });
});
