/**
 * Which dependency file a project has: found by name, without loading any reader (a cached analysis
 * needs only the file's path and bytes).
 */
import { readdirSync, statSync } from 'node:fs';
import { basename, isAbsolute, join } from 'node:path';
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
        hint: 'Check the path given to --deps.',
      });
    }
    const kind = dependencySourceKind(file);
    if (kind === undefined) {
      throw unknownFormat(file);
    }
    return { file, kind, alsoPresent: [] };
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
    if (names.includes(fixed) && isFile(join(dir, fixed))) present.push({ file: join(dir, fixed), kind });
  }
  const requirements = names
    .filter((n) => /^requirements.*\.txt$/i.test(n) && isFile(join(dir, n)))
    .sort((a, b) => (a === 'requirements.txt' ? -1 : b === 'requirements.txt' ? 1 : a.localeCompare(b)));
  for (const n of requirements) present.push({ file: join(dir, n), kind: 'requirements' });
  if (names.includes('pyproject.toml') && isFile(join(dir, 'pyproject.toml'))) {
    present.push({ file: join(dir, 'pyproject.toml'), kind: 'pyproject' });
  }
  const [best, ...rest] = present;
  return best ? { ...best, alsoPresent: rest } : undefined;
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
