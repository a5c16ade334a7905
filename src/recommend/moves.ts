/**
 * For each python reference the repository has, the move toward the stage's recommendation, as a
 * kind: `minor`, `variant`, `distro`, `patch`, `refresh` (same image, written more exactly or with a
 * new digest) or `none`. A move never loosens a pin (the new text is at least as exact as the old,
 * and a digest stays a digest) and never swaps libc unless the policy names the other libc.
 */
import type { Catalog } from '../catalog/catalog.js';
import { tryParseReference, withTag } from '../catalog/reference.js';
import { minorOf, tryParseTag } from '../catalog/tag.js';
import type { IsoDate } from '../model/date.js';
import type { Precision } from '../model/image-ref.js';
import type { ExtractedReference, Extraction } from '../model/project.js';
import type { RecommendStage, Stage } from '../model/stage.js';
import { tagAtPrecision } from './precision.js';
import type { Move, Recommendation, RecommendPolicy, ScoredCandidate } from './types.js';

/** The recommendation stage a reference's stage is judged by (a builder stage follows production). */
export function recommendStageOf(stage: Stage): RecommendStage {
  return stage === 'build' ? 'prod' : stage;
}

const precisionRank: Record<Precision, number> = { none: 0, major: 1, minor: 2, patch: 3 };

/** The reference text after substitution, when fully known. */
export function referenceText(ref: ExtractedReference): string | undefined {
  if (ref.unresolved && ref.unresolved.length > 0) return undefined;
  return ref.resolved ?? ref.text;
}

/** The Python minor most references of the stage name (ties: the newest), for the appetite. */
export function currentMinorOf(
  extraction: Extraction | undefined,
  stage: RecommendStage,
): string | undefined {
  const counts = new Map<string, number>();
  for (const ref of extraction?.references ?? []) {
    if (recommendStageOf(ref.stage) !== stage) continue;
    const text = referenceText(ref);
    const parsed = text ? tryParseReference(text) : undefined;
    const minor = parsed?.isPython && parsed.python ? minorOf(parsed.python) : undefined;
    if (minor) counts.set(minor, (counts.get(minor) ?? 0) + 1);
  }
  if (counts.size === 0) {
    for (const v of extraction?.versions ?? []) {
      if (v.specifier) continue;
      const first = v.versions?.find((x) => /^3\.\d+/.test(x));
      const m = first ? /^(3\.\d+)/.exec(first) : null;
      if (m?.[1]) return m[1];
    }
    return undefined;
  }
  return [...counts.entries()].sort(
    (a, b) => b[1] - a[1] || Number(b[0].split('.')[1]) - Number(a[0].split('.')[1]),
  )[0]?.[0];
}

export interface MoveOptions {
  catalog: Catalog;
  date: IsoDate;
  policy: RecommendPolicy;
  /** True when the user named the libc (then a libc swap is what was asked). */
  libcAsked: boolean;
  /** Digests already resolved, by full tag. */
  digests?: ReadonlyMap<string, string>;
}

export function planMoves(
  extraction: Extraction | undefined,
  recommendations: readonly Recommendation[],
  options: MoveOptions,
): Move[] {
  const { catalog, date } = options;
  const moves: Move[] = [];
  for (const ref of extraction?.references ?? []) {
    if (ref.kind === 'dockerfile-copy-from' || ref.kind === 'dockerfile-mount-from') continue;
    const text = referenceText(ref);
    const parsed = text ? tryParseReference(text) : undefined;
    if (!parsed?.isPython) continue;
    const base = { file: ref.file, line: ref.range.startLine, current: text ?? ref.text, stage: ref.stage };
    const stage = recommendStageOf(ref.stage);
    const rec =
      recommendations.find((r) => r.stage === stage) ?? recommendations.find((r) => r.stage === 'prod');
    const tag = parsed.python;
    if (parsed.tag === undefined && parsed.digest !== undefined) {
      // `python@sha256:...`: which image the digest names (its Python, variant, distro, libc) is
      // unknown offline, so no move can be said to keep or change any of them.
      moves.push({
        ...base,
        kind: 'none',
        reason: `a digest without a tag: its Python, variant and distro are unknown offline, so no move is proposed${rec?.tag ? ` (the recommendation for ${stage} is ${rec.tag})` : ''}`,
      });
      continue;
    }
    if (!tag || !rec) {
      moves.push({
        ...base,
        kind: 'none',
        reason: tag
          ? 'no recommendation for this stage'
          : 'the tag is not a python image tag pybase can read',
      });
      continue;
    }
    const libc = catalog.libc(tag, date).family;
    if (libc === null) {
      moves.push({ ...base, kind: 'none', reason: 'a Windows image: not judged' });
      continue;
    }
    // A glibc-only SDK asks for glibc as plainly as --libc glibc does.
    const wantLibc =
      options.policy.glibcOnly.length > 0
        ? 'glibc'
        : options.libcAsked && options.policy.libc !== 'any'
          ? options.policy.libc
          : libc;
    const currentMinor = minorOf(tag);
    const pick = (c: ScoredCandidate) =>
      c.candidate.libc.family === wantLibc &&
      (options.policy.appetite !== 'patch' ||
        currentMinor === undefined ||
        c.candidate.python === currentMinor) &&
      (ref.stage !== 'build' || c.candidate.variant === tag.variant);
    const target = rec.candidates.find(pick);
    if (!target) {
      const reason = `no ${wantLibc} image${options.policy.appetite === 'patch' && currentMinor ? ` of Python ${currentMinor}` : ''} passes the constraints of ${stage}; see the rejections`;
      // An alpine reference stays on musl unless the user asks for the swap: say how to ask.
      if (wantLibc === 'musl' && !options.libcAsked) {
        const glibc = rec.candidates.find(
          (c) =>
            c.candidate.libc.family === 'glibc' &&
            (options.policy.appetite !== 'patch' ||
              currentMinor === undefined ||
              c.candidate.python === currentMinor),
        );
        if (glibc) {
          const swap = tagAtPrecision(catalog, date, glibc.tag, stage === 'dev' ? 'minor' : 'patch');
          const kept = reason.replace('; see the rejections', '');
          moves.push({
            ...base,
            kind: 'none',
            reason: `${kept} (see the rejections); to move to glibc (python:${swap}), pass --libc glibc or set libc = "glibc" in [tool.pybase.policy]`,
            glibc: { tag: swap, reason: kept },
          });
          continue;
        }
      }
      moves.push({ ...base, kind: 'none', reason });
      continue;
    }
    const written = parsed.tag ?? 'latest';
    const resolution = catalog.resolve(written, date);
    const currentFull = resolution?.fullTag ?? catalog.rebuildStatus(written, date).fullTag;
    const stagePrec = stage === 'dev' ? 'minor' : 'patch';
    const prec = precisionRank[tag.precision] > precisionRank.minor ? 'patch' : stagePrec;
    const newTag = tagAtPrecision(catalog, date, target.tag, prec);
    const wantsDigest = parsed.digest !== undefined || stage === 'prod';
    const digest = wantsDigest ? options.digests?.get(target.tag) : undefined;
    const to = withTag(parsed, newTag, digest);
    const pinNote = wantsDigest && !digest ? ` (then pin its digest: pybase fix --pin-digest)` : '';
    const cur = currentFull ? tryParseTag(currentFull) : undefined;
    const tc = target.candidate;
    let kind: Move['kind'];
    let reason: string;
    const prevDistro = resolution?.previous
      ? tryParseTag(resolution.previous.fullTag)?.distro?.name
      : undefined;
    if (!cur) {
      kind = currentMinor && currentMinor !== tc.python ? 'minor' : 'refresh';
      reason = `${written} is not published at ${date}; use ${newTag}${pinNote}`;
    } else if (minorOf(cur) !== tc.python) {
      kind = 'minor';
      reason = `Python ${minorOf(cur)} -> ${tc.python}${pinNote}`;
    } else if (cur.variant !== tc.variant) {
      kind = 'variant';
      reason = `${cur.variant} -> ${tc.variant} for ${stage}${pinNote}`;
    } else if (cur.distro?.name !== tc.distro.replace(/^alpine/, '')) {
      kind = 'distro';
      reason = `${cur.distro?.text ?? 'default distro'} -> ${tc.distro}${pinNote}`;
    } else if (!tag.distro && prevDistro && prevDistro !== cur.distro?.name) {
      kind = 'distro';
      reason = `${written} moved from ${prevDistro} to ${cur.distro?.name} on ${resolution?.since}: its distro became ${cur.distro?.name}; name it in the tag${pinNote}`;
    } else if (currentFull !== target.tag) {
      kind = 'patch';
      reason = `${currentFull} -> ${target.tag}${pinNote}`;
    } else if (to !== text) {
      kind = 'refresh';
      reason =
        parsed.digest && digest && parsed.digest !== digest
          ? `same image, rebuilt: new digest`
          : `already ${target.tag}; write it exactly${pinNote}`;
    } else {
      moves.push({ ...base, kind: 'none', reason: 'already the recommended image' });
      continue;
    }
    moves.push({ ...base, kind, to, reason });
  }
  return moves;
}
