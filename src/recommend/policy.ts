/** The default recommendation policy and how partial policies are completed. */
import type { RecommendStage } from '../model/stage.js';
import type { RecommendPolicy } from './types.js';

/**
 * Defaults: a production image must stay supported (Python and distro) for 12 more months, CI for
 * 6, a development image only needs to be supported today. Any libc; no pre-releases; the
 * appetite for change is a minor upgrade; Debian's end of security support counts as end of life.
 */
export const defaultPolicy: RecommendPolicy = {
  minSupportMonths: { dev: 0, ci: 6, prod: 12, 'prod-ai': 12 },
  libc: 'any',
  preferSmall: false,
  glibcOnly: [],
  appetite: 'minor',
  prereleases: false,
  debianEol: 'security',
  allowBuild: false,
  vulnLimits: {},
};

export type PolicyInput = Partial<Omit<RecommendPolicy, 'minSupportMonths'>> & {
  /** One number for every stage, or per stage. */
  minSupportMonths?: number | Partial<Record<RecommendStage, number>>;
};

export function resolvePolicy(input: PolicyInput = {}): RecommendPolicy {
  const months = input.minSupportMonths;
  const minSupportMonths =
    typeof months === 'number'
      ? { dev: months, ci: months, prod: months, 'prod-ai': months }
      : { ...defaultPolicy.minSupportMonths, ...(months ?? {}) };
  return {
    ...defaultPolicy,
    ...Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined)),
    minSupportMonths,
    glibcOnly: [...(input.glibcOnly ?? [])],
    vulnLimits: { ...(input.vulnLimits ?? {}) },
  } as RecommendPolicy;
}
