/**
 * Fuzz targets: one entry per parser of user input. Each target draws texts from random strings,
 * "token soups" built from the parser's own vocabulary, and mutations of real inputs (the shared
 * corpus and the fixtures), and checks one property: the parser returns, or throws a PybaseError;
 * every source range it reports (in diagnostics and in results) has lines >= 1 and columns >= 1.
 *
 * Used by the smoke test (test/fuzz/smoke.test.ts, a few thousand cases in the default run) and by
 * `npm run fuzz` (test/fuzz/run.mjs, a million cases). Seeds are read from a repository root
 * given by the caller, so the module works bundled or not.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { stringify as tomlStringify } from 'smol-toml';
import { stringify as yamlStringify } from 'yaml';
import { parseReference } from '../../src/catalog/reference.js';
import { parseTag } from '../../src/catalog/tag.js';
import { parseConfigText } from '../../src/config/validate.js';
import { parseComposeEnv } from '../../src/files/compose/env-file.js';
import { extractCompose } from '../../src/files/compose/extract.js';
import { extractDockerfile } from '../../src/files/dockerfile/extract.js';
import { extractGithubAction, extractGithubWorkflow } from '../../src/files/github-actions/extract.js';
import { extractGitlabCi } from '../../src/files/gitlab-ci/extract.js';
import { parseDependencies } from '../../src/files/lockfiles/index.js';
import { poetryConstraintToPep440 } from '../../src/files/lockfiles/poetry/constraint.js';
import { parseRequirement } from '../../src/files/lockfiles/requirement.js';
import { extractVersionFile, toxEnvVersions } from '../../src/files/version-files/extract.js';
import type { DependencySourceKind } from '../../src/model/dependencies.js';
import { PybaseError } from '../../src/model/diagnostic.js';
import type { ProjectFileKind } from '../../src/model/project.js';
import {
  parseDistributionFilename,
  parseSdistFilename,
  parseWheelFilename,
} from '../../src/wheels/filename.js';
import { evaluateMarker, type MarkerEnvironment, parseMarker } from '../../src/wheels/markers.js';

export interface FuzzTarget {
  name: string;
  /** Share of a total case budget this target gets (relative). */
  weight: number;
  input: fc.Arbitrary<string>;
  /** Calls the parser once; returns its result (checked by `checkOutcome`). */
  run: (text: string) => unknown;
}

// ---------------------------------------------------------------------------------------------
// The property

/** Why an outcome is wrong, or undefined when it is fine. */
export function outcomeProblem(run: () => unknown): string | undefined {
  let result: unknown;
  try {
    result = run();
  } catch (error) {
    if (error instanceof PybaseError) return rangeProblems(error.diagnostic, 'thrown diagnostic');
    const e = error as Error;
    return `threw ${e?.name ?? typeof error}: ${e?.message ?? String(error)}\n${e?.stack ?? ''}`;
  }
  return rangeProblems(result, 'result');
}

/** Throws unless the outcome of `run` is fine (the form fast-check properties want). */
export function checkOutcome(run: () => unknown): void {
  const problem = outcomeProblem(run);
  if (problem !== undefined) throw new Error(problem);
}

function isRangeLike(value: Record<string, unknown>): boolean {
  return 'startLine' in value && 'file' in value;
}

/** Walks a result (plain data) and reports the first malformed source range. */
function rangeProblems(value: unknown, path: string, seen = new Set<unknown>()): string | undefined {
  if (value === null || typeof value !== 'object' || seen.has(value)) return undefined;
  seen.add(value);
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const p = rangeProblems(value[i], `${path}[${i}]`, seen);
      if (p) return p;
    }
    return undefined;
  }
  if (value instanceof Map || value instanceof Set) {
    let i = 0;
    for (const v of value.values()) {
      const p = rangeProblems(v, `${path}{${i++}}`, seen);
      if (p) return p;
    }
    return undefined;
  }
  const record = value as Record<string, unknown>;
  if (isRangeLike(record)) {
    const { startLine, startColumn, endLine, endColumn, file } = record;
    const ok =
      typeof file === 'string' &&
      Number.isInteger(startLine) &&
      (startLine as number) >= 1 &&
      (startColumn === undefined || (Number.isInteger(startColumn) && (startColumn as number) >= 1)) &&
      (endLine === undefined ||
        (Number.isInteger(endLine) && (endLine as number) >= (startLine as number))) &&
      (endColumn === undefined || (Number.isInteger(endColumn) && (endColumn as number) >= 1));
    if (!ok) return `malformed range at ${path}: ${JSON.stringify(record)}`;
  }
  for (const [key, v] of Object.entries(record)) {
    const p = rangeProblems(v, `${path}.${key}`, seen);
    if (p) return p;
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// Seeds: real inputs

export interface Seeds {
  references: string[];
  tags: string[];
  dockerfiles: string[];
  workflows: string[];
  composes: string[];
  gitlabs: string[];
  pythonVersions: string[];
  pyprojects: string[];
  locks: Record<DependencySourceKind, string[]>;
  requirementLines: string[];
  wheelNames: string[];
  markers: string[];
}

interface CorpusRecord {
  repo: string;
  file: string;
  kind: string;
  text?: string;
  reference?: string;
  value?: string;
}

/** Keeps each seed small enough that a parse stays around a millisecond. */
const seedLimit = 6000;

function clip(text: string): string {
  if (text.length <= seedLimit) return text;
  const cut = text.lastIndexOf('\n', seedLimit);
  return text.slice(0, cut > 0 ? cut + 1 : seedLimit);
}

function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) out.push(...filesUnder(full));
    else out.push(full);
  }
  return out;
}

const lockKinds: DependencySourceKind[] = [
  'uv.lock',
  'poetry.lock',
  'pdm.lock',
  'Pipfile.lock',
  'requirements',
  'pyproject',
];

function lockKindOf(file: string): DependencySourceKind | undefined {
  const base = file.split('/').pop() ?? '';
  if (base === 'uv.lock') return 'uv.lock';
  if (base === 'poetry.lock') return 'poetry.lock';
  if (base === 'pdm.lock') return 'pdm.lock';
  if (base === 'Pipfile.lock') return 'Pipfile.lock';
  if (base === 'pyproject.toml') return 'pyproject';
  if (base.endsWith('.txt') || base.endsWith('.in')) return 'requirements';
  return undefined;
}

/** Reads the corpus (`<root>/../shared/corpus`) and the fixtures (`<root>/test/fixtures`). */
export function loadSeeds(root: string): Seeds {
  const corpus = join(root, '..', 'shared', 'corpus');
  const fixtures = join(root, 'test', 'fixtures');
  const seeds: Seeds = {
    references: ['python:3.12-slim', 'docker.io/library/python:3.13.1-alpine3.21@sha256:' + 'a'.repeat(64)],
    tags: ['3.12-slim-bookworm', '3.14.0rc1-alpine', 'latest'],
    dockerfiles: [],
    workflows: [],
    composes: [],
    gitlabs: [],
    pythonVersions: ['3.12\n', 'pypy3.10\n3.11.4\n'],
    pyprojects: [],
    locks: {
      'uv.lock': [],
      'poetry.lock': [],
      'pdm.lock': [],
      'Pipfile.lock': [],
      requirements: [],
      pyproject: [],
    },
    requirementLines: ['requests[socks]>=2.31 ; python_version >= "3.8"', 'numpy==2.0.1 --hash=sha256:00'],
    wheelNames: [
      'numpy-2.3.1-cp312-cp312-manylinux_2_17_x86_64.manylinux2014_x86_64.whl',
      'six-1.16.0.tar.gz',
    ],
    markers: ['python_version >= "3.8" and sys_platform == "linux"', "extra == 'dev' or os_name != 'nt'"],
  };

  const refsFile = join(corpus, 'image-refs.json');
  if (existsSync(refsFile)) {
    const records = JSON.parse(readFileSync(refsFile, 'utf8')) as CorpusRecord[];
    const byFile = new Map<string, CorpusRecord[]>();
    for (const r of records) {
      const key = `${r.repo}\u0000${r.file}`;
      byFile.set(key, [...(byFile.get(key) ?? []), r]);
      if (r.reference) {
        seeds.references.push(r.reference);
        const colon = r.reference.lastIndexOf(':');
        if (colon > 0 && !r.reference.slice(colon).includes('/'))
          seeds.tags.push(r.reference.slice(colon + 1));
      }
      if (r.kind === 'python-version-file' && r.value) seeds.pythonVersions.push(`${r.value}\n`);
    }
    for (const list of byFile.values()) {
      const kind = list[0]!.kind;
      const lines = list.map((r) => r.text ?? '').filter((t) => t !== '');
      if (kind === 'dockerfile-from') {
        // Only the FROM lines are stored: put realistic instructions around them.
        seeds.dockerfiles.push(
          lines
            .map(
              (l, i) =>
                `${i === 0 ? 'ARG PY=3.12\n' : ''}${l}\nRUN pip install --no-cache-dir -r requirements.txt\n`,
            )
            .join('\n'),
        );
      } else if (kind.startsWith('gha')) {
        const body = lines.map((l) => `        ${l}`).join('\n');
        seeds.workflows.push(
          `on: push\njobs:\n  test:\n    runs-on: ubuntu-latest\n    strategy:\n      matrix:\n        python-version: ["3.11", "3.12"]\n    steps:\n      - uses: actions/setup-python@v5\n        with:\n${body}\n`,
        );
      } else if (kind === 'compose-image') {
        seeds.composes.push(`services:\n  app:\n${lines.map((l) => `    ${l}`).join('\n')}\n`);
      } else if (kind === 'gitlab-ci-image') {
        seeds.gitlabs.push(`${lines.join('\n')}\ntest:\n  script: [pytest]\n`);
      }
    }
  }

  const lockDir = join(corpus, 'lockfiles');
  for (const file of [...filesUnder(lockDir), ...filesUnder(fixtures)]) {
    const base = file.split('/').pop() ?? '';
    const text = clip(readFileSync(file, 'utf8'));
    const kind = lockKindOf(file);
    if (kind && base !== 'expected.diff') seeds.locks[kind].push(text);
    if (kind === 'pyproject') seeds.pyprojects.push(text);
    if (kind === 'requirements') {
      for (const line of text.split('\n'))
        if (line.trim() && !line.startsWith('#')) seeds.requirementLines.push(line);
    }
    if (base === 'Dockerfile' || base.endsWith('.Dockerfile')) seeds.dockerfiles.push(text);
    else if (file.includes('.github/workflows/')) seeds.workflows.push(text);
    else if (base === 'compose.yaml' || base.startsWith('docker-compose')) seeds.composes.push(text);
    else if (base === '.gitlab-ci.yml') seeds.gitlabs.push(text);
    else if (base === '.python-version') seeds.pythonVersions.push(text);
    for (const m of text.matchAll(/"([\w.+-]+-[\w.+!-]+\.(?:whl|tar\.gz|zip))"/g))
      seeds.wheelNames.push(m[1]!);
    for (const m of text.matchAll(/(?:markers|marker)\s*=\s*"([^"\n]+)"/g)) seeds.markers.push(m[1]!);
  }
  // Dockerfiles written in compose files: a literal block, a folded one and a one-line value.
  for (const dockerfile of seeds.dockerfiles.slice(0, 40)) {
    const block = dockerfile
      .split('\n')
      .map((l) => (l ? `        ${l}` : ''))
      .join('\n');
    seeds.composes.push(`services:\n  app:\n    build:\n      dockerfile_inline: |\n${block}\n`);
    seeds.composes.push(`services:\n  app:\n    build:\n      dockerfile_inline: >-\n${block}\n`);
  }
  seeds.composes.push('services:\n  a:\n    build: { dockerfile_inline: "FROM python:$${V:-3.12}" }\n');
  seeds.requirementLines = seeds.requirementLines.slice(0, 400);
  seeds.wheelNames = [...new Set(seeds.wheelNames)].slice(0, 400);
  seeds.markers = [...new Set(seeds.markers)].slice(0, 400);
  return seeds;
}

// ---------------------------------------------------------------------------------------------
// Arbitraries

/** Delimiters and encodings that break parsers: quotes, brackets, interpolation, escapes, NUL, CRLF, BOM. */
export const delimiters = [
  '"',
  "'",
  '[',
  ']',
  '{',
  '}',
  '${',
  '${{',
  '}}',
  '\\',
  '\\\n',
  '\u0000',
  '\r\n',
  '\r',
  '\uFEFF',
  '\n',
  '\t',
  ':',
  '=',
  '#',
  ';',
  ',',
  '@',
  '$',
  '---\n',
  '- ',
  '&a ',
  '*a',
  '<<: *a\n',
  '\uD800',
];

type Mutation =
  | { op: 'flip'; at: number; bit: number }
  | { op: 'delete'; at: number; length: number }
  | { op: 'duplicate'; at: number; length: number }
  | { op: 'splice'; at: number; from: number; line: number; count: number }
  | { op: 'truncate'; at: number }
  | { op: 'insert'; at: number; text: string };

const mutationArb: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ op: fc.constant('flip' as const), at: fc.nat(), bit: fc.integer({ min: 0, max: 15 }) }),
  fc.record({ op: fc.constant('delete' as const), at: fc.nat(), length: fc.integer({ min: 1, max: 64 }) }),
  fc.record({
    op: fc.constant('duplicate' as const),
    at: fc.nat(),
    length: fc.integer({ min: 1, max: 200 }),
  }),
  fc.record({
    op: fc.constant('splice' as const),
    at: fc.nat(),
    from: fc.nat(),
    line: fc.nat(),
    count: fc.integer({ min: 1, max: 6 }),
  }),
  fc.record({ op: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({
    op: fc.constant('insert' as const),
    at: fc.nat(),
    text: fc.oneof(fc.constantFrom(...delimiters), fc.string({ maxLength: 6, unit: 'binary' })),
  }),
);

/** Applies one edit to `text`; `pool` gives the lines a splice copies from. */
export function applyMutation(text: string, m: Mutation, pool: readonly string[]): string {
  const at = text.length === 0 ? 0 : m.at % (text.length + 1);
  switch (m.op) {
    case 'flip': {
      if (text.length === 0) return text;
      const i = m.at % text.length;
      const code = text.charCodeAt(i) ^ (1 << m.bit);
      return text.slice(0, i) + String.fromCharCode(code) + text.slice(i + 1);
    }
    case 'delete':
      return text.slice(0, at) + text.slice(at + m.length);
    case 'duplicate':
      return text.slice(0, at + m.length) + text.slice(at, at + m.length) + text.slice(at + m.length);
    case 'splice': {
      const source = pool.length > 0 ? pool[m.from % pool.length]! : text;
      const lines = source.split('\n');
      const start = m.line % lines.length;
      const piece = `${lines.slice(start, start + m.count).join('\n')}\n`;
      // Insert at a line start of the target so whole lines move, as a bad merge would.
      const lineStart = text.lastIndexOf('\n', at - 1) + 1;
      return text.slice(0, lineStart) + piece + text.slice(lineStart);
    }
    case 'truncate':
      return text.slice(0, at);
    case 'insert':
      return text.slice(0, at) + m.text + text.slice(at);
  }
}

/** Mutations of real inputs: a seed, then 1 to 5 edits. */
export function mutated(seeds: readonly string[]): fc.Arbitrary<string> {
  const pool = seeds.length > 0 ? seeds : [''];
  return fc
    .tuple(fc.nat({ max: pool.length - 1 }), fc.array(mutationArb, { minLength: 1, maxLength: 5 }))
    .map(([i, edits]) => edits.reduce((text, m) => applyMutation(text, m, pool), pool[i]!));
}

/** Random texts joined from a vocabulary (keywords, versions, delimiters) so parsers get past line one. */
export function tokenSoup(vocabulary: readonly string[], maxLength = 60): fc.Arbitrary<string> {
  return fc
    .array(fc.constantFrom(...vocabulary, ...delimiters, ' ', ' ', '\n', '\n'), { maxLength })
    .map((parts) => parts.join(''));
}

/** Any string: full code-point range (lone surrogates included) or printable ASCII. */
const randomText = fc.oneof(fc.string({ unit: 'binary', maxLength: 200 }), fc.string({ maxLength: 200 }));

/**
 * Well-formed documents with the format's own keys but values of any shape (a string where a table
 * belongs, a number for a name, nested lists): gets past the syntax layer into the reader's logic.
 */
export function shaped(
  keys: readonly string[],
  leaves: readonly string[],
  format: 'toml' | 'json' | 'yaml',
): fc.Arbitrary<string> {
  const leaf = fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom(...leaves) },
    { weight: 1, arbitrary: fc.string({ maxLength: 12 }) },
    { weight: 1, arbitrary: fc.integer() },
    { weight: 1, arbitrary: fc.boolean() },
  );
  const tree = fc.letrec<{ value: unknown; list: unknown[]; table: Record<string, unknown> }>((tie) => ({
    value: fc.oneof({ depthSize: 'small' }, leaf, tie('list'), tie('table')),
    list: fc.array(tie('value'), { maxLength: 4 }),
    table: fc.dictionary(fc.constantFrom(...keys), tie('value'), { maxKeys: 5 }),
  })).table;
  return tree.map((doc) => {
    try {
      if (format === 'toml') return tomlStringify(doc);
      if (format === 'yaml') return yamlStringify(doc);
      return JSON.stringify(doc, null, 2);
    } catch {
      // Some shapes have no TOML form (mixed arrays in old TOML): fall back to JSON text.
      return JSON.stringify(doc);
    }
  });
}

function textsFor(
  seeds: readonly string[],
  vocabulary: readonly string[],
  structured?: fc.Arbitrary<string>,
): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 1, arbitrary: randomText },
    { weight: 2, arbitrary: tokenSoup(vocabulary) },
    { weight: 5, arbitrary: mutated(seeds) },
    ...(structured ? [{ weight: 3, arbitrary: structured }] : []),
  );
}

// ---------------------------------------------------------------------------------------------
// Vocabularies

const versionWords = [
  '3',
  '3.12',
  '3.13.1',
  '2.7',
  '3.14.0rc1',
  '3.x',
  '*',
  'pypy3.10',
  '.',
  '-',
  '0',
  '99999999999',
];
const imageWords = [
  'python',
  'library/python',
  'docker.io/',
  'ghcr.io/x/',
  'localhost:5000/',
  ':',
  '@sha256:',
  'a'.repeat(64),
  '-slim',
  '-alpine',
  '3.21',
  '-bookworm',
  '-windowsservercore-ltsc2022',
  'latest',
  '${PY}',
  '${PY:-3.12}',
  '$PY',
  ...versionWords,
];
const dockerWords = [
  'FROM ',
  'AS ',
  'as build',
  'ARG ',
  'PY=3.12',
  'ARG PY',
  '--platform=$BUILDPLATFORM ',
  'RUN ',
  'RUN <<EOF\n',
  'EOF\n',
  'COPY --from=',
  'RUN --mount=type=cache,from=',
  '# syntax=docker/dockerfile:1\n',
  '# escape=`\n',
  '`\n',
  '# pybase: ignore=PB001\n',
  'scratch',
  ...imageWords,
];
const yamlWords = [
  'services:\n',
  '  app:\n',
  '    image: ',
  '    build:\n',
  '      args:\n',
  '        PY: 3.12\n',
  '      dockerfile: Dockerfile\n',
  'jobs:\n',
  '  test:\n',
  '    container: ',
  '    services:\n',
  '    strategy:\n      matrix:\n',
  '        python-version: ',
  '        include:\n',
  '    steps:\n',
  '      - uses: actions/setup-python@v5\n',
  '        with:\n',
  '          python-version: ',
  '          python-version-file: ',
  '${{ matrix.python-version }}',
  '${{ env.PY }}',
  'env:\n',
  'variables:\n',
  'image: ',
  'default:\n',
  'include:\n',
  'extends: .base\n',
  '.base:\n',
  'name: ',
  'entrypoint: [""]\n',
  '# pybase: ignore\n',
  ...imageWords,
];
const tomlWords = [
  '[[package]]\n',
  'name = ',
  'version = ',
  '"requests"',
  '"2.31.0"',
  'files = [\n',
  '{file = "x-1.0-py3-none-any.whl", hash = "sha256:00"},\n',
  '{ url = "https://files/x-1.0.tar.gz", hash = "sha256:00" }',
  'wheels = [',
  'sdist = ',
  'dependencies = [',
  'optional-dependencies',
  'dev-dependencies',
  '[package.dependencies]\n',
  '[package.extras]\n',
  '[metadata]\n',
  'lock-version = "2.0"\n',
  'requires-python = ">=3.10"\n',
  'python-versions = "^3.9"\n',
  'groups = ["default", "dev"]\n',
  'marker = "python_version >= \'3.8\'"',
  'markers = ',
  'source = { registry = "https://pypi.org/simple" }\n',
  'source = { editable = "." }\n',
  'source = { git = "https://x" }\n',
  '[project]\n',
  '[tool.poetry.dependencies]\n',
  '[tool.pybase]\n',
  '[dependency-groups]\n',
  '"_meta": {',
  '"default": {',
  '"develop": {',
  '"hashes": [',
  '"version": "==1.0"',
  '"index": "pypi"',
  '"markers": ',
  ...versionWords,
];
const requirementWords = [
  'requests',
  'numpy',
  '[socks]',
  '==',
  '>=',
  '~=',
  '!=',
  '===',
  '1.0',
  ' ; ',
  'python_version',
  'sys_platform',
  '"linux"',
  ' and ',
  ' or ',
  '(',
  ')',
  ' @ ',
  'https://x/y-1.0-py3-none-any.whl',
  'git+https://x.git@v1#egg=y',
  '-e ',
  '-r ',
  '-c ',
  'other.txt',
  '--hash=sha256:00',
  '--index-url ',
  '--extra-index-url https://x',
  '--only-binary=:all:',
  ' \\\n',
  '# comment',
  ...versionWords,
];
const wheelWords = [
  'numpy',
  '-',
  '_',
  '.',
  '1.0',
  '2.3.1',
  'cp312',
  'cp312t',
  'abi3',
  'none',
  'py3',
  'any',
  'manylinux_2_17_x86_64',
  'manylinux2014_aarch64',
  'musllinux_1_2_x86_64',
  'win_amd64',
  'macosx_11_0_arm64',
  '.whl',
  '.tar.gz',
  '.zip',
  '1build',
];
const markerWords = [
  'python_version',
  'python_full_version',
  'platform_machine',
  'sys_platform',
  'implementation_name',
  'extra',
  '"3.8"',
  "'linux'",
  '"x86_64"',
  '"dev"',
  '==',
  '!=',
  '>=',
  '<',
  '~=',
  '===',
  ' in ',
  ' not in ',
  ' and ',
  ' or ',
  '(',
  ')',
];
const versionFileWords = [
  'python ',
  'nodejs 20\n',
  'python-3.12.3\n',
  '[tox]\n',
  'envlist = ',
  'py3{10,11,12}',
  'py311',
  '{py,pypy}3{9,10}-django{4,5}',
  '[options]\n',
  'python_requires = ',
  '[requires]\n',
  'python_version = ',
  'python_full_version = ',
  '[project]\n',
  'requires-python = ',
  '[tool.poetry.dependencies]\n',
  'python = ',
  '">=3.10,<3.14"',
  '"^3.11"',
  ...versionWords,
];

const lockKeys = [
  'package',
  'name',
  'version',
  'source',
  'registry',
  'editable',
  'virtual',
  'git',
  'path',
  'url',
  'directory',
  'dependencies',
  'optional-dependencies',
  'dev-dependencies',
  'extras',
  'extra',
  'wheels',
  'sdist',
  'hash',
  'hashes',
  'filename',
  'file',
  'files',
  'upload-time',
  'marker',
  'markers',
  'resolution-markers',
  'metadata',
  'lock-version',
  'content-hash',
  'requires-python',
  'requires_python',
  'python-versions',
  'groups',
  'group',
  'default',
  'develop',
  '_meta',
  'index',
  'category',
  'optional',
  'manifest',
  'members',
  'requires-dist',
  'tool',
  'poetry',
  'project',
  'dependency-groups',
  'group.dev',
  'pdm',
  'inherit_metadata',
  'strategy',
  'targets',
];
const lockLeaves = [
  'requests',
  'Numpy',
  '2.31.0',
  '==1.0',
  '>=3.9',
  '^3.10',
  '*',
  'main',
  'dev',
  'default',
  'sha256:00ff',
  'https://pypi.org/simple',
  'https://files/x/numpy-2.0.0-cp312-cp312-manylinux_2_17_x86_64.whl',
  'numpy-2.0.0-cp312-cp312-musllinux_1_2_aarch64.whl',
  'x-1.0.tar.gz',
  "python_version >= '3.8'",
  'sys_platform == "win32" or extra == "dev"',
  'python_full_version < "3.11"',
  '2.1',
  '4.4',
  '',
];
const yamlKeys = [
  'runs',
  'using',
  'inputs',
  'default',
  'services',
  'app',
  'image',
  'build',
  'args',
  'context',
  'dockerfile',
  'target',
  'jobs',
  'test',
  'container',
  'strategy',
  'matrix',
  'include',
  'exclude',
  'python-version',
  'python-version-file',
  'python',
  'steps',
  'uses',
  'with',
  'env',
  'variables',
  'default',
  'extends',
  '.base',
  'name',
  'runs-on',
  'entrypoint',
  'value',
  'PY',
];
const yamlLeaves = [
  'python:3.12-slim',
  'python:${PY}-alpine',
  'python:${{ matrix.python-version }}',
  '${{ matrix.python }}',
  '${{ env.PY }}',
  '${PY:-3.11}',
  '$PY',
  'actions/setup-python@v5',
  'actions/setup-python',
  '3.12',
  '3.x',
  'pypy3.10',
  '.python-version',
  'Dockerfile',
  '.base',
  'ubuntu-latest',
];

// ---------------------------------------------------------------------------------------------
// Targets

const actionSeeds = [
  'inputs:\n  python-version:\n    default: "3.12"\nruns:\n  using: composite\n  steps:\n    - uses: actions/setup-python@v5\n      with:\n        python-version: ${{ inputs.python-version }}\n',
  'runs:\n  using: docker\n  image: docker://python:3.12-slim\n',
];
const envSeeds = [
  'PY=3.12\nDISTRO=bookworm\n',
  '# comment\nexport PY="3.13"\nTAG=${PY}-slim # inline\n',
  'PY=\'3.11\'\nNOTE="two\nlines"\nSHELL_ONLY\n',
];
const envWords = [
  'PY',
  'DISTRO',
  '=',
  '"',
  "'",
  '\\',
  '#',
  ' ',
  '\n',
  '\r\n',
  '${PY}',
  '${X:-3.12}',
  'export ',
  '3.12',
];

const markerEnv: MarkerEnvironment = {
  implementation_name: 'cpython',
  implementation_version: '3.12.4',
  os_name: 'posix',
  platform_machine: 'x86_64',
  platform_python_implementation: 'CPython',
  platform_release: '',
  platform_system: 'Linux',
  platform_version: '',
  python_full_version: '3.12.4',
  python_version: '3.12',
  sys_platform: 'linux',
  extra: '',
};

const versionKinds = [
  'python-version',
  'runtime-txt',
  'tool-versions',
  'pyproject',
  'pipfile',
  'tox-ini',
  'setup-cfg',
] as const satisfies readonly ProjectFileKind[];

const versionFileNames: Record<(typeof versionKinds)[number], string> = {
  'python-version': '.python-version',
  'runtime-txt': 'runtime.txt',
  'tool-versions': '.tool-versions',
  pyproject: 'pyproject.toml',
  pipfile: 'Pipfile',
  'tox-ini': 'tox.ini',
  'setup-cfg': 'setup.cfg',
};

/** A `-r`/`-c` reader like the real one: some names exist, others fail the way the file system does. */
function fakeInclude(seeds: readonly string[]): (path: string) => string {
  return (path: string) => {
    if (path.length % 3 === 0) {
      const error = new Error(`ENOENT: no such file or directory, open '${path}'`) as NodeJS.ErrnoException;
      error.code = 'ENOENT';
      throw error;
    }
    return seeds[path.length % Math.max(1, seeds.length)] ?? '';
  };
}

export function buildTargets(seeds: Seeds): FuzzTarget[] {
  const targets: FuzzTarget[] = [
    {
      name: 'reference',
      weight: 3,
      input: textsFor(seeds.references, imageWords),
      run: (text) => parseReference(text, { mirrors: ['mirror.example.com/dockerhub/library/python'] }),
    },
    { name: 'tag', weight: 3, input: textsFor(seeds.tags, imageWords), run: (text) => parseTag(text) },
    {
      name: 'dockerfile',
      weight: 4,
      input: textsFor(seeds.dockerfiles, dockerWords),
      run: (text) => {
        const options = {
          buildArgs: [
            {
              name: 'PY',
              value: '3.12',
              origin: { name: 'PY', value: '3.12', source: 'config-build-arg' as const },
            },
            {
              name: 'TAG',
              unresolved: ['X'],
              origin: { name: 'TAG', value: '${X}', source: 'config-build-arg' as const },
            },
          ],
        };
        const reduced = extractDockerfile('Dockerfile', text, options);
        // Reading only the instructions extraction needs must give what parsing them all gives.
        const full = extractDockerfile('Dockerfile', text, { ...options, parseEveryInstruction: true });
        if (JSON.stringify(reduced) !== JSON.stringify(full)) {
          throw new Error('the reduced Dockerfile reading differs from the full one');
        }
        return reduced;
      },
    },
    {
      name: 'compose',
      weight: 3,
      input: textsFor(seeds.composes, yamlWords, shaped(yamlKeys, yamlLeaves, 'yaml')),
      run: (text) => extractCompose('compose.yaml', text),
    },
    {
      name: 'compose-env',
      weight: 1,
      input: textsFor(envSeeds, envWords),
      run: (text) => {
        const env = parseComposeEnv('.env', text);
        return extractCompose(
          'compose.yaml',
          'services:\n  a:\n    image: python:${PY}-slim-${DISTRO:-trixie}\n',
          {
            env: env.variables,
          },
        );
      },
    },
    {
      name: 'github-workflow',
      weight: 4,
      input: textsFor(seeds.workflows, yamlWords, shaped(yamlKeys, yamlLeaves, 'yaml')),
      run: (text) => extractGithubWorkflow('.github/workflows/ci.yml', text),
    },
    {
      name: 'github-action',
      weight: 2,
      input: textsFor(
        [...seeds.workflows.slice(0, 20), ...actionSeeds],
        yamlWords,
        shaped(yamlKeys, yamlLeaves, 'yaml'),
      ),
      run: (text) => extractGithubAction('.github/actions/setup/action.yml', text),
    },
    {
      name: 'gitlab-ci',
      weight: 3,
      input: textsFor(seeds.gitlabs, yamlWords, shaped(yamlKeys, yamlLeaves, 'yaml')),
      run: (text) => extractGitlabCi('.gitlab-ci.yml', text),
    },
    {
      name: 'tox-envlist',
      weight: 1,
      input: textsFor(['py3{10,11,12}-django{4,5}, lint', 'py311'], versionFileWords),
      run: (text) => toxEnvVersions(text),
    },
    {
      name: 'requirement',
      weight: 3,
      input: textsFor(seeds.requirementLines, requirementWords),
      run: (text) => parseRequirement(text),
    },
    {
      name: 'poetry-constraint',
      weight: 1,
      input: textsFor(['^3.9', '>=3.8,<4.0', '~2.1 || 3.*'], versionFileWords),
      run: (text) => poetryConstraintToPep440(text),
    },
    {
      name: 'wheel-filename',
      weight: 2,
      input: textsFor(seeds.wheelNames, wheelWords),
      run: (text) => [parseWheelFilename(text), parseSdistFilename(text), parseDistributionFilename(text)],
    },
    {
      name: 'marker',
      weight: 3,
      input: textsFor(seeds.markers, markerWords),
      run: (text) => {
        const parsed = parseMarker(text);
        return parsed.ok ? [parsed, evaluateMarker(parsed.marker, markerEnv)] : parsed;
      },
    },
  ];
  const versionSeeds: Record<(typeof versionKinds)[number], string[]> = {
    'python-version': seeds.pythonVersions,
    'runtime-txt': ['python-3.12.3\n', '  python-3.9\n'],
    'tool-versions': ['python 3.12.3 3.11.9\nnodejs 20.1.0\n'],
    pyproject: seeds.pyprojects,
    pipfile: [
      '[packages]\nrequests = "*"\n\n[requires]\npython_version = "3.12"\npython_full_version = "3.12.3"\n',
    ],
    'tox-ini': ['[tox]\nenvlist = py3{10,11,12}, lint\n\n[testenv]\ncommands = pytest\n'],
    'setup-cfg': ['[metadata]\nname = x\n\n[options]\npython_requires = >=3.9, <4\n'],
  };
  for (const kind of versionKinds) {
    targets.push({
      name: `version-file:${kind}`,
      weight: 1,
      input: textsFor(
        versionSeeds[kind],
        [...versionFileWords, ...tomlWords],
        kind === 'pyproject' || kind === 'pipfile'
          ? shaped([...lockKeys, 'requires', 'python_version', 'python_full_version'], lockLeaves, 'toml')
          : undefined,
      ),
      run: (text) => extractVersionFile(kind, versionFileNames[kind], text),
    });
  }
  for (const kind of lockKinds) {
    const vocabulary = kind === 'requirements' ? requirementWords : tomlWords;
    targets.push({
      name: `lock:${kind}`,
      weight: kind === 'requirements' || kind === 'pyproject' ? 3 : 4,
      input: textsFor(
        seeds.locks[kind],
        vocabulary,
        kind === 'requirements'
          ? undefined
          : shaped(lockKeys, lockLeaves, kind === 'Pipfile.lock' ? 'json' : 'toml'),
      ),
      run: (text) =>
        parseDependencies(text, kind === 'requirements' ? 'requirements.txt' : kind, kind, {
          with: ['*'],
          readInclude: fakeInclude(seeds.locks.requirements),
          pyproject: seeds.pyprojects[0] ? { text: seeds.pyprojects[0], file: 'pyproject.toml' } : undefined,
        }),
    });
  }
  return targets;
}

const configKeys = [
  'fail-on',
  'select',
  'ignore',
  'exclude',
  'stages',
  'prod',
  'dev',
  'ci',
  'build',
  'build-args',
  'mirrors',
  'allowed-registries',
  'eol-window-days',
  'debian-eol-policy',
  'rules',
  'severity',
  'PB001',
  'PB101',
  'PY',
];
const configLeaves = [
  'error',
  'warning',
  'info',
  'never',
  'off',
  'PB001',
  'PB1',
  'PBE004',
  '**/Dockerfile',
  '[',
  'docker.io',
  'mirror.example.com/library/python',
  '3.12',
  '-1',
];

/** The configuration parser: a whole pybase.toml, or `[tool.pybase]` of a pyproject.toml. */
export function configTargets(seeds: Seeds): FuzzTarget[] {
  const configSeeds = [
    '[tool.pybase]\nfail-on = "warning"\n[tool.pybase.rules]\nPB001 = "off"\n',
    ...seeds.pyprojects.map((p) => `${p}\n[tool.pybase]\nignore = ["PB003"]\n`),
  ];
  const words = [
    ...tomlWords,
    'fail-on = ',
    '"error"',
    '"never"',
    'rules',
    'PB001',
    'stages',
    'build-args',
    'mirrors',
  ];
  return [
    {
      name: 'config:pyproject',
      weight: 2,
      input: textsFor(
        configSeeds,
        words,
        shaped(configKeys, configLeaves, 'toml').map((t) => `[tool.pybase]\n${t}`),
      ),
      run: (text) => parseConfigText(text, 'pyproject.toml'),
    },
    {
      name: 'config:pybase-toml',
      weight: 2,
      input: textsFor(
        configSeeds.map((s) => s.replace('[tool.pybase]\n', '').replace('[tool.pybase.', '[')),
        words,
        shaped(configKeys, configLeaves, 'toml'),
      ),
      run: (text) => parseConfigText(text, 'pybase.toml'),
    },
  ];
}

/** Every target, seeds read from `root`. */
export function allTargets(root: string): FuzzTarget[] {
  const seeds = loadSeeds(root);
  return [...buildTargets(seeds), ...configTargets(seeds)];
}

/** Splits `total` cases over targets by weight (each gets at least one). */
export function budget(targets: readonly FuzzTarget[], total: number): Map<string, number> {
  const sum = targets.reduce((s, t) => s + t.weight, 0);
  return new Map(targets.map((t) => [t.name, Math.max(1, Math.round((total * t.weight) / sum))]));
}
