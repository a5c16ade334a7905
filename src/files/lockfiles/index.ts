/**
 * Reading a project's dependencies: choose the most precise file a project has, and read it.
 *
 * Precision order (a lock that names files beats one that names hashes, which beats ranges):
 * uv.lock > poetry.lock > pdm.lock > Pipfile.lock > requirements*.txt > pyproject.toml.
 */

import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { DependencySet, DependencySourceKind } from '../../model/dependencies.js';
import { PybaseError } from '../../model/diagnostic.js';
import { dependencySourceKind, unknownFormat, unreadableDependencyFile } from './locate.js';
import { parsePdmLock } from './pdm/pdm-lock.js';
import { parsePipfileLock } from './pipfile/pipfile-lock.js';
import { parsePoetryLock } from './poetry/poetry-lock.js';
import { parsePyproject } from './pyproject/pyproject.js';
import { parseRequirementsTxt } from './requirements/requirements-txt.js';
import type { ReadOptions } from './shared.js';
import { parseUvLock } from './uv/uv-lock.js';

export {
  type DependencySourceFile,
  dependencySourceKind,
  type FindSourceOptions,
  type FoundDependencySource,
  findDependencySource,
} from './locate.js';
export { poetryConstraintToPep440, poetryPythonMarker } from './poetry/constraint.js';
export type { PoetryReadOptions } from './poetry/poetry-lock.js';
export { parseRequirement, pinnedVersion, type Requirement, type RequirementResult } from './requirement.js';
export type { RequirementsReadOptions } from './requirements/requirements-txt.js';
export type { ReadOptions } from './shared.js';
export { parsePdmLock, parsePipfileLock, parsePoetryLock, parsePyproject, parseRequirementsTxt, parseUvLock };

function readText(file: string): string {
  try {
    return readFileSync(file, 'utf8').replace(/^\uFEFF/, '');
  } catch (error) {
    throw unreadableDependencyFile(file, error);
  }
}

/**
 * Reads text already in memory as the given kind of file. Never throws: a file that cannot be parsed
 * at all gives an empty set with `unreadable` set.
 */
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
 * all). Throws PybaseError when the file itself cannot be read, its kind is unknown, or it cannot be
 * parsed at all (not valid TOML or JSON, cut short, not the format its name says: `unreadable` of
 * {@link parseDependencies}); problems inside it are diagnostics in the result.
 */
export function readDependencies(
  file: string,
  options: ReadOptions & { kind?: DependencySourceKind } = {},
): DependencySet {
  const kind = options.kind ?? dependencySourceKind(file);
  if (kind === undefined) {
    throw unknownFormat(file);
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
  const set = parseDependencies(text, file, kind, { ...options, ...extra });
  if (set.unreadable) throw new PybaseError(set.unreadable);
  return set;
}
