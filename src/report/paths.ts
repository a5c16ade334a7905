/**
 * Where a finding's file is, written for the reader of a report. Findings name files relative to
 * the checked root; a report read elsewhere (code scanning, workflow annotations, a terminal) needs
 * them relative to the directory the command ran in, which in CI is the checkout root.
 */
import path from 'node:path';

export interface ShownPath {
  /** The file relative to the base directory, with / separators; undefined when it lies outside it. */
  relative?: string;
  /** The file's absolute path. */
  absolute: string;
}

/** `file` (relative to `root`, or absolute) as seen from `base`. */
export function pathFrom(base: string, root: string, file: string): ShownPath {
  const absolute = path.resolve(root, file);
  const rel = path.relative(path.resolve(base), absolute);
  if (rel === '' || rel === '..' || rel.startsWith(`..${path.sep}`) || path.isAbsolute(rel)) {
    return { absolute };
  }
  return { relative: rel.split(path.sep).join('/'), absolute };
}

/** The file as a person types it from `base`: relative when inside it, else absolute. */
export function displayPath(base: string, root: string, file: string): string {
  const shown = pathFrom(base, root, file);
  return shown.relative ?? shown.absolute;
}
