import { dependencyFactsOf, nameList, referencesWithFacts } from '../deps/facts.js';
import { archSpelling } from '../model/platform.js';
import { builderStageNote, failsHere, stageBuilders } from './builder-stages.js';
import { makeFinding } from './finding.js';
import { placeableImages, shown } from './helpers.js';
import type { Rule } from './types.js';

export const pb201: Rule = {
  code: 'PB201',
  name: 'musl-without-wheels',
  summary: 'an Alpine (musl) image for dependencies that publish no musllinux wheel for its Python',
  defaultSeverity: { dev: 'info', ci: 'warning', build: 'warning', prod: 'warning' },
  docs: {
    whatItDoes:
      'For every Alpine image the project names, judges the locked dependencies on that image and each ' +
      'configured architecture, and names the packages that have no musllinux wheel for its Python: pip ' +
      'has to build them from source there, or cannot install them at all. ' +
      builderStageNote,
    whyIsThisBad:
      'Most binary packages publish manylinux (glibc) wheels; far fewer publish musllinux ones. On Alpine ' +
      'pip then compiles them (slow, needs build-base and headers, can fail) or gives up when there is no ' +
      'sdist (torch, the nvidia-* packages).',
    example: 'FROM python:3.12-alpine\nRUN pip install -r requirements.txt  # numba, torch ...',
    useInstead: 'FROM python:3.12.14-slim-trixie\nRUN pip install -r requirements.txt',
    fix: 'Move to a Debian slim image of the same Python, or pin releases that publish musllinux wheels. Not automatic.',
    options: [
      {
        key: 'archs',
        description: 'Architectures the images are built for (docker-library names or OCI platforms).',
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
        if (image.candidate.libc.family !== 'musl') return [];
        const builder = builders.builderOf(pr);
        const byArch: string[] = [];
        const names = new Set<string>();
        // Packages with neither a fitting wheel nor an sdist: no compiler helps on musl.
        const unbuildable = new Set<string>();
        for (const result of image.report.images) {
          const missing = result.packages
            .filter((p) => failsHere(p.verdict, builder))
            .filter((p) => {
              // A musl problem only: the package publishes binary wheels (for glibc, say) but none
              // fits here. One the index does not have, or whose requires-python excludes this
              // Python (PB203), cannot be installed on any image: not alpine's doing.
              const summary = image.report.packages.find((s) => s.name === p.name);
              return summary?.hasBinaryWheels === true && !/requires Python '/.test(p.reason);
            })
            .map((p) => {
              if (p.verdict === 'unavailable') unbuildable.add(p.name);
              return p.name;
            });
          if (missing.length === 0) continue;
          for (const n of missing) names.add(n);
          byArch.push(`${archSpelling(result.arch)}: ${nameList(missing)}`);
        }
        if (names.size === 0) return [];
        return [
          makeFinding(pb201, {
            stage: pr.ref.stage,
            location: pr.ref.range,
            message: `${shown(pr)} uses musl (${image.candidate.tag}), but ${names.size} locked package${names.size === 1 ? ' has' : 's have'} no musllinux wheel for Python ${image.candidate.python} (${byArch.join('; ')})`,
            hint:
              unbuildable.size > 0
                ? `use a Debian slim image: ${nameList([...unbuildable])} cannot be installed on musl at all (no fitting wheel and no sdist to build)`
                : 'use a Debian slim image, or make sure the build stage can compile these packages',
            data: { image: image.candidate.tag, packages: [...names] },
          }),
        ];
      },
    );
  },
};
