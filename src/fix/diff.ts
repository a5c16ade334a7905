/**
 * Unified diffs of planned changes (`pybase fix --dry-run`), made with the `diff` package. Line
 * endings are part of the compared lines, so a CRLF file shows CRLF lines; a missing final newline
 * shows as `\ No newline at end of file`, as in git.
 */
import { createTwoFilesPatch } from 'diff';
import type { FileChange } from './types.js';

/** One file's unified diff (`--- a/file` / `+++ b/file`), or '' when the texts are equal. */
export function fileDiff(change: Pick<FileChange, 'file' | 'before' | 'after'>, context = 3): string {
  if (change.before === change.after) return '';
  const patch = createTwoFilesPatch(
    `a/${change.file}`,
    `b/${change.file}`,
    change.before,
    change.after,
    undefined,
    undefined,
    {
      context,
    },
  );
  // The package starts with an `Index:` line and a `===` rule; git-style diffs start at `---`.
  return patch.slice(patch.indexOf('--- '));
}

/** Every file's diff, in the order given (the fixer sorts by path). */
export function unifiedDiff(
  changes: readonly Pick<FileChange, 'file' | 'before' | 'after'>[],
  context = 3,
): string {
  return changes.map((c) => fileDiff(c, context)).join('');
}
