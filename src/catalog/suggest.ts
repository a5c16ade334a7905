/**
 * Nearest real tags for a tag that was never published: string edit distance, plus a penalty when the
 * parsed parts (minor, variant, distro family) differ, so that `3.12-alpine3.99` suggests alpine tags
 * of 3.12 rather than the textually close `3.13-alpine3.19`.
 */

import type { PythonTag } from '../model/image-ref.js';

/**
 * Optimal string alignment distance (Levenshtein with adjacent transpositions). Written here because it
 * is twenty lines and the only string metric pybase needs; a dependency would cost start-up time.
 */
export function editDistance(a: string, b: string): number {
  if (a === b) return 0;
  const n = b.length;
  let prev2: number[] = [];
  let prev: number[] = Array.from({ length: n + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row: number[] = [i];
    for (let j = 1; j <= n; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(
        (prev[j] as number) + 1,
        (row[j - 1] as number) + 1,
        (prev[j - 1] as number) + cost,
      );
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        best = Math.min(best, (prev2[j - 2] as number) + 1);
      }
      row.push(best);
    }
    prev2 = prev;
    prev = row;
  }
  return prev[n] as number;
}

/** Extra distance for differing parsed parts; 0 when the input could not be parsed at all. */
export function structuralPenalty(
  input: Partial<PythonTag> | undefined,
  candidate: PythonTag | undefined,
): number {
  if (!input || !candidate) return 0;
  let penalty = 0;
  const iv = input.version;
  const cv = candidate.version;
  if (iv && cv) {
    if (iv.major !== cv.major) penalty += 4;
    else if (iv.minor !== undefined && iv.minor !== cv.minor) penalty += 3;
  } else if (iv || cv) {
    penalty += 1;
  }
  if (input.variant !== undefined && input.variant !== candidate.variant) penalty += 3;
  if (input.distro && candidate.distro && input.distro.family !== candidate.distro.family) penalty += 2;
  if (Boolean(input.prerelease) !== candidate.prerelease) penalty += 1;
  return penalty;
}

export interface Scored {
  tag: string;
  score: number;
}

/**
 * Score candidates against the input, nearest first. Ties go to the candidate closest in length, then
 * to the later one in reverse text order, which puts newer releases (`alpine3.24`) before older ones.
 */
export function rank(
  input: string,
  parsedInput: Partial<PythonTag> | undefined,
  candidates: Iterable<string>,
  parse: (tag: string) => PythonTag | undefined,
): Scored[] {
  const out: Scored[] = [];
  for (const tag of candidates) {
    if (tag === input) continue;
    const score = editDistance(input, tag) + structuralPenalty(parsedInput, parse(tag));
    out.push({ tag, score });
  }
  return out.sort(
    (a, b) =>
      a.score - b.score ||
      Math.abs(a.tag.length - input.length) - Math.abs(b.tag.length - input.length) ||
      (a.tag < b.tag ? 1 : a.tag > b.tag ? -1 : 0),
  );
}
