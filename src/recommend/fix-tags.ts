/**
 * The tags `pybase fix --to recommended` writes: one per stage of the repository, read from the
 * moves of a recommendation (which already keep a builder stage's variant, never loosen a pin and
 * keep the libc unless the policy names the other one).
 */
import { tryParseReference } from '../catalog/reference.js';
import { tryParseTag } from '../catalog/tag.js';
import type { Stage } from '../model/stage.js';
import { recommendStageOf } from './moves.js';
import type { RecommendResult } from './types.js';

const precisionRank: Record<string, number> = { none: 0, major: 1, minor: 2, patch: 3 };

/**
 * Per stage, the tag the stage's moves lead to. When the references of one stage move to different
 * texts (one written `3.12-slim`, another `3.12.4-slim`), the most precise wins, and among equally
 * precise ones the stage's recommended tag: the fixer then refuses what would loosen a pin or swap
 * libc. Stages whose references need no move (or have no recommendation) are left out.
 */
export function fixTagsOf(result: RecommendResult): Partial<Record<Stage, string>> {
  const byStage = new Map<Stage, string[]>();
  for (const m of result.moves) {
    if (m.kind === 'none' || !m.to) continue;
    const tag = tryParseReference(m.to)?.tag;
    if (!tag) continue;
    const stage = m.stage as Stage;
    const list = byStage.get(stage) ?? [];
    if (!list.includes(tag)) list.push(tag);
    byStage.set(stage, list);
  }
  const out: Partial<Record<Stage, string>> = {};
  for (const [stage, tags] of byStage) {
    const recommended = result.recommendations.find((r) => r.stage === recommendStageOf(stage))?.tag;
    const rank = (t: string) => precisionRank[tryParseTag(t)?.precision ?? 'none'] ?? 0;
    const best = [...tags].sort(
      (a, b) => rank(b) - rank(a) || Number(b === recommended) - Number(a === recommended),
    )[0];
    if (best) out[stage] = best;
  }
  return out;
}
