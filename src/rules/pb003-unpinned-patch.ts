import { levels, makeFinding } from './finding.js';
import { pinnedTag, resolvesTo, shown, unpublished } from './helpers.js';
import type { Rule } from './types.js';

export const pb003: Rule = {
  code: 'PB003',
  name: 'unpinned-patch',
  summary: 'python tag pinned to a minor only (`3.12-slim`) in CI, build or production',
  defaultSeverity: levels('warning', { dev: 'off' }),
  docs: {
    whatItDoes:
      'Flags python tags that name a minor version but not the patch (`3.12`, `3.12-slim-trixie`) in CI, ' +
      'builder stages and production. Development images may float; pre-release lines (`3.15-rc`) are PB008. ' +
      'A reference pinned by digest is left alone.',
    whyIsThisBad:
      'A minor tag is rebuilt for every patch release: CI runs drift from one day to the next and a ' +
      'production rebuild can change Python under a release that was tested with another patch.',
    example: 'FROM python:3.12-slim',
    useInstead: 'FROM python:3.12.14-slim-trixie',
    fix: 'Pin the patch and the distro the tag resolves to today; a bot (or `pybase fix`) keeps the pin current.',
    options: [
      {
        key: 'severity.PB003',
        description: 'turn the rule on for dev with `{ dev = "info" }`',
        default: 'off in dev',
      },
    ],
  },
  check(ctx) {
    return ctx.python.flatMap((pr) => {
      const tag = pr.image.python;
      if (tag?.precision !== 'minor' || tag.rcLine || pr.image.digest || unpublished(pr)) return [];
      const pin = pinnedTag(pr);
      return [
        makeFinding(pb003, {
          stage: pr.ref.stage,
          location: pr.ref.range,
          message: `${shown(pr)} does not pin the Python patch: each patch release changes the image${resolvesTo(pr, ctx.date)}`,
          hint: pin
            ? `pin it: python:${pin}`
            : "pin the patch and the distro ('pybase tags' lists the published tags)",
          data: { tag: tag.raw, ...(pin ? { suggestion: pin } : {}) },
        }),
      ];
    });
  },
};
