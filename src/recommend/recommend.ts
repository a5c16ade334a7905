/**
 * `recommend`: one recommendation per stage, the moves for the repository's current references
 * and its Python version statements, and digests for the production stages when a resolver is given.
 */
import type { Catalog } from '../catalog/catalog.js';
import type { DigestResolver } from '../fix/types.js';
import type { CompatibilityReport, ImageCandidate } from '../model/compat.js';
import type { IsoDate } from '../model/date.js';
import type { Diagnostic } from '../model/diagnostic.js';
import type { Arch } from '../model/platform.js';
import type { Extraction } from '../model/project.js';
import { type RecommendStage, recommendStages } from '../model/stage.js';
import { decideStage, isMlPackage } from './decide.js';
import { type Decisions, finishRecommendation } from './finish.js';
import { currentMinorOf, recommendStageOf, referenceText } from './moves.js';
import { type PolicyInput, resolvePolicy } from './policy.js';
import type {
  Recommendation,
  RecommendPolicy,
  RecommendResult,
  Relaxation,
  VulnerabilityReport,
} from './types.js';

export interface RecommendInput {
  catalog: Catalog;
  date: IsoDate;
  candidates: readonly ImageCandidate[];
  compatibility?: CompatibilityReport;
  requiresPython?: string;
  extraction?: Extraction;
  archs: readonly Arch[];
  /** Default: every stage the repository's python references serve, plus prod (and prod-ai with ML packages). */
  stages?: readonly RecommendStage[];
  policy?: PolicyInput;
  vulnerabilities?: readonly VulnerabilityReport[];
  /** Resolves `python:TAG` to its digest; production stages are pinned with it. */
  resolveDigest?: DigestResolver;
  diagnostics?: readonly Diagnostic[];
}

/** The stages to recommend for when none are asked. */
export function defaultStages(
  extraction: Extraction | undefined,
  compatibility?: CompatibilityReport,
): RecommendStage[] {
  const found = new Set<RecommendStage>(['prod']);
  for (const ref of extraction?.references ?? []) {
    if (referenceText(ref)?.match(/(?:^|\/)python(?::|@|$)/)) found.add(recommendStageOf(ref.stage));
  }
  if (compatibility?.packages.some((p) => isMlPackage(p.name))) found.add('prod-ai');
  return recommendStages.filter((s) => found.has(s));
}

/**
 * For a stage without a recommendation: which of the policy's own limits, relaxed, would give one
 * (each alone, then all of them together when none alone does), and the tag it would then be.
 * Limits that reject nothing are not offered.
 */
function relaxations(
  rec: Recommendation,
  stage: RecommendStage,
  policy: RecommendPolicy,
  decide: (p: RecommendPolicy) => Recommendation,
): Relaxation[] {
  const codes = new Set(rec.rejected.flatMap((r) => r.reasons.map((x) => x.code)));
  const options: { flags: string[]; apply: (p: RecommendPolicy) => RecommendPolicy }[] = [];
  if (codes.has('support-too-short') && policy.minSupportMonths[stage] > 0) {
    options.push({
      flags: ['--min-support-months 0'],
      apply: (p) => ({ ...p, minSupportMonths: { ...p.minSupportMonths, [stage]: 0 } }),
    });
  }
  if (codes.has('deps-need-compiler') && !policy.allowBuild) {
    options.push({ flags: ['--allow-build'], apply: (p) => ({ ...p, allowBuild: true }) });
  }
  if (codes.has('libc-not-allowed') && policy.libc !== 'any' && stage !== 'prod-ai') {
    options.push({ flags: ['--libc any'], apply: (p) => ({ ...p, libc: 'any' }) });
  }
  const out: Relaxation[] = [];
  for (const o of options) {
    const tag = decide(o.apply(policy)).tag;
    if (tag) out.push({ flags: o.flags, tag });
  }
  if (out.length === 0 && options.length > 1) {
    const tag = decide(options.reduce((p, o) => o.apply(p), policy)).tag;
    if (tag) out.push({ flags: options.flatMap((o) => o.flags), tag });
  }
  return out;
}

/**
 * The decisions of a recommendation: one per stage, before digests are resolved and moves planned.
 * Plain data, so that it can be stored and finished later (see {@link finishRecommendation}).
 */
export function decideRecommendations(input: RecommendInput): Decisions {
  const policy = resolvePolicy(input.policy);
  const stages =
    input.stages && input.stages.length > 0
      ? [...new Set(input.stages)]
      : defaultStages(input.extraction, input.compatibility);
  const recommendations = stages.map((stage) => {
    const currentMinor = currentMinorOf(input.extraction, stage);
    const decide = (p: RecommendPolicy) =>
      decideStage(
        {
          catalog: input.catalog,
          date: input.date,
          candidates: input.candidates,
          ...(input.compatibility ? { compatibility: input.compatibility } : {}),
          ...(input.requiresPython ? { requiresPython: input.requiresPython } : {}),
          ...(input.extraction ? { extraction: input.extraction } : {}),
          archs: input.archs,
          policy: p,
          ...(input.vulnerabilities ? { vulnerabilities: input.vulnerabilities } : {}),
          ...(currentMinor ? { currentMinor } : {}),
        },
        stage,
      );
    const rec = decide(policy);
    if (!rec.tag) rec.relaxations = relaxations(rec, stage, policy, decide);
    return rec;
  });
  return {
    recommendations,
    diagnostics: [...(input.compatibility?.diagnostics ?? [])],
    incomplete: input.compatibility?.incomplete ?? false,
    ...(input.compatibility?.source ? { source: input.compatibility.source } : {}),
  };
}

export async function recommend(input: RecommendInput): Promise<RecommendResult> {
  return finishRecommendation(input, decideRecommendations(input));
}
