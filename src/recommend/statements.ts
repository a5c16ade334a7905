/**
 * The repository's Python version statements beside the moves of its python images: a statement
 * that names the Python the images run (`.python-version`, a literal setup-python version) follows
 * them when every image of its minor moves to one new minor, as `pybase fix --to recommended` moves
 * it; every other statement is listed with why it stays, so that what is left to edit by hand shows.
 */
import type { Catalog } from '../catalog/catalog.js';
import { tryParseReference } from '../catalog/reference.js';
import { minorOf, tryParseTag } from '../catalog/tag.js';
import { specifierKinds, versionStatementAllows } from '../files/version-files/specifier.js';
import { followableVersion, followedVersion, followingKinds, type MinorMoves } from '../fix/follow.js';
import type { IsoDate } from '../model/date.js';
import type { Extraction, VersionStatement } from '../model/project.js';
import { pinnedMinor, statementLabel } from '../rules/statements.js';
import { recommendStageOf } from './moves.js';
import type { Move, Recommendation, StatementMove } from './types.js';

function pythonMinor(reference: string): string | undefined {
  const python = tryParseReference(reference)?.python;
  return python ? minorOf(python) : undefined;
}

/**
 * Where the images of each Python minor go: the minor of a move's new reference, or the image's own
 * minor when it does not move.
 */
export function minorMovesOf(moves: readonly Move[]): MinorMoves {
  const out = new Map<string, Set<string>>();
  for (const m of moves) {
    const from = pythonMinor(m.current);
    if (from === undefined) continue;
    const to = (m.kind !== 'none' && m.to !== undefined ? pythonMinor(m.to) : undefined) ?? from;
    const set = out.get(from) ?? new Set<string>();
    set.add(to);
    out.set(from, set);
  }
  return out;
}

/** A range, judged against the Python recommended for the stage it serves. */
function rangeReason(st: VersionStatement, recommendations: readonly Recommendation[]): string {
  const stage = recommendStageOf(st.stage);
  const rec =
    recommendations.find((r) => r.stage === stage && r.tag) ??
    recommendations.find((r) => r.stage === 'prod' && r.tag);
  const version = rec?.tag ? tryParseTag(rec.tag)?.version?.text : undefined;
  const range = 'a range, which pybase fix never edits';
  if (!rec || version === undefined) return range;
  const allowed = versionStatementAllows(st, version);
  if (allowed === undefined) return `${range}; pybase cannot read it (pybase check says why)`;
  return `${range}: it ${allowed ? 'admits' : 'excludes'} Python ${version}, recommended for ${rec.stage}`;
}

/** Why a statement that names versions stays as it is. */
function stayReason(st: VersionStatement, moves: MinorMoves): string {
  if (st.kind === 'setup-python-file') return `names a version file (${st.text}), not a version`;
  const minors = [...new Set((st.versions ?? [st.text]).map(pinnedMinor).filter((m) => m !== undefined))];
  if (minors.length === 0) {
    return 'names no CPython minor to follow (a range such as 3.x, another interpreter or a pre-release)';
  }
  return minors
    .map((minor) => {
      const targets = moves.get(minor);
      if (!targets) return `no python image of the repository runs Python ${minor}`;
      const to = [...targets].sort();
      if (to.length > 1 && targets.has(minor)) {
        const others = to.filter((m) => m !== minor).join(', ');
        return `not every python image of Python ${minor} moves (some go to ${others}, some stay), so it stays`;
      }
      if (to.length > 1) {
        return `the python images of Python ${minor} go to different minors (${to.join(', ')}), so it stays`;
      }
      if (to[0] === minor) return `the python images of Python ${minor} stay on it`;
      const moving = `the python images of Python ${minor} move to ${to[0]}`;
      if (!followingKinds.has(st.kind)) {
        return `${moving}; pybase fix does not edit ${statementLabel(st.kind)}: change it by hand`;
      }
      if (st.unresolved?.length || st.origins?.length) {
        return `${moving}; its value is written elsewhere (a matrix, env or input): change it there`;
      }
      if (!followableVersion(st)) return `${moving}; it is not written as a plain version: change it by hand`;
      return `${moving}; no final release of Python ${to[0]} is known at the date: change it by hand`;
    })
    .join('; ');
}

/** Every version statement of the extraction, with the move it follows or why it stays. */
export function planStatementMoves(
  extraction: Extraction | undefined,
  moves: readonly Move[],
  recommendations: readonly Recommendation[],
  options: { catalog: Catalog; date: IsoDate },
): StatementMove[] {
  const minorMoves = minorMovesOf(moves);
  const newestPatch = (minor: string) => options.catalog.newestPatch(minor, options.date).released?.version;
  return (extraction?.versions ?? []).map((st) => {
    const base = {
      file: st.file,
      line: st.range.startLine,
      statement: st.kind,
      current: st.text,
      ...(st.versions && !specifierKinds.has(st.kind) ? { versions: [...st.versions] } : {}),
      ...(st.specifier !== undefined ? { specifier: st.specifier } : {}),
      stage: st.stage,
    };
    if (specifierKinds.has(st.kind)) {
      return { ...base, kind: 'none', reason: rangeReason(st, recommendations) };
    }
    const followed = followedVersion(st, minorMoves, newestPatch);
    if (followed) {
      return {
        ...base,
        kind: 'minor',
        to: followed.after,
        reason: `follows the python images from Python ${followed.from} to ${followed.to}`,
      };
    }
    return { ...base, kind: 'none', reason: stayReason(st, minorMoves) };
  });
}
