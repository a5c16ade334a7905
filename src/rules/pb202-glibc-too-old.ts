import { compareDotted } from '../deps/candidates.js';
import { dependencyFactsOf, nameList, referencesWithFacts } from '../deps/facts.js';
import { type Arch, archSpelling } from '../model/platform.js';
import { builderStageNote, failsHere, stageBuilders } from './builder-stages.js';
import { makeFinding } from './finding.js';
import { placeableImages, shown } from './helpers.js';
import type { Rule } from './types.js';

export const pb202: Rule = {
  code: 'PB202',
  name: 'glibc-too-old',
  summary: "dependencies whose wheels need a newer glibc than the image's distro has",
  defaultSeverity: { dev: 'info', ci: 'warning', build: 'warning', prod: 'error' },
  docs: {
    whatItDoes:
      'For every Debian image the project names, finds locked packages whose manylinux wheels for its ' +
      'Python and architecture all need a newer glibc than the image ships (e.g. `manylinux_2_38` wheels ' +
      'on bookworm, glibc 2.36), and names the package, the glibc its wheels need and the glibc of the image. ' +
      builderStageNote,
    whyIsThisBad:
      'pip skips wheels the libc cannot load and builds the sdist instead (a compiler is needed), or fails ' +
      'when there is none. The usual cause is an old distro (bullseye, bookworm) under a recent lock.',
    example: 'FROM python:3.12-slim-bookworm',
    useInstead: 'FROM python:3.12.14-slim-trixie',
    fix: 'Move to the newer distro of the same Python (`pybase fix` can rewrite the tag), or pin older releases of the packages.',
    options: [
      {
        key: 'archs',
        description: 'Architectures the images are built for.',
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
        if (candidate.libc.family !== 'glibc') return [];
        const builder = builders.builderOf(pr);
        const found: { name: string; arch: Arch; need: string }[] = [];
        for (const result of image.report.images) {
          for (const p of result.packages) {
            if (!failsHere(p.verdict, builder)) continue;
            const need = facts.glibcNeeded(p.name, candidate, result.arch);
            if (need && compareDotted(need, candidate.libc.version) > 0) {
              found.push({ name: p.name, arch: result.arch, need });
            }
          }
        }
        if (found.length === 0) return [];
        const names = [
          ...new Set(found.map((f) => `${f.name} (glibc >= ${f.need} on ${archSpelling(f.arch)})`)),
        ];
        return [
          makeFinding(pb202, {
            stage: pr.ref.stage,
            location: pr.ref.range,
            message: `${shown(pr)} has glibc ${candidate.libc.version} (${candidate.tag}), older than the wheels of ${nameList(names, 4)} need`,
            hint: 'use the newest Debian release of this Python (e.g. the -trixie tag)',
            data: { image: candidate.tag, glibc: candidate.libc.version, packages: found },
          }),
        ];
      },
    );
  },
};
