/**
 * Where a project's dependency file is, without loading the readers: a cached analysis needs only the
 * file's path and bytes.
 */
import { type FoundDependencySource, findDependencySource } from '../files/lockfiles/locate.js';
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

/**
 * The dependency file of `dir` (or the one named) and its kind, without reading it; a directory
 * without any dependency file is an error that names the directory and the files looked for.
 */
export function locateProjectDependencies(
  dir: string,
  options: { deps?: string } = {},
): FoundDependencySource {
  const found = findDependencySource(dir, options.deps !== undefined ? { deps: options.deps } : {});
  if (found) return found;
  throw noDependencyFile(dir);
}

/** The error for a directory without any dependency file. */
export function noDependencyFile(dir: string): PybaseError {
  return new PybaseError({
    code: inputCodes.unreadableFile,
    severity: 'error',
    message: `no dependency file in ${dir} (looked for ${dependencyFilesLookedFor.join(', ')})`,
    hint: 'run pybase deps in the project directory, or name the file with --deps FILE',
  });
}
