import { dependencyFactsOf, nameList, referencesWithFacts } from '../deps/facts.js';
import { builderStageNote, failsHere, stageBuilders } from './builder-stages.js';
import { makeFinding } from './finding.js';
import { placeableImages, shown } from './helpers.js';
import type { Rule } from './types.js';

export const pb203: Rule = {
  code: 'PB203',
  name: 'python-unsupported-by-deps',
  summary:
    "locked dependencies that publish no wheel for the image's Python, or exclude it by requires-python",
  defaultSeverity: { dev: 'info', ci: 'warning', build: 'error', prod: 'error' },
  docs: {
    whatItDoes:
      "Finds locked packages that ship binary wheels, but none for the image's Python minor (so pip builds " +
      "the sdist), and packages whose requires-python excludes the image's Python (so pip cannot install " +
      'the locked release at all). ' +
      builderStageNote,
    whyIsThisBad:
      'A Python upgrade in the Dockerfile that the lock does not follow: the build compiles packages ' +
      'from source or fails with "no matching distribution".',
    example: 'FROM python:3.12-slim   # the lock pins numpy 1.24.4 (wheels up to cp311)',
    useInstead: 'FROM python:3.11.16-slim-trixie   # or update numpy in the lock',
    fix: 'Either keep the Python the lock was made for, or update the lock for the new Python. Not automatic.',
    options: [],
  },
  check(ctx) {
    const facts = dependencyFactsOf(ctx.dependencies);
    if (!facts) return [];
    const builders = stageBuilders(ctx, facts);
    return referencesWithFacts(placeableImages(ctx.python), facts, ctx.date).flatMap(
      ({ pr, facts: image }) => {
        const minor = image.candidate.python;
        const builder = builders.builderOf(pr);
        const noWheel = new Set<string>();
        const excluded = new Set<string>();
        for (const result of image.report.images) {
          for (const p of result.packages) {
            if (p.verdict === 'unavailable' && /requires Python '/.test(p.reason)) {
              excluded.add(p.version ? `${p.name} ${p.version}` : p.name);
              continue;
            }
            if (!failsHere(p.verdict, builder)) continue;
            const summary = image.report.packages.find((s) => s.name === p.name);
            if (summary?.hasBinaryWheels && !(summary.wheelPythons ?? []).includes(minor)) {
              noWheel.add(p.version ? `${p.name} ${p.version}` : p.name);
            }
          }
        }
        const parts: string[] = [];
        if (noWheel.size > 0)
          parts.push(`no cp${minor.replace('.', '')} wheel for ${nameList([...noWheel])}`);
        if (excluded.size > 0) parts.push(`requires-python excludes it for ${nameList([...excluded])}`);
        if (parts.length === 0) return [];
        return [
          makeFinding(pb203, {
            stage: pr.ref.stage,
            location: pr.ref.range,
            message: `${shown(pr)} runs Python ${image.candidate.pythonVersion}, which the locked dependencies do not support: ${parts.join('; ')}`,
            hint: 'update the lock for this Python, or use the Python the lock was made for',
            data: { image: image.candidate.tag, noWheel: [...noWheel], excluded: [...excluded] },
          }),
        ];
      },
    );
  },
};
