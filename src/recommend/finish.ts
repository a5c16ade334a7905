/**
 * The last steps of a recommendation, after every stage is decided: digests for the production
 * stages, the moves of the repository's current references, and the result. Kept apart from the
 * decision so that decisions read from the result cache are finished without loading it.
 */
import type { Catalog } from '../catalog/catalog.js';
import type { DigestResolver } from '../fix/types.js';
import type { IsoDate } from '../model/date.js';
import type { Diagnostic } from '../model/diagnostic.js';
import type { Arch } from '../model/platform.js';
import type { Extraction } from '../model/project.js';
import { planMoves } from './moves.js';
import { type PolicyInput, resolvePolicy } from './policy.js';
import { planStatementMoves } from './statements.js';
import type { Recommendation, RecommendResult } from './types.js';

/** The decided stages and what the dependency analysis adds to the result. Plain data. */
export interface Decisions {
  recommendations: Recommendation[];
  /** The dependency analysis's own diagnostics. */
  diagnostics: Diagnostic[];
  /** Some verdicts are unknown (offline, or the index did not answer). */
  incomplete: boolean;
  source?: RecommendResult['source'];
}

export interface FinishInput {
  catalog: Catalog;
  date: IsoDate;
  archs: readonly Arch[];
  extraction?: Extraction;
  policy?: PolicyInput;
  /** Resolves `python:TAG` to its digest; production stages are pinned with it. */
  resolveDigest?: DigestResolver;
  /** Diagnostics that come first in the result (those of reading the project). */
  diagnostics?: readonly Diagnostic[];
}

/** The result for decided stages; the decisions' recommendations are completed in place. */
export async function finishRecommendation(input: FinishInput, decided: Decisions): Promise<RecommendResult> {
  const { recommendations } = decided;
  const diagnostics: Diagnostic[] = [...(input.diagnostics ?? []), ...decided.diagnostics];
  const digests = new Map<string, string>();
  if (input.resolveDigest) {
    const wanted = new Set<string>();
    for (const r of recommendations)
      if ((r.stage === 'prod' || r.stage === 'prod-ai') && r.tag) wanted.add(r.tag);
    for (const tag of wanted) {
      try {
        digests.set(tag, await input.resolveDigest(`python:${tag}`));
      } catch (err) {
        diagnostics.push({
          code: 'PBE008',
          severity: 'warning',
          message: `cannot resolve the digest of python:${tag}: ${err instanceof Error ? err.message : String(err)}`,
          hint: 'pin it later with pybase fix --pin-digest',
        });
      }
    }
    for (const r of recommendations) {
      const digest = r.tag ? digests.get(r.tag) : undefined;
      if (digest && (r.stage === 'prod' || r.stage === 'prod-ai')) {
        r.digest = digest;
        r.reference = `python:${r.tag}@${digest}`;
        delete r.pinCommand;
      }
    }
  }

  const moves = planMoves(input.extraction, recommendations, {
    catalog: input.catalog,
    date: input.date,
    policy: resolvePolicy(input.policy),
    libcAsked: input.policy?.libc !== undefined && input.policy.libc !== 'any',
    digests,
  });
  const result: RecommendResult = {
    schemaVersion: 1,
    date: input.date,
    dataDate: input.catalog.dataAge(input.date).dataDate,
    archs: [...input.archs],
    incomplete: decided.incomplete,
    recommendations,
    moves,
    statements: planStatementMoves(input.extraction, moves, recommendations, {
      catalog: input.catalog,
      date: input.date,
    }),
    diagnostics,
  };
  if (decided.source) result.source = decided.source;
  return result;
}
