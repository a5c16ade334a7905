/**
 * Which dependency file a project has: found by name, without loading any reader (a cached analysis
 * needs only the file's path and bytes).
 */
import { readdirSync, statSync } from 'node:fs';
import { basename, isAbsolute, join, sep } from 'node:path';
import type { DependencySourceKind } from '../../model/dependencies.js';
import { inputCodes, PybaseError } from '../../model/diagnostic.js';

/** A dependency file found in a project, and its kind. */
export interface DependencySourceFile {
  file: string;
  kind: DependencySourceKind;
}

export interface FindSourceOptions {
  /** A file named by the user (`--deps FILE`), relative to the directory; wins over the search. */
  deps?: string;
}

export interface FoundDependencySource extends DependencySourceFile {
  /** The other dependency files present, most precise first (not read). */
  alsoPresent: DependencySourceFile[];
  /**
   * The other files of the chosen kind that were passed over (several requirements files): callers
   * name them, so that the choice does not go unseen. Empty when the file was named.
   */
  passedOver: DependencySourceFile[];
}

const fixedNames: [string, DependencySourceKind][] = [
  ['uv.lock', 'uv.lock'],
  ['poetry.lock', 'poetry.lock'],
  ['pdm.lock', 'pdm.lock'],
  ['Pipfile.lock', 'Pipfile.lock'],
];

/** The kind of a dependency file from its name, or undefined when the name says nothing. */
export function dependencySourceKind(path: string): DependencySourceKind | undefined {
  const name = basename(path);
  for (const [fixed, kind] of fixedNames) if (name === fixed) return kind;
  if (name === 'pyproject.toml') return 'pyproject';
  if (/\.(txt|in)$/i.test(name)) return 'requirements';
  return undefined;
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/**
 * The most precise dependency file in `dir` (or the one `options.deps` names), or undefined when
 * there is none. Throws PybaseError when `dir` cannot be read or the named file is missing or of an
 * unknown kind.
 */
export function findDependencySource(
  dir: string,
  options: FindSourceOptions = {},
): FoundDependencySource | undefined {
  if (options.deps !== undefined) {
    const file = isAbsolute(options.deps) ? options.deps : join(dir, options.deps);
    if (!isFile(file)) {
      throw new PybaseError({
        code: inputCodes.unreadableFile,
        severity: 'error',
        message: `the dependency file ${file} does not exist or is not a file`,
        // A Windows path (`sub\requirements.txt`) names one file with backslashes in its name here.
        hint:
          sep === '/' && options.deps.includes('\\')
            ? `a backslash does not separate folders here: write it with '/' (${options.deps.replaceAll('\\', '/')})`
            : 'Check the path given to --deps.',
      });
    }
    const kind = dependencySourceKind(file);
    if (kind === undefined) {
      throw unknownFormat(file);
    }
    return { file, kind, alsoPresent: [], passedOver: [] };
  }
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch (error) {
    throw new PybaseError({
      code: inputCodes.unreadableFile,
      severity: 'error',
      message: `cannot read the directory ${dir}: ${error instanceof Error ? error.message : String(error)}`,
    });
  }
  const present: DependencySourceFile[] = [];
  for (const [fixed, kind] of fixedNames) {
    if (!names.includes(fixed)) continue;
    const file = join(dir, fixed);
    // A lock that is there but cannot be read (a broken link, a directory) must not be passed over
    // for a less precise file: the answer would be about other dependencies than the lock's.
    if (!isFile(file)) {
      throw new PybaseError({
        code: inputCodes.unreadableFile,
        severity: 'error',
        message: `${file} is not a file pybase can read (a broken symbolic link, or not a regular file)`,
        hint: 'Repair or remove it, or name another dependency file with --deps.',
      });
    }
    present.push({ file, kind });
  }
  const requirements = requirementsFiles(dir, names);
  for (const file of requirements) present.push({ file, kind: 'requirements' });
  if (names.includes('pyproject.toml') && isFile(join(dir, 'pyproject.toml'))) {
    present.push({ file: join(dir, 'pyproject.toml'), kind: 'pyproject' });
  }
  const [best, ...rest] = present;
  if (!best) return undefined;
  const passedOver = best.kind === 'requirements' ? rest.filter((p) => p.kind === 'requirements') : [];
  return { ...best, alsoPresent: rest, passedOver };
}

/** What a requirements file is for, from the words of its name: lower is preferred. */
enum Purpose {
  Plain = 0,
  Production = 1,
  Base = 2,
  Other = 3,
  Development = 4,
}

const productionWords = new Set([
  'prod',
  'production',
  'prd',
  'release',
  'deploy',
  'deployment',
  'runtime',
  'live',
]);
const baseWords = new Set(['base', 'common', 'core', 'main', 'default', 'install', 'shared']);
const developmentWords = new Set([
  'dev',
  'devel',
  'develop',
  'development',
  'test',
  'tests',
  'testing',
  'ci',
  'doc',
  'docs',
  'lint',
  'linting',
  'local',
  'typing',
  'types',
  'mypy',
  'style',
  'bench',
  'benchmark',
  'benchmarks',
  'e2e',
  'integration',
  'unit',
  'tox',
  'debug',
  'notebook',
  'notebooks',
]);

/** `requirements-prod.txt` and `requirements/prod.txt` are for production, `-dev` for development. */
function purposeOf(name: string, inDirectory: boolean): Purpose {
  const stem = name.replace(/\.txt$/i, '').toLowerCase();
  const words = stem
    .replace(/^requirements/, '')
    .split(/[^a-z0-9]+/)
    .filter((w) => w.length > 0);
  if (words.length === 0) return inDirectory ? Purpose.Base : Purpose.Plain;
  if (words.some((w) => productionWords.has(w))) return Purpose.Production;
  if (words.some((w) => developmentWords.has(w))) return Purpose.Development;
  if (words.some((w) => baseWords.has(w))) return Purpose.Base;
  return Purpose.Other;
}

/**
 * The requirements files of a project, best first: `requirements.txt`, then files for production
 * (`requirements-prod.txt`, `requirements/production.txt`), then shared ones (`requirements/base.txt`),
 * then the others, and files for development, tests or docs last; at the top before in
 * `requirements/`, then by name.
 */
function requirementsFiles(dir: string, names: readonly string[]): string[] {
  const found: { file: string; purpose: Purpose; nested: boolean; name: string }[] = [];
  for (const n of names) {
    if (/^requirements.*\.txt$/i.test(n) && isFile(join(dir, n))) {
      found.push({ file: join(dir, n), purpose: purposeOf(n, false), nested: false, name: n });
    }
  }
  if (names.includes('requirements')) {
    let nested: string[] = [];
    try {
      nested = readdirSync(join(dir, 'requirements'));
    } catch {
      // not a directory, or unreadable: only the top level counts
    }
    for (const n of nested) {
      const file = join(dir, 'requirements', n);
      if (/\.txt$/i.test(n) && isFile(file))
        found.push({ file, purpose: purposeOf(n, true), nested: true, name: n });
    }
  }
  return found
    .sort(
      (a, b) => a.purpose - b.purpose || Number(a.nested) - Number(b.nested) || a.name.localeCompare(b.name),
    )
    .map((f) => f.file);
}

/** The error for a dependency file whose name does not say its format. */
export function unknownFormat(file: string): PybaseError {
  return new PybaseError({
    code: inputCodes.usage,
    severity: 'error',
    message: `cannot tell which format ${file} is in`,
    hint: 'Name a uv.lock, poetry.lock, pdm.lock, Pipfile.lock, pyproject.toml or requirements .txt/.in file.',
  });
}

/** The error for a dependency file that cannot be read. */
export function unreadableDependencyFile(file: string, error: unknown): PybaseError {
  return new PybaseError({
    code: inputCodes.unreadableFile,
    severity: 'error',
    message: `cannot read ${file}: ${error instanceof Error ? error.message : String(error)}`,
    location: { file, startLine: 1, startColumn: 1, endLine: 1, endColumn: 1 },
    hint: 'Check that the file exists and is readable.',
  });
}
