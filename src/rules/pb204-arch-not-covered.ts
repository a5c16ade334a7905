import { dependencyFactsOf, nameList, referencesWithFacts } from '../deps/facts.js';
import { builderStageNote, failsHere, stageBuilders } from './builder-stages.js';
import { makeFinding } from './finding.js';
import { placeableImages, shown } from './helpers.js';
import type { Rule } from './types.js';

export const pb204: Rule = {
  code: 'PB204',
  name: 'arch-not-covered',
  summary: 'an image not published for a configured architecture, or dependencies with no wheel for it',
  defaultSeverity: { dev: 'info', ci: 'warning', build: 'error', prod: 'error' },
  docs: {
    whatItDoes:
      'Checks every configured architecture (`archs`): the tag must be published for it, and locked ' +
      'packages that install from a wheel on another architecture of the same image must have one for ' +
      'it too. ' +
      builderStageNote,
    whyIsThisBad:
      'A multi-platform build (`docker buildx --platform linux/amd64,linux/arm64`) fails on the missing ' +
      'platform, or silently compiles packages from source there.',
    example: '# archs = ["amd64", "arm64v8", "s390x"]\nFROM python:3.12-slim-bookworm',
    useInstead: 'FROM python:3.12.14-slim-trixie',
    fix: 'Pick a tag published for every architecture (trixie images cover more), or drop the architecture.',
    options: [
      {
        key: 'archs',
        description: 'Architectures the images must support (amd64, arm64v8, arm32v7, ppc64le, s390x, ...).',
        default: '["amd64", "arm64v8"]',
      },
    ],
  },
  check(ctx) {
    const facts = dependencyFactsOf(ctx.dependencies);
    if (!facts) return [];
    const builders = stageBuilders(ctx, facts);
    return referencesWithFacts(placeableImages(ctx.python), facts, ctx.date).flatMap(
      ({ pr, facts: image }) => {
        const { candidate } = image;
        const builder = builders.builderOf(pr);
        const out = [];
        const unpublished = image.architecturesKnown
          ? facts.archs.filter((a) => !candidate.architectures.includes(a))
          : [];
        if (unpublished.length > 0) {
          out.push(
            makeFinding(pb204, {
              stage: pr.ref.stage,
              location: pr.ref.range,
              message: `${shown(pr)} (${candidate.tag}) is not published for ${unpublished.join(', ')}`,
              hint: `it is published for ${candidate.architectures.join(', ')}`,
              data: { image: candidate.tag, architectures: unpublished },
            }),
          );
        }
        const good = new Set<string>();
        for (const r of image.report.images) {
          for (const p of r.packages) if (p.verdict === 'wheel' || p.verdict === 'pure') good.add(p.name);
        }
        for (const r of image.report.images) {
          if (unpublished.includes(r.arch)) continue;
          const missing = r.packages
            .filter((p) => failsHere(p.verdict, builder) && good.has(p.name))
            .map((p) => p.name);
          if (missing.length === 0) continue;
          out.push(
            makeFinding(pb204, {
              stage: pr.ref.stage,
              location: pr.ref.range,
              message: `${shown(pr)} on ${r.arch}: no wheel for ${nameList(missing)}, which install from wheels on other architectures`,
              hint: 'pin releases with wheels for this architecture, or build them in a stage with a compiler',
              data: { image: candidate.tag, arch: r.arch, packages: missing },
            }),
          );
        }
        return out;
      },
    );
  },
};
