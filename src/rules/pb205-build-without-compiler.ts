import { dependencyFactsOf, installsCompiler, nameList, referencesWithFacts } from '../deps/facts.js';
import { stageBuilders, stageRunTextOf } from './builder-stages.js';
import { makeFinding } from './finding.js';
import { placeableImages, shown } from './helpers.js';
import type { Rule } from './types.js';

export const pb205: Rule = {
  code: 'PB205',
  name: 'build-without-compiler',
  summary: 'a slim or Alpine stage that must build sdists but installs no compiler',
  defaultSeverity: { dev: 'off', ci: 'warning', build: 'error', prod: 'error' },
  docs: {
    whatItDoes:
      'For a Dockerfile stage based on a slim or Alpine python image (which ship no C compiler), finds ' +
      'locked packages with native code (binary wheels for other targets) that have no fitting wheel there, ' +
      'so pip must build the sdist, while no RUN line of ' +
      'the stage installs a compiler (`apt-get install gcc|build-essential`, `apk add build-base|gcc`). ' +
      'A stage that takes files from an earlier stage with a compiler (`COPY --from=<stage>` or ' +
      '`RUN --mount=...,from=<stage>`, where that stage installs a compiler, starts from a full python ' +
      'image, or is built FROM such a stage) is the wheelhouse pattern: the builder compiles, this stage ' +
      'installs the result, and it is not flagged (the builder is judged on its own `FROM` line).',
    whyIsThisBad:
      'The build fails with "error: command \'gcc\' failed" or "Python.h: No such file", often only on one ' +
      'architecture or after a Python upgrade.',
    example: 'FROM python:3.12-slim\nRUN pip install -r requirements.txt',
    useInstead:
      'FROM python:3.12.14-slim-trixie AS build\nRUN apt-get update && apt-get install -y --no-install-recommends build-essential\nRUN pip wheel -w /wheels -r requirements.txt\nFROM python:3.12.14-slim-trixie\nCOPY --from=build /wheels /wheels\nRUN pip install --no-index /wheels/*',
    fix: 'Install a compiler in a builder stage and copy the built wheels, or use versions with wheels. Not automatic.',
    options: [],
  },
  check(ctx) {
    const facts = dependencyFactsOf(ctx.dependencies);
    if (!facts) return [];
    const builders = stageBuilders(ctx, facts);
    return referencesWithFacts(placeableImages(ctx.python), facts, ctx.date).flatMap(
      ({ pr, facts: image }) => {
        if (image.candidate.hasCompiler || pr.ref.kind !== 'dockerfile-from' || !pr.ref.dockerStage)
          return [];
        // The wheelhouse pattern: an earlier stage with a compiler builds, this one installs the result.
        if (builders.builderOf(pr) !== undefined) return [];
        // Only packages known to hold native code (binary wheels elsewhere) need a compiler: one that
        // publishes nothing but an sdist is usually pure Python, which pip builds without one.
        const native = new Set(image.report.packages.filter((s) => s.hasBinaryWheels).map((s) => s.name));
        const builds = new Set<string>();
        for (const r of image.report.images) {
          for (const p of r.packages)
            if (p.verdict === 'sdist-build' && native.has(p.name)) builds.add(p.name);
        }
        if (builds.size === 0) return [];
        const runText = stageRunTextOf(ctx, facts, pr.ref, pr.ref.dockerStage.index);
        if (runText === undefined || installsCompiler(runText)) return [];
        return [
          makeFinding(pb205, {
            stage: pr.ref.stage,
            location: pr.ref.range,
            message: `${shown(pr)} has no C compiler and this stage installs none, but pip must build ${nameList([...builds])} from source`,
            hint:
              image.candidate.libc.family === 'musl'
                ? 'add `RUN apk add --no-cache build-base` to the stage, or use a Debian image with wheels'
                : 'build the wheels in a builder stage that installs a compiler (`RUN apt-get update && apt-get install -y --no-install-recommends build-essential`) and COPY --from it, or install the compiler in this stage',
            data: { image: image.candidate.tag, packages: [...builds] },
          }),
        ];
      },
    );
  },
};
