import { levels, makeFinding } from './finding.js';
import { pinnedTag, resolvesTo, shown, unpublished } from './helpers.js';
import type { Rule } from './types.js';

export const pb002: Rule = {
  code: 'PB002',
  name: 'major-only-tag',
  summary: 'python tag that names only the major version (`3`, `3-slim`)',
  defaultSeverity: levels('error', { dev: 'warning' }),
  docs: {
    whatItDoes:
      'Flags python tags whose version is only the major number, such as `3`, `3-slim` or `3-alpine`. ' +
      'A reference pinned by digest is left alone.',
    whyIsThisBad:
      '`3` follows the newest Python 3 minor, exactly like `latest`: a new minor arrives once a year and ' +
      'changes the interpreter under the project without a commit.',
    example: 'FROM python:3-slim',
    useInstead: 'FROM python:3.13-slim-trixie',
    fix: 'Replace the major with the minor (or the full patch) the tag resolves to today.',
    options: [],
  },
  check(ctx) {
    return ctx.python.flatMap((pr) => {
      const tag = pr.image.python;
      if (tag?.precision !== 'major' || pr.image.digest || unpublished(pr)) return [];
      const pin = pinnedTag(pr);
      return [
        makeFinding(pb002, {
          stage: pr.ref.stage,
          location: pr.ref.range,
          message: `${shown(pr)} names only Python ${tag.version?.major}: it moves to every new minor release${resolvesTo(pr, ctx.date)}`,
          hint: pin
            ? `name the minor or the patch, e.g. python:${pin}`
            : "name the minor version ('pybase tags' lists the published tags)",
          data: { tag: tag.raw, ...(pin ? { suggestion: pin } : {}) },
        }),
      ];
    });
  },
};
