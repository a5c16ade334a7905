/**
 * Reading the dependencies of a project directory for the engine: the most precise dependency file
 * present (or the one named), with the groups asked for.
 */
import {
  type DependencySourceFile,
  findDependencySource,
  readDependencies,
} from '../files/lockfiles/index.js';
import type { DependencySet } from '../model/dependencies.js';
import { inputCodes, PybaseError } from '../model/diagnostic.js';

/** The files looked for, most precise first (requirements*.txt matches any requirements file). */
export const dependencyFilesLookedFor: readonly string[] = [
  'uv.lock',
  'poetry.lock',
  'pdm.lock',
  'Pipfile.lock',
  'requirements*.txt',
  'pyproject.toml',
];

export interface ProjectDependencyOptions {
  /** A dependency file to read instead of searching (relative to the directory, or absolute). */
  deps?: string;
  /** Groups to read beside the runtime ones (`'*'` for all). */
  with?: string[];
}

/** The dependency file of `dir` and where it is, or undefined when the directory has none. */
export function tryReadProjectDependencies(
  dir: string,
  options: ProjectDependencyOptions = {},
): DependencySet | undefined {
  const found = findDependencySource(dir, options.deps !== undefined ? { deps: options.deps } : {});
  if (!found) return undefined;
  return readDependencies(found.file, {
    kind: found.kind,
    ...(options.with && options.with.length > 0 ? { with: options.with } : {}),
  });
}

/**
 * Like {@link tryReadProjectDependencies}, but a directory without any dependency file is an error
 * that names the directory and the files looked for.
 */
export function readProjectDependencies(dir: string, options: ProjectDependencyOptions = {}): DependencySet {
  const set = tryReadProjectDependencies(dir, options);
  if (set) return set;
  throw noDependencyFile(dir);
}

/**
 * The dependency file of `dir` (or the one named) and its kind, without reading it; a directory
 * without any dependency file is an error, as for {@link readProjectDependencies}.
 */
export function locateProjectDependencies(
  dir: string,
  options: Pick<ProjectDependencyOptions, 'deps'> = {},
): DependencySourceFile {
  const found = findDependencySource(dir, options.deps !== undefined ? { deps: options.deps } : {});
  if (found) return found;
  throw noDependencyFile(dir);
}

function noDependencyFile(dir: string): PybaseError {
  return new PybaseError({
    code: inputCodes.unreadableFile,
    severity: 'error',
    message: `no dependency file in ${dir} (looked for ${dependencyFilesLookedFor.join(', ')})`,
    hint: 'run pybase deps in the project directory, or name the file with --deps FILE',
  });
}
