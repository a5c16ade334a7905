import { levels, makeFinding } from './finding.js';
import { pinnedTag, resolvesTo, shown, unpublished } from './helpers.js';
import type { Rule } from './types.js';

export const pb001: Rule = {
  code: 'PB001',
  name: 'latest-tag',
  summary: 'python image without a version: no tag, `latest`, or a version-less tag such as `slim`',
  defaultSeverity: levels('error', { dev: 'warning' }),
  docs: {
    whatItDoes:
      'Flags python image references that name no Python version: no tag at all (which means `latest`), ' +
      '`latest`, or a tag such as `slim`, `alpine` or `bookworm`. A reference pinned by digest is left alone.',
    whyIsThisBad:
      'Such a tag follows the newest Python minor. The next pull can bring a new Python (and a new Debian ' +
      'release) without any change in the repository: builds stop being reproducible and dependencies ' +
      'without wheels for the new Python break.',
    example: 'FROM python:latest\nFROM python\nFROM python:slim',
    useInstead: 'FROM python:3.13.9-slim-trixie',
    fix: 'Pin the Python minor (better: the patch and the distro) the tag resolves to today. The fix changes the image only if the pin is older than what the tag gives now.',
    options: [],
  },
  check(ctx) {
    return ctx.python.flatMap((pr) => {
      const tag = pr.image.python;
      if (!tag || tag.version || pr.image.digest || unpublished(pr)) return [];
      const what =
        pr.image.tag === undefined ? 'has no tag, so it means `latest`' : `names no Python version`;
      const pin = pinnedTag(pr);
      return [
        makeFinding(pb001, {
          stage: pr.ref.stage,
          location: pr.ref.range,
          message: `${shown(pr)} ${what}: the image moves to every new Python release${resolvesTo(pr, ctx.date)}`,
          hint: pin
            ? `pin the version, e.g. python:${pin}`
            : "pin a Python version ('pybase tags' lists the published tags)",
          data: { tag: tag.raw, ...(pin ? { suggestion: pin } : {}) },
        }),
      ];
    });
  },
};
