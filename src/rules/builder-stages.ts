/**
 * The wheelhouse pattern as the dependency rules (PB2xx) see it: a builder stage with a C compiler
 * builds the packages that have no fitting wheel, and a later stage copies the result
 * (`COPY --from=<stage>`, `RUN --mount=...,from=<stage>`) and installs it without compiling.
 */
import { type DependencyFacts, installsCompiler } from '../deps/facts.js';
import { dockerfileOf, type EmbeddedDockerfile } from '../model/project.js';
import type { PythonReference, RuleContext } from './types.js';

/** How the PB2xx rules judge a stage fed by a builder, for their documentation. */
export const builderStageNote =
  'A stage that takes files from an earlier stage with a C compiler (`COPY --from=<stage>` or ' +
  '`RUN --mount=...,from=<stage>`; see PB205) is taken to install what that builder built: packages ' +
  "pip would build from source are judged on the builder's own `FROM` line, not on this one, while " +
  'packages that cannot be installed at all (no fitting wheel and no sdist, or excluded by ' +
  'requires-python) are reported on both.';

/** Verdicts of the dependency engine that mean "pip builds the sdist" and "pip cannot install it". */
type BuildVerdict = 'sdist-build' | 'unavailable';

export interface StageBuilders {
  /**
   * The earlier stage (index) of the same Dockerfile that the reference's stage copies files from
   * and that has a C compiler, when there is one. Only for `FROM` references.
   */
  builderOf(pr: PythonReference): number | undefined;
}

/** Something read from a Dockerfile: of a file, or of a Dockerfile written in one. */
type InDockerfile = { file: string; embedded?: EmbeddedDockerfile };

/**
 * The text of every RUN instruction of one stage of the Dockerfile `item` was read from (a file of
 * the project, or a Dockerfile written in a compose file), joined.
 */
export function stageRunTextOf(
  ctx: RuleContext,
  facts: DependencyFacts,
  item: InDockerfile,
  index: number,
): string | undefined {
  const key = item.embedded?.key;
  if (key === undefined) return facts.stageRunText(item.file, index);
  const written = ctx.extraction.embeddedDockerfiles?.find((d) => d.file === item.file && d.key === key);
  return written ? facts.stageRunText(item.file, index, written) : undefined;
}

/** Stage compiler facts of the project, computed on demand and once per stage. */
export function stageBuilders(ctx: RuleContext, facts: DependencyFacts): StageBuilders {
  const known = new Map<string, boolean>();
  const hasCompiler = (item: InDockerfile, index: number, seen: Set<number>): boolean => {
    const dockerfile = dockerfileOf(item);
    const key = `${dockerfile}\u0000${index}`;
    const cached = known.get(key);
    if (cached !== undefined) return cached;
    if (seen.has(index)) return false;
    seen.add(index);
    let answer = installsCompiler(stageRunTextOf(ctx, facts, item, index) ?? '');
    if (!answer) {
      // A full (non-slim) python image ships gcc; a stage built FROM another stage inherits its tools.
      const from = ctx.python.find(
        (p) =>
          p.ref.kind === 'dockerfile-from' &&
          dockerfileOf(p.ref) === dockerfile &&
          p.ref.dockerStage?.index === index,
      );
      if (from) answer = from.image.python?.variant === 'full';
      else {
        const base = ctx.stageBases.find(
          (b) => dockerfileOf(b) === dockerfile && b.dockerStage.index === index,
        );
        if (base?.baseStageIndex !== undefined) answer = hasCompiler(item, base.baseStageIndex, seen);
      }
    }
    known.set(key, answer);
    return answer;
  };
  const copies = ctx.extraction.stageCopies ?? [];
  return {
    builderOf(pr) {
      const stage = pr.ref.dockerStage;
      if (pr.ref.kind !== 'dockerfile-from' || !stage) return undefined;
      const dockerfile = dockerfileOf(pr.ref);
      for (const c of copies) {
        if (dockerfileOf(c) !== dockerfile || c.stageIndex !== stage.index) continue;
        if (hasCompiler(c, c.fromStageIndex, new Set())) return c.fromStageIndex;
      }
      return undefined;
    },
  };
}

/**
 * True when a package with this verdict is a problem for the stage itself: a package pip would build
 * from its sdist is the builder's business when the stage takes its files from a builder with a
 * compiler (the builder stage is judged on its own line); a package pip cannot install at all is a
 * problem everywhere.
 */
export function failsHere(verdict: string, builder: number | undefined): verdict is BuildVerdict {
  if (verdict === 'unavailable') return true;
  return verdict === 'sdist-build' && builder === undefined;
}
