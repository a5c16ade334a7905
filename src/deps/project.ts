/**
 * Reading the dependencies of a project directory for the engine: the most precise dependency file
 * present (or the one named), with the groups asked for.
 */
import { findDependencySource, readDependencies } from '../files/lockfiles/index.js';
import type { DependencySet } from '../model/dependencies.js';
import { noDependencyFile } from './locate.js';

export { dependencyFilesLookedFor, locateProjectDependencies } from './locate.js';

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
