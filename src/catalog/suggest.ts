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

/**
 * `editDistance(a, b)` when it is at most `max`, else any number above `max`. Rows live in three reused
 * typed arrays, and a row whose smallest cell already exceeds `max` ends the work early (cells never
 * shrink going down, so the final distance cannot come back under the bound).
 */
export function editDistanceAtMost(a: string, b: string, max: number, scratch?: Int32Array[]): number {
  if (a === b) return 0;
  const m = a.length;
  const n = b.length;
  if (Math.abs(m - n) > max) return max + 1;
  const rows =
    scratch && (scratch[0]?.length ?? 0) > n ? scratch : [0, 1, 2].map(() => new Int32Array(n + 1));
  let prev2 = rows[0] as Int32Array;
  let prev = rows[1] as Int32Array;
  let row = rows[2] as Int32Array;
  for (let j = 0; j <= n; j++) prev[j] = j;
  for (let i = 1; i <= m; i++) {
    const ai = a.charCodeAt(i - 1);
    const aPrev = i > 1 ? a.charCodeAt(i - 2) : -1;
    row[0] = i;
    let rowMin = i;
    for (let j = 1; j <= n; j++) {
      const bj = b.charCodeAt(j - 1);
      const cost = ai === bj ? 0 : 1;
      let best = Math.min(
        (prev[j] as number) + 1,
        (row[j - 1] as number) + 1,
        (prev[j - 1] as number) + cost,
      );
      if (i > 1 && j > 1 && ai === b.charCodeAt(j - 2) && aPrev === bj) {
        best = Math.min(best, (prev2[j - 2] as number) + 1);
      }
      row[j] = best;
      if (best < rowMin) rowMin = best;
    }
    // A transposition reaches back two rows, so stop only when both of the last two rows are out of bound.
    if (rowMin > max && i > 1) {
      let prevMin = prev[0] as number;
      for (let j = 1; j <= n; j++) if ((prev[j] as number) < prevMin) prevMin = prev[j] as number;
      if (prevMin > max) return max + 1;
    }
    const spare = prev2;
    prev2 = prev;
    prev = row;
    row = spare;
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

/** Rank order of two scored candidates for `input` (see `rank`). */
function before(input: string, a: Scored, b: Scored): number {
  return (
    a.score - b.score ||
    Math.abs(a.tag.length - input.length) - Math.abs(b.tag.length - input.length) ||
    (a.tag < b.tag ? 1 : a.tag > b.tag ? -1 : 0)
  );
}

/**
 * The first `n` entries of `rank(input, parsedInput, candidates, parse)` that score at most `maxScore`
 * (default: any), without scoring every candidate in full: once `n` candidates are held, a candidate whose distance must exceed the worst of them is
 * skipped (the edit distance is at least the length difference) or abandoned part-way through.
 */
export function nearest(
  input: string,
  parsedInput: Partial<PythonTag> | undefined,
  candidates: Iterable<string> | CandidateLists,
  parse: (tag: string) => PythonTag | undefined,
  n: number,
  maxScore = Number.MAX_SAFE_INTEGER,
): Scored[] {
  const kept: Scored[] = [];
  if (n <= 0) return kept;
  const scratch = [0, 1, 2].map(() => new Int32Array(64));
  const grow = (len: number) => {
    if ((scratch[0] as Int32Array).length <= len) {
      for (let k = 0; k < 3; k++) scratch[k] = new Int32Array(len * 2 + 1);
    }
  };
  // Candidates go in order of their structural penalty, so that the likeliest answers are held early
  // and the bound they set skips most others without computing a distance. The answer does not
  // depend on this order: `before` decides it, and nothing that could tie with a kept entry is skipped.
  // The penalty depends only on a candidate's shape, so it is computed once per shape.
  // Several lists may be given (the catalog keeps its candidates in stable per-length lists, whose
  // shapes are then grouped only once).
  const lists: Iterable<string>[] = isListOfLists(candidates) ? [...candidates.lists] : [candidates];
  const byPenalty: (readonly string[])[][] = [];
  for (const list of lists) {
    for (const group of shapesOf(list, parse)) {
      const penalty = structuralPenalty(parsedInput, group.parsed);
      const bucket = byPenalty[penalty];
      if (bucket) bucket.push(group.tags);
      else byPenalty[penalty] = [group.tags];
    }
  }
  for (const [penalty, bucket] of byPenalty.entries()) {
    // Penalties only grow from here: once no score could get under the bound, nothing later can.
    const bound = kept.length < n ? maxScore : Math.min(maxScore, (kept[kept.length - 1] as Scored).score);
    if (penalty > bound) break;
    for (const tags of bucket ?? []) {
      for (const tag of tags) if (tag !== input) consider(tag, penalty);
    }
  }
  return kept;

  function consider(tag: string, penalty: number): void {
    // Ties on the score still compete on the later keys, so the bound is the worst score kept.
    const bound = kept.length < n ? maxScore : Math.min(maxScore, (kept[kept.length - 1] as Scored).score);
    const budget = bound - penalty;
    if (budget < 0 || Math.abs(tag.length - input.length) > budget) return;
    grow(tag.length);
    const d = editDistanceAtMost(input, tag, budget, scratch);
    if (d > budget) return;
    const score = d + penalty;
    const s: Scored = { tag, score };
    if (kept.length === n && before(input, s, kept[n - 1] as Scored) >= 0) return;
    // Insert in order; n is small (a handful of suggestions), so a linear insert is cheapest.
    let at = kept.length;
    while (at > 0 && before(input, s, kept[at - 1] as Scored) < 0) at--;
    kept.splice(at, 0, s);
    if (kept.length > n) kept.pop();
  }
}

interface Shape {
  /** One parsed tag of the shape (any: they agree on everything `structuralPenalty` reads). */
  parsed: PythonTag | undefined;
  tags: string[];
}

/**
 * Candidate lists grouped by shape, kept while the list lives (the catalog reuses its lists, which it
 * never changes), for the parse function they were grouped with.
 */
const shapeCache = new WeakMap<object, { parse: (tag: string) => PythonTag | undefined; shapes: Shape[] }>();

/** The candidates grouped by what `structuralPenalty` reads of them: version, variant, distro family, pre-release. */
function shapesOf(candidates: Iterable<string>, parse: (tag: string) => PythonTag | undefined): Shape[] {
  const cacheable = typeof candidates === 'object' && candidates !== null;
  const known = cacheable ? shapeCache.get(candidates) : undefined;
  if (known && known.parse === parse) return known.shapes;
  const byKey = new Map<string, Shape>();
  for (const tag of candidates) {
    const parsed = parse(tag);
    const v = parsed?.version;
    const key = parsed
      ? `${v ? `${v.major}.${v.minor ?? ''}` : '-'}|${parsed.variant}|${parsed.distro?.family ?? ''}|${parsed.prerelease}`
      : '';
    const shape = byKey.get(key);
    if (shape) shape.tags.push(tag);
    else byKey.set(key, { parsed, tags: [tag] });
  }
  const shapes = [...byKey.values()];
  if (cacheable) shapeCache.set(candidates, { parse, shapes });
  return shapes;
}

/** Candidates given as several lists (each kept and grouped by shape on its own). */
export interface CandidateLists {
  lists: readonly (readonly string[])[];
}

function isListOfLists(c: Iterable<string> | CandidateLists): c is CandidateLists {
  return typeof c === 'object' && c !== null && 'lists' in c && !(Symbol.iterator in c);
}
