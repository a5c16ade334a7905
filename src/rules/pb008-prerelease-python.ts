import { makeFinding } from './finding.js';
import { shown } from './helpers.js';
import type { Rule } from './types.js';

export const pb008: Rule = {
  code: 'PB008',
  name: 'prerelease-python',
  summary: 'pre-release Python (`3.15-rc`, `3.15.0b3`) outside development',
  defaultSeverity: { dev: 'off', ci: 'info', build: 'error', prod: 'error' },
  docs: {
    whatItDoes:
      'Flags python tags carrying an alpha, beta or release candidate (`3.15.0rc1`, `3.15-rc`, `rc`) in CI ' +
      '(information: testing the next Python early is good practice), builder stages and production.',
    whyIsThisBad:
      'Pre-releases change until the final release, get no security support, and many packages publish ' +
      'no wheels for them yet.',
    example: 'FROM python:3.15-rc-slim',
    useInstead: 'FROM python:3.14.7-slim-trixie',
    fix: 'Use the newest final release in production; keep the pre-release in an extra CI job.',
    options: [],
  },
  check(ctx) {
    return ctx.python.flatMap((pr) => {
      const tag = pr.image.python;
      if (!tag?.prerelease) return [];
      return [
        makeFinding(pb008, {
          stage: pr.ref.stage,
          location: pr.ref.range,
          message: `${shown(pr)} is a pre-release of Python, used in ${pr.ref.stage}`,
          hint: 'use a final release here; test the pre-release in a separate CI job',
          data: { tag: tag.raw },
        }),
      ];
    });
  },
};
