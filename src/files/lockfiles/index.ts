/**
 * Reading a project's dependencies: choose the most precise file a project has, and read it.
 *
 * Precision order (a lock that names files beats one that names hashes, which beats ranges):
 * uv.lock > poetry.lock > pdm.lock > Pipfile.lock > requirements*.txt > pyproject.toml.
 */

import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, resolve } from 'node:path';
import type { DependencySet, DependencySourceKind } from '../../model/dependencies.js';
import { inputCodes, PybaseError } from '../../model/diagnostic.js';
import { parsePdmLock } from './pdm/pdm-lock.js';
import { parsePipfileLock } from './pipfile/pipfile-lock.js';
import { parsePoetryLock } from './poetry/poetry-lock.js';
import { parsePyproject } from './pyproject/pyproject.js';
import { parseRequirementsTxt } from './requirements/requirements-txt.js';
import type { ReadOptions } from './shared.js';
import { parseUvLock } from './uv/uv-lock.js';

export { poetryConstraintToPep440, poetryPythonMarker } from './poetry/constraint.js';
export type { PoetryReadOptions } from './poetry/poetry-lock.js';
export { parseRequirement, pinnedVersion, type Requirement, type RequirementResult } from './requirement.js';
export type { RequirementsReadOptions } from './requirements/requirements-txt.js';
export type { ReadOptions } from './shared.js';
export { parsePdmLock, parsePipfileLock, parsePoetryLock, parsePyproject, parseRequirementsTxt, parseUvLock };

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
      throw new PybaseError({
        code: inputCodes.usage,
        severity: 'error',
        message: `cannot tell which format ${file} is in`,
        hint: 'Name a uv.lock, poetry.lock, pdm.lock, Pipfile.lock, pyproject.toml or requirements .txt/.in file.',
      });
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

function readText(file: string): string {
  try {
    return readFileSync(file, 'utf8').replace(/^\uFEFF/, '');
  } catch (error) {
    throw new PybaseError({
      code: inputCodes.unreadableFile,
      severity: 'error',
      message: `cannot read ${file}: ${error instanceof Error ? error.message : String(error)}`,
      location: { file, startLine: 1, startColumn: 1, endLine: 1, endColumn: 1 },
      hint: 'Check that the file exists and is readable.',
    });
  }
}

/** Reads text already in memory as the given kind of file. Never throws. */
export function parseDependencies(
  text: string,
  file: string,
  kind: DependencySourceKind,
  options: ReadOptions & {
    pyproject?: { text: string; file: string };
    readInclude?: (path: string) => string;
  } = {},
): DependencySet {
  switch (kind) {
    case 'uv.lock':
      return parseUvLock(text, file, options);
    case 'poetry.lock':
      return parsePoetryLock(text, file, options);
    case 'pdm.lock':
      return parsePdmLock(text, file, options);
    case 'Pipfile.lock':
      return parsePipfileLock(text, file, options);
    case 'requirements':
      return parseRequirementsTxt(text, file, options);
    case 'pyproject':
      return parsePyproject(text, file, options);
  }
}

/**
 * Reads a dependency file: runtime dependencies, plus the groups named in `options.with` (`'*'` for
 * all). Throws PybaseError only when the file itself cannot be read or its kind is unknown; problems
 * inside it are diagnostics in the result.
 */
export function readDependencies(
  file: string,
  options: ReadOptions & { kind?: DependencySourceKind } = {},
): DependencySet {
  const kind = options.kind ?? dependencySourceKind(file);
  if (kind === undefined) {
    throw new PybaseError({
      code: inputCodes.usage,
      severity: 'error',
      message: `cannot tell which format ${file} is in`,
      hint: 'Name a uv.lock, poetry.lock, pdm.lock, Pipfile.lock, pyproject.toml or requirements .txt/.in file.',
    });
  }
  const text = readText(file);
  const extra: { pyproject?: { text: string; file: string }; readInclude?: (path: string) => string } = {};
  if (kind === 'poetry.lock') {
    // Poetry locks before 2.1 do not say which group a package is in; the pyproject beside it does.
    const pyprojectFile = join(dirname(file), 'pyproject.toml');
    if (existsSync(pyprojectFile)) {
      try {
        extra.pyproject = { text: readFileSync(pyprojectFile, 'utf8'), file: pyprojectFile };
      } catch {
        // Without it every package counts as runtime, which the reader reports.
      }
    }
  }
  if (kind === 'requirements') {
    extra.readInclude = (path: string) => readFileSync(resolve(path), 'utf8').replace(/^\uFEFF/, '');
  }
  return parseDependencies(text, file, kind, { ...options, ...extra });
}
