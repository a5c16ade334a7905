import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYamlText } from 'yaml';
import { tempDirs } from '../../test/support/temp-dirs.js';
import { type Catalog, createCatalog } from '../catalog/catalog.js';
import { tryParseTag } from '../catalog/tag.js';
import { runCheck } from '../check/check.js';
import type { PythonTag } from '../model/image-ref.js';
import { pb302 } from '../rules/pb302-version-file-drift.js';
import { chooseBump, neverRuleViolation } from './choose.js';
import { type FixOptions, fixProject } from './index.js';
import { catalogTagFacts, type TagFacts } from './tag-facts.js';
import type { BumpMode } from './types.js';

const date = '2026-08-13';
const temps = tempDirs();
let catalog: Catalog;
let facts: TagFacts;

beforeAll(() => {
  catalog = createCatalog();
  facts = catalogTagFacts(catalog);
});

function repo(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'pybase-plan-'));
  temps.push(dir);
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}

async function fix(files: Record<string, string>, options: Partial<FixOptions> = {}) {
  const dir = repo(files);
  const result = await fixProject(dir, { date, catalog, ...options });
  const read = (name: string) => readFileSync(join(dir, name), 'utf8');
  return { dir, result, read };
}

const digestOf = (ref: string) => `sha256:${createHash('sha256').update(ref).digest('hex')}`;

describe('the never-rules, over every tag listed at the date', () => {
  const modes: BumpMode[] = ['patch', 'minor', 'distro'];
  it('never proposes a pre-release, a looser pin, a libc swap or an unpublished tag', () => {
    const listed = [...facts.listedAt(date)].map((t) => tryParseTag(t)).filter((t): t is PythonTag => !!t);
    const published = new Set(facts.publishedBy(date).map((t) => t.raw));
    let changes = 0;
    for (const tag of listed) {
      for (const mode of modes) {
        const choice = chooseBump(tag, mode, facts, date);
        if (choice.kind !== 'change') continue;
        changes++;
        const to = tryParseTag(choice.tag)!;
        expect(neverRuleViolation(tag, to), `${mode}: ${tag.raw} -> ${to.raw}`).toBeUndefined();
        expect(to.variant).toBe(tag.variant);
        expect(published.has(to.raw)).toBe(true);
      }
    }
    // Listed patch tags of older minors do move in minor mode, and bookworm ones in distro mode.
    expect(changes).toBeGreaterThan(50);
  });

  it('names each forbidden move', () => {
    const t = (s: string) => tryParseTag(s)!;
    expect(neverRuleViolation(t('3.14.7-slim-trixie'), t('3.15.0rc1-slim-trixie'))).toMatch(/pre-release/);
    expect(neverRuleViolation(t('3.12.14-slim-trixie'), t('3.12-slim-trixie'))).toMatch(/less precisely/);
    expect(neverRuleViolation(t('3.12.14-slim-trixie'), t('3.12.14-slim'))).toMatch(/drops the distro/);
    expect(neverRuleViolation(t('3.12.14-slim-trixie'), t('3.12.14-alpine3.24'))).toMatch(/glibc -> musl/);
    expect(neverRuleViolation(t('3.12.14-alpine3.23'), t('3.12.14-trixie'))).toMatch(/musl -> glibc/);
    expect(neverRuleViolation(t('3.12.11-slim-trixie'), t('3.12.14-slim-trixie'))).toBeUndefined();
  });
});

describe('pybase fix on small repositories', () => {
  it('does not propose the newer pre-release, in any mode', async () => {
    const files = {
      Dockerfile:
        'FROM python:3.14.6-slim-trixie\nFROM python:3.14-slim-trixie\nFROM python:3.15.0rc1-slim-trixie\n',
    };
    const minor = await fix(files, { target: { kind: 'bump', bump: 'minor' } });
    expect(minor.read('Dockerfile')).toBe(
      'FROM python:3.14.7-slim-trixie\nFROM python:3.14-slim-trixie\nFROM python:3.15.0rc1-slim-trixie\n',
    );
    const to = await fix(files, { target: { kind: 'to', tag: '3.15.0rc1-slim-trixie' } });
    expect(to.read('Dockerfile')).toBe(files.Dockerfile);
    expect(to.result.plan.edits).toEqual([]);
    expect(to.result.diagnostics.some((d) => /pre-release/.test(d.message))).toBe(true);
  });

  it('reads a --to target once: a python reference is its tag, an unusable tag is one error', async () => {
    const files = { Dockerfile: 'FROM python:3.12.8-slim-bookworm\nFROM python:3.12.9-slim-bookworm\n' };
    const ok = await fix(files, {
      target: { kind: 'to', tag: 'docker.io/library/python:3.13.15-slim-bookworm' },
    });
    expect(ok.read('Dockerfile')).toBe(
      'FROM python:3.13.15-slim-bookworm\nFROM python:3.13.15-slim-bookworm\n',
    );
    const bad = await fix(files, { target: { kind: 'to', tag: 'postgres:16' }, dryRun: true });
    expect(bad.result.plan.edits).toEqual([]);
    expect(bad.result.plan.diagnostics).toEqual([
      expect.objectContaining({
        code: 'PBE001',
        severity: 'error',
        message: "--to: 'postgres:16' does not name the python image",
      }),
    ]);
  });

  it('keeps precision: a minor pin stays a minor pin, a patch pin a patch pin, the distro stays', async () => {
    const files = {
      Dockerfile:
        'FROM python:3.12-slim-trixie\nFROM python:3.12.11-slim-trixie\nFROM python:3.11.14-alpine3.23\n',
    };
    const { read } = await fix(files, { target: { kind: 'bump', bump: 'minor' } });
    expect(read('Dockerfile')).toBe(
      'FROM python:3.14-slim-trixie\nFROM python:3.14.7-slim-trixie\nFROM python:3.14.7-alpine3.23\n',
    );
    const to = await fix(
      { Dockerfile: 'FROM python:3.12.11-slim-trixie\n' },
      { target: { kind: 'to', tag: '3.13-slim-trixie' } },
    );
    expect(to.read('Dockerfile')).toBe('FROM python:3.12.11-slim-trixie\n');
    expect(to.result.diagnostics.map((d) => d.message).join('\n')).toMatch(/less precisely/);
    const noDistro = await fix(
      { Dockerfile: 'FROM python:3.12.11-slim-trixie\n' },
      { target: { kind: 'to', tag: '3.12.14-slim' } },
    );
    expect(noDistro.read('Dockerfile')).toBe('FROM python:3.12.11-slim-trixie\n');
  });

  it('never swaps the C library, and labels an explicit distro bump as such', async () => {
    const files = { Dockerfile: 'FROM python:3.12.8-slim-bookworm\nFROM python:3.11.14-alpine3.23\n' };
    const distro = await fix(files, { target: { kind: 'bump', bump: 'distro' } });
    expect(distro.read('Dockerfile')).toBe(
      'FROM python:3.12.14-slim-trixie\nFROM python:3.11.16-alpine3.24\n',
    );
    expect(distro.result.plan.edits.map((e) => e.kind)).toEqual(['distro', 'distro']);
    expect(distro.result.plan.edits[0]!.reason).toMatch(/explicit distro bump/);
    const swap = await fix(files, { target: { kind: 'to', tag: '3.12.14-alpine3.24' } });
    expect(swap.read('Dockerfile')).toBe(
      'FROM python:3.12.8-slim-bookworm\nFROM python:3.12.14-alpine3.24\n',
    );
    expect(swap.result.diagnostics.map((d) => d.message).join('\n')).toMatch(/glibc -> musl/);
  });

  it('keeps the distro a patch-pinned tag without one runs on, and names it when the newer tag would not', async () => {
    // At the date 3.12.14-slim is trixie, while 3.12.8-slim was built on bookworm; 3.12.11-slim already
    // was trixie, and 3.12.8-alpine is alpine3.21, where 3.12.12 is the last patch.
    const files = {
      Dockerfile: [
        'FROM python:3.12.8-slim AS a',
        'FROM python:3.12.8 AS b',
        'FROM python:3.12.8-alpine AS c',
        'FROM python:3.12.11-slim AS d',
        '',
      ].join('\n'),
    };
    const patch = await fix(files);
    expect(patch.read('Dockerfile')).toBe(
      [
        'FROM python:3.12.14-slim-bookworm AS a',
        'FROM python:3.12.14-bookworm AS b',
        'FROM python:3.12.12-alpine3.21 AS c',
        'FROM python:3.12.14-slim AS d',
        '',
      ].join('\n'),
    );
    expect(patch.result.plan.edits.map((e) => e.kind)).toEqual(['patch', 'patch', 'patch', 'patch']);
    expect(patch.result.plan.edits[0]!.reason).toMatch(
      /python:3\.12\.8-slim runs on bookworm, so the new tag names it/,
    );
    // Every new tag names the image on the distro the old one ran on.
    for (const [from, to] of [
      ['3.12.8-slim', '3.12.14-slim-bookworm'],
      ['3.12.11-slim', '3.12.14-slim'],
    ] as const) {
      const was = tryParseTag(catalog.rebuildStatus(from, date).fullTag!)!;
      const now = tryParseTag(catalog.rebuildStatus(to, date).fullTag!)!;
      expect(now.distro?.text, `${from} -> ${to}`).toBe(was.distro?.text);
    }

    const minor = await fix(files, { target: { kind: 'bump', bump: 'minor' } });
    expect(minor.read('Dockerfile').split('\n')[0]).toBe('FROM python:3.14.7-slim-bookworm AS a');

    const distro = await fix(files, { target: { kind: 'bump', bump: 'distro' } });
    expect(distro.read('Dockerfile')).toBe(
      [
        'FROM python:3.12.14-slim-trixie AS a',
        'FROM python:3.12.14-trixie AS b',
        'FROM python:3.12.14-alpine3.24 AS c',
        'FROM python:3.12.14-slim-trixie AS d',
        '',
      ].join('\n'),
    );
    expect(distro.result.plan.edits.map((e) => e.kind)).toEqual(['distro', 'distro', 'distro', 'patch']);
  });

  it('says what it leaves alone in words that fit the mode, and which mode moves a frozen tag', async () => {
    const files = {
      Dockerfile: 'FROM python:3.12-alpine AS a\nFROM python:3 AS b\nFROM python:3.11-slim-bullseye AS c\n',
    };
    const messages = (r: Awaited<ReturnType<typeof fix>>) =>
      r.result.plan.diagnostics.map((d) => `${d.message} | ${d.hint ?? ''}`);
    const minor = await fix(files, { target: { kind: 'bump', bump: 'minor' } });
    expect(minor.read('Dockerfile')).toContain('FROM python:3.14-alpine AS a');
    expect(messages(minor)).toEqual([
      expect.stringMatching(
        /^Dockerfile:3: python:3\.11-slim-bullseye is no longer published at 2026-08-13 and --bump minor has nothing newer for it \| pybase fix --bump distro moves it to python:3\.11-slim-trixie$/,
      ),
      'Dockerfile:2: python:3 left alone by --bump minor: the tag floats to the newest minor by itself | to pin such references, use pybase fix --to recommended (or --to <tag>)',
    ]);
    const distro = await fix(files, { target: { kind: 'bump', bump: 'distro' } });
    expect(distro.read('Dockerfile')).toContain('FROM python:3.11-slim-trixie AS c');
    expect(messages(distro).join('\n')).not.toContain('--bump distro moves');
  });

  it('says once why --to leaves a reference alone, also when its tag is no longer published', async () => {
    const files = {
      Dockerfile:
        'FROM python:3.12.8-slim AS a\nFROM python:3.11-slim-bullseye AS b\nFROM python:3.12-slim AS c\n',
    };
    for (const target of [
      { kind: 'to', tag: '3.13' },
      { kind: 'recommended', tags: { build: '3.13', prod: '3.13' } },
    ] as const) {
      const moved = await fix(files, { target });
      expect(moved.read('Dockerfile')).toContain('FROM python:3.13 AS c');
      const notes = moved.result.plan.diagnostics;
      expect(notes.map((d) => [d.code, d.severity, d.location?.startLine])).toEqual([
        ['PBF001', 'warning', 1],
        ['PBF001', 'warning', 2],
      ]);
      expect(notes.map((d) => d.message)).toEqual([
        'Dockerfile:1: python:3.12.8-slim left alone: 3.13 pins the Python version less precisely than 3.12.8-slim; its own tag, python:3.12.8-slim, is no longer published at 2026-08-13',
        'Dockerfile:2: python:3.11-slim-bullseye left alone: 3.13 drops the distro bullseye that 3.11-slim-bullseye names; its own tag, python:3.11-slim-bullseye, is no longer published at 2026-08-13',
      ]);
    }
  });

  it('moves a tag frozen on a dropped distro with --bump distro, and says so in patch mode', async () => {
    const files = { Dockerfile: 'FROM python:3.11-slim-bullseye\n' };
    const patch = await fix(files);
    expect(patch.read('Dockerfile')).toBe(files.Dockerfile);
    expect(patch.result.diagnostics.find((d) => d.code === 'PBF001')?.hint).toMatch(/--bump distro/);
    const distro = await fix(files, { target: { kind: 'bump', bump: 'distro' } });
    expect(distro.read('Dockerfile')).toBe('FROM python:3.11-slim-trixie\n');
  });

  it('leaves non-python images alone, and an ARG default shared with one', async () => {
    const files = {
      Dockerfile: [
        'ARG V=3.12.8',
        'FROM python:${V}-slim-bookworm AS app',
        'FROM registry.example.com/tools:${V} AS tools',
        'FROM node:20.1-bookworm',
        'FROM python:3.12.8-slim-bookworm',
        '',
      ].join('\n'),
      'compose.yaml': 'services:\n  db:\n    image: postgres:15.1\n  web:\n    image: nginx:1.25.0\n',
    };
    const { read, result } = await fix(files);
    expect(read('Dockerfile')).toBe(
      files.Dockerfile.replace('FROM python:3.12.8-slim-bookworm\n', 'FROM python:3.12.14-slim-bookworm\n'),
    );
    expect(read('compose.yaml')).toBe(files['compose.yaml']);
    expect(result.diagnostics.map((d) => d.message).join('\n')).toMatch(/not a python image/);
  });

  it('edits a tag written in a template where it is written, leaving the variables alone', async () => {
    const dockerfile = 'ARG REGISTRY=docker.io/library\nFROM ${REGISTRY}/python:3.11.4-slim-bookworm\n';
    const files = {
      Dockerfile: dockerfile,
      '.env': 'REG=docker.io/library\n',
      'compose.yaml': 'services:\n  a:\n    image: ${REG}/python:3.12.8-slim-bookworm\n',
    };
    const { read, result } = await fix(files);
    expect(read('Dockerfile')).toBe(dockerfile.replace('3.11.4', '3.11.16'));
    expect(read('compose.yaml')).toBe(files['compose.yaml'].replace('3.12.8', '3.12.14'));
    expect(read('.env')).toBe(files['.env']);
    expect(result.applied.dropped).toEqual([]);
    expect(result.plan.edits.map((e) => [e.file, e.before, e.after])).toEqual([
      ['Dockerfile', '${REGISTRY}/python:3.11.4-slim-bookworm', '${REGISTRY}/python:3.11.16-slim-bookworm'],
      ['compose.yaml', '${REG}/python:3.12.8-slim-bookworm', '${REG}/python:3.12.14-slim-bookworm'],
    ]);
    expect(result.diagnostics.map((d) => d.message).join('\n')).not.toContain('no value of its variables');
  });

  it('edits a shared ARG default only when every FROM using it gets a published tag', async () => {
    const shared = 'ARG V=3.12.8\nFROM python:${V}-slim-bookworm AS a\nFROM python:${V}-bookworm AS b\n';
    const ok = await fix({ Dockerfile: shared });
    expect(ok.read('Dockerfile')).toBe(shared.replace('V=3.12.8', 'V=3.12.14'));
    expect(ok.result.plan.edits).toHaveLength(1);
    // alpine3.20 was dropped before 3.12.14: that FROM would name a tag that does not exist.
    const broken = 'ARG V=3.12.8\nFROM python:${V}-slim-bookworm AS a\nFROM python:${V}-alpine3.20 AS b\n';
    const no = await fix({ Dockerfile: broken });
    expect(no.read('Dockerfile')).toBe(broken);
    expect(no.result.diagnostics.some((d) => d.code === 'PBF002')).toBe(true);
  });

  it('moves version files with --bump minor only', async () => {
    const files = {
      Dockerfile: 'FROM python:3.12.8-slim-bookworm\n',
      '.python-version': '3.12\n',
      '.github/workflows/ci.yml':
        "on: push\njobs:\n  t:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/setup-python@v5\n        with:\n          python-version: '3.12'\n",
    };
    const patch = await fix(files);
    expect(patch.read('.python-version')).toBe('3.12\n');
    expect(patch.read('.github/workflows/ci.yml')).toBe(files['.github/workflows/ci.yml']);
    const minor = await fix(files, { target: { kind: 'bump', bump: 'minor' } });
    expect(minor.read('Dockerfile')).toBe('FROM python:3.14.7-slim-bookworm\n');
    expect(minor.read('.python-version')).toBe('3.14\n');
    expect(minor.read('.github/workflows/ci.yml')).toBe(
      files['.github/workflows/ci.yml'].replace("'3.12'", "'3.14'"),
    );
    const pinned = await fix(
      { ...files, '.python-version': '3.12.8\n' },
      { target: { kind: 'bump', bump: 'minor' } },
    );
    expect(pinned.read('.python-version')).toBe('3.14.7\n');
  });

  it('keeps --bump minor within the requires-python of the project, and says what it passed over', async () => {
    const files = {
      'pyproject.toml': '[project]\nname = "x"\nversion = "0"\nrequires-python = ">=3.11,<3.13"\n',
      Dockerfile: 'FROM python:3.12.8-slim-trixie\n',
      '.python-version': '3.12\n',
    };
    const held = await fix(files, { target: { kind: 'bump', bump: 'minor' } });
    expect(held.read('Dockerfile')).toBe('FROM python:3.12.14-slim-trixie\n');
    expect(held.read('.python-version')).toBe('3.12\n');
    expect(held.result.plan.diagnostics.map((d) => d.message)).toEqual([
      "Dockerfile:1: python:3.12.8-slim-trixie: --bump minor stays within requires-python '>=3.11,<3.13' (pyproject.toml:4), which excludes Python 3.14.7",
    ]);
    const check = await runCheck(held.dir, { date, catalog, rules: [pb302] });
    expect(check.findings).toEqual([]);
    // What the bump used to write: PB302 then says requires-python excludes it.
    writeFileSync(join(held.dir, 'Dockerfile'), 'FROM python:3.14.7-slim-trixie\n');
    const beyond = await runCheck(held.dir, { date, catalog, rules: [pb302] });
    expect(beyond.findings.map((f) => f.code)).toContain('PB302');

    // A wider range lets it move as far as the range goes, with Poetry's constraint read too.
    const wider = await fix(
      {
        ...files,
        'pyproject.toml': '[tool.poetry]\nname = "x"\n[tool.poetry.dependencies]\npython = "^3.11,<3.14"\n',
      },
      { target: { kind: 'bump', bump: 'minor' } },
    );
    expect(wider.read('Dockerfile')).toBe('FROM python:3.13.15-slim-trixie\n');
    expect(wider.read('.python-version')).toBe('3.13\n');
    expect(wider.result.plan.diagnostics[0]!.message).toContain(
      "stays within Poetry's python '^3.11,<3.14' (pyproject.toml:4), which excludes Python 3.14.7",
    );
  });

  it('--bump minor on a distro with no newer minor says so, and names the distro move', async () => {
    const r = await fix(
      { Dockerfile: 'FROM python:3.11.9-alpine3.20\n' },
      { target: { kind: 'bump', bump: 'minor' } },
    );
    const moved = r.read('Dockerfile');
    expect(moved).toMatch(/^FROM python:3\.11\.\d+-alpine3\.20\n$/);
    const d = r.result.plan.diagnostics.find((x) => x.message.includes('no newer Python minor'));
    expect(d?.message).toBe(
      `Dockerfile:1: python:3.11.9-alpine3.20: no newer Python minor is published on its distro at ${date}, so it moves to its minor's newest patch (${moved.slice('FROM python:'.length).trim()})`,
    );
    expect(d?.hint).toMatch(/^pybase fix --bump distro moves it to python:3\.11\.\d+-alpine3\.2[3-9]; /);
    // On the newest distro with newer minors there, nothing of the sort is said.
    const plain = await fix(
      { Dockerfile: 'FROM python:3.12.8-slim-trixie\n' },
      { target: { kind: 'bump', bump: 'minor' } },
    );
    expect(plain.result.plan.diagnostics.filter((x) => x.message.includes('no newer Python minor'))).toEqual(
      [],
    );
  });

  it('leaves version files alone when an image of their minor is not moved (a matrix value, a refused edit)', async () => {
    const workflow = [
      'on: push',
      'jobs:',
      '  t:',
      '    runs-on: ubuntu-latest',
      '    container: python:${{ matrix.py }}-slim-bookworm',
      '    strategy:',
      '      matrix:',
      '        py: ["3.11.9"]',
      '    steps:',
      '      - uses: actions/setup-python@v5',
      '        with:',
      '          python-version: "3.11"',
      '',
    ].join('\n');
    const base = { Dockerfile: 'FROM python:3.11.9-slim-bookworm\n', '.python-version': '3.11\n' };
    for (const target of [{ kind: 'bump', bump: 'minor' } as const]) {
      const matrix = await fix({ ...base, '.github/workflows/ci.yml': workflow }, { target });
      expect(matrix.read('Dockerfile')).not.toBe(base.Dockerfile);
      expect(matrix.read('.python-version')).toBe('3.11\n');
      expect(matrix.read('.github/workflows/ci.yml')).toBe(workflow);
      // A Dockerfile written in a quoted compose value is never edited: it stays on 3.11.
      const compose =
        'services:\n  app:\n    build:\n      dockerfile_inline: "FROM python:3.11.9-slim-trixie\\nRUN echo"\n';
      const inline = await fix({ ...base, 'compose.yaml': compose }, { target });
      expect(inline.read('compose.yaml')).toBe(compose);
      expect(inline.read('.python-version')).toBe('3.11\n');
    }
    // With every image moved, the version file follows.
    const all = await fix(base, { target: { kind: 'bump', bump: 'minor' } });
    expect(all.read('.python-version')).not.toBe('3.11\n');
  });

  it('moves nothing a range could limit when the file that would state it does not parse', async () => {
    // The range is unknown: a bump past it would be written before anyone sees the syntax error.
    const broken = '[project]\nname = "x"\nrequires-python = ">=3.11,<3.13"\nlist = [1\n';
    for (const bump of ['minor', 'patch'] as const) {
      const run = await fix(
        {
          'services/a/Dockerfile': 'FROM python:3.12.8-slim-trixie\n',
          'services/b/Dockerfile': 'FROM python:3.12.8-slim-trixie\n',
          'services/b/pyproject.toml': broken,
          'services/b/.python-version': '3.12\n',
        },
        { target: { kind: 'bump', bump }, checkDependencies: false },
      );
      expect(run.read('services/b/Dockerfile')).toBe('FROM python:3.12.8-slim-trixie\n');
      expect(run.read('services/b/.python-version')).toBe('3.12\n');
      // services/b's file says nothing about services/a's image, which moves.
      expect(run.read('services/a/Dockerfile')).not.toBe('FROM python:3.12.8-slim-trixie\n');
      const held = run.result.plan.diagnostics.filter((d) => d.severity === 'error');
      expect(held.map((d) => d.message)).toEqual([
        `services/b/pyproject.toml:4: does not parse, so the Python range it may state is unknown: --bump ${bump} leaves services/b/Dockerfile:1 (python:3.12.8-slim-trixie)${bump === 'minor' ? ', services/b/.python-version:1 (3.12)' : ''} alone`,
      ]);
      expect(held[0]!.location?.file).toBe('services/b/pyproject.toml');
      expect(held[0]!.hint).toMatch(/fix the syntax error/);
    }
  });

  it('applies a requires-python to the images of its own folder when that folder holds images, else to all', async () => {
    const narrow = '[project]\nname = "x"\nversion = "0"\nrequires-python = ">=3.11,<3.13"\n';
    // Two projects side by side: services/b's range says nothing about services/a's image.
    const siblings = await fix(
      {
        'services/a/Dockerfile': 'FROM python:3.12.8-slim-trixie\n',
        'services/b/Dockerfile': 'FROM python:3.12.8-slim-trixie\n',
        'services/b/pyproject.toml': narrow,
      },
      { target: { kind: 'bump', bump: 'minor' } },
    );
    expect(siblings.read('services/a/Dockerfile')).toBe('FROM python:3.14.7-slim-trixie\n');
    expect(siblings.read('services/b/Dockerfile')).toBe('FROM python:3.12.14-slim-trixie\n');
    const notes = siblings.result.plan.diagnostics.map((d) => d.message);
    expect(notes).toEqual([
      "services/b/Dockerfile:1: python:3.12.8-slim-trixie: --bump minor stays within requires-python '>=3.11,<3.13' (services/b/pyproject.toml:4), which excludes Python 3.14.7",
    ]);
    // A backend/ without images of its own is built by the root Dockerfile: its range governs it.
    const built = await fix(
      { Dockerfile: 'FROM python:3.12.8-slim-trixie\n', 'backend/pyproject.toml': narrow },
      { target: { kind: 'bump', bump: 'minor' } },
    );
    expect(built.read('Dockerfile')).toBe('FROM python:3.12.14-slim-trixie\n');
  });

  it('says plainly that it does not rewrite a reference written as a block scalar, folded or with escapes', async () => {
    const compose = [
      'services:',
      '  a:',
      '    image: >-',
      '      python:3.12.8-slim-bookworm',
      '  b:',
      '    image: "python:3.12.8\\',
      '      -slim-bookworm"',
      '  c:',
      '    image: "python:3.12.8\\u002dslim-bookworm"',
      '  d:',
      '    image: python:3.12.8-slim-bookworm',
      '',
    ].join('\n');
    const { read, result } = await fix({
      'compose.yaml': compose,
      Dockerfile: 'FROM python:3.12.8-\\\nslim-bookworm\n',
    });
    expect(read('compose.yaml')).toBe(compose.replace('image: python:3.12.8-', 'image: python:3.12.14-'));
    expect(read('Dockerfile')).toBe('FROM python:3.12.8-\\\nslim-bookworm\n');
    expect(result.applied.dropped).toEqual([]);
    expect(result.diagnostics.filter((d) => d.code === 'PBF002')).toEqual([]);
    const notes = result.plan.diagnostics.filter((d) => /not written as plain text/.test(d.message));
    expect(notes.map((d) => [d.severity, d.location?.file, d.location?.startLine])).toEqual([
      ['warning', 'Dockerfile', 1],
      ['warning', 'compose.yaml', 3],
      ['warning', 'compose.yaml', 6],
      ['warning', 'compose.yaml', 9],
    ]);
    expect(notes[1]!.message).toBe(
      'compose.yaml:3: python:3.12.8-slim-bookworm -> python:3.12.14-slim-bookworm not applied: the reference is not written as plain text at its place (a YAML block scalar, a value folded across lines, or escapes), and pybase only rewrites text that reads as it is written',
    );
  });

  it('quotes a new setup-python version that YAML would read as a number other than itself', async () => {
    const workflow = (a: string, b: string) =>
      `on: push\njobs:\n  t:\n    runs-on: ubuntu-latest\n    container: ${a}\n    steps:\n      - uses: actions/setup-python@v5\n        with:\n          python-version: ${b}\n`;
    const files = {
      'pyproject.toml': '[project]\nname = "x"\nversion = "0"\nrequires-python = ">=3.9,<3.11"\n',
      '.github/workflows/ci.yml': workflow('python:3.9.18-slim-bookworm', '3.9'),
    };
    const { read, result } = await fix(files, { target: { kind: 'bump', bump: 'minor' } });
    expect(read('.github/workflows/ci.yml')).toBe(workflow('python:3.10.21-slim-bookworm', "'3.10'"));
    expect(result.applied.dropped).toEqual([]);
    // As GitHub reads it: the string 3.10, not the number 3.1.
    const parsed = parseYamlText(read('.github/workflows/ci.yml')) as {
      jobs: { t: { steps: { with: Record<string, unknown> }[] } };
    };
    expect(parsed.jobs.t.steps[0]!.with['python-version']).toBe('3.10');
    // A version that reads as itself keeps its plain form.
    const plain = await fix(
      { '.github/workflows/ci.yml': workflow('python:3.12.8-slim-bookworm', '3.12') },
      { target: { kind: 'bump', bump: 'minor' } },
    );
    expect(plain.read('.github/workflows/ci.yml')).toBe(workflow('python:3.14.7-slim-bookworm', '3.14'));
  });

  it('edits a YAML anchor once for every alias that uses it, and keeps registry and namespace as written', async () => {
    const files = {
      'compose.yaml':
        'x-python: &py "python:3.12.8-slim-bookworm"\nservices:\n  a:\n    image: *py\n  b:\n    image: *py\n  c:\n    image: arm64v8/python:3.11.14-alpine3.23\n',
    };
    const { read, result } = await fix(files);
    expect(read('compose.yaml')).toBe(
      files['compose.yaml']
        .replace('3.12.8-slim-bookworm', '3.12.14-slim-bookworm')
        .replace('3.11.14-alpine3.23', '3.11.16-alpine3.23'),
    );
    expect(result.plan.edits).toHaveLength(2);
  });

  it('is idempotent in every mode', async () => {
    const files = {
      Dockerfile: 'ARG PY=3.12.8\nFROM python:${PY}-slim-bookworm AS a\nFROM python:3.11.14-alpine3.23\n',
      '.python-version': '3.12\n',
    };
    for (const bump of ['patch', 'minor', 'distro'] as const) {
      const { dir } = await fix(files, { target: { kind: 'bump', bump } });
      const again = await fixProject(dir, { date, catalog, target: { kind: 'bump', bump } });
      expect(again.plan.edits, bump).toEqual([]);
    }
  });

  it('follows the recommended tag per stage', async () => {
    const files = {
      Dockerfile: 'FROM python:3.12.8-slim-bookworm\n',
      '.github/workflows/ci.yml':
        'on: push\njobs:\n  t:\n    runs-on: ubuntu-latest\n    container: python:3.12.8-bookworm\n    steps:\n      - run: pytest\n',
    };
    const { read } = await fix(files, {
      target: { kind: 'recommended', tags: { prod: '3.13.15-slim-trixie' } },
    });
    expect(read('Dockerfile')).toBe('FROM python:3.13.15-slim-trixie\n');
    expect(read('.github/workflows/ci.yml')).toBe(files['.github/workflows/ci.yml']);
  });

  it('pins and refreshes digests through the injected resolver, and never drops one', async () => {
    const calls: string[] = [];
    const resolveDigest = async (ref: string) => {
      calls.push(ref);
      return digestOf(ref);
    };
    const files = {
      Dockerfile: 'FROM python:3.12.8-slim-bookworm AS a\nFROM python:3.14-slim-trixie AS b\n',
    };
    const first = await fix(files, { pinDigest: true, resolveDigest });
    const pinned = `FROM python:3.12.14-slim-bookworm@${digestOf('python:3.12.14-slim-bookworm')} AS a\nFROM python:3.14-slim-trixie@${digestOf('python:3.14-slim-trixie')} AS b\n`;
    expect(first.read('Dockerfile')).toBe(pinned);
    expect(first.result.plan.edits.map((e) => e.kind)).toEqual(['patch', 'pin']);
    expect(calls).toEqual(['python:3.12.14-slim-bookworm', 'python:3.14-slim-trixie']);

    const same = await fix({ Dockerfile: pinned }, { pinDigest: true, resolveDigest });
    expect(same.result.plan.edits).toEqual([]);
    const moved = await fix(
      { Dockerfile: pinned },
      { pinDigest: true, resolveDigest: async (r) => digestOf(`${r}!`) },
    );
    expect(moved.result.plan.edits.map((e) => e.kind)).toEqual(['refresh', 'refresh']);

    // Without a resolver a stale tag with a digest is left as it is (dropping the digest would loosen the pin).
    const stale = `FROM python:3.12.8-slim-bookworm@${digestOf('x')}\n`;
    const kept = await fix({ Dockerfile: stale });
    expect(kept.read('Dockerfile')).toBe(stale);
    expect(kept.result.diagnostics.map((d) => d.hint).join('\n')).toMatch(/--pin-digest/);
  });

  it('never lets a credential from a registry error into a diagnostic', async () => {
    const resolveDigest = async (ref: string): Promise<string> => {
      throw new Error(
        `GET https://robot:s3cr3t-pass@registry.example.com/v2/library/python/manifests/${ref} failed; Authorization: Bearer eyJhbGciOi.secret.token`,
      );
    };
    const { result, read } = await fix(
      { Dockerfile: 'FROM python:3.12.8-slim-bookworm\n' },
      { pinDigest: true, resolveDigest },
    );
    const shown = JSON.stringify(result.diagnostics);
    expect(shown).toContain('cannot resolve the digest');
    expect(shown).not.toContain('s3cr3t-pass');
    expect(shown).not.toContain('eyJhbGciOi');
    // The tag still moves; no digest is invented.
    expect(read('Dockerfile')).toBe('FROM python:3.12.14-slim-bookworm\n');
  });
});
