import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { corpusDir, repoRoot, requireShared } from '../../../test/support/paths.js';
import type { DependencySourceKind } from '../../model/dependencies.js';
import { PybaseError } from '../../model/diagnostic.js';
import { parseDependencies } from './index.js';
import { parseRequirement } from './requirement.js';

const fixtures = join(repoRoot, 'test', 'fixtures');
const lockDir = join(corpusDir, 'lockfiles');
const haveCorpus = requireShared();

/** Real snippets to mutate: the start of each corpus file (kept short so the property runs fast). */
const seedFiles: [DependencySourceKind, string][] = [
  ['uv.lock', join(fixtures, 'deps-uv-groups', 'uv.lock')],
  ['poetry.lock', join(fixtures, 'deps-poetry-2.1', 'poetry.lock')],
  ['poetry.lock', join(fixtures, 'deps-poetry-1.1', 'poetry.lock')],
  ['pdm.lock', join(fixtures, 'deps-pdm', 'pdm.lock')],
  ['Pipfile.lock', join(fixtures, 'deps-pipfile', 'Pipfile.lock')],
  ['requirements', join(fixtures, 'deps-requirements', 'requirements.txt')],
  ['pyproject', join(fixtures, 'deps-pyproject', 'pyproject.toml')],
  ...((haveCorpus
    ? [
        ['uv.lock', join(lockDir, 'fastapi__full-stack-fastapi-template', 'uv.lock')],
        ['poetry.lock', join(lockDir, 'mozilla__normandy', 'poetry.lock')],
        ['pdm.lock', join(lockDir, 'pdm-project__pdm', 'pdm.lock')],
        ['Pipfile.lock', join(lockDir, 'chunyeow__dash-coronavirus', 'Pipfile.lock')],
        ['requirements', join(lockDir, 'pypa__warehouse', 'main.txt')],
      ]
    : []) as [DependencySourceKind, string][]),
];
const seeds: [DependencySourceKind, string][] = seedFiles.map(([kind, file]) => [
  kind,
  readFileSync(file, 'utf8').slice(0, 6000),
]);

const kinds: DependencySourceKind[] = [
  'uv.lock',
  'poetry.lock',
  'pdm.lock',
  'Pipfile.lock',
  'requirements',
  'pyproject',
];

/** Edits that break files the way people and tools do: cut, delete, duplicate, insert, swap. */
const mutation = fc.oneof(
  fc.record({ op: fc.constant('cut' as const), at: fc.nat() }),
  fc.record({ op: fc.constant('delete' as const), at: fc.nat(), length: fc.integer({ min: 1, max: 40 }) }),
  fc.record({
    op: fc.constant('duplicate' as const),
    at: fc.nat(),
    length: fc.integer({ min: 1, max: 200 }),
  }),
  fc.record({
    op: fc.constant('insert' as const),
    at: fc.nat(),
    text: fc.oneof(
      fc.string({ maxLength: 8 }),
      fc.constantFrom(
        '[',
        ']',
        '{',
        '}',
        '"',
        "'",
        '\\',
        '\n',
        '=',
        ',',
        '[[package]]\n',
        '-r x.txt\n',
        'name = 3\n',
        ' ; ',
        '\u0000',
      ),
    ),
  }),
  fc.record({ op: fc.constant('swapLines' as const), at: fc.nat(), other: fc.nat() }),
);
type Mutation = typeof mutation extends fc.Arbitrary<infer T> ? T : never;

function mutate(text: string, edits: Mutation[]): string {
  let out = text;
  for (const edit of edits) {
    const at = out.length === 0 ? 0 : edit.at % (out.length + 1);
    if (edit.op === 'cut') out = out.slice(0, at);
    else if (edit.op === 'delete') out = out.slice(0, at) + out.slice(at + edit.length);
    else if (edit.op === 'duplicate')
      out = out.slice(0, at) + out.slice(at, at + edit.length) + out.slice(at);
    else if (edit.op === 'insert') out = out.slice(0, at) + edit.text + out.slice(at);
    else {
      const lines = out.split('\n');
      const a = edit.at % lines.length;
      const b = edit.other % lines.length;
      [lines[a], lines[b]] = [lines[b] ?? '', lines[a] ?? ''];
      out = lines.join('\n');
    }
  }
  return out;
}

/** Runs a parser; anything thrown other than PybaseError fails the property. */
function onlyPybaseErrors(run: () => unknown): boolean {
  try {
    const result = run();
    return result !== undefined;
  } catch (error) {
    if (error instanceof PybaseError) return true;
    throw error;
  }
}

const includeReader = (path: string): string => {
  if (path.endsWith('x.txt')) return '-r x.txt\nfoo==1\n';
  throw new Error(`no such file: ${path}`);
};

describe('every reader stays on its feet', () => {
  it('on mutated real files', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: seeds.length - 1 }),
        fc.array(mutation, { minLength: 1, maxLength: 4 }),
        fc.constantFrom<string[] | undefined>(undefined, ['*'], ['dev']),
        (index, edits, groups) => {
          const [kind, text] = seeds[index]!;
          const input = mutate(text, edits);
          return onlyPybaseErrors(() => {
            const set = parseDependencies(input, 'mutated', kind, {
              with: groups,
              readInclude: includeReader,
            });
            for (const d of set.diagnostics) expect(d.location?.file).toBeTruthy();
            for (const d of set.dependencies) expect(d.groups.length).toBeGreaterThan(0);
            return set;
          });
        },
      ),
      { numRuns: 300 },
    );
  });

  it('on random text read as every kind', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 400 }), fc.constantFrom(...kinds), (text, kind) =>
        onlyPybaseErrors(() => parseDependencies(text, 'random', kind, { readInclude: includeReader })),
      ),
      { numRuns: 400 },
    );
  });

  it('on random requirement strings', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ maxLength: 60 }),
          fc.stringMatching(
            /^[a-zA-Z][a-zA-Z0-9._-]{0,10}(\[[a-z, ]{0,10}\])?( ?[<>=!~]{1,3} ?[0-9.*a-z]{0,8},?){0,3}( ?; ?[a-z_ =<>'"().0-9]{0,30})?$/,
          ),
        ),
        (text) => {
          const result = parseRequirement(text);
          if (!result.ok) expect(result.column).toBeGreaterThanOrEqual(1);
          return true;
        },
      ),
      { numRuns: 500 },
    );
  });

  it('on absurdly deep nesting', () => {
    const deep = '['.repeat(20000);
    for (const kind of kinds)
      expect(onlyPybaseErrors(() => parseDependencies(deep, 'deep', kind))).toBe(true);
    const deepJson = `{"default": ${'['.repeat(20000)}`;
    expect(parseDependencies(deepJson, 'deep', 'Pipfile.lock').diagnostics[0]?.severity).toBe('error');
  });
});
