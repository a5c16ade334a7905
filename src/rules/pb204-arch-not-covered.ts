import { dependencyFactsOf, nameList, referencesWithFacts } from '../deps/facts.js';
import type { Diagnostic } from '../model/diagnostic.js';
import { type Arch, archSpelling } from '../model/platform.js';
import { builderStageNote, failsHere, stageBuilders } from './builder-stages.js';
import { makeFinding } from './finding.js';
import { pinnedTag, placeableImages, shown } from './helpers.js';
import type { PythonReference, Rule } from './types.js';

export const pb204: Rule = {
  code: 'PB204',
  name: 'arch-not-covered',
  summary: 'an image not published for a configured architecture, or dependencies with no wheel for it',
  defaultSeverity: { dev: 'info', ci: 'warning', build: 'error', prod: 'error' },
  docs: {
    whatItDoes:
      'Checks every configured architecture (`archs`): the tag must be published for it (read from the ' +
      'tag list, for every project), and, when the project has a lock or dependency file, locked packages ' +
      'that install from a wheel on another architecture of the same image must have one for it too. ' +
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
    const out: Diagnostic[] = [];
    // Publication: what the tag list says, for every reference, with or without dependencies.
    const unpublishedOf = new Map<PythonReference, Arch[]>();
    for (const pr of ctx.python) {
      const published = pr.status?.state === 'current' ? pr.status.facts.architectures : undefined;
      if (!published) continue;
      const missing = ctx.options.archs.filter((a) => !published.includes(a));
      if (missing.length === 0) continue;
      unpublishedOf.set(pr, missing);
      const image = pinnedTag(pr);
      out.push(
        makeFinding(pb204, {
          stage: pr.ref.stage,
          location: pr.ref.range,
          message: `${shown(pr)}${image && image !== pr.image.tag ? ` (${image})` : ''} is not published for ${missing.map(archSpelling).join(', ')}`,
          hint: `it is published for ${published.map(archSpelling).join(', ')}`,
          data: { ...(image ? { image } : {}), architectures: missing },
        }),
      );
    }
    // Wheels: locked packages per architecture, when the project has dependencies.
    const facts = dependencyFactsOf(ctx.dependencies);
    if (!facts) return out;
    const builders = stageBuilders(ctx, facts);
    for (const { pr, facts: image } of referencesWithFacts(placeableImages(ctx.python), facts, ctx.date)) {
      const { candidate } = image;
      const builder = builders.builderOf(pr);
      const unpublished =
        unpublishedOf.get(pr) ??
        (image.architecturesKnown ? facts.archs.filter((a) => !candidate.architectures.includes(a)) : []);
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
            message: `${shown(pr)} on ${archSpelling(r.arch)}: no wheel for ${nameList(missing)}, which install from wheels on other architectures`,
            hint: 'pin releases with wheels for this architecture, or build them in a stage with a compiler',
            data: { image: candidate.tag, arch: r.arch, packages: missing },
          }),
        );
      }
    }
    return out;
  },
};
