/**
 * One Dockerfile read once per build that uses it (each compose service building it, with its own
 * arguments and target): the references of those readings, each place kept once.
 */
import type { ExtractedReference } from '../../model/project.js';
import type { Stage } from '../../model/stage.js';
import type { DockerfileExtraction } from './extract.js';

/** Which role of a reference counts most when several builds give it different ones. */
const stageWeight: Record<Stage, number> = { dev: 0, ci: 1, build: 2, prod: 3 };

function referenceKey(r: ExtractedReference): string {
  return [
    r.kind,
    r.range.startOffset,
    r.range.endOffset,
    r.resolved ?? '',
    (r.unresolved ?? []).join(','),
    r.platform ?? '',
  ].join('\0');
}

/**
 * Services building the same Dockerfile can give one FROM different roles (one stops at a builder
 * stage, another ships it): the reference is kept once, in the role of a build that runs its stage,
 * the strictest of those. References that read differently (other build arguments) are kept apart.
 */
export function mergeBuildReferences(extractions: readonly DockerfileExtraction[]): ExtractedReference[] {
  const out: ExtractedReference[] = [];
  const seen = new Map<string, { at: number; weight: number }>();
  for (const extraction of extractions) {
    const built = extraction.builtStages;
    for (const ref of extraction.references) {
      const key = referenceKey(ref);
      const runs = !built || built.includes(ref.dockerStage?.index ?? -1);
      const weight = (runs ? 10 : 0) + stageWeight[ref.stage];
      const known = seen.get(key);
      if (!known) {
        seen.set(key, { at: out.length, weight });
        out.push(ref);
      } else if (weight > known.weight) {
        out[known.at] = ref;
        known.weight = weight;
      }
    }
  }
  return out;
}
