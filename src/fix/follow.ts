/**
 * Python version statements that follow the python images: `.python-version` and a literal
 * setup-python version name the Python the images run, so when every image of that Python minor moves
 * to one new minor, they move with them. Shared by the fixer (`--bump minor`, `--to recommended`),
 * which writes the new version, and `recommend`, which lists what it would be.
 */
import type { SourceRange } from '../model/diagnostic.js';
import type { VersionStatement } from '../model/project.js';

/** The kinds of statement the fixer edits to follow the images. */
export const followingKinds: ReadonlySet<VersionStatement['kind']> = new Set([
  'python-version-file',
  'setup-python',
]);

/**
 * For each Python minor the repository's python images run, the minors they go to: the image's own
 * minor when it stays, the new one when it moves.
 */
export type MinorMoves = ReadonlyMap<string, ReadonlySet<string>>;

/** True when the text at `range` is exactly `value` (no quotes, escapes or line breaks in between). */
export function writtenAsIs(range: SourceRange, value: string): boolean {
  if (range.startOffset === undefined || range.endOffset === undefined) return true;
  return range.endOffset - range.startOffset === value.length;
}

const plainVersion = /^(\d+)\.(\d+)(?:\.(\d+))?$/;

/**
 * The minor a statement the fixer can edit names (`3.12` for `3.12` or `3.12.4`) and whether it
 * names a patch; undefined when the fixer leaves the statement as it is whatever the images do: a
 * kind it does not edit, a value taken from a matrix or a variable, a value not written as plain
 * text, or one that is not a plain version (`3.x`, `pypy3.10`).
 */
export function followableVersion(v: VersionStatement): { minor: string; patch: boolean } | undefined {
  if (!followingKinds.has(v.kind)) return undefined;
  if (v.unresolved?.length || v.origins?.length || !writtenAsIs(v.range, v.text)) return undefined;
  const m = plainVersion.exec(v.text);
  if (!m) return undefined;
  return { minor: `${m[1]}.${m[2]}`, patch: m[3] !== undefined };
}

/**
 * What a statement becomes when it follows the images: the new minor, or the newest patch of it
 * (`newestPatch`) when the statement names a patch. Undefined when it stays: the fixer cannot edit it,
 * no image runs its minor, the images of its minor stay there or go to several minors.
 */
export function followedVersion(
  v: VersionStatement,
  moves: MinorMoves,
  newestPatch: (minor: string) => string | undefined,
): { from: string; to: string; after: string } | undefined {
  const named = followableVersion(v);
  if (!named) return undefined;
  const targets = moves.get(named.minor);
  if (targets?.size !== 1) return undefined;
  const to = [...targets][0]!;
  if (to === named.minor) return undefined;
  const after = named.patch ? newestPatch(to) : to;
  return after === undefined ? undefined : { from: named.minor, to, after };
}
